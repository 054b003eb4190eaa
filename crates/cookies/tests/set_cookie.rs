//! Writing cookies: exact `Set-Cookie` texts, removal, and errors.

use std::time::Duration;

use shallot_cookies::{wrap_cookies, CookiesResponseExt, SameSite, SetCookie};
use shallot_core::{chain_middleware, test, text, Request, Response};

async fn send_cookies(cookies: Vec<SetCookie>) -> Vec<String> {
    let app = chain_middleware((test::lint(), wrap_cookies())).apply(move |_req: Request| {
        let cookies = cookies.clone();
        async move {
            let mut res = text("ok");
            for cookie in cookies {
                res.set_cookie(cookie);
            }
            res
        }
    });
    let res = test::get("/").send(&app).await;
    res.assert_status(200);
    res.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("test fixture").to_owned())
        .collect()
}

#[tokio::test]
async fn every_attribute_is_written_one_header_per_cookie() {
    let headers = send_cookies(vec![
        SetCookie::new("first", "3.4")
            .with_expires_at(1_545_335_438.505_933_5)
            .unwrap()
            .with_path("/some/path")
            .with_domain("example.test")
            .with_max_age(Duration::from_secs(3600))
            .with_secure(true)
            .with_http_only(true)
            .with_same_site(SameSite::Lax),
        SetCookie::new("second", "value-asdf")
            .with_expires_text("Thu, 20 Dec 2018 19:50:38 GMT")
            .unwrap(),
        SetCookie::new("minimal", "0"),
        SetCookie::new("chips", "1")
            .with_secure(true)
            .with_partitioned(true),
    ])
    .await;
    assert_eq!(
        headers,
        [
            "first=3.4; HttpOnly; SameSite=Lax; Secure; Path=/some/path; Domain=example.test; Max-Age=3600; Expires=Thu, 20 Dec 2018 19:50:38 GMT",
            "second=value-asdf; Expires=Thu, 20 Dec 2018 19:50:38 GMT",
            "minimal=0",
            "chips=1; Partitioned; Secure",
        ]
    );
}

#[tokio::test]
async fn values_are_percent_encoded_the_way_they_are_decoded() {
    let headers = send_cookies(vec![SetCookie::new("v", "a b;c\"é")]).await;
    assert_eq!(headers, ["v=a%20b%3Bc%22%C3%A9"]);
    let decoded = shallot_cookies::RequestCookies::parse([headers[0].as_str()]);
    assert_eq!(decoded.get("v"), Some("a b;c\"é"));
}

#[tokio::test]
async fn removal_sends_an_empty_value_expired_in_the_past() {
    let headers = send_cookies(vec![SetCookie::removal("gone").with_path("/p")]).await;
    let header = &headers[0];
    assert!(
        header.starts_with("gone=; Path=/p; Max-Age=0; Expires="),
        "{header}"
    );
    let date = header.rsplit("Expires=").next().unwrap();
    let expires = httpdate::parse_http_date(date).expect("an HTTP date");
    assert!(
        expires < std::time::SystemTime::now(),
        "expires {date} must be in the past"
    );
}

#[test]
fn bad_expires_values_are_refused_when_built() {
    assert!(SetCookie::new("a", "b").with_expires_at(f64::NAN).is_err());
    assert!(SetCookie::new("a", "b").with_expires_at(1e20).is_err());
    assert!(SetCookie::new("a", "b")
        .with_expires_text("x; Domain=evil")
        .is_err());
    assert!(SetCookie::new("a", "b")
        .with_expires_text("line\nbreak")
        .is_err());
}

#[tokio::test]
async fn a_cookie_with_an_invalid_name_is_a_500_not_a_broken_header() {
    let app = chain_middleware((wrap_cookies(),)).apply(|_req: Request| async {
        let mut res: Response = text("ok");
        res.set_cookie(SetCookie::new("bad name;", "x"));
        res
    });
    test::get("/")
        .send(&app)
        .await
        .assert_status(500)
        .assert_no_header("set-cookie");
}

#[tokio::test]
async fn without_the_middleware_no_header_is_written() {
    let app = |_req: Request| async {
        let mut res: Response = text("ok");
        res.set_cookie(SetCookie::new("a", "1"));
        res
    };
    test::get("/")
        .send(&app)
        .await
        .assert_no_header("set-cookie");
}
