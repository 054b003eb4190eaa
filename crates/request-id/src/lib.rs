#![doc = include_str!("../README.md")]

mod id;
mod request_id_middleware;

pub use id::{is_valid_request_id, new_request_id};
pub use request_id_middleware::{
    request_id_request, request_id_response, wrap_request_id, RequestIdExt, RequestIdMiddleware,
    X_REQUEST_ID,
};
