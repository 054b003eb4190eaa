use std::fs::Metadata;
use std::hash::{DefaultHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The modification time as `Last-Modified` can say it: whole seconds (RFC 9110 §8.8.2).
pub(crate) fn last_modified(metadata: &Metadata) -> SystemTime {
    let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
    let seconds = modified
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    UNIX_EPOCH + Duration::from_secs(seconds)
}

/// A strong ETag (RFC 9110 §8.8.3) from the file's size, modification time (nanoseconds),
/// inode and, when the content was read whole, a hash of the content.
///
/// Size, time and inode change whenever the file is written or replaced. The content hash
/// covers what they can miss: two same-size writes within one tick of the file system's
/// clock leave the modification time unchanged. Large files are streamed, not read ahead,
/// so for them the ETag rests on size, time and inode alone.
pub(crate) fn etag(metadata: &Metadata, content: Option<&[u8]>) -> String {
    let modified = metadata
        .modified()
        .ok()
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let mut hasher = DefaultHasher::new();
    hasher.write_u128(modified);
    hasher.write_u64(inode(metadata));
    if let Some(content) = content {
        hasher.write(content);
    }
    format!("\"{:x}-{:016x}\"", metadata.len(), hasher.finish())
}

#[cfg(unix)]
fn inode(metadata: &Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(metadata)
}

#[cfg(not(unix))]
fn inode(_metadata: &Metadata) -> u64 {
    0
}
