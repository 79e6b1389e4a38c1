//! The record the fold keeps of one fact between the documents and the barrier.
//!
//! Input: a fact's group key and candidate fields ([`Held`]) with its document's name. Output:
//! the bytes appended to the province's partition of the spill store ([`super::spill`]), and
//! back. Invariant: a record decodes to what was encoded (every status, basis and period kind);
//! a record cut short or holding an unknown code is an error, never a wrong value.

use std::num::NonZeroU32;

use chrono::{Datelike, NaiveDate};

use super::spill::{Dec, Enc};
use crate::records::{Basis, Period, PeriodPart, Status};
use crate::{Error, Result};

type Id = NonZeroU32;
type GroupKey = (Id, Period, Id, Status, Option<Basis>);

/// What the fold keeps of one fact until the barrier: its group's key and the candidate's
/// fields, the document by its number in the run (the name travels in the record).
pub(super) struct Held {
    pub(super) key: GroupKey,
    pub(super) doc: u32,
    /// The document's first unflagged value of this group.
    pub(super) doc_first: bool,
    pub(super) value: f64,
    pub(super) value_high: Option<f64>,
    pub(super) flag: Option<Id>,
    pub(super) published: Option<NaiveDate>,
    pub(super) char_start: i64,
    pub(super) char_end: i64,
    pub(super) tier: Id,
    pub(super) unit: Id,
    pub(super) province_code: Id,
}

pub(crate) const STATUSES: [Status; 3] = [Status::Actual, Status::Estimate, Status::Target];
const BASES: [Basis; 2] = [Basis::Stock, Basis::Flow];

/// A status's code in a spilled record (the fold's, `ictstat aggregate`'s gathered facts).
pub(crate) fn status_code(s: Status) -> u8 {
    s as u8
}

/// The status of a code [`status_code`] wrote.
pub(crate) fn status_of_code(c: u8) -> Result<Status> {
    STATUSES
        .get(usize::from(c))
        .copied()
        .ok_or_else(|| Error::Bug(format!("a spilled record holds an unknown status {c}")))
}

/// An optional basis's code in a spilled record (0: none).
pub(crate) fn basis_code(b: Option<Basis>) -> u8 {
    b.map_or(0, |b| b as u8 + 1)
}

/// The optional basis of a code [`basis_code`] wrote.
pub(crate) fn basis_of_code(c: u8) -> Result<Option<Basis>> {
    match c {
        0 => Ok(None),
        c => BASES
            .get(usize::from(c) - 1)
            .map(|b| Some(*b))
            .ok_or_else(|| Error::Bug(format!("a spilled record holds an unknown basis {c}"))),
    }
}

pub(crate) fn part_code(p: PeriodPart) -> (u8, u8) {
    match p {
        PeriodPart::Year => (0, 0),
        PeriodPart::Quarter(n) => (1, n),
        PeriodPart::Half(n) => (2, n),
        PeriodPart::Months(n) => (3, n),
        PeriodPart::Month(n) => (4, n),
        PeriodPart::Through(more) => (5, more),
    }
}

pub(crate) fn part_of_code(tag: u8, n: u8) -> Result<PeriodPart> {
    Ok(match tag {
        0 => PeriodPart::Year,
        1 => PeriodPart::Quarter(n),
        2 => PeriodPart::Half(n),
        3 => PeriodPart::Months(n),
        4 => PeriodPart::Month(n),
        5 => PeriodPart::Through(n),
        _ => return Err(Error::Bug(format!("the fold's spill holds an unknown period kind {tag}"))),
    })
}

fn id_of(v: u32) -> Result<Id> {
    Id::new(v).ok_or_else(|| Error::Bug("the fold's spill holds a null name".into()))
}

impl Held {
    pub(super) fn encode(&self, out: &mut Vec<u8>, doc_name: &str) {
        let (prov, period, metric, status, basis) = self.key;
        let (tag, n) = part_code(period.part);
        let mut e = Enc(out);
        e.u32(prov.get()).i32(period.year).u8(tag).u8(n).u32(metric.get());
        e.u8(status_code(status)).u8(basis_code(basis));
        e.f64(self.value)
            .u8(u8::from(self.value_high.is_some()))
            .f64(self.value_high.unwrap_or(0.0));
        e.i64(self.char_start).i64(self.char_end).u32(self.doc).u8(u8::from(self.doc_first));
        e.u32(self.flag.map_or(0, Id::get));
        e.i32(self.published.map_or(i32::MIN, |d| d.num_days_from_ce()));
        e.u32(self.tier.get()).u32(self.unit.get()).u32(self.province_code.get());
        e.str(doc_name);
    }

