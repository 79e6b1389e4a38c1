//! Guard: which folder a run may replace, and one run per output at a time.
//!
//! Inputs: the `--out` path and the input paths as the user spelled them. Outputs: the output's
//! canonical path ([`check_out`]), or a usage error naming the path and the reason; an
//! exclusive [`OutputLock`] on the output, held for the whole run.
//!
//! Invariants:
//! - a run replaces only a folder that is empty or holds a previous ictstat output (a
//!   `manifest.json` written by ictstat), never a regular file, never an input or a folder that
//!   contains one, never a folder inside an input;
//! - paths are compared after canonicalization (symlinks, `..`, `$PWD/...` spellings), not as
//!   typed;
//! - while a run holds the lock no other run writes the same output, so the staging folders of
//!   that output that are left on disk belong to dead runs and are removed.

use std::fs::File;
use std::path::{Component, Path, PathBuf};

use crate::{Error, Result};

/// The canonical form of a path that may not exist yet: the deepest existing ancestor is
/// canonicalized and the rest appended (a `..` in the part that does not exist is refused).
pub fn canonical(path: &Path) -> Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| Error::io("cannot read the working directory for", path, e))?
            .join(path)
    };
    let mut existing = abs.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        // symlink_metadata: a dangling symlink exists too, and canonicalize reports it below
        if existing.symlink_metadata().is_ok() {
            break;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => break,
        }
    }
    if abs
        .components()
        .skip(abs.components().count() - rest.len())
        .any(|c| c == Component::ParentDir)
    {
        return Err(Error::Usage(format!("{}: `..` after a folder that does not exist", path.display())));
    }
    let mut out = existing.canonicalize().map_err(|e| Error::io("cannot resolve", existing, e))?;
    for name in rest.iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Check that `out` may be replaced by a run over `inputs`; returns its canonical path.
///
/// Example: `ictstat run in --out in` and `ictstat run data/raw --out data` are refused (the
/// output would replace the input), so is `--out notes.txt` (a regular file) and `--out ~/work`
/// (a folder that is not an ictstat output).
pub fn check_out(out: &Path, inputs: &[PathBuf]) -> Result<PathBuf> {
    if out.as_os_str().is_empty() {
        return Err(Error::Usage("--out is empty".into()));
    }
    let o = canonical(out)?;
    if o.parent().is_none() {
        return Err(Error::Usage(format!("refusing to replace {}", o.display())));
    }
    for input in inputs {
        let i = canonical(input)?;
        if i == o {
            return Err(Error::Usage(format!(
                "--out {} is the input {}: the run would replace its own input; choose another --out",
                out.display(),
                input.display()
            )));
        }
        if i.starts_with(&o) {
            return Err(Error::Usage(format!(
                "--out {} contains the input {}: the run would replace its own input; choose another --out",
                out.display(),
                input.display()
            )));
        }
        if o.starts_with(&i) && i.is_dir() {
            // the next run would read the output as input
            return Err(Error::Usage(format!(
                "--out {} lies inside the input folder {}; choose another --out",
                out.display(),
                input.display()
            )));
        }
    }
    match std::fs::metadata(&o) {
        Err(_) => Ok(o),
        Ok(m) if !m.is_dir() => Err(Error::Usage(format!(
            "--out {} exists and is not a folder; a run replaces only its own output folder",
            out.display()
        ))),
        Ok(_) => {
            if is_previous_output(&o) || is_empty_dir(&o) {
                Ok(o)
            } else {
                Err(Error::Usage(format!(
                    "--out {} is a folder that is neither empty nor an ictstat output (no manifest.json \
                     written by ictstat); a run replaces only its own output: choose another --out",
                    out.display()
                )))
            }
        }
    }
}

fn is_empty_dir(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_none())
}

/// A folder whose `manifest.json` was written by ictstat (it names the program's version).
pub fn is_previous_output(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join("manifest.json")) else {
        return false;
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .is_some_and(|v| v.get("ictstat_version").is_some() && v.get("run_id").is_some())
}

/// An exclusive lock on an output folder, held until dropped (also released by the OS when the
/// process dies, so a killed run never leaves a stale lock).
#[derive(Debug)]
pub struct OutputLock {
    _file: File,
}

