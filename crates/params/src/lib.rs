#![doc = include_str!("../README.md")]

mod param_map;
mod params_ext;
mod params_middleware;
mod strict;

pub use param_map::ParamMap;
pub use params_ext::ParamsExt;
pub use params_middleware::{params_request, wrap_params, ParamsMiddleware};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
