//! The Redis store against a real `redis-server` started for each test.

#![cfg(feature = "redis")]

#[path = "../../../tests/support/redis_server.rs"]
mod redis_server;

use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_server::RedisServer;
use shallot_core::http::StatusCode;
use shallot_core::{chain_middleware, status, test, ChainHandler, HttpError, Request, Response};
use shallot_sessions::{wrap_sessions, RedisStore, SessionsExt};

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
            session.rotate().await?;
            Ok(shallot_core::text("in"))
        }
        "/logout" => {
            session.destroy().await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        _ => Ok(shallot_core::text("untouched")),
    }
}

async fn app(url: &str) -> ChainHandler {
    let store = RedisStore::connect(url, Duration::from_secs(5))
        .await
        .expect("redis answers");
    chain_middleware((test::lint(), wrap_sessions(store))).apply(handler)
}

fn sid(res: &test::TestResponse) -> String {
    let cookie = res.header("set-cookie").expect("a session cookie");
    cookie.split(';').next().expect("name=value").to_owned()
}

#[tokio::test]
async fn two_processes_share_sessions_and_rotation_and_logout_work() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let (one, two) = (app(&redis.url()).await, app(&redis.url()).await);
    let id = sid(&test::get("/visit").send(&one).await);
    test::get("/visit")
        .header("cookie", &id)
        .send(&two)
        .await
        .assert_body("2");
    let new = sid(&test::post("/login", "")
        .header("cookie", &id)
        .send(&one)
        .await);
    assert_ne!(new, id);
    test::get("/visit")
        .header("cookie", &new)
        .send(&two)
        .await
        .assert_body("3");
    let stale = test::get("/visit").header("cookie", &id).send(&two).await;
    stale.assert_body("1");
    test::post("/logout", "")
        .header("cookie", &new)
        .send(&two)
        .await
        .assert_status(204);
    test::get("/visit")
        .header("cookie", &new)
        .send(&one)
        .await
        .assert_body("1");
}

#[tokio::test]
async fn concurrent_updates_lose_nothing_across_processes() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let apps = Arc::new([app(&redis.url()).await, app(&redis.url()).await]);
    let id = sid(&test::get("/visit").send(&apps[0]).await);
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let (apps, id) = (Arc::clone(&apps), id.clone());
            tokio::spawn(async move {
                test::get("/visit")
                    .header("cookie", &id)
                    .send(&apps[i % 2])
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
        .send(&apps[0])
        .await
        .assert_body("22");
}

#[tokio::test]
async fn the_idle_time_is_redis_expiry() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&redis.url(), Duration::from_secs(5))
        .await
        .expect("redis");
    let app = chain_middleware((wrap_sessions(store).with_ttl(Duration::from_millis(100)),))
        .apply(handler);
    let id = sid(&test::get("/visit").send(&app).await);
    tokio::time::sleep(Duration::from_millis(400)).await; // time passing is the event under test
    test::get("/visit")
        .header("cookie", &id)
        .send(&app)
        .await
        .assert_body("1");
}

#[tokio::test]
async fn a_redis_that_goes_away_answers_503_within_5_s_and_recovers() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let port = redis.port();
    let app = app(&redis.url()).await;
    let id = sid(&test::get("/visit").send(&app).await);

    redis.stop();
    let started = Instant::now();
    let res = test::get("/visit").header("cookie", &id).send(&app).await;
    res.assert_status(503).assert_header("retry-after", "5");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    // Other routes do not need Redis.
    test::get("/other").send(&app).await.assert_status(200);

    let Some(_again) = RedisServer::start_on(port) else {
        return;
    };
    // The connection manager reconnects by itself; the data is gone with the old server,
    // so the session starts over under a new id.
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let res = test::get("/visit").header("cookie", &id).send(&app).await;
        if res.status() == 200 {
            res.assert_body("1");
            break;
        }
        assert!(Instant::now() < deadline, "no recovery within 20 s");
    }
}

#[tokio::test]
async fn a_redis_that_stops_answering_answers_503_within_5_s_and_recovers() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let app = app(&redis.url()).await;
    let id = sid(&test::get("/visit").send(&app).await);

    redis.pause();
    let started = Instant::now();
    test::get("/visit")
        .header("cookie", &id)
        .send(&app)
        .await
        .assert_status(503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    redis.resume();

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let res = test::get("/visit").header("cookie", &id).send(&app).await;
        if res.status() == 200 {
            // Nothing was lost: the visit counted while frozen may or may not have landed.
            let n: u64 = res.text().parse().expect("a count");
            assert!((2..=3).contains(&n), "{n}");
            break;
        }
        assert!(Instant::now() < deadline, "no recovery within 20 s");
    }
}

