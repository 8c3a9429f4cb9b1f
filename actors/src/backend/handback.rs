//! How a finished statement's session gets back to its Backend without
//! waking it.
//!
//! Most answers are short: the executor writes the whole answer to the
//! socket itself. Telling the Backend "done" then would cost a thread
//! wake-up per statement for nothing, so the executor leaves the session
//! in this slot instead and the Backend takes it when it next needs it
//! (the client's next message, a Terminate). When the Backend must see
//! the end of the statement (rows streamed in batches, an answer the
//! socket did not take whole, a session that must end), the executor
//! summons it and sends the outcome through the channel.
//!
//! The slot's one rule, kept under its lock: once the Backend is
//! *collecting* (it waits for the outcome message), the executor no
//! longer leaves the session here, it sends it; so neither side can wait
//! for something the other will never send.
//!
//! ```text
//!  executor finished ─finish──► not collecting: left here ──claim──► Backend
//!                                collecting: Err, send Done ──────► Backend
//!  Backend needs it ──claim──►  left here: taken (no message)
//!                               not yet: now collecting (waits for Done)
//! ```

use parking_lot::Mutex;

/// The slot between one Backend and the executor running its statement.
pub struct Handback<T> {
    /// The slot itself.
    slot: Mutex<Slot<T>>,
}

struct Slot<T> {
    /// What the executor left.
    left: Option<T>,
    /// The Backend waits for the outcome message.
    collecting: bool,
}

impl<T> Default for Handback<T> {
    fn default() -> Self {
        Handback {
            slot: Mutex::new(Slot {
                left: None,
                collecting: false,
            }),
        }
    }
}

impl<T> Handback<T> {
    /// Executor, at the end of a statement: runs `write` (which writes
    /// the rest of the answer and says whether all of it went), then
    /// leaves `value` for the Backend, or gives it back (send it) if the
    /// answer is not all written or the Backend is collecting.
    ///
    /// `write` runs under the slot's lock: a client that waits for the
    /// answer before it sends again (most do) cannot have its next
    /// message reach the Backend before the value is left here, so the
    /// Backend finds it and is not woken a second time.
    pub fn finish(&self, value: T, write: impl FnOnce() -> bool) -> Result<(), T> {
        let mut slot = self.slot.lock();
        if !write() || slot.collecting {
            return Err(value);
        }
        slot.left = Some(value);
        Ok(())
    }

    /// Executor, before it sends anything through the channel: marks the
    /// Backend collecting. True if it was not yet, so the caller must
    /// tell it to collect.
    pub fn summon(&self) -> bool {
        let mut slot = self.slot.lock();
        !std::mem::replace(&mut slot.collecting, true)
    }

    /// Backend, when it needs the statement to be over: what the executor
    /// left, or None, and then the Backend is collecting and must read
    /// the channel until the outcome comes.
    pub fn claim(&self) -> Option<T> {
        let mut slot = self.slot.lock();
        let left = slot.left.take();
        if left.is_none() {
            slot.collecting = true;
        }
        left
    }

    /// Backend, once the outcome message came: the next statement starts
    /// with nobody collecting.
    pub fn collected(&self) {
        self.slot.lock().collecting = false;
    }

    /// Whether the executor left its statement's outcome here (the
    /// statement is over).
    pub fn is_left(&self) -> bool {
        self.slot.lock().left.is_some()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_statement_nobody_waits_for_is_left_and_claimed_silently() {
        let h = Handback::default();
        assert!(!h.is_left());
        assert_eq!(h.finish(7, || true), Ok(()));
        assert!(h.is_left());
        assert_eq!(h.claim(), Some(7));
        // Taking it does not make the Backend collect: the next statement
        // may be left here too.
        assert_eq!(h.finish(8, || true), Ok(()));
        assert_eq!(h.claim(), Some(8));
    }

    #[test]
    fn an_answer_not_all_written_is_sent_with_the_value() {
        let h = Handback::default();
        assert_eq!(h.finish(7, || false), Err(7));
        assert!(!h.is_left());
    }

    #[test]
    fn once_the_backend_collects_the_executor_must_send() {
        let h = Handback::default();
        assert_eq!(h.claim(), None, "statement still running");
        assert_eq!(
            h.finish(7, || true),
            Err(7),
            "the Backend waits for the message"
        );
        assert!(!h.summon(), "already collecting: no second summons");
        h.collected();
        assert_eq!(
            h.finish(8, || true),
            Ok(()),
            "the next statement starts afresh"
        );
    }

    #[test]
    fn a_summoned_backend_is_summoned_once_and_gets_the_outcome_sent() {
        let h = Handback::default();
        assert!(h.summon(), "first batch: tell the Backend");
        assert!(!h.summon(), "later batches: it knows");
        assert_eq!(h.finish(1, || true), Err(1));
        assert_eq!(h.claim(), None);
        h.collected();
        assert!(h.summon(), "a new statement summons again");
    }

    #[test]
    fn concurrent_finishes_and_claims_never_lose_the_value() {
        // Whatever the interleaving, the value is either left and
        // claimed, or refused and therefore sent.
        for _ in 0..200 {
            let h = std::sync::Arc::new(Handback::default());
            let h2 = std::sync::Arc::clone(&h);
            let exec = std::thread::spawn(move || h2.finish(5, || true).err());
            let claimed = h.claim();
            let sent = exec.join().unwrap();
            let claimed = claimed.or_else(|| {
                // Not left when the Backend looked: either refused (sent)
                // or left just after; a collecting Backend refuses that.
                h.claim()
            });
            assert_eq!(
                usize::from(claimed.is_some()) + usize::from(sent.is_some()),
                1,
                "claimed {claimed:?}, sent {sent:?}"
            );
        }
    }
}
