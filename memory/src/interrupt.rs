//! A backend's interrupt flag: PostgreSQL's InterruptPending and
//! CHECK_FOR_INTERRUPTS.
//!
//! Rules:
//! 1. Anyone holding the `Interrupts` (Postmaster, timers, the backend
//!    itself) may [`raise`](Interrupts::raise) a reason; the executor calls
//!    [`check`](Interrupts::check) between batches and unwinds with the
//!    reason's error.
//! 2. A stronger reason is never replaced by a weaker one: Terminate beats
//!    Timeout beats Cancel.
//! 3. The backend clears the flag (`clear`) when a statement ends, except
//!    Terminate, which is final.
//! 4. Waits that may last (pg_sleep, lock waits) use
//!    [`sleep`](Interrupts::sleep), which wakes at once when a reason is
//!    raised.

use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

/// Why a running statement must stop, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Interrupt {
    /// A CancelRequest with the right key (57014, "canceling statement due
    /// to user request").
    Cancel,
    /// statement_timeout expired (57014, "canceling statement due to
    /// statement timeout").
    Timeout,
    /// The client closed its connection while a statement ran (08006,
    /// FATAL "connection to client lost"): the statement's work is for
    /// nobody, as PostgreSQL's client_connection_check_interval finds.
    ClientGone,
    /// Fast shutdown or pg_terminate_backend (57P01, FATAL).
    Terminate,
}

/// The shared flag; clones refer to the same flag.
#[derive(Debug, Clone, Default)]
pub struct Interrupts {
    /// The pending reason and the condition variable waits sleep on.
    inner: Arc<(Mutex<Option<Interrupt>>, Condvar)>,
}

impl Interrupts {
    /// A flag with nothing pending.
    pub fn new() -> Self {
        Self::default()
    }

    /// Raises `reason` (unless a stronger one is pending) and wakes sleepers.
    pub fn raise(&self, reason: Interrupt) {
        let (lock, cv) = &*self.inner;
        let mut pending = lock.lock();
        if pending.is_none_or(|p| p < reason) {
            *pending = Some(reason);
        }
        cv.notify_all();
    }

    /// The pending reason, if any.
    pub fn pending(&self) -> Option<Interrupt> {
        *self.inner.0.lock()
    }

    /// CHECK_FOR_INTERRUPTS: `Err(reason)` when the statement must stop.
    pub fn check(&self) -> Result<(), Interrupt> {
        match self.pending() {
            Some(reason) => Err(reason),
            None => Ok(()),
        }
    }

    /// Forgets a Cancel or Timeout once the statement has ended; Terminate
    /// and ClientGone stay.
    pub fn clear(&self) {
        let mut pending = self.inner.0.lock();
        if !matches!(*pending, Some(Interrupt::Terminate | Interrupt::ClientGone)) {
            *pending = None;
        }
    }

    /// Sleeps for `d` or until an interrupt is raised. For executor threads
    /// only: it blocks the calling thread.
    pub fn sleep(&self, d: Duration) -> Result<(), Interrupt> {
        let deadline = Instant::now().checked_add(d);
        let (lock, cv) = &*self.inner;
        let mut pending = lock.lock();
        loop {
            if let Some(reason) = *pending {
                return Err(reason);
            }
            match deadline {
                Some(deadline) => {
                    if cv.wait_until(&mut pending, deadline).timed_out() {
                        return match *pending {
                            Some(reason) => Err(reason),
                            None => Ok(()),
                        };
                    }
                }
                None => cv.wait(&mut pending),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stronger_reason_wins_and_terminate_survives_clear() {
        let i = Interrupts::new();
        assert_eq!(i.check(), Ok(()));
        i.raise(Interrupt::Timeout);
        i.raise(Interrupt::Cancel);
        assert_eq!(i.check(), Err(Interrupt::Timeout));
        i.clear();
        assert_eq!(i.check(), Ok(()));
        i.raise(Interrupt::Terminate);
        i.raise(Interrupt::Cancel);
        i.clear();
        assert_eq!(i.check(), Err(Interrupt::Terminate));
    }

    #[test]
    fn sleep_wakes_on_raise() {
        let i = Interrupts::new();
        let other = i.clone();
        let t = std::thread::spawn(move || other.sleep(Duration::from_secs(600)));
        // The sleeper may or may not be waiting yet; either way it must see
        // the reason and return it rather than sleep out its 600 s.
        i.raise(Interrupt::Cancel);
        assert_eq!(t.join().unwrap(), Err(Interrupt::Cancel));
    }

    #[test]
    fn sleep_returns_ok_after_its_time() {
        let i = Interrupts::new();
        assert_eq!(i.sleep(Duration::from_millis(1)), Ok(()));
    }
}
