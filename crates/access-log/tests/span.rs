//! The request's `tracing` span, alone in its test binary: `tracing` keeps its level filter
//! and each callsite's interest for the whole process, and a scoped subscriber set by one test
//! raced the requests of the tests running beside it (the span was missing once in CI).

use shallot_access_log::wrap_access_log;
use shallot_core::{chain_middleware, test, Request};

#[tokio::test]
async fn spans_carry_the_request_fields() {
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().expect("not poisoned").extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let captured = Captured::default();
    let make_writer = {
        let captured = captured.clone();
        move || captured.clone()
    };
    let subscriber = tracing_subscriber::fmt()
        .with_writer(make_writer)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = chain_middleware((wrap_access_log().without_lines(),)).apply(|_req: Request| async {
        tracing::info!("inside the handler");
        "hi"
    });
    test::get("/traced")
        .header("x-request-id", "t-9")
        .send(&app)
        .await;
    let text = String::from_utf8(captured.0.lock().expect("not poisoned").clone()).expect("utf-8");
    assert!(text.contains("inside the handler"), "{text}");
    assert!(
        text.contains("request{method=GET path=/traced request_id=\"t-9\""),
        "{text}"
    );
}
