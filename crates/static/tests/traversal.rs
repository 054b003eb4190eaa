//! No byte outside the folder, whatever the encoding; symlinks under a policy.

mod common;

use common::{app, Folder};
use shallot_core::test;
use shallot_static::{wrap_static, Symlinks};

/// A folder with a public file, next to a secret one outside it.
fn setup() -> (Folder, Folder) {
    let outside = Folder::new();
    outside.file("secret.txt", "SECRET");
    let public = Folder::new();
    public.file("public/ok.txt", "fine");
    (outside, public)
}

#[tokio::test]
async fn every_encoding_of_dot_dot_is_refused() {
    let (outside, public) = setup();
    let secret_name = outside
        .path
        .file_name()
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let app = app(wrap_static("/s", public.path.join("public")).unwrap());
    let up = format!("{secret_name}/secret.txt");
    for attack in [
        format!("/s/../../{up}"),
        format!("/s/..%2f..%2f{up}"),
        format!("/s/%2e%2e/%2e%2e/{up}"),
        format!("/s/%2E%2E/%2E%2E/{up}"),
        format!("/s/%252e%252e/%252e%252e/{up}"),
        format!("/s/%c0%ae%c0%ae/%c0%ae%c0%ae/{up}"),
        format!("/s/..%5c..%5c{up}"),
        format!("/s/..\\..\\{up}"),
        format!("/s/..;/..;/{up}"),
        format!("/s/ok.txt%00/../../{up}"),
        "/s//etc/passwd".to_owned(),
        "/s/%2fetc%2fpasswd".to_owned(),
        "/s/C:/Windows/win.ini".to_owned(),
        "/s/\\\\server\\share\\x".to_owned(),
        format!("/s/./../{up}"),
    ] {
        // The test client takes any valid URI; some attacks are not valid URIs at all,
        // which a server would refuse before the pile.
        let Ok(uri) = attack.parse::<shallot_core::http::Uri>() else {
            continue;
        };
        let res = test::get(&uri.to_string()).send(&app).await;
        assert_eq!(
            res.status(),
            418,
            "{attack} must not be served: {:?}",
            res.body()
        );
        assert!(!res.text().contains("SECRET"));
    }
    test::get("/s/ok.txt").send(&app).await.assert_body("fine");
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_out_of_the_folder_is_refused_by_default_and_followed_on_request() {
    let (outside, public) = setup();
    let root = public.path.join("public");
    std::os::unix::fs::symlink(outside.path.join("secret.txt"), root.join("link.txt")).unwrap();
    std::os::unix::fs::symlink(&outside.path, root.join("linkdir")).unwrap();
    std::os::unix::fs::symlink(root.join("ok.txt"), root.join("inside.txt")).unwrap();

    let app_default = app(wrap_static("/s", &root).unwrap());
    test::get("/s/link.txt")
        .send(&app_default)
        .await
        .assert_status(418);
    test::get("/s/linkdir/secret.txt")
        .send(&app_default)
        .await
        .assert_status(418);
    test::get("/s/inside.txt")
        .send(&app_default)
        .await
        .assert_status(200)
        .assert_body("fine");

    let following = app(wrap_static("/s", &root)
        .unwrap()
        .with_symlinks(Symlinks::Follow));
    test::get("/s/link.txt")
        .send(&following)
        .await
        .assert_status(200)
        .assert_body("SECRET");
}

#[cfg(unix)]
#[tokio::test]
async fn an_index_that_links_out_is_refused() {
    let (outside, public) = setup();
    let root = public.path.join("public");
    std::fs::create_dir(root.join("dir")).unwrap();
    std::os::unix::fs::symlink(outside.path.join("secret.txt"), root.join("dir/index.html"))
        .unwrap();
    let app = app(wrap_static("/s", &root).unwrap());
    test::get("/s/dir/").send(&app).await.assert_status(418);
}

#[cfg(unix)]
#[tokio::test]
async fn only_regular_files_are_served() {
    let public = Folder::new();
    std::os::unix::fs::symlink("/dev/zero", public.path.join("zero")).unwrap();
    let app = app(wrap_static("/s", &public.path)
        .unwrap()
        .with_symlinks(Symlinks::Follow));
    test::get("/s/zero").send(&app).await.assert_status(418);
}

#[cfg(unix)]
#[tokio::test]
async fn a_symlink_is_typed_by_the_name_asked_for_like_the_content_type_middleware_would() {
    let (_outside, public) = setup();
    let root = public.path.join("public");
    // `site.css` links to a file named `ok.txt` inside the folder.
    std::os::unix::fs::symlink(root.join("ok.txt"), root.join("site.css")).unwrap();
    let app = app(wrap_static("/s", &root).unwrap());
    test::get("/s/site.css")
        .send(&app)
        .await
        .assert_status(200)
        .assert_header("content-type", "text/css; charset=utf-8")
        .assert_body("fine");
    test::get("/s/ok.txt")
        .send(&app)
        .await
        .assert_header("content-type", "text/plain; charset=utf-8");
}
