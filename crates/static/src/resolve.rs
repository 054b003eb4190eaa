use std::fs::Metadata;
use std::path::{Path, PathBuf};

/// A regular file found under the root.
#[derive(Debug)]
pub(crate) struct Found {
    pub(crate) path: PathBuf,
    pub(crate) metadata: Metadata,
    /// The name the client asked for (a folder's index file for a folder), before symlinks
    /// are followed: what the content type is guessed from, as the content-type middleware
    /// would guess it from the URL.
    pub(crate) named: PathBuf,
}

/// Resolves `relative` under `root` (already canonical), with blocking file-system calls: the
/// middleware makes all of a request's calls in one trip to tokio's blocking pool: every symlink is followed, and the
/// final path must still lie under `root` unless `follow_outside` allows symlinks out. A
/// folder resolves to its `index` file, checked the same way.
pub(crate) fn resolve(
    root: &Path,
    relative: &Path,
    index: Option<&str>,
    follow_outside: bool,
) -> Option<Found> {
    let asked = root.join(relative);
    let found = resolve_one(root, &asked, follow_outside)?;
    if found.metadata.is_file() {
        return Some(Found {
            named: asked,
            ..found
        });
    }
    if found.metadata.is_dir() {
        let index = resolve_one(root, &found.path.join(index?), follow_outside)?;
        return index.metadata.is_file().then_some(index);
    }
    None
}

/// The sibling `<file>.<extension>` (a precompressed variant), under the same rules.
pub(crate) fn sibling(
    root: &Path,
    file: &Path,
    extension: &str,
    follow_outside: bool,
) -> Option<Found> {
    let mut name = file.file_name()?.to_os_string();
    name.push(".");
    name.push(extension);
    let found = resolve_one(root, &file.with_file_name(name), follow_outside)?;
    found.metadata.is_file().then_some(found)
}

fn resolve_one(root: &Path, candidate: &Path, follow_outside: bool) -> Option<Found> {
    let path = std::fs::canonicalize(candidate).ok()?;
    if !follow_outside && !path.starts_with(root) {
        return None;
    }
    let metadata = std::fs::metadata(&path).ok()?;
    Some(Found {
        named: candidate.to_path_buf(),
        path,
        metadata,
    })
}
