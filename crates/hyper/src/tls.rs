use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// What a TLS server presents: a certificate chain and its private key, with ALPN offering
/// `h2` and `http/1.1` (HTTP/2 for clients that can, HTTP/1.1 for the others, on one port).
///
/// Built on rustls with the `ring` provider: pure Rust and assembly, it builds without a C
/// toolchain's cmake step (aws-lc-rs needs one) and in a fraction of the time on two cores.
///
/// # Examples
///
/// ```
/// use shallot_hyper::TlsConfig;
///
/// let error = TlsConfig::from_pem_files("missing-cert.pem", "missing-key.pem").unwrap_err();
/// assert!(error.to_string().contains("missing-cert.pem"));
/// ```
#[derive(Clone)]
pub struct TlsConfig {
    pub(crate) server: Arc<ServerConfig>,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("alpn", &self.server.alpn_protocols)
            .finish_non_exhaustive()
    }
}

/// Why a certificate and key cannot be served.
#[derive(Debug)]
pub enum TlsError {
    /// A file could not be read.
    Read(PathBuf, std::io::Error),
    /// No PEM certificate in the certificate input.
    NoCertificate(Option<PathBuf>),
    /// No PEM private key (PKCS#8, PKCS#1 or SEC1) in the key input.
    NoKey(Option<PathBuf>),
    /// rustls refused them: a key that does not match the certificate, an unsupported
    /// algorithm, a malformed certificate.
    Invalid(rustls::Error),
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = |path: &Option<PathBuf>| {
            path.as_ref()
                .map_or_else(String::new, |p| format!(" in {}", p.display()))
        };
        match self {
            Self::Read(path, error) => write!(f, "cannot read {}: {error}", path.display()),
            Self::NoCertificate(path) => write!(f, "no PEM certificate{}", place(path)),
            Self::NoKey(path) => write!(f, "no PEM private key{}", place(path)),
            Self::Invalid(error) => write!(f, "the certificate and key cannot be used: {error}"),
        }
    }
}

impl std::error::Error for TlsError {}

impl TlsConfig {
    /// Reads a PEM certificate chain (leaf first) and its PEM private key from files.
    ///
    /// # Errors
    ///
    /// A file that cannot be read, holds no certificate or key, or a key that does not match
    /// the certificate; the message names the file.
    pub fn from_pem_files(cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Result<Self, TlsError> {
        let (cert, key) = (cert.as_ref(), key.as_ref());
        let cert_pem = std::fs::read(cert).map_err(|e| TlsError::Read(cert.to_owned(), e))?;
        let key_pem = std::fs::read(key).map_err(|e| TlsError::Read(key.to_owned(), e))?;
        let chain = certificates(&cert_pem)
            .ok_or_else(|| TlsError::NoCertificate(Some(cert.to_owned())))?;
        let key_der = PrivateKeyDer::from_pem_slice(&key_pem)
            .map_err(|_| TlsError::NoKey(Some(key.to_owned())))?;
        Self::from_der(chain, key_der)
    }

    /// Takes a PEM certificate chain and its PEM private key from memory.
    ///
    /// # Errors
    ///
    /// As [`TlsConfig::from_pem_files`], without file names.
    pub fn from_pem(cert: &[u8], key: &[u8]) -> Result<Self, TlsError> {
        let chain = certificates(cert).ok_or(TlsError::NoCertificate(None))?;
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|_| TlsError::NoKey(None))?;
        Self::from_der(chain, key)
    }

    fn from_der(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> Result<Self, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let signing_key = provider
            .key_provider
            .load_private_key(key)
            .map_err(TlsError::Invalid)?;
        let certified = rustls::sign::CertifiedKey::new(chain, signing_key);
        certified.keys_match().map_err(TlsError::Invalid)?;
        let mut server = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TlsError::Invalid)?
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
        server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Self {
            server: Arc::new(server),
        })
    }

    /// Uses a rustls configuration as it is (client certificates, several certificates by
    /// SNI, another provider). Set its `alpn_protocols` to offer HTTP/2: without `h2` every
    /// connection speaks HTTP/1.1.
    pub fn from_rustls(config: ServerConfig) -> Self {
        Self {
            server: Arc::new(config),
        }
    }
}

fn certificates(pem: &[u8]) -> Option<Vec<CertificateDer<'static>>> {
    let chain: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .ok()?;
    (!chain.is_empty()).then_some(chain)
}
