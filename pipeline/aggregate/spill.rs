//! A store of byte records in numbered partitions that spills to disk past a memory budget.
//!
//! Input: records appended to a partition ([`Spill::push`]), in order. Output: a partition's
//! records in the order they were appended ([`Spill::take`]), the part spilled to its file
//! followed by the part still in memory.
//! Invariants: at most `budget` bytes of records are held in memory (past it, every partition's
//! buffer is appended to its file and freed); a partition taken is gone (its file removed); a
//! store without a folder never spills (the tests, and the small folds of `ictstat aggregate` on
//! an existing output, hold everything). What the records mean is the caller's: this module
//! moves bytes.
//!
//! Why: the aggregate's fold kept one state per province × period × metric × status × basis
//! group, and over an archive whose periods keep coming the groups grow with the corpus (287 000
//! at 1 GB of synthetic reports: the run's peak memory rose by half from 0.1 GB to 1 GB). The
//! facts are therefore kept here by province until the barrier, which folds one province at a
//! time (see [`super::fold`]).

use std::io::Write;
use std::path::PathBuf;

use crate::{Error, Result};

/// Bytes of records held in memory before the buffers are spilled.
pub(super) const DEFAULT_BUDGET: usize = 4 << 20;

#[derive(Debug, Default)]
struct Part {
    buf: Vec<u8>,
    /// Bytes of this partition already in its file.
    spilled: u64,
}

/// The store.
#[derive(Debug)]
pub(crate) struct Spill {
    dir: Option<PathBuf>,
    /// A name for the files of this store (two stores share a folder).
    stem: &'static str,
    budget: usize,
    held: usize,
    parts: Vec<Part>,
}

impl Spill {
    /// A store spilling into `dir` (created on the first spill), or held in memory if `None`.
    pub(crate) fn new(dir: Option<PathBuf>, stem: &'static str, budget: usize) -> Self {
        Spill {
            dir,
            stem,
            budget,
            held: 0,
            parts: Vec::new(),
        }
    }

    fn path(&self, p: usize) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.join(format!("{}-{p}.bin", self.stem)))
    }

    /// Append one record to partition `p`.
    pub(crate) fn push(&mut self, p: usize, record: &[u8]) -> Result<()> {
        if self.parts.len() <= p {
            self.parts.resize_with(p + 1, Part::default);
        }
        self.parts[p].buf.extend_from_slice(record);
        self.held += record.len();
        if self.held > self.budget && self.dir.is_some() {
            self.spill_all()?;
        }
        Ok(())
    }

    /// Append every partition's buffer to its file and free the buffers.
    fn spill_all(&mut self) -> Result<()> {
        if let Some(dir) = &self.dir {
            std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create the fold's spill folder", dir, e))?;
        }
        for p in 0..self.parts.len() {
            if self.parts[p].buf.is_empty() {
                continue;
            }
            let Some(path) = self.path(p) else { return Ok(()) };
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| Error::io("cannot open the fold's spill file", &path, e))?;
            let part = &mut self.parts[p];
            f.write_all(&part.buf)
                .map_err(|e| Error::io("cannot write the fold's spill file", &path, e))?;
            part.spilled += part.buf.len() as u64;
            // the capacity goes too: a partition's buffer refills at its own pace
            part.buf = Vec::new();
        }
        self.held = 0;
        Ok(())
    }

    /// Partition `p`'s records in order, taken out of the store (its file removed).
    pub(crate) fn take(&mut self, p: usize) -> Result<Vec<u8>> {
        let Some(part) = self.parts.get_mut(p) else { return Ok(Vec::new()) };
        let mut part = std::mem::take(part);
        self.held -= part.buf.len();
        if part.spilled == 0 {
            return Ok(part.buf);
        }
        let path = self
            .path(p)
            .ok_or_else(|| Error::Bug("a spilled partition without a folder".into()))?;
        let mut out = std::fs::read(&path).map_err(|e| Error::io("cannot read the fold's spill file", &path, e))?;
        if out.len() as u64 != part.spilled {
            return Err(Error::Bug(format!(
                "the fold's spill file {} holds {} bytes, {} were written",
                path.display(),
                out.len(),
                part.spilled
            )));
        }
        std::fs::remove_file(&path).map_err(|e| Error::io("cannot remove the fold's spill file", &path, e))?;
        out.append(&mut part.buf);
        Ok(out)
    }

    /// Remove the spill folder (the barrier is over).
    pub(crate) fn remove_dir(&self) -> Result<()> {
        match &self.dir {
            Some(d) if d.exists() => std::fs::remove_dir_all(d).map_err(|e| Error::io("cannot remove the fold's spill folder", d, e)),
            _ => Ok(()),
        }
    }
}

