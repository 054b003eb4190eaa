//! Application state, lifecycle hooks and panics caught inside the pile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use shallot_core::{
    chain_middleware, test, App, Handler, HttpError, Next, Request, Response, StateExt,
};

#[derive(Default)]
struct Counter(AtomicU64);

struct Greeting(&'static str);

#[tokio::test]
async fn handlers_and_middlewares_reach_the_same_state() {
    let pile = chain_middleware((test::lint(), |req: Request, next: Next| async move {
        req.state::<Counter>()?.0.fetch_add(1, Ordering::SeqCst);
        Ok::<_, HttpError>(next.run(req).await)
    }))
    .apply(|req: Request| async move {
        let count = req.state::<Counter>()?.0.load(Ordering::SeqCst);
        Ok::<_, HttpError>(format!("{} {count}", req.state::<Greeting>()?.0))
    });
    let app = App::new(pile)
        .with_state(Counter::default())
        .with_state(Greeting("hi"));
    test::get("/").send(&app).await.assert_body("hi 1");
    test::get("/").send(&app).await.assert_body("hi 2");
}

#[tokio::test]
async fn state_that_was_never_provided_is_a_500() {
    let app = App::new(|req: Request| async move { req.state::<Greeting>().map(|g| g.0) });
    test::get("/")
        .send(&app)
        .await
        .assert_status(500)
        .assert_body("Internal Server Error");
    assert!(app.state().get::<Greeting>().is_none());
}

#[tokio::test]
async fn start_hooks_run_in_order_and_stop_hooks_in_reverse() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let entry = |name: &'static str| {
        let log = Arc::clone(&log);
        move |_state| {
            let log = Arc::clone(&log);
            async move {
                log.lock().unwrap().push(name);
                Ok(())
            }
        }
    };
    let stop = |name: &'static str| {
        let log = Arc::clone(&log);
        move |_state| {
            let log = Arc::clone(&log);
            async move { log.lock().unwrap().push(name) }
        }
    };
    let app = App::new(|_req: Request| async { "" })
        .on_start(entry("start 1"))
        .on_start(entry("start 2"))
        .on_stop(stop("stop 1"))
        .on_stop(stop("stop 2"));
    app.start().await.unwrap();
    app.stop().await;
    assert_eq!(
        *log.lock().unwrap(),
        ["start 1", "start 2", "stop 2", "stop 1"]
    );
}

#[tokio::test]
async fn a_failing_start_hook_stops_the_start_and_later_hooks_do_not_run() {
    let ran = Arc::new(AtomicU64::new(0));
    let later = Arc::clone(&ran);
    let app = App::new(|_req: Request| async { "" })
        .on_start(|_state| async { Err("database unreachable".into()) })
        .on_start(move |_state| {
            later.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
        });
    let error = app.start().await.unwrap_err();
    assert_eq!(error.to_string(), "database unreachable");
    assert_eq!(ran.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_handler_panic_is_a_500_that_every_outer_middleware_sees() {
    async fn tag(req: Request, next: Next) -> Response {
        let mut res = next.run(req).await;
        res.headers_mut()
            .insert("x-seen-by", "outer".parse().unwrap());
        res
    }
    async fn panics(_req: Request) -> &'static str {
        panic!("on purpose")
    }
    let app = chain_middleware((test::lint(), tag)).apply(panics);
    test::get("/")
        .send(&app)
        .await
        .assert_status(500)
        .assert_header("x-seen-by", "outer")
        .assert_body("Internal Server Error");
    // A panic before the future exists (a plain function) is caught the same way.
    fn panics_at_once(_req: Request) -> std::future::Ready<&'static str> {
        panic!("before any future")
    }
    let app = chain_middleware((tag,)).apply(panics_at_once);
    test::get("/")
        .send(&app)
        .await
        .assert_status(500)
        .assert_header("x-seen-by", "outer");
}
