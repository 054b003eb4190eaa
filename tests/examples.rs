//! Each feature example's `app()`, driven in-process, so the examples stay true.

use shallot::test;

macro_rules! example {
    ($name:ident, $file:literal) => {
        #[path = $file]
        #[allow(dead_code)]
        mod $name;
    };
}

example!(hello, "../examples/hello.rs");
example!(routing, "../examples/routing.rs");
example!(json, "../examples/json.rs");
example!(params, "../examples/params.rs");
example!(content_type, "../examples/content_type.rs");
example!(cookies, "../examples/cookies.rs");
example!(static_files, "../examples/static_files.rs");
example!(tower_bridge, "../examples/tower.rs");

#[tokio::test]
async fn hello_answers_with_a_server_header() {
    test::get("/x")
        .send(&hello::app())
        .await
        .assert_status(200)
        .assert_header("server", "shallot")
        .assert_body("hi user! you asked for /x");
}

#[tokio::test]
async fn routing_builds_canonical_urls_and_refuses_other_methods() {
    let app = routing::app().unwrap();
    test::get("/users/a%20b")
        .send(&app)
        .await
        .assert_body("user a b, canonical URL /users/a%20b");
    test::get("/api/v1/status")
        .send(&app)
        .await
        .assert_body("ok");
    test::post("/users/1", "")
        .send(&app)
        .await
        .assert_status(405);
    test::get("/nope").send(&app).await.assert_status(404);
}

#[tokio::test]
async fn json_has_a_birthday() {
    let app = json::app();
    test::post("/", r#"{"name":"ada","age":36}"#)
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_header("content-type", "application/json")
        .assert_body(r#"{"age":37,"name":"ada"}"#);
    test::post("/", r#"{"name":"ada"}"#)
        .header("content-type", "application/json")
        .send(&app)
        .await
        .assert_status(400);
}

#[tokio::test]
async fn params_merges_query_and_form() {
    test::post("/?tag=a&tag=b", "tag=c")
        .header("content-type", "application/x-www-form-urlencoded")
        .send(&params::app())
        .await
        .assert_body("tags (query first, then form): a, b, c\n");
}

#[tokio::test]
async fn content_type_names_untyped_answers() {
    let app = content_type::app().unwrap();
    test::get("/report.csv")
        .send(&app)
        .await
        .assert_header("content-type", "text/csv; charset=utf-8");
    test::get("/soup.recipe")
        .send(&app)
        .await
        .assert_header("content-type", "text/x-recipe; charset=utf-8");
}

#[tokio::test]
async fn cookies_counts_visits() {
    test::get("/")
        .header("cookie", "visits=4")
        .send(&cookies::app())
        .await
        .assert_body("visit number 5\n")
        .assert_header("set-cookie", "visits=5; HttpOnly; SameSite=Lax; Path=/");
}

#[tokio::test]
async fn static_files_serves_the_assets_with_caching() {
    let app = static_files::app().unwrap();
    test::get("/")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("cache-control", "public, max-age=60")
        .assert_header("content-type", "text/html; charset=utf-8");
    test::get("/docs/hello.txt")
        .header("range", "bytes=0-4")
        .send(&app)
        .await
        .assert_status(206)
        .assert_body("hello");
    test::get("/nothing").send(&app).await.assert_status(404);
}

#[tokio::test]
async fn tower_layers_run_inside_the_pile() {
    let app = tower_bridge::app().unwrap();
    test::get("/hello")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("x-content-type-options", "nosniff")
        .assert_body("hi from a pile behind tower layers");
    test::get("/slow")
        .send(&app)
        .await
        .assert_status(408)
        .assert_header("x-content-type-options", "nosniff");
}
