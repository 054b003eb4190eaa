use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use crate::context::Context;
use crate::{HttpError, Request};

/// Typed values shared by every request of an application: a database pool, a counter, a
/// configuration. Built once, then shared: cloning a `State` bumps one reference count and
/// reaching it from a request allocates nothing.
///
/// Give it to the application with [`App::with_state`](crate::App::with_state); read it with
/// [`StateExt::state`] from any handler or middleware.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use shallot_core::{test, App, HttpError, Request, StateExt};
///
/// #[derive(Default)]
/// struct Hits(AtomicU64);
///
/// async fn count(req: Request) -> Result<String, HttpError> {
///     let hits = req.state::<Hits>()?;
///     Ok(format!("hit {}", hits.0.fetch_add(1, Ordering::Relaxed) + 1))
/// }
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let app = App::new(count).with_state(Hits::default());
/// test::get("/").send(&app).await.assert_body("hit 1");
/// test::get("/").send(&app).await.assert_body("hit 2");
/// # }
/// ```
#[derive(Clone, Default)]
pub struct State {
    /// Few values, looked up by type: a short list beats a hash map here.
    values: Arc<Vec<Entry>>,
}

/// A value, its type's id and its type's name (for `Debug`).
type Entry = (TypeId, &'static str, Arc<dyn Any + Send + Sync>);

impl State {
    /// An empty state.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a value, replacing one of the same type.
    #[must_use]
    pub fn with<T: Send + Sync + 'static>(mut self, value: T) -> Self {
        let values = Arc::make_mut(&mut self.values);
        values.retain(|(id, _, _)| *id != TypeId::of::<T>());
        values.push((
            TypeId::of::<T>(),
            std::any::type_name::<T>(),
            Arc::new(value),
        ));
        self
    }

    /// The value of type `T`, if one was added.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.values
            .iter()
            .find(|(id, _, _)| *id == TypeId::of::<T>())
            .and_then(|(_, _, value)| value.downcast_ref())
    }

    /// The value of type `T` as a shared handle, to keep beyond the request (a task it
    /// spawns, a stream it returns).
    pub fn get_arc<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.values
            .iter()
            .find(|(id, _, _)| *id == TypeId::of::<T>())
            .and_then(|(_, _, value)| Arc::clone(value).downcast().ok())
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.values.iter().map(|(_, name, _)| name))
            .finish()
    }
}

/// The application's [`State`], from a request.
pub trait StateExt {
    /// The shared value of type `T`.
    ///
    /// # Errors
    ///
    /// `500 Internal Server Error` when the application was given no value of that type:
    /// a bug of the application, not of the client, so the answer says nothing more. Check
    /// it in a test of the app (`test::get(..).send(&app)`) rather than in production.
    fn state<T: Send + Sync + 'static>(&self) -> Result<&T, HttpError>;

    /// The shared value of type `T`, if the application was given one.
    fn try_state<T: Send + Sync + 'static>(&self) -> Option<&T>;

    /// The whole state (empty outside an [`App`](crate::App)).
    fn app_state(&self) -> Option<&State>;
}

impl StateExt for Request {
    fn state<T: Send + Sync + 'static>(&self) -> Result<&T, HttpError> {
        self.try_state()
            .ok_or_else(HttpError::internal_server_error)
    }

    fn try_state<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.app_state()?.get()
    }

    fn app_state(&self) -> Option<&State> {
        Context::of(self)?.state.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{State, StateExt as _};
    use crate::{test, App, Request};

    #[derive(Debug, PartialEq)]
    struct Name(&'static str);

    #[test]
    fn values_are_found_by_type_and_a_second_of_a_type_replaces_the_first() {
        let state = State::new().with(Name("a")).with(7_u32).with(Name("b"));
        assert_eq!(state.get::<Name>(), Some(&Name("b")));
        assert_eq!(state.get::<u32>(), Some(&7));
        assert_eq!(state.get::<u64>(), None);
        assert_eq!(
            format!("{state:?}"),
            r#"["u32", "shallot_core::state::tests::Name"]"#
        );

        // A handle to keep is the value itself, shared by every clone of the state.
        let copy = state.clone();
        let (kept, again) = (
            state.get_arc::<Name>().unwrap(),
            copy.get_arc::<Name>().unwrap(),
        );
        assert!(Arc::ptr_eq(&kept, &again));
        assert!(std::ptr::eq(&*kept, copy.get::<Name>().unwrap()));
        assert!(state.get_arc::<u64>().is_none());
    }

    #[tokio::test]
    async fn a_request_reads_the_apps_state_and_a_missing_value_is_a_bare_500() {
        let app = App::new(|req: Request| async move {
            let name = req.state::<Name>()?.0;
            let missing = req.try_state::<u64>().is_none();
            req.state::<u64>().map(|_| format!("{name} {missing}"))
        })
        .with_state(Name("pile"));
        test::get("/")
            .send(&app)
            .await
            .assert_status(500)
            .assert_body("Internal Server Error");

        let app = App::new(|req: Request| async move {
            format!(
                "{} {:?}",
                req.state::<Name>().unwrap().0,
                req.try_state::<u64>()
            )
        })
        .with_state(Name("pile"));
        test::get("/").send(&app).await.assert_body("pile None");

        // Outside an application there is no state at all.
        let bare = |req: Request| async move { format!("{:?}", req.app_state().is_some()) };
        test::get("/").send(&bare).await.assert_body("false");
    }
}
