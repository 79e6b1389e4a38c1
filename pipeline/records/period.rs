//! Reporting periods: a year or a part of one, and their text form (`2011`, `2014-Q1`,
//! `2014-H1`, `2010-9M` for the first nine months, `2014-M09` for September), which is what the
//! tables and the gold files hold.

/// A reporting period: a year, or a part of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Period {
    pub year: i32,
    pub part: PeriodPart,
}

/// The part of the year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeriodPart {
    Year,
    Quarter(u8),
    Half(u8),
    /// The first N months of the year, cumulative (`9 tháng đầu năm`, `tính đến hết tháng
    /// 10`): `2010-9M`. N = 3, 6, 12 are written as Q1, H1 and the year instead.
    Months(u8),
    /// One month (`trong tháng 11`, a monthly report): `2011-M11`.
    Month(u8),
    /// Several whole years, from the period's year through this many more (`giai đoạn 2011 -
    /// 2015`, `từ năm 2011 đến nay` on a page of 2015: four more): `2011-2015`. (A count, not the
    /// last year: the part stays two bytes, and a fold's group with it.)
    Through(u8),
}

impl PeriodPart {
    /// The last month the part covers (`9M` and `Q3`: 9; the year: 12).
    pub fn last_month(self) -> u8 {
        match self {
            PeriodPart::Year => 12,
            PeriodPart::Quarter(q) => q * 3,
            PeriodPart::Half(h) => h * 6,
            PeriodPart::Months(n) | PeriodPart::Month(n) => n,
            PeriodPart::Through(_) => 12,
        }
    }
}

impl Period {
    /// A quarter's number written in Roman or Arabic numerals (`iii`, `3`), in match form.
    pub fn quarter_number(w: &str) -> Option<u8> {
        match w {
            "i" | "1" => Some(1),
            "ii" | "2" => Some(2),
            "iii" | "3" => Some(3),
            "iv" | "4" => Some(4),
            _ => None,
        }
    }

    /// A month written as a number or a word (`6`, `Sáu`, `mười hai`, `Giêng`, `Chạp`), in
    /// match form (rule `period.spelled_month`). Callers whose text makes a word ambiguous
    /// (`tháng năm 2020`, `trong tháng một số`) leave it out of what they capture.
    pub fn month_number(w: &str) -> Option<u8> {
        let m = match w {
            "một" | "giêng" => 1,
            "hai" => 2,
            "ba" => 3,
            "tư" | "bốn" => 4,
            "năm" => 5,
            "sáu" => 6,
            "bảy" => 7,
            "tám" => 8,
            "chín" => 9,
            "mười" => 10,
            "mười một" => 11,
            "mười hai" | "chạp" => 12,
            d => d.parse().ok()?,
        };
        (1..=12).contains(&m).then_some(m)
    }

    pub fn year(year: i32) -> Self {
        Period {
            year,
            part: PeriodPart::Year,
        }
    }

    /// Several whole years, `start` through `end` (`2011-2015`); None unless `end` is later,
    /// within a century.
    pub fn through(start: i32, end: i32) -> Option<Self> {
        let more = u8::try_from(end - start).ok().filter(|n| (1..=100).contains(n))?;
        Some(Period {
            year: start,
            part: PeriodPart::Through(more),
        })
    }

    /// Parse the `2014`, `2014-Q1`, `2014-H1`, `2014-9M` (first nine months), `2014-M09`
    /// (September) and `2011-2015` (several years) forms.
    pub fn parse(s: &str) -> Option<Self> {
        let (y, rest) = match s.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (s, None),
        };
        let year: i32 = y.parse().ok()?;
        let part = match rest {
            None => PeriodPart::Year,
            Some(r) if r.ends_with('M') && r.len() > 1 => {
                let n: u8 = r[..r.len() - 1].parse().ok()?;
                match n {
                    // the first month is January (`2022-1M` reads as `2022-M01`)
                    1 => PeriodPart::Month(1),
                    2..=11 => PeriodPart::Months(n),
                    _ => return None,
                }
            }
            Some(r) if r.len() == 4 && r.bytes().all(|b| b.is_ascii_digit()) => {
                return Period::through(year, r.parse().ok()?);
            }
            Some(r) => {
                let (k, n) = r.split_at_checked(1)?;
                let n: u8 = n.parse().ok()?;
                match k {
                    "Q" if (1..=4).contains(&n) => PeriodPart::Quarter(n),
                    "H" if (1..=2).contains(&n) => PeriodPart::Half(n),
                    "M" if (1..=12).contains(&n) => PeriodPart::Month(n),
                    _ => return None,
                }
            }
        };
        Some(Period { year, part })
    }

    /// The first `n` months of `year`, as the conventions label them: 3 months are Q1, 6 are
    /// H1, 12 the year, and the first month is January (`M01`: the same window).
    pub fn first_months(year: i32, n: u8) -> Option<Self> {
        let part = match n {
            1 => PeriodPart::Month(1),
            3 => PeriodPart::Quarter(1),
            6 => PeriodPart::Half(1),
            12 => PeriodPart::Year,
            2..=11 => PeriodPart::Months(n),
            _ => return None,
        };
        Some(Period { year, part })
    }

    /// The months of `year` a level dated to a day holds (`tính đến ngày 30/4/2023` is
    /// `2023-4M`): a day in a month's first week dates figures compiled at the end of the month
    /// before (`tính đến ngày 04/7/2025` is `2025-H1`; `02/01/2020` is 2019). Rule
    /// `period.day_window`.
    pub fn up_to_day(year: i32, month: u8, day: u8) -> Option<Self> {
        /// The days of a month's first week: the figures are the month before's.
        const EARLY_DAYS: u8 = 7;
        if !(1..=31).contains(&day) || !(1..=12).contains(&month) {
            return None;
        }
        match (day <= EARLY_DAYS, month) {
            (true, 1) => Some(Period::year(year - 1)),
            (true, m) => Period::first_months(year, m - 1),
            (false, m) => Period::first_months(year, m),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.part {
            PeriodPart::Year => write!(f, "{}", self.year),
            PeriodPart::Quarter(q) => write!(f, "{}-Q{}", self.year, q),
            PeriodPart::Half(h) => write!(f, "{}-H{}", self.year, h),
            PeriodPart::Months(m) => write!(f, "{}-{}M", self.year, m),
            PeriodPart::Month(m) => write!(f, "{}-M{:02}", self.year, m),
            PeriodPart::Through(more) => write!(f, "{}-{}", self.year, self.year + i32::from(more)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_round_trips_through_its_text_form() {
        for s in [
            "2011",
            "2014-Q1",
            "2014-H1",
            "2010-9M",
            "2011-11M",
            "2014-M09",
            "2014-M03",
            "2011-2015",
        ] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        // the first 9 months and the month of September are different windows
        assert_ne!(Period::parse("2014-9M"), Period::parse("2014-M09"));
        assert_eq!(Period::first_months(2014, 6).unwrap().to_string(), "2014-H1");
        assert_eq!(Period::first_months(2014, 12).unwrap().to_string(), "2014");
        // the first month of the year is January
        assert_eq!(Period::first_months(2022, 1).unwrap().to_string(), "2022-M01");
        assert_eq!(Period::parse("2014-Q5"), None);
        assert_eq!(Period::parse("2014-12M"), None);
        assert_eq!(Period::parse("abc"), None);
        // a span ends after it starts
        assert_eq!(Period::parse("2015-2011"), None);
    }
}