impl OutputLock {
    /// Lock `out` (canonical) through `.NAME.lock` beside it. A second run on the same output
    /// fails at once with an error that names the output and the lock file.
    pub fn acquire(out: &Path) -> Result<Self> {
        let (parent, name) = split(out)?;
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("cannot create folder", &parent, e))?;
        let path = parent.join(format!(".{name}.lock"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("cannot open lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::Busy {
                    out: out.to_path_buf(),
                    lock: path,
                });
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io("cannot lock", &path, e)),
        }
        Ok(OutputLock { _file: file })
    }

    /// Remove staging and aside folders of this output left by runs that died (kill -9, a
    /// timeout): holding the lock, no live run owns any of them. Returns how many were removed.
    pub fn remove_stale(&self, out: &Path) -> usize {
        let Ok((parent, name)) = split(out) else { return 0 };
        let prefix = format!(".{name}.tmp-");
        let Ok(entries) = std::fs::read_dir(&parent) else { return 0 };
        let mut removed = 0;
        for e in entries.flatten() {
            let is_stale = e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix));
            // never follow a symlink planted under that name
            if is_stale && e.file_type().is_ok_and(|t| t.is_dir()) && std::fs::remove_dir_all(e.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }
}

/// The folder an output lives in and its name (`.` for a bare name).
pub(crate) fn split(out: &Path) -> Result<(PathBuf, String)> {
    let name = out
        .file_name()
        .ok_or_else(|| Error::Usage(format!("output {} has no folder name", out.display())))?
        .to_string_lossy()
        .to_string();
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    Ok((parent.to_path_buf(), name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(r: Result<PathBuf>) -> String {
        match r {
            Err(Error::Usage(m)) => m,
            other => panic!("expected a usage error, got {other:?}"),
        }
    }

    #[test]
    fn refuses_outputs_that_would_replace_inputs_files_or_foreign_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        std::fs::create_dir_all(input.join("sub")).unwrap();
        std::fs::write(input.join("a.txt"), "x").unwrap();
        let inputs = vec![input.clone()];
        assert!(usage(check_out(&input, &inputs)).contains("is the input"));
        assert!(usage(check_out(tmp.path(), &inputs)).contains("contains the input"));
        // spelled differently: through `..` and a symlink
        let odd = input.join("sub").join("..");
        assert!(usage(check_out(&odd, &inputs)).contains("is the input"));
        std::os::unix::fs::symlink(&input, tmp.path().join("link")).unwrap();
        assert!(usage(check_out(&tmp.path().join("link"), &inputs)).contains("is the input"));
        assert!(usage(check_out(&input.join("o"), &inputs)).contains("inside the input"));
        let file = tmp.path().join("notes.txt");
        std::fs::write(&file, "keep me").unwrap();
        assert!(usage(check_out(&file, &inputs)).contains("not a folder"));
        let foreign = tmp.path().join("photos");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("cat.jpg"), "x").unwrap();
        assert!(usage(check_out(&foreign, &inputs)).contains("neither empty nor an ictstat output"));
        // a fake manifest is not enough either
        std::fs::write(foreign.join("manifest.json"), "{}").unwrap();
        assert!(check_out(&foreign, &inputs).is_err());
    }

    #[test]
    fn accepts_new_empty_and_previous_output_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        std::fs::create_dir(&input).unwrap();
        let inputs = vec![input];
        let new = tmp.path().join("a").join("b");
        assert_eq!(check_out(&new, &inputs).unwrap(), tmp.path().canonicalize().unwrap().join("a/b"));
        let empty = tmp.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        assert!(check_out(&empty, &inputs).is_ok());
        let prev = tmp.path().join("prev");
        std::fs::create_dir(&prev).unwrap();
        std::fs::write(prev.join("manifest.json"), r#"{"run_id":"x","ictstat_version":"0.1.0"}"#).unwrap();
        assert!(check_out(&prev, &inputs).is_ok());
        assert!(
            check_out(&tmp.path().join("x/../y"), &inputs).is_err(),
            "`..` after a missing folder"
        );
    }

    #[test]
    fn a_second_lock_on_the_same_output_is_refused_and_stale_staging_is_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let lock = OutputLock::acquire(&out).unwrap();
        assert!(matches!(OutputLock::acquire(&out), Err(Error::Busy { .. })));
        std::fs::create_dir_all(tmp.path().join(".out.tmp-dead/x")).unwrap();
        std::fs::create_dir_all(tmp.path().join(".out.tmp-dead.old")).unwrap();
        std::fs::create_dir_all(tmp.path().join(".other.tmp-dead")).unwrap();
        assert_eq!(lock.remove_stale(&out), 2);
        assert!(
            tmp.path().join(".other.tmp-dead").exists(),
            "another output's staging is left alone"
        );
        drop(lock);
        assert!(OutputLock::acquire(&out).is_ok());
    }
}
