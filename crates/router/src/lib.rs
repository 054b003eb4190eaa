#![doc = include_str!("../README.md")]

mod error;
mod pattern;
mod route;
mod route_params;
mod route_table;
mod router_middleware;

pub use error::{Error, UrlError};
pub use route::{
    any, delete, get, group, head, options, patch, post, put, route, IntoMethods, Route,
};
pub use route_params::RouterExt;
pub use router_middleware::{wrap_routes, RouterMiddleware, TrailingSlash};

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
