use std::io::{self, Write as _};

use bytes::Bytes;

/// A content coding this crate produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Coding {
    /// Brotli (RFC 7932), `br`.
    Brotli,
    /// Zstandard (RFC 8878), `zstd`.
    Zstd,
    /// gzip (RFC 1952), `gzip`.
    Gzip,
}

impl Coding {
    /// The coding's name in `Accept-Encoding` and `Content-Encoding`.
    pub const fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Zstd => "zstd",
            Self::Gzip => "gzip",
        }
    }

    pub(crate) fn from_token(token: &str) -> Option<Self> {
        [Self::Brotli, Self::Zstd, Self::Gzip]
            .into_iter()
            .find(|coding| coding.token() == token)
    }
}

/// The levels the encoders use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Levels {
    pub(crate) brotli: u32,
    pub(crate) zstd: i32,
    pub(crate) gzip: u32,
}

/// The first output buffer of a stream: enough for most answers compressed whole.
const OUTPUT_CAPACITY: usize = 16 * 1024;

/// The brotli window: 2^18 bytes (256 KiB) per stream, not the format's 16 MiB, so that many
/// concurrent streams stay cheap; text compresses almost as well.
const BROTLI_WINDOW_LOG: u32 = 18;

/// One compressed stream in progress. Input is written in; [`Encoder::take`] hands out what
/// is ready, [`Encoder::flush`] forces out everything written so far (a decoder can decode
/// it all), [`Encoder::finish`] ends the stream.
pub(crate) enum Encoder {
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
    Zstd(zstd::stream::write::Encoder<'static, Vec<u8>>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
}

impl Encoder {
    pub(crate) fn new(coding: Coding, levels: Levels) -> io::Result<Self> {
        Ok(match coding {
            Coding::Brotli => Self::Brotli(Box::new(brotli::CompressorWriter::new(
                Vec::with_capacity(OUTPUT_CAPACITY),
                16 * 1024,
                levels.brotli,
                BROTLI_WINDOW_LOG,
            ))),
            Coding::Zstd => Self::Zstd(zstd::stream::write::Encoder::new(
                Vec::with_capacity(OUTPUT_CAPACITY),
                levels.zstd,
            )?),
            Coding::Gzip => Self::Gzip(flate2::write::GzEncoder::new(
                Vec::with_capacity(OUTPUT_CAPACITY),
                flate2::Compression::new(levels.gzip),
            )),
        })
    }

    pub(crate) fn write(&mut self, input: &[u8]) -> io::Result<()> {
        match self {
            Self::Brotli(encoder) => encoder.write_all(input),
            Self::Zstd(encoder) => encoder.write_all(input),
            Self::Gzip(encoder) => encoder.write_all(input),
        }
    }

    pub(crate) fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Brotli(encoder) => encoder.flush(),
            Self::Zstd(encoder) => encoder.flush(),
            Self::Gzip(encoder) => encoder.flush(),
        }
    }

    fn output(&mut self) -> &mut Vec<u8> {
        match self {
            Self::Brotli(encoder) => encoder.get_mut(),
            Self::Zstd(encoder) => encoder.get_mut(),
            Self::Gzip(encoder) => encoder.get_mut(),
        }
    }

    /// How many compressed bytes wait to be taken.
    pub(crate) fn ready_len(&mut self) -> usize {
        self.output().len()
    }

    /// The compressed bytes produced so far; the encoder goes on into a buffer of the same
    /// capacity, so a long stream does not grow one from nothing for every chunk.
    pub(crate) fn take(&mut self) -> Bytes {
        let output = self.output();
        let capacity = output.capacity();
        Bytes::from(std::mem::replace(output, Vec::with_capacity(capacity)))
    }

    /// Ends the stream and returns its last bytes.
    pub(crate) fn finish(self) -> io::Result<Bytes> {
        Ok(Bytes::from(match self {
            Self::Brotli(encoder) => encoder.into_inner(),
            Self::Zstd(encoder) => encoder.finish()?,
            Self::Gzip(encoder) => encoder.finish()?,
        }))
    }
}

/// `input` compressed whole.
pub(crate) fn compress_whole(coding: Coding, levels: Levels, input: &[u8]) -> io::Result<Bytes> {
    let mut encoder = Encoder::new(coding, levels)?;
    encoder.write(input)?;
    encoder.finish()
}