/// How many times Redis ran each command, `INFO` itself excluded.
async fn commands_run(url: &str) -> std::collections::BTreeMap<String, u64> {
    let client = redis::Client::open(url).expect("url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut connection)
        .await
        .expect("info");
    info.lines()
        .filter_map(|line| {
            let (name, stats) = line.strip_prefix("cmdstat_")?.split_once(':')?;
            let calls = stats
                .split("calls=")
                .nth(1)?
                .split(',')
                .next()?
                .parse()
                .ok()?;
            (name != "info").then(|| (name.to_owned(), calls))
        })
        .collect()
}

/// The commands run between two snapshots.
fn ran(
    before: &std::collections::BTreeMap<String, u64>,
    after: &std::collections::BTreeMap<String, u64>,
) -> Vec<(String, u64)> {
    after
        .iter()
        .map(|(name, calls)| (name.clone(), calls - before.get(name).copied().unwrap_or(0)))
        .filter(|(_, calls)| *calls > 0)
        .collect()
}

#[tokio::test]
async fn a_read_costs_one_round_trip_and_a_change_two() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let store = RedisStore::connect(&redis.url(), Duration::from_secs(5))
        .await
        .expect("redis");
    let app = chain_middleware((wrap_sessions(store),)).apply(|req: Request| async move {
        let session = req.session()?;
        if req.uri().path() == "/untouched" {
            return Ok("untouched");
        }
        if req.uri().path() == "/read" {
            session.data().await?;
        } else {
            session
                .update(|data| {
                    data.insert("n".into(), data.len().into());
                })
                .await?;
        }
        Ok::<_, HttpError>("ok")
    });
    let cookie = sid(&test::get("/change").send(&app).await);
    test::get("/change")
        .header("cookie", &cookie)
        .send(&app)
        .await; // the script is cached now
    let before = commands_run(&redis.url()).await;
    test::get("/read")
        .header("cookie", &cookie)
        .send(&app)
        .await
        .assert_status(200);
    let after_read = commands_run(&redis.url()).await;
    assert_eq!(
        ran(&before, &after_read),
        [("getex".to_owned(), 1)],
        "a read is one GETEX"
    );
    test::get("/change")
        .header("cookie", &cookie)
        .send(&app)
        .await
        .assert_status(200);
    let after_change = commands_run(&redis.url()).await;
    // Two round trips: a GET, then the compare-and-set script, whose own GET and SET run
    // inside Redis (commandstats counts them too).
    assert_eq!(
        ran(&after_read, &after_change),
        [
            ("evalsha".to_owned(), 1),
            ("get".to_owned(), 2),
            ("set".to_owned(), 1)
        ],
    );
    let untouched = commands_run(&redis.url()).await;
    test::get("/untouched").send(&app).await;
    assert!(ran(&untouched, &commands_run(&redis.url()).await).is_empty());
}

#[tokio::test]
async fn applications_with_their_own_prefixes_share_a_redis_without_sharing_sessions() {
    let Some(redis) = RedisServer::start() else {
        return;
    };
    let app_with_prefix = |prefix: &'static str| {
        let url = redis.url();
        async move {
            let store = RedisStore::connect(&url, Duration::from_secs(5))
                .await
                .expect("redis answers")
                .with_prefix(prefix);
            chain_middleware((test::lint(), wrap_sessions(store))).apply(handler)
        }
    };
    let (shop, blog) = (
        app_with_prefix("shop:").await,
        app_with_prefix("blog:").await,
    );
    let cookie = sid(&test::get("/visit").send(&shop).await);
    test::get("/visit")
        .header("cookie", &cookie)
        .send(&shop)
        .await
        .assert_body("2");
    // The shop's id means nothing to the blog.
    let blog_visit = test::get("/visit")
        .header("cookie", &cookie)
        .send(&blog)
        .await;
    blog_visit.assert_body("1");

    let client = redis::Client::open(redis.url()).expect("url");
    let mut connection = client
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut connection)
        .await
        .expect("keys");
    keys.sort();
    let id = |cookie: &str| cookie.trim_start_matches("sid=").to_owned();
    assert_eq!(
        keys,
        [
            format!("blog:{}", id(&sid(&blog_visit))),
            format!("shop:{}", id(&cookie))
        ]
    );
}
