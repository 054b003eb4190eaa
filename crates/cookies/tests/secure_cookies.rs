//! Signed and private cookies (feature `secure`).
#![cfg(feature = "secure")]

use shallot_cookies::{wrap_cookies, CookiesExt, CookiesResponseExt, Key, SetCookie};
use shallot_core::{chain_middleware, test, text, ChainHandler, Request, Response};

fn key() -> Key {
    Key::from(&[7u8; 64])
}

fn app(key: Option<Key>) -> ChainHandler {
    let middleware = match key {
        Some(key) => wrap_cookies().with_key(key),
        None => wrap_cookies(),
    };
    chain_middleware((test::lint(), middleware)).apply(|req: Request| async move {
        let mut res: Response = text(format!(
            "signed={:?} private={:?}",
            req.signed_cookie("s"),
            req.private_cookie("p")
        ));
        if req.uri().path() == "/set" {
            res.set_cookie(SetCookie::new("s", "user-1").signed());
            res.set_cookie(SetCookie::new("p", "secret").private());
        }
        res
    })
}

fn cookie_pair(set_cookie: &str) -> &str {
    set_cookie.split(';').next().expect("a cookie pair")
}

#[tokio::test]
async fn signed_and_private_cookies_round_trip_and_tampering_is_refused() {
    let app = app(Some(key()));
    let res = test::get("/set").send(&app).await;
    let set: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(set.len(), 2);
    assert!(
        set[0].contains("user-1"),
        "a signed value stays readable: {}",
        set[0]
    );
    assert!(
        !set[1].contains("secret"),
        "a private value is encrypted: {}",
        set[1]
    );

    let cookie_header = format!("{}; {}", cookie_pair(&set[0]), cookie_pair(&set[1]));
    test::get("/")
        .header("cookie", &cookie_header)
        .send(&app)
        .await
        .assert_body(r#"signed=Some("user-1") private=Some("secret")"#);

    let tampered = cookie_header.replace("user-1", "user-2");
    test::get("/")
        .header("cookie", &tampered)
        .send(&app)
        .await
        .assert_body(r#"signed=None private=Some("secret")"#);

    let other_key = self::app(Some(Key::from(&[8u8; 64])));
    test::get("/")
        .header("cookie", &cookie_header)
        .send(&other_key)
        .await
        .assert_body("signed=None private=None");
}

#[tokio::test]
async fn a_signed_cookie_without_a_key_is_a_500() {
    test::get("/set")
        .send(&app(None))
        .await
        .assert_status(500)
        .assert_no_header("set-cookie");
}