/// Appends the fields of one record.
pub(crate) struct Enc<'a>(pub &'a mut Vec<u8>);

impl Enc<'_> {
    pub(crate) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub(crate) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn i32(&mut self, v: i32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn i64(&mut self, v: i64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn f64(&mut self, v: f64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub(crate) fn str(&mut self, v: &str) -> &mut Self {
        self.u32(u32::try_from(v.len()).expect("a name under 4 GB"));
        self.0.extend_from_slice(v.as_bytes());
        self
    }
}

/// Reads the fields of the records of a partition, in the order [`Enc`] wrote them.
pub(crate) struct Dec<'a> {
    b: &'a [u8],
}

impl<'a> Dec<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Dec { b }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N]> {
        let Some((head, rest)) = self.b.split_first_chunk::<N>() else {
            return Err(Error::Bug("a record of the fold's spill is cut short".into()));
        };
        self.b = rest;
        Ok(*head)
    }
    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.bytes::<1>()?[0])
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        self.bytes().map(u32::from_le_bytes)
    }
    pub(crate) fn i32(&mut self) -> Result<i32> {
        self.bytes().map(i32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        self.bytes().map(u64::from_le_bytes)
    }
    pub(crate) fn i64(&mut self) -> Result<i64> {
        self.bytes().map(i64::from_le_bytes)
    }
    pub(crate) fn f64(&mut self) -> Result<f64> {
        self.bytes().map(f64::from_le_bytes)
    }
    pub(crate) fn str(&mut self) -> Result<&'a str> {
        let n = self.u32()? as usize;
        if self.b.len() < n {
            return Err(Error::Bug("a name of the fold's spill is cut short".into()));
        }
        let (s, rest) = self.b.split_at(n);
        self.b = rest;
        std::str::from_utf8(s).map_err(|_| Error::Bug("a name of the fold's spill is not UTF-8".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(p: usize, i: u32) -> Vec<u8> {
        let mut v = Vec::new();
        Enc(&mut v).u32(p as u32).u32(i).str(&format!("doc-{i}"));
        v
    }

    fn read(b: &[u8]) -> Vec<(u32, u32, String)> {
        let mut d = Dec::new(b);
        let mut out = Vec::new();
        while !d.is_empty() {
            out.push((d.u32().unwrap(), d.u32().unwrap(), d.str().unwrap().to_string()));
        }
        out
    }

    /// Records come back per partition in the order they were pushed, whether they were spilled
    /// (a budget of 64 bytes spills every few records) or held, and the files are gone after.
    #[test]
    fn spilled_and_held_records_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let spill_dir = dir.path().join("fold");
        for (folder, budget) in [(None, 64), (Some(spill_dir.clone()), 64), (Some(spill_dir.clone()), 1 << 20)] {
            let spills = folder.is_some() && budget == 64;
            let mut s = Spill::new(folder, "facts", budget);
            for i in 0..100u32 {
                let p = (i % 3) as usize * 2;
                s.push(p, &rec(p, i)).unwrap();
            }
            assert_eq!(spill_dir.join("facts-0.bin").exists(), spills);
            for p in [0usize, 2, 4] {
                let got = read(&s.take(p).unwrap());
                let want: Vec<_> = (0..100u32)
                    .filter(|i| (i % 3) as usize * 2 == p)
                    .map(|i| (p as u32, i, format!("doc-{i}")))
                    .collect();
                assert_eq!(got, want);
            }
            // a partition never pushed to, and one taken already, are empty
            assert!(s.take(1).unwrap().is_empty());
            assert!(s.take(0).unwrap().is_empty());
            assert!(!spill_dir.join("facts-0.bin").exists());
            s.remove_dir().unwrap();
            assert!(!spill_dir.exists());
        }
    }

    /// A record cut short is an error, not a wrong value.
    #[test]
    fn a_record_cut_short_is_an_error() {
        let r = rec(1, 7);
        let mut d = Dec::new(&r[..r.len() - 1]);
        assert_eq!((d.u32().unwrap(), d.u32().unwrap()), (1, 7));
        assert!(d.str().is_err());
        assert!(Dec::new(&[1, 2]).u32().is_err());
    }
}
