//! Atomic output folders.
//!
//! A run writes into a staging folder beside the output (`.NAME.tmp-RUNID`) and, only when
//! every table is written, swaps it into place: on Linux the two folders are exchanged in one
//! `renameat2(RENAME_EXCHANGE)`, so the output path never stands empty, and the previous
//! output (now under the staging name) is removed; where the file system cannot exchange, the
//! old folder is renamed aside first. A reader never sees a half-written run, and a run that
//! fails leaves the previous output as it was (the staging folder is removed). Callers hold the
//! output's [`super::guard::OutputLock`] and have checked the path with
//! [`super::guard::check_out`].

use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// A staging folder that becomes the output on [`Staging::commit`].
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    committed: bool,
}

impl Staging {
    pub fn new(target: &Path, run_id: &str) -> Result<Self> {
        let (parent, name) = super::guard::split(target)?;
        let parent = parent.as_path();
        std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create folder", parent, e))?;
        let dir = parent.join(format!(".{name}.tmp-{run_id}"));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io("cannot clear staging folder", &dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io("cannot create staging folder", &dir, e))?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            committed: false,
        })
    }

    /// Where the tables are written before the swap.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Swap the staging folder into place.
    pub fn commit(mut self) -> Result<PathBuf> {
        let had_old = self.target.symlink_metadata().is_ok();
        if had_old && exchange(&self.dir, &self.target).is_ok() {
            // the output path now holds the new run; the staging path the previous output
            self.committed = true;
            std::fs::remove_dir_all(&self.dir).map_err(|e| Error::io("cannot remove previous output", &self.dir, e))?;
            return Ok(self.target.clone());
        }
        let old = self.dir.with_file_name(format!(
            "{}.old",
            self.dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
        ));
        if had_old {
            std::fs::rename(&self.target, &old).map_err(|e| Error::io("cannot move previous output aside", &self.target, e))?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.target) {
            if had_old {
                // put the previous output back: a failed run must leave it intact
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::io("cannot move new output into place", &self.target, e));
        }
        self.committed = true;
        if had_old {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io("cannot remove previous output", &old, e))?;
        }
        Ok(self.target.clone())
    }
}

/// Exchange two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); an error where the
/// system or file system cannot, and the caller falls back to two renames.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_the_output_and_drop_keeps_the_previous_one() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::new(&out, "a").unwrap();
        std::fs::write(s.dir().join("x"), "first").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "first");

        // a run that fails (staging dropped without commit) leaves the first output
        let s = Staging::new(&out, "b").unwrap();
        std::fs::write(s.dir().join("x"), "second").unwrap();
        let staging = s.dir().to_path_buf();
        drop(s);
        assert!(!staging.exists());
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "first");

        let s = Staging::new(&out, "c").unwrap();
        std::fs::write(s.dir().join("x"), "third").unwrap();
        s.commit().unwrap();
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "third");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the output folder remains");
    }
}