    pub(super) fn decode<'a>(d: &mut Dec<'a>) -> Result<(Held, &'a str)> {
        let bug = |what: &str| Error::Bug(format!("the fold's spill holds an unknown {what}"));
        let prov = id_of(d.u32()?)?;
        let year = d.i32()?;
        let (tag, n) = (d.u8()?, d.u8()?);
        let period = Period {
            year,
            part: part_of_code(tag, n)?,
        };
        let metric = id_of(d.u32()?)?;
        let status = status_of_code(d.u8()?)?;
        let basis = basis_of_code(d.u8()?)?;
        let value = d.f64()?;
        let (has_high, high) = (d.u8()? != 0, d.f64()?);
        let (char_start, char_end) = (d.i64()?, d.i64()?);
        let (doc, doc_first) = (d.u32()?, d.u8()? != 0);
        let flag = Id::new(d.u32()?);
        let published = match d.i32()? {
            i32::MIN => None,
            days => Some(NaiveDate::from_num_days_from_ce_opt(days).ok_or_else(|| bug("date"))?),
        };
        let (tier, unit, province_code) = (id_of(d.u32()?)?, id_of(d.u32()?)?, id_of(d.u32()?)?);
        let name = d.str()?;
        let held = Held {
            key: (prov, period, metric, status, basis),
            doc,
            doc_first,
            value,
            value_high: has_high.then_some(high),
            flag,
            published,
            char_start,
            char_end,
            tier,
            unit,
            province_code,
        };
        Ok((held, name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every status, basis and period kind, a missing and a present upper value, flag and date
    /// come back from a record as they went in.
    #[test]
    fn a_record_round_trips() {
        let names = ["Nghệ An", "bts_stations", "implausible", "core", "stations", "40"];
        let id = |n: &str| Id::new(1 + names.iter().position(|x| *x == n).unwrap() as u32).unwrap();
        let parts = [
            PeriodPart::Year,
            PeriodPart::Quarter(3),
            PeriodPart::Half(2),
            PeriodPart::Months(9),
            PeriodPart::Month(11),
        ];
        for (i, part) in parts.into_iter().enumerate() {
            for status in STATUSES {
                for basis in [None, Some(Basis::Stock), Some(Basis::Flow)] {
                    let h = Held {
                        key: (
                            id("Nghệ An"),
                            Period {
                                year: 2000 + i as i32,
                                part,
                            },
                            id("bts_stations"),
                            status,
                            basis,
                        ),
                        doc: 7 + i as u32,
                        doc_first: i.is_multiple_of(2),
                        value: 1.5 * i as f64,
                        value_high: (i % 2 == 1).then_some(9.25),
                        flag: (i == 2).then(|| id("implausible")),
                        published: (i != 3).then(|| NaiveDate::from_ymd_opt(2015, 1, 1 + i as u32).unwrap()),
                        char_start: 10 * i as i64,
                        char_end: 10 * i as i64 + 4,
                        tier: id("core"),
                        unit: id("stations"),
                        province_code: id("40"),
                    };
                    let mut buf = Vec::new();
                    h.encode(&mut buf, "tài-liệu-1");
                    let mut d = Dec::new(&buf);
                    let (back, name) = Held::decode(&mut d).unwrap();
                    assert!(d.is_empty());
                    assert_eq!(name, "tài-liệu-1");
                    assert_eq!(
                        (
                            back.key,
                            back.doc,
                            back.doc_first,
                            back.value,
                            back.value_high,
                            back.flag,
                            back.published
                        ),
                        (h.key, h.doc, h.doc_first, h.value, h.value_high, h.flag, h.published)
                    );
                    assert_eq!(
                        (back.char_start, back.char_end, back.tier, back.unit, back.province_code),
                        (h.char_start, h.char_end, h.tier, h.unit, h.province_code)
                    );
                }
            }
        }
    }
}
