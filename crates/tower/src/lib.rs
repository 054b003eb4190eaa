#![doc = include_str!("../README.md")]

mod layer_error;
mod layer_middleware;
mod pile_service;
mod service_handler;

pub use layer_error::layer_error;
pub use layer_middleware::{wrap_layer, LayerMiddleware, NextService};
pub use pile_service::{into_service, PileService};
pub use service_handler::{service_handler, ServiceHandler};
