//! Supervision: each child carries a guard that tells the Postmaster when
//! it ends and whether it was panicking.
//!
//! actix ends an actor whose handler panics (its `Drop` runs with
//! `std::thread::panicking()` true) but tells nobody and restarts
//! nothing; this guard is how the Postmaster learns of it.

use actix::Addr;

use crate::postmaster::{ChildExited, Postmaster};

/// Which child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildId {
    /// The backend in this slot of the backend table.
    Backend(usize),
    /// The SharedBuffers actor.
    SharedBuffers,
    /// The Checkpointer.
    Checkpointer,
    /// Background worker number n.
    Worker(usize),
}

/// Sends [`ChildExited`] to the Postmaster when dropped.
pub struct ChildGuard {
    /// The supervisor.
    postmaster: Addr<Postmaster>,
    /// Who we are.
    child: ChildId,
}

impl ChildGuard {
    /// A guard for `child`.
    pub fn new(postmaster: Addr<Postmaster>, child: ChildId) -> Self {
        ChildGuard { postmaster, child }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.postmaster.do_send(ChildExited {
            child: self.child,
            panicked: std::thread::panicking(),
        });
    }
}
