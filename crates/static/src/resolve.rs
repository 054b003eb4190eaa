use std::fs::{File, Metadata};
use std::io::Read as _;
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
    /// The file, open, when it is a regular file that could be opened: `metadata` is then
    /// this open file's, so the validators and the bytes read describe the same file.
    pub(crate) opened: Option<File>,
}

impl Found {
    /// The whole file, read from the open file when there is one (one `read` for its known
    /// length) or else by its path.
    pub(crate) fn read_whole(&mut self) -> std::io::Result<Vec<u8>> {
        let Some(file) = self.opened.take() else {
            return std::fs::read(&self.path);
        };
        let length = self.metadata.len();
        let mut content = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
        // No more than the length the validators were made from, even if the file grows.
        file.take(length).read_to_end(&mut content)?;
        Ok(content)
    }
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
    // Opened once and asked for its metadata (`fstat`), rather than `stat` by name and then
    // `std::fs::read`'s own open and `stat`. A folder, or a file that cannot be opened, is
    // asked by name.
    let opened = File::open(&path)
        .ok()
        .and_then(|file| file.metadata().ok().map(|metadata| (file, metadata)));
    let (opened, metadata) = match opened {
        Some((file, metadata)) if metadata.is_file() => (Some(file), metadata),
        Some((_folder, metadata)) => (None, metadata),
        None => (None, std::fs::metadata(&path).ok()?),
    };
    Some(Found {
        named: candidate.to_path_buf(),
        path,
        metadata,
        opened,
    })
}
