//! The composition rules of `chain_middleware`: order, replacing the handler, short-circuits.

use std::sync::{Arc, Mutex};

use shallot_core::{
    chain_middleware, named, test, BoxFuture, Chain, HttpError, Middleware, Next, Request,
    Response, SharedHandler,
};

type Log = Arc<Mutex<Vec<String>>>;

/// Records when it is entered and left.
struct Trace {
    name: &'static str,
    log: Log,
}

impl Middleware for Trace {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        self.log
            .lock()
            .expect("log lock")
            .push(format!("enter {}", self.name));
        let log = Arc::clone(&self.log);
        let name = self.name;
        Box::pin(async move {
            let res = next.run(req).await;
            log.lock().expect("log lock").push(format!("leave {name}"));
            res
        })
    }
}

fn trace(name: &'static str, log: &Log) -> Trace {
    Trace {
        name,
        log: Arc::clone(log),
    }
}

#[tokio::test]
async fn middlewares_are_entered_first_to_last_and_left_last_to_first() {
    let log = Log::default();
    let handler_log = Arc::clone(&log);
    let app = chain_middleware((trace("m1", &log), trace("m2", &log), trace("m3", &log))).apply(
        move |_req: Request| {
            handler_log.lock().unwrap().push("handler".into());
            async { "done" }
        },
    );

    test::get("/")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("done");

    assert_eq!(
        *log.lock().unwrap(),
        ["enter m1", "enter m2", "enter m3", "handler", "leave m3", "leave m2", "leave m1"]
    );
}

#[tokio::test]
async fn a_middleware_may_replace_the_handler_for_the_rest_of_the_chain() {
    let log = Log::default();
    let chosen: SharedHandler = Arc::new(|_req: Request| async { "chosen" });
    let picker = move |req: Request, mut next: Next| {
        next.set_handler(Arc::clone(&chosen));
        next.run(req)
    };
    // The middleware after the picker still runs, then the chosen handler answers.
    let app =
        chain_middleware((picker, trace("after", &log))).apply(|_req: Request| async { "default" });

    test::get("/").send(&app).await.assert_body("chosen");
    assert_eq!(*log.lock().unwrap(), ["enter after", "leave after"]);
}

#[tokio::test]
async fn a_middleware_that_answers_itself_skips_the_rest() {
    let log = Log::default();
    let guard = |req: Request, next: Next| async move {
        if req.headers().contains_key("x-allowed") {
            next.run(req).await
        } else {
            shallot_core::IntoResponse::into_response(HttpError::new(
                shallot_core::http::StatusCode::FORBIDDEN,
                "Forbidden",
            ))
        }
    };
    let app = chain_middleware((guard, trace("inner", &log))).apply(|_req: Request| async { "in" });

    test::get("/")
        .send(&app)
        .await
        .assert_status(403)
        .assert_body("Forbidden");
    assert!(
        log.lock().unwrap().is_empty(),
        "the inner middleware must not run"
    );

    test::get("/")
        .header("x-allowed", "1")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("in");
    assert_eq!(log.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_middleware_sees_the_handler_chosen_so_far() {
    let named_handler: SharedHandler = Arc::new(|_req: Request| async { "x" });
    let expected = named_handler.name().to_owned();
    let probe = move |req: Request, next: Next| {
        let seen = next.handler().name().to_owned();
        let expected = expected.clone();
        async move {
            assert_eq!(seen, expected);
            next.run(req).await
        }
    };
    let app = chain_middleware((probe,)).apply_shared(named_handler);
    test::get("/").send(&app).await.assert_body("x");
}

#[tokio::test]
async fn head_answers_lose_their_body_but_keep_its_length() {
    let app = chain_middleware((test::lint(),)).apply(|_req: Request| async { "hi user!" });
    test::head("/")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-length", "8")
        .assert_header("content-type", "text/plain; charset=utf-8")
        .assert_body("");
}

#[tokio::test]
async fn an_empty_chain_calls_the_handler() {
    let app = chain_middleware(()).apply(|req: Request| async move { req.uri().path().to_owned() });
    test::get("/path").send(&app).await.assert_body("/path");
}

#[tokio::test]
async fn chains_nest_as_handlers() {
    let log = Log::default();
    let inner = Chain::new()
        .with(trace("inner", &log))
        .apply(|_req: Request| async { "leaf" });
    let outer = chain_middleware((trace("outer", &log),)).apply(inner);
    test::get("/").send(&outer).await.assert_body("leaf");
    assert_eq!(
        *log.lock().unwrap(),
        ["enter outer", "enter inner", "leave inner", "leave outer"]
    );
}

#[test]
fn a_chain_prints_its_middleware_names_in_order() {
    let log = Log::default();
    let chain = chain_middleware((
        named("timing", |req: Request, next: Next| next.run(req)),
        trace("t", &log),
        test::lint(),
    ));
    assert_eq!(
        format!("{chain:?}"),
        r#"Chain["timing", "Trace", "LintMiddleware"]"#
    );
    let app = chain.apply(|_req: Request| async { "" });
    assert!(format!("{app:?}")
        .starts_with(r#"ChainHandler["timing", "Trace", "LintMiddleware", handler: "#));
}

/// Says it passes every request through; must then never be called.
struct Transparent {
    calls: Arc<Mutex<usize>>,
}

impl Middleware for Transparent {
    fn call(&self, req: Request, next: Next) -> BoxFuture<Response> {
        *self.calls.lock().expect("calls lock") += 1;
        next.run(req)
    }

    fn passes_through(&self, req: &Request) -> bool {
        req.uri().path() != "/take"
    }
}

#[tokio::test]
async fn a_middleware_that_passes_a_request_through_is_skipped_for_it() {
    let calls = Arc::new(Mutex::new(0));
    let log = Log::default();
    let app = chain_middleware((
        trace("outer", &log),
        Transparent {
            calls: Arc::clone(&calls),
        },
        trace("inner", &log),
    ))
    .apply(|_req: Request| async { "ok" });

    test::get("/skip").send(&app).await.assert_body("ok");
    assert_eq!(*calls.lock().unwrap(), 0);
    assert_eq!(log.lock().unwrap().len(), 4, "the neighbours still run");

    test::get("/take").send(&app).await.assert_body("ok");
    assert_eq!(*calls.lock().unwrap(), 1);
}

#[tokio::test]
async fn a_parked_next_runs_once_and_a_copy_of_the_request_has_none() {
    let pass_on = |mut req: Request, next: Next| async move {
        next.park(&mut req);
        // A layer that copies the request: the copy cannot run the rest of the chain.
        let mut copy = Request::new(shallot_core::RequestBody::empty());
        *copy.extensions_mut() = req.extensions().clone();
        assert!(Next::unpark(&mut copy).is_none());
        let next = Next::unpark(&mut req).expect("the parked chain");
        assert!(Next::unpark(&mut req).is_none(), "taken once");
        next.run(req).await
    };
    let app = chain_middleware((test::lint(), pass_on)).apply(|_req: Request| async { "rest" });
    test::get("/").send(&app).await.assert_body("rest");
    // A request that never went through the adapter or a park: nothing to take.
    assert!(Next::unpark(&mut test::get("/").into_request()).is_none());
}
