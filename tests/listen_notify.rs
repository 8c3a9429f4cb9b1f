//! LISTEN / NOTIFY through the wire protocol: a notification reaches
//! every listening session at commit, in commit order, as an
//! asynchronous NotificationResponse even while the listener is idle;
//! a rollback sends nothing; a listener in a transaction gets it after
//! the transaction ends; the notifier's own session gets its own.
#![allow(clippy::unwrap_used, clippy::disallowed_methods)]

mod common;

use common::{RawClient, Server};

/// Reads messages until one starts with `prefix` (bounded by the
/// client's read timeout).
fn wait_for(c: &mut RawClient, prefix: &str) -> String {
    loop {
        let m = c.next().expect("connection ended");
        if m.starts_with(prefix) {
            return m;
        }
    }
}

#[test]
fn notifications_reach_idle_listeners_at_commit_in_order() {
    let server = Server::start(&[]);
    let (mut listener, _) = RawClient::startup(server.port, "postgres");
    let (mut other, _) = RawClient::startup(server.port, "postgres");
    let (mut sender, _) = RawClient::startup(server.port, "postgres");
    listener.query("LISTEN jobs");
    listener.query("LISTEN \"Mixed\"");
    other.query("LISTEN jobs");
    let channels = listener.query("SELECT string_agg(c, ',') FROM pg_listening_channels() c");
    assert!(
        channels.contains(&"DataRow ['jobs,Mixed']".to_owned()),
        "{channels:?}"
    );

    // A rolled-back NOTIFY sends nothing; a committed one arrives while
    // the listener waits for a query (it sent nothing since).
    sender.query("BEGIN; NOTIFY jobs, 'lost'; ROLLBACK");
    sender.query("NOTIFY jobs, 'first'");
    sender.query("BEGIN; NOTIFY jobs, 'second'; NOTIFY jobs, 'second'; SELECT pg_notify('Mixed', 'third'); COMMIT");
    assert_eq!(
        wait_for(&mut listener, "Notification"),
        "NotificationResponse jobs first"
    );
    assert_eq!(
        wait_for(&mut listener, "Notification"),
        "NotificationResponse jobs second"
    );
    assert_eq!(
        wait_for(&mut listener, "Notification"),
        "NotificationResponse Mixed third"
    );
    assert_eq!(
        wait_for(&mut other, "Notification"),
        "NotificationResponse jobs first"
    );
    assert_eq!(
        wait_for(&mut other, "Notification"),
        "NotificationResponse jobs second"
    );

    // A listener inside a transaction gets it when the transaction ends,
    // before its ReadyForQuery.
    listener.query("BEGIN");
    sender.query("NOTIFY jobs, 'later'");
    let during = listener.query("SELECT 1");
    assert!(
        !during.iter().any(|m| m.starts_with("Notification")),
        "{during:?}"
    );
    let after = listener.query("COMMIT");
    assert_eq!(
        after
            .iter()
            .find(|m| m.starts_with("Notification"))
            .map(String::as_str),
        Some("NotificationResponse jobs later"),
        "{after:?}"
    );

    // The notifier hears its own notification when it listens too.
    let own = sender.query("LISTEN self; NOTIFY self, 'me'");
    assert!(
        own.contains(&"NotificationResponse self me".to_owned()),
        "{own:?}"
    );

    // UNLISTEN * stops everything; bad input is 22023.
    listener.query("UNLISTEN *");
    let none = listener.query("SELECT count(*) FROM pg_listening_channels()");
    assert!(none.contains(&"DataRow ['0']".to_owned()), "{none:?}");
    let bad = sender.query("SELECT pg_notify('', 'x')");
    assert!(
        bad.iter()
            .any(|m| m.contains("22023") && m.contains("channel name cannot be empty")),
        "{bad:?}"
    );
}
