// The service the doc examples run against, included by each (`include!`, an expression): a fresh
// in-memory service on a loopback port with a worker that rotates COMMON secrets and a user directory
// of one user, `u1` ("alice", no password yet), and a client of it for project
// 0123456789abcdef0123456789abcdef whose token is u1's. Not part of the crate: doc examples cannot
// share code any other way, and the crate depends on no server crate.
{
    use std::sync::Arc;
    use std::time::Duration;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let endpoint = format!("http://{}", listener.local_addr()?);
    let scope = csms_http::auth::ProjectScope::All;
    let credentials =
        csms_http::auth::StaticCredentials::new().with_user_token("doc-token-0123456789", scope, Some("u1".into()));
    let user = csms_http::DirectoryUser {
        user_id: "u1".into(),
        user_name: "alice".into(),
        name: "Alice".into(),
        account: "*".into(),
        org_id: String::new(),
        mobile: String::new(),
        email: String::new(),
        initial_password: None,
        created_at: 0,
    };
    let store = csms_store::Store::memory();
    let worker = csms_worker::Worker::new(store.clone(), Arc::new(csms_worker::LogTarget))
        .with_rotator(csms_model::SecretType::Common, Arc::new(csms_worker::RandomValue))
        .with_poll(Duration::from_millis(20));
    tokio::spawn(Arc::new(worker).run(std::future::pending()));
    let service = csms_http::CsmsService::builder(store, Arc::new(credentials))
        .rotate_common(true)
        .directory(csms_http::Directory::default().with_user(user)).build();
    tokio::spawn(csms_http::serve(listener, service, std::future::pending(), Duration::from_secs(1)));
    csms_client::Client::builder()
        .endpoint(endpoint)
        .token("doc-token-0123456789")
        .project("0123456789abcdef0123456789abcdef")
        .build()?
}
