//! shallot: a Rust HTTP handler toolkit. Facade crate; filled in below.
pub use shallot_core::*;
