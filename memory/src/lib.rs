//! Memory of an actorgres server, in PostgreSQL's two kinds.
//!
//! - **Local memory** ([`LocalMemory`]) belongs to one backend: the
//!   work_mem budget each sort, hash or aggregate takes, temp_buffers and
//!   maintenance_work_mem. Operators reserve bytes from a [`Budget`] and
//!   spill to temp files when a reservation is refused. Counters are atomic
//!   so the introspection endpoint can read them while the backend works.
//! - **Shared memory** ([`BufferPool`]): the 8 KB page frames every
//!   backend reads and writes directly (pin, lock, unpin), with clock-sweep
//!   replacement and WAL-before-data write-back through [`PageIo`].
//!
//! The per-backend [`Interrupts`] flag lives here too: like PostgreSQL's
//! PGPROC latch it sits in memory other actors can reach, so the Postmaster
//! can cancel or terminate a statement without a message to the backend.
//!
//! This crate depends on nothing of ours and knows nothing of actix.

mod buffer;
mod interrupt;
mod local;

pub use buffer::{
    page_lsn, Buffer, BufferError, BufferPool, BufferStats, BufferTag, FastHash, FastHasher, Page,
    PageIo, ReadMode, PAGE_SIZE,
};
pub use interrupt::{Interrupt, Interrupts};
pub use local::{
    server_in_use, server_limit, set_server_limit, Budget, Exhausted, LocalMemory,
    LocalMemoryLimits, LocalMemoryStats,
};
