//! The session rules of the showcase contract over the in-memory store, in-process.

use std::sync::Arc;
use std::time::Duration;

use shallot_core::http::StatusCode;
use shallot_core::{chain_middleware, status, test, ChainHandler, HttpError, Request, Response};
use shallot_sessions::{
    wrap_memory_sessions, wrap_sessions, Change, MemoryStore, SessionData, SessionId, SessionsExt,
    SessionsMiddleware, Store, StoreFuture,
};

/// `/visit` counts, `/login` sets a user and rotates, `/logout` destroys, `/read` reads.
async fn handler(req: Request) -> Result<Response, HttpError> {
    let session = req.session()?;
    match req.uri().path() {
        "/visit" => {
            let n = session
                .update(|data| {
                    let n = data
                        .get("visits")
                        .and_then(serde_json::Value::as_u64)
                        .unwrap_or(0)
                        + 1;
                    data.insert("visits".into(), n.into());
                    n
                })
                .await?;
            Ok(shallot_core::text(n.to_string()))
        }
        "/login" => {
            session
                .update(|data| {
                    data.insert("user".into(), "ann".into());
                })
                .await?;
            session.rotate().await?;
            Ok(shallot_core::text("in"))
        }
        "/logout" => {
            session.destroy().await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        _ => {
            let data = session.data().await?;
            Ok(shallot_core::text(format!("{:?}", data.map(|d| d.len()))))
        }
    }
}

fn app(sessions: SessionsMiddleware) -> ChainHandler {
    chain_middleware((test::lint(), sessions)).apply(handler)
}

fn sid(res: &test::TestResponse) -> String {
    let cookie = res.header("set-cookie").expect("a session cookie");
    cookie.split(';').next().expect("name=value").to_owned()
}

#[tokio::test]
async fn a_new_session_sets_a_cookie_once_and_counts() {
    let app = app(wrap_memory_sessions());
    let first = test::get("/visit").send(&app).await;
    first.assert_body("1");
    let cookie = first.header("set-cookie").expect("cookie");
    assert!(
        cookie.ends_with("; Path=/; HttpOnly; SameSite=Lax"),
        "{cookie}"
    );
    assert_eq!(sid(&first).len(), "sid=".len() + 32);
    let id = sid(&first);
    for n in 2..=4 {
        test::get("/visit")
            .header("cookie", &id)
            .send(&app)
            .await
            .assert_body(n.to_string())
            .assert_no_header("set-cookie");
    }
}

#[tokio::test]
async fn routes_that_do_not_touch_the_session_set_nothing() {
    let app = app(wrap_memory_sessions());
    test::get("/read")
        .send(&app)
        .await
        .assert_body("None")
        .assert_no_header("set-cookie");
}

#[tokio::test]
async fn forged_malformed_or_unknown_ids_get_a_new_server_made_id() {
    let app = app(wrap_memory_sessions());
    let forged = format!("sid={}", "A".repeat(32));
    for cookie in [
        forged.as_str(),
        "sid=short",
        "sid=",
        "sid=\"quoted\"",
        "other=1; sid=%%%",
    ] {
        let res = test::get("/visit")
            .header("cookie", cookie)
            .send(&app)
            .await;
        res.assert_status(200).assert_body("1");
        assert_ne!(sid(&res), forged);
    }
}

#[tokio::test]
async fn login_rotates_the_id_and_keeps_the_data() {
    let app = app(wrap_memory_sessions());
    let old = sid(&test::get("/visit").send(&app).await);
    let login = test::post("/login", "")
        .header("cookie", &old)
        .send(&app)
        .await;
    let new = sid(&login);
    assert_ne!(new, old);
    test::get("/visit")
        .header("cookie", &new)
        .send(&app)
        .await
        .assert_body("2");
    // The old id finds nothing: a fresh session.
    let stale = test::get("/visit").header("cookie", &old).send(&app).await;
    stale.assert_body("1");
    assert_ne!(sid(&stale), old);
}

#[tokio::test]
async fn logout_destroys_and_removes_the_cookie() {
    let app = app(wrap_memory_sessions());
    let id = sid(&test::get("/visit").send(&app).await);
    let res = test::post("/logout", "")
        .header("cookie", &id)
        .send(&app)
        .await;
    res.assert_status(204);
    let removal = res.header("set-cookie").expect("a removal");
    assert!(
        removal.starts_with("sid=;") && removal.contains("Max-Age=0") && removal.contains("Path=/")
    );
    test::get("/read")
        .header("cookie", &id)
        .send(&app)
        .await
        .assert_body("None");
    // Without a session: 204, nothing to remove.
    test::post("/logout", "")
        .send(&app)
        .await
        .assert_status(204)
        .assert_no_header("set-cookie");
}

#[tokio::test]
async fn concurrent_updates_lose_nothing() {
    let app = Arc::new(app(wrap_memory_sessions()));
    let id = sid(&test::get("/visit").send(&*app).await);
    let requests: Vec<_> = (0..20)
        .map(|_| {
            let (app, id) = (Arc::clone(&app), id.clone());
            tokio::spawn(async move {
                test::get("/visit")
                    .header("cookie", &id)
                    .send(&*app)
                    .await
                    .status()
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.expect("joined"), 200);
    }
    test::get("/visit")
        .header("cookie", &id)
        .send(&*app)
        .await
        .assert_body("22");
}

#[tokio::test]
async fn an_idle_session_expires() {
    let ttl = Duration::from_millis(30);
    let app = app(wrap_sessions(MemoryStore::new()).with_ttl(ttl));
    let id = sid(&test::get("/visit").send(&app).await);
    tokio::time::sleep(ttl * 3).await; // time passing is the event under test
    let res = test::get("/visit").header("cookie", &id).send(&app).await;
    res.assert_body("1");
    assert_ne!(sid(&res), id);
}

#[tokio::test]
async fn the_cookie_is_secure_exactly_over_https() {
    use shallot_core::ConnectionInfo;
    let app = app(wrap_memory_sessions());
    let mut req = test::get("/visit").into_request();
    let info = *ConnectionInfo::of(&req).expect("the test client adds it");
    info.with_client(info.client_ip(), true).set_on(&mut req);
    let res = shallot_core::Handler::call(&app, req).await;
    let cookie = res.headers()["set-cookie"].to_str().expect("text");
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

#[tokio::test]
async fn with_paths_only_those_requests_get_sessions() {
    let app = app(wrap_memory_sessions().with_paths(["/visit"]));
    test::get("/visit")
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("1");
    test::get("/visit/more").send(&app).await.assert_status(200);
    test::get("/read").send(&app).await.assert_status(500);
    test::get("/visitor").send(&app).await.assert_status(500);
}

#[tokio::test]
async fn the_cookie_name_is_the_one_given_and_the_default_name_is_then_ignored() {
    let app = app(wrap_memory_sessions().with_cookie_name("app_session"));
    let first = test::get("/visit").send(&app).await;
    let cookie = sid(&first);
    assert!(cookie.starts_with("app_session="), "{cookie}");
    test::get("/visit")
        .header("cookie", cookie.as_str())
        .send(&app)
        .await
        .assert_body("2")
        .assert_no_header("set-cookie");
    // The same id under the default name is not this application's session.
    let id = cookie.trim_start_matches("app_session=");
    let other = test::get("/visit")
        .header("cookie", &format!("sid={id}"))
        .send(&app)
        .await;
    other.assert_body("1");
    assert_ne!(sid(&other), cookie);
}

/// A store that takes a second for everything: a database that stopped answering.
struct StalledStore;

/// `value`, a second later.
fn stalled<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(value)
    })
}

impl Store for StalledStore {
    fn load<'a>(&'a self, _: &'a SessionId, _: Duration) -> StoreFuture<'a, Option<SessionData>> {
        stalled(None)
    }

    fn update<'a>(
        &'a self,
        _: &'a SessionId,
        _: Duration,
        _: Change<'a>,
    ) -> StoreFuture<'a, Option<SessionData>> {
        stalled(None)
    }

    fn create<'a>(
        &'a self,
        _: &'a SessionId,
        _: &'a SessionData,
        _: Duration,
    ) -> StoreFuture<'a, bool> {
        stalled(true)
    }

    fn rename<'a>(
        &'a self,
        _: &'a SessionId,
        _: &'a SessionId,
        _: Duration,
    ) -> StoreFuture<'a, bool> {
        stalled(true)
    }

    fn delete<'a>(&'a self, _: &'a SessionId) -> StoreFuture<'a, ()> {
        stalled(())
    }
}

// On tokio's paused clock the store's second and the timeout are exact, whatever the load.
#[tokio::test(start_paused = true)]
async fn a_store_slower_than_the_timeout_is_a_503_at_the_timeout() {
    let stale_cookie = format!("sid={}", "A".repeat(shallot_sessions::SESSION_ID_LEN));
    for (timeout, path) in [
        (Duration::from_millis(250), "/visit"),
        (Duration::from_millis(40), "/logout"),
        (Duration::from_millis(999), "/read"),
    ] {
        let app = app(wrap_sessions(StalledStore).with_store_timeout(timeout));
        let start = tokio::time::Instant::now();
        test::get(path)
            .header("cookie", &stale_cookie)
            .send(&app)
            .await
            .assert_status(503);
        assert_eq!(start.elapsed(), timeout, "{path}");
    }
    // A timeout longer than the store's second: the store's answer is used.
    let app = app(wrap_sessions(StalledStore).with_store_timeout(Duration::from_secs(2)));
    let start = tokio::time::Instant::now();
    test::get("/read")
        .header("cookie", &stale_cookie)
        .send(&app)
        .await
        .assert_status(200)
        .assert_body("None");
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}
