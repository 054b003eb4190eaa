use serde::de::DeserializeOwned;
use serde_json::Value;
use shallot_core::{HttpError, Request};

use crate::json_middleware::{ParsedJson, MALFORMED_JSON};

/// The parsed JSON body of a request, as [`wrap_json`](crate::wrap_json) left it.
///
/// # Examples
///
/// ```
/// use serde::Deserialize;
/// use shallot_core::{chain_middleware, test, HttpError, Request};
/// use shallot_json::{wrap_json, JsonExt};
///
/// #[derive(Deserialize)]
/// struct Student { name: String }
///
/// async fn greet(req: Request) -> Result<String, HttpError> {
///     let student: Student = req.json()?;
///     Ok(format!("hi {}", student.name))
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = chain_middleware((wrap_json(),)).apply(greet);
/// test::post("/", r#"{"name":"ada"}"#)
///     .header("content-type", "application/json")
///     .send(&app)
///     .await
///     .assert_body("hi ada");
/// # }
/// ```
pub trait JsonExt {
    /// The parsed body, when the request carried JSON.
    fn json_value(&self) -> Option<&Value>;

    /// The body deserialized into `T`.
    ///
    /// # Errors
    ///
    /// `400 Malformed JSON` when the request carried no JSON; `400` with serde's message
    /// (`Bad Request: missing field ...`) when it does not fit `T`.
    fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError>;
}

impl JsonExt for Request {
    fn json_value(&self) -> Option<&Value> {
        self.extensions()
            .get::<ParsedJson>()
            .map(|parsed| &parsed.0)
    }

    fn json<T: DeserializeOwned>(&self) -> Result<T, HttpError> {
        let value = self
            .json_value()
            .ok_or_else(|| HttpError::bad_request(MALFORMED_JSON))?;
        T::deserialize(value)
            .map_err(|error| HttpError::because(shallot_core::http::StatusCode::BAD_REQUEST, error))
    }
}
