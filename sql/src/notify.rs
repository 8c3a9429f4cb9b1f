//! LISTEN / NOTIFY: who listens on which channel, and each backend's
//! notifications not yet sent to its client.
//!
//! Rules, as PostgreSQL's async.c:
//! 1. LISTEN and UNLISTEN take effect when their transaction commits;
//!    NOTIFY (and pg_notify) queue in the transaction and are sent at
//!    commit, identical (channel, payload) pairs once; a rollback sends
//!    nothing.
//! 2. A commit with notifications holds the hub's order lock from before
//!    its commit record until every listener's inbox has them, so
//!    listeners receive notifications in commit order.
//! 3. A backend's notifications reach its client only between
//!    transactions: before ReadyForQuery when idle, or at once (the
//!    Backend actor woken through [`crate::Host::wake`]) while the
//!    session waits for a query. Its own notifications too, when it
//!    listens on their channel.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use parking_lot::Mutex;

/// One notification for a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// The notifying backend's pid.
    pub pid: i32,
    /// Channel.
    pub channel: String,
    /// Payload ("" when none).
    pub payload: String,
}

/// PostgreSQL's limit on a payload (8000 bytes).
pub const MAX_PAYLOAD: usize = 7999;

/// The server's channels and inboxes.
#[derive(Default)]
pub struct NotifyHub {
    /// The channels each listening backend listens on, in the order it
    /// began to (pg_listening_channels' order).
    listeners: Mutex<BTreeMap<i32, Vec<String>>>,
    /// Notifications not yet sent, by backend pid.
    inboxes: Mutex<HashMap<i32, VecDeque<Notification>>>,
    /// Held across a notifying commit and its delivery (rule 2).
    order: Mutex<()>,
}

impl NotifyHub {
    /// Backend `pid` listens on `channel` from now on.
    pub fn listen(&self, pid: i32, channel: &str) {
        let mut l = self.listeners.lock();
        let channels = l.entry(pid).or_default();
        if !channels.iter().any(|c| c == channel) {
            channels.push(channel.to_owned());
        }
    }

    /// Backend `pid` stops listening on `channel` (every channel: None).
    pub fn unlisten(&self, pid: i32, channel: Option<&str>) {
        let mut l = self.listeners.lock();
        if let Some(channels) = l.get_mut(&pid) {
            match channel {
                Some(c) => channels.retain(|x| x != c),
                None => channels.clear(),
            }
            if channels.is_empty() {
                l.remove(&pid);
            }
        }
    }

    /// Whether backend `pid` listens on any channel.
    pub fn is_listening(&self, pid: i32) -> bool {
        self.listeners.lock().contains_key(&pid)
    }

    /// The channels backend `pid` listens on, in LISTEN order.
    pub fn channels(&self, pid: i32) -> Vec<String> {
        self.listeners.lock().get(&pid).cloned().unwrap_or_default()
    }

    /// Backend `pid` ended: it listens no more and its inbox goes.
    pub fn forget(&self, pid: i32) {
        self.unlisten(pid, None);
        self.inboxes.lock().remove(&pid);
    }

    /// The lock a notifying commit holds (rule 2).
    pub fn order(&self) -> parking_lot::MutexGuard<'_, ()> {
        self.order.lock()
    }

    /// Puts `notes` from backend `from` into the inbox of every backend
    /// listening on their channel; returns the pids given something.
    pub fn publish(&self, from: i32, notes: &[(String, String)]) -> BTreeSet<i32> {
        let listeners = self.listeners.lock();
        let mut inboxes = self.inboxes.lock();
        let mut woken = BTreeSet::new();
        for (channel, payload) in notes {
            for (&pid, _) in listeners
                .iter()
                .filter(|(_, channels)| channels.contains(channel))
            {
                inboxes.entry(pid).or_default().push_back(Notification {
                    pid: from,
                    channel: channel.clone(),
                    payload: payload.clone(),
                });
                woken.insert(pid);
            }
        }
        woken
    }

    /// Takes backend `pid`'s waiting notifications.
    pub fn take(&self, pid: i32) -> Vec<Notification> {
        match self.inboxes.lock().get_mut(&pid) {
            Some(q) => q.drain(..).collect(),
            None => Vec::new(),
        }
    }

    /// Whether backend `pid` has notifications waiting.
    pub fn has_waiting(&self, pid: i32) -> bool {
        self.inboxes.lock().get(&pid).is_some_and(|q| !q.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_get_what_is_published_in_order() {
        let hub = NotifyHub::default();
        hub.listen(1, "a");
        hub.listen(2, "b");
        hub.listen(2, "a");
        let woken = hub.publish(9, &[("a".into(), "x".into()), ("b".into(), "y".into())]);
        assert_eq!(woken.into_iter().collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(hub.take(1).len(), 1);
        let two: Vec<String> = hub.take(2).into_iter().map(|n| n.payload).collect();
        assert_eq!(two, vec!["x", "y"]);
        assert!(hub.take(2).is_empty());
        assert_eq!(hub.channels(2), vec!["b", "a"]);
        hub.unlisten(2, Some("a"));
        assert_eq!(hub.channels(2), vec!["b"]);
        hub.forget(2);
        assert!(hub.channels(2).is_empty());
        assert!(hub.publish(9, &[("b".into(), String::new())]).is_empty());
    }
}
