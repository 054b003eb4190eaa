//! The "Behind a proxy" rules of the showcase contract, in-process.

use shallot_core::{chain_middleware, test, ChainHandler, ConnectionInfo, Request};
use shallot_forwarded::{wrap_trusted_proxies, ForwardingHeaders, TrustedProxies};

async fn whoami(req: Request) -> String {
    let info = ConnectionInfo::of(&req).expect("connection info");
    let host = req
        .headers()
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    format!("{} {} {host}", info.client_ip(), info.scheme())
}

fn app(trusted: &[&str]) -> ChainHandler {
    let proxies = TrustedProxies::parse(trusted).expect("valid ranges");
    chain_middleware((test::lint(), wrap_trusted_proxies(proxies))).apply(whoami)
}

async fn who(app: &ChainHandler, headers: &[(&str, &str)]) -> String {
    let mut req = test::get("/")
        .without_header("host")
        .header("host", "own.test");
    for (name, value) in headers {
        req = req.header(name, value);
    }
    req.send(app).await.text().to_owned()
}

#[tokio::test]
async fn an_untrusted_peer_is_never_believed() {
    for trusted in [&[][..], &["10.0.0.0/8"], &["::1"]] {
        let app = app(trusted);
        let headers = [
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "evil.test"),
        ];
        assert_eq!(who(&app, &headers).await, "127.0.0.1 http own.test");
        let forwarded = [("forwarded", "for=203.0.113.7;proto=https;host=evil.test")];
        assert_eq!(who(&app, &forwarded).await, "127.0.0.1 http own.test");
    }
}

#[tokio::test]
async fn the_walk_stops_at_the_first_untrusted_hop_from_the_right() {
    let app = app(&["127.0.0.0/8", "10.0.0.0/8"]);
    for (xff, client) in [
        ("203.0.113.7", "203.0.113.7"),
        ("203.0.113.7, 10.0.0.2", "203.0.113.7"),
        ("6.6.6.6, 203.0.113.7, 10.0.0.2, 10.0.0.3", "203.0.113.7"),
        ("10.0.0.9, 10.0.0.2", "10.0.0.9"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443, 10.0.0.1", "2001:db8::1"),
        ("203.0.113.7:5555", "203.0.113.7"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
    ] {
        assert_eq!(
            who(&app, &[("x-forwarded-for", xff)]).await,
            format!("{client} http own.test"),
            "{xff}"
        );
    }
    // Several lines are one list, in order.
    let mut req = test::get("/")
        .without_header("host")
        .header("host", "own.test");
    req = req
        .header("x-forwarded-for", "198.51.100.1")
        .header("x-forwarded-for", "10.0.0.2");
    assert_eq!(req.send(&app).await.text(), "198.51.100.1 http own.test");
}

#[tokio::test]
async fn scheme_and_host_come_from_the_rightmost_x_forwarded_values() {
    let app = app(&["127.0.0.1"]);
    let headers = [
        ("x-forwarded-proto", "http, https"),
        ("x-forwarded-host", "first.test, app.example:8443"),
    ];
    assert_eq!(
        who(&app, &headers).await,
        "127.0.0.1 https app.example:8443"
    );
}

#[tokio::test]
async fn forwarded_wins_over_x_forwarded_and_gives_its_hops_values() {
    let app = app(&["127.0.0.1", "10.0.0.0/8"]);
    let headers = [
        (
            "forwarded",
            r#"for=198.51.100.3;proto=https;host=app.example, for="10.0.0.5";proto=http"#,
        ),
        ("x-forwarded-for", "6.6.6.6"),
    ];
    assert_eq!(who(&app, &headers).await, "198.51.100.3 https app.example");
    let quoted = [("Forwarded", r#"For="[2001:db8:cafe::17]:4711""#)];
    assert_eq!(who(&app, &quoted).await, "2001:db8:cafe::17 http own.test");
}

#[tokio::test]
async fn malformed_headers_are_ignored_as_a_whole() {
    let app = app(&["127.0.0.1", "10.0.0.0/8"]);
    for headers in [
        &[("x-forwarded-for", "203.0.113.7, garbage")][..],
        &[("x-forwarded-for", "203.0.113.7,,10.0.0.1")],
        &[("x-forwarded-for", "")],
        &[("x-forwarded-for", "[2001:db8::1")],
        &[("x-forwarded-for", "203.0.113.7:99999")],
        &[("forwarded", "for=unknown")],
        &[("forwarded", "for=_hidden")],
        &[("forwarded", "for=203.0.113.7;for=10.0.0.1")],
        &[("forwarded", "for=203.0.113.7;secret=1")],
        &[("forwarded", r#"for="203.0.113.7"#)],
        &[("forwarded", "for=203.0.113.7, ")],
        &[("forwarded", "proto=https")],
        &[("forwarded", "for=203.0.113.7;proto=ftp")],
        &[("forwarded", "for=203.0.113.7;host=\"a b\"")],
        &[("forwarded", "for=2001:db8::1")],
        &[("forwarded", "for=203.0.113.7"), ("forwarded", "nonsense")],
    ] {
        assert_eq!(
            who(&app, headers).await,
            "127.0.0.1 http own.test",
            "{headers:?}"
        );
    }
    // A malformed proto or host header is dropped, the address still used.
    let headers = [
        ("x-forwarded-for", "203.0.113.7"),
        ("x-forwarded-proto", "https, gopher"),
        ("x-forwarded-host", "user@evil.test"),
    ];
    assert_eq!(who(&app, &headers).await, "203.0.113.7 http own.test");
}

#[tokio::test]
async fn only_the_family_the_proxy_writes_is_read() {
    let with = |headers| {
        let proxies = TrustedProxies::parse(["127.0.0.1"])
            .expect("valid ranges")
            .with_headers(headers);
        chain_middleware((test::lint(), wrap_trusted_proxies(proxies))).apply(whoami)
    };
    let both = [
        ("forwarded", "for=6.6.6.6;proto=https;host=evil.test"),
        ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
        ("x-forwarded-host", "app.example"),
    ];
    // By default `Forwarded` wins: a proxy that does not write it must remove it.
    assert_eq!(
        who(&with(ForwardingHeaders::Both), &both).await,
        "6.6.6.6 https evil.test"
    );
    assert_eq!(
        who(&with(ForwardingHeaders::XForwarded), &both).await,
        "203.0.113.7 http app.example"
    );
    assert_eq!(
        who(&with(ForwardingHeaders::Forwarded), &both).await,
        "6.6.6.6 https evil.test"
    );
    // A family not read is ignored even when it is the only one there.
    let x_only = &both[1..];
    assert_eq!(
        who(&with(ForwardingHeaders::Forwarded), x_only).await,
        "127.0.0.1 http own.test"
    );
    let forwarded_only = &both[..1];
    assert_eq!(
        who(&with(ForwardingHeaders::XForwarded), forwarded_only).await,
        "127.0.0.1 http own.test"
    );
}
