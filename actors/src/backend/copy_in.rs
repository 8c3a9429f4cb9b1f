//! COPY FROM STDIN's data path: the Backend reads the client's CopyData
//! messages off the socket and feeds them to the executor running the
//! COPY, which takes them as it loads rows.
//!
//! ```text
//!  executor: CopyInResponse ─► Out::CopyIn(feed) ─► Backend enters copy-in
//!  client CopyData ─► Backend ─feed─► [bounded] ─inbox─► executor parses, loads
//!  client CopyDone / CopyFail / another message ─► last item; copy-in ends
//! ```
//!
//! Rules:
//! 1. At most [`COPY_QUEUE`] chunks wait between the two: when they are
//!    all taken, the Backend waits (it reads no more from the socket), so
//!    a fast client is slowed to the load's pace instead of filling
//!    memory.
//! 2. The executor waits for data in slices of [`POLL`], checking its
//!    interrupts in between: cancel and statement_timeout end a COPY
//!    whose client went quiet.
//! 3. When the executor stops reading (the COPY ended in an error, or
//!    finished), dropping the inbox closes the queue: a Backend waiting
//!    to feed wakes, and it drops the rest of the client's COPY messages,
//!    as the protocol says.

use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use actorgres_memory::Interrupts;
use actorgres_sql::{SqlError, SqlState};
use bytes::Bytes;
use tokio::sync::Semaphore;

/// Chunks of COPY data in flight (each up to the codec's merged size).
pub const COPY_QUEUE: usize = 8;

/// How long the executor waits for data before checking interrupts.
const POLL: Duration = Duration::from_millis(100);

/// One item fed to a COPY.
#[derive(Debug)]
pub enum CopyIn {
    /// CopyData.
    Data(Bytes),
    /// CopyDone: the data ends.
    Done,
    /// CopyFail with the client's message.
    Fail(String),
    /// Another message type arrived during COPY (08P01).
    Unexpected(u8),
}

/// The Backend's end.
pub struct CopyFeed {
    /// Items to the executor.
    tx: mpsc::Sender<CopyIn>,
    /// Free places in the queue (rule 1).
    permits: Arc<Semaphore>,
}

/// The executor's end.
pub struct CopyInbox {
    /// Items from the Backend.
    rx: mpsc::Receiver<CopyIn>,
    /// Free places, given back as items are taken.
    permits: Arc<Semaphore>,
}

/// A connected feed and inbox.
pub fn channel() -> (CopyFeed, CopyInbox) {
    let (tx, rx) = mpsc::channel();
    let permits = Arc::new(Semaphore::new(COPY_QUEUE));
    (
        CopyFeed {
            tx,
            permits: Arc::clone(&permits),
        },
        CopyInbox { rx, permits },
    )
}

/// What feeding one item did.
pub enum Fed {
    /// Queued.
    Sent,
    /// The queue is full: wait with [`CopyFeed::send_later`].
    Full(CopyIn),
    /// The executor stopped reading (rule 3): drop the rest.
    Closed,
}

impl CopyFeed {
    /// Queues `item` if there is room.
    pub fn try_send(&self, item: CopyIn) -> Fed {
        match self.permits.try_acquire() {
            Ok(p) => {
                p.forget();
                if self.tx.send(item).is_ok() {
                    Fed::Sent
                } else {
                    Fed::Closed
                }
            }
            Err(tokio::sync::TryAcquireError::NoPermits) => Fed::Full(item),
            Err(tokio::sync::TryAcquireError::Closed) => Fed::Closed,
        }
    }

    /// Queues `item` once there is room; false if the executor stopped
    /// reading meanwhile.
    pub fn send_later(&self, item: CopyIn) -> impl std::future::Future<Output = bool> + 'static {
        let permits = Arc::clone(&self.permits);
        let tx = self.tx.clone();
        async move {
            match permits.acquire_owned().await {
                Ok(p) => {
                    p.forget();
                    tx.send(item).is_ok()
                }
                Err(_) => false,
            }
        }
    }
}

impl CopyInbox {
    /// The next item, waiting as needed (rule 2); a Backend gone is the
    /// end of the connection.
    pub fn recv(&self, interrupts: &Interrupts) -> actorgres_sql::Result<CopyIn> {
        loop {
            if let Err(reason) = interrupts.check() {
                return Err(actorgres_sql::errors::interrupted(reason));
            }
            match self.rx.recv_timeout(POLL) {
                Ok(item) => {
                    self.permits.add_permits(1);
                    return Ok(item);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(SqlError::fatal(
                        SqlState::CONNECTION_FAILURE,
                        "unexpected EOF on client connection with an open transaction",
                    ))
                }
            }
        }
    }
}

impl Drop for CopyInbox {
    /// Rule 3.
    fn drop(&mut self) {
        self.permits.close();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_full_queue_refuses_until_the_executor_takes_an_item() {
        let (feed, inbox) = channel();
        for _ in 0..COPY_QUEUE {
            assert!(matches!(feed.try_send(CopyIn::Done), Fed::Sent));
        }
        assert!(matches!(feed.try_send(CopyIn::Done), Fed::Full(_)));
        let interrupts = Interrupts::new();
        assert!(matches!(inbox.recv(&interrupts).unwrap(), CopyIn::Done));
        assert!(matches!(feed.try_send(CopyIn::Done), Fed::Sent));
    }

    #[test]
    fn a_dropped_inbox_closes_the_feed_and_a_dropped_feed_ends_the_inbox() {
        let (feed, inbox) = channel();
        drop(inbox);
        assert!(matches!(feed.try_send(CopyIn::Done), Fed::Closed));
        let (feed, inbox) = channel();
        drop(feed);
        let e = inbox.recv(&Interrupts::new()).unwrap_err();
        assert!(e.is_fatal());
    }

    #[test]
    fn a_cancel_ends_a_wait_for_data() {
        let (_feed, inbox) = channel();
        let interrupts = Interrupts::new();
        interrupts.raise(actorgres_memory::Interrupt::Cancel);
        let e = inbox.recv(&interrupts).unwrap_err();
        assert_eq!(e.code(), SqlState::QUERY_CANCELED);
    }
}
