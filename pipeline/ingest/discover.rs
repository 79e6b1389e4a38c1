//! Discovery: the input files under the paths given, in sorted order, each with the name its
//! documents get; unreadable paths and unknown formats become rejects, not errors.

use std::path::{Path, PathBuf};

use crate::records::{Format, RejectKind};
use crate::{Error, Result};

/// One input file and the name its documents get.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    pub path: PathBuf,
    /// Path relative to the input root it was found under.
    pub doc: String,
    pub format: Option<Format>,
    pub gzip: bool,
    /// Why the path cannot be read at all (not a regular file, a symlink loop): a reject.
    pub problem: Option<(RejectKind, String)>,
}

pub(super) fn format_of(path: &Path) -> (Option<Format>, bool) {
    let name = path.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    if name.ends_with(".jsonl.gz") || name.ends_with(".ndjson.gz") {
        (Some(Format::Jsonl), true)
    } else if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        (Some(Format::Jsonl), false)
    } else if name.ends_with(".html") || name.ends_with(".htm") {
        (Some(Format::Html), false)
    } else if name.ends_with(".txt") {
        (Some(Format::Txt), false)
    } else {
        (None, false)
    }
}

/// What a walk found that cannot be read as an input, reported as a reject.
pub(super) fn problem(path: &Path, doc: String, kind: RejectKind, why: String) -> InputFile {
    InputFile {
        path: path.to_path_buf(),
        doc,
        format: None,
        gzip: false,
        problem: Some((kind, why)),
    }
}

pub(super) fn doc_name(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Walk a folder (following symlinks) with walkdir: a symlink cycle is reported once, not
/// followed, and a real folder reached twice (two links to it) is read once.
pub(super) fn walk(root: &Path, out: &mut Vec<InputFile>) -> Result<()> {
    use std::collections::HashSet;
    use std::os::unix::fs::MetadataExt;
    let mut seen_dirs: HashSet<(u64, u64)> = HashSet::new();
    let mut it = walkdir::WalkDir::new(root).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                if e.depth() == 0 {
                    return Err(Error::io(
                        "cannot list",
                        &path,
                        e.into_io_error().unwrap_or_else(|| std::io::Error::other("walk failed")),
                    ));
                }
                let (kind, why) = if let Some(anc) = e.loop_ancestor() {
                    (
                        RejectKind::Unreadable,
                        format!("{}: symlink loop back to {}; not followed", path.display(), anc.display()),
                    )
                } else {
                    (RejectKind::Unreadable, format!("{}: {e}", path.display()))
                };
                out.push(problem(&path, doc_name(root, &path), kind, why));
                continue;
            }
        };
        let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
        if entry.file_type().is_dir() {
            if hidden {
                it.skip_current_dir();
                continue;
            }
            // a folder reached again through another link is read once
            if let Ok(m) = entry.metadata()
                && !seen_dirs.insert((m.dev(), m.ino()))
            {
                it.skip_current_dir();
            }
            continue;
        }
        if hidden {
            continue;
        }
        let path = entry.path();
        out.push(input_file(path, doc_name(root, path)));
    }
    Ok(())
}

/// One path named as an input file, or met in a folder: only regular files (after following
/// symlinks) are read; FIFOs, devices and sockets would block or never end.
pub(super) fn input_file(path: &Path, doc: String) -> InputFile {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {
            let (format, gzip) = format_of(path);
            InputFile {
                path: path.to_path_buf(),
                doc,
                format,
                gzip,
                problem: None,
            }
        }
        Ok(_) => problem(
            path,
            doc,
            RejectKind::Unsupported,
            format!("{}: not a regular file (a FIFO, device or socket); not read", path.display()),
        ),
        Err(e) => problem(path, doc, RejectKind::Unreadable, format!("{}: {e}", path.display())),
    }
}

/// All input files under the given paths, sorted (determinism does not depend on the file system).
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<InputFile>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            out.extend(found);
        } else if input.symlink_metadata().is_ok() {
            let doc = input.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            out.push(input_file(input, doc));
        } else {
            return Err(Error::io(
                "cannot read input",
                input,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    if out.is_empty() {
        return Err(Error::NoInput(inputs.to_vec()));
    }
    Ok(out)
}
