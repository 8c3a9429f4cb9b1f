//! SharedBuffers: the actor that guards the shared memory area.
//!
//! The buffer pool itself is created by the storage engine when the
//! cluster opens (recovery needs it before any actor runs); this actor
//! holds it for the server's life and does the pool-wide work:
//!
//! 1. Background writing: every `bgwriter_delay` it writes up to
//!    `bgwriter_lru_maxpages` dirty pages that the clock sweep reaches
//!    next, so a backend that needs a frame seldom has to write one first
//!    (PostgreSQL's bgwriter). The writes run on an executor thread; one
//!    round at a time.
//! 2. Statistics for the tree: size, frames in use, dirty, pinned, hit
//!    ratio, reads, writes, evictions.
//!
//! Backends never message it: they pin and read pages through the
//! engine's `Arc` directly, with no message per page or tuple.

use std::sync::Arc;

use actix::prelude::*;
use actorgres_sql::value::{format_rfc3339, now_micros};
use serde_json::{json, Map};

use crate::guard::{ChildGuard, ChildId};
use crate::postmaster::Postmaster;
use crate::shared::Shared;
use crate::tree::{Describe, TreeNode};

/// The actor.
pub struct SharedBuffers {
    shared: Arc<Shared>,
    /// A write-back round is running.
    writing: bool,
    /// Pages written by write-back rounds.
    written: u64,
    started_at: i64,
    _guard: ChildGuard,
}

impl SharedBuffers {
    /// The actor for the pool of `shared`'s cluster.
    pub fn new(shared: Arc<Shared>, postmaster: Addr<Postmaster>) -> Self {
        SharedBuffers {
            shared,
            writing: false,
            written: 0,
            started_at: now_micros(),
            _guard: ChildGuard::new(postmaster, ChildId::SharedBuffers),
        }
    }

    fn round(&mut self, ctx: &mut Context<Self>) {
        let max = usize::try_from(self.shared.settings.int("bgwriter_lru_maxpages")).unwrap_or(0);
        if self.writing || max == 0 || self.shared.shutdown().is_some() {
            return;
        }
        self.writing = true;
        let cluster = Arc::clone(&self.shared.cluster);
        // Look ahead of the clock hand four times as far as we may write.
        let work = self
            .shared
            .pool
            .run(move || cluster.engine.write_back(max * 4, max));
        ctx.spawn(work.into_actor(self).map(|result, act, _| {
            act.writing = false;
            match result {
                Ok(Ok(n)) => act.written += n as u64,
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "background writer could not write a page")
                }
                Err(_) => tracing::error!("background writer round panicked"),
            }
        }));
    }
}

impl Actor for SharedBuffers {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let delay = self.shared.settings.duration("bgwriter_delay");
        ctx.run_interval(delay, |act, ctx| act.round(ctx));
    }
}

impl Handler<Describe> for SharedBuffers {
    type Result = MessageResult<Describe>;

    fn handle(&mut self, _: Describe, _: &mut Context<Self>) -> Self::Result {
        let s = self.shared.cluster.engine.buffer_stats();
        let lookups = s.hits + s.reads;
        let mut details = Map::new();
        details.insert("size_bytes".into(), json!(s.size * 8192));
        details.insert("buffers".into(), json!(s.size));
        details.insert("in_use".into(), json!(s.in_use));
        details.insert("dirty".into(), json!(s.dirty));
        details.insert("pinned".into(), json!(s.pinned));
        details.insert(
            "hit_ratio".into(),
            json!(if lookups == 0 {
                1.0
            } else {
                s.hits as f64 / lookups as f64
            }),
        );
        details.insert("hits".into(), json!(s.hits));
        details.insert("reads".into(), json!(s.reads));
        details.insert("writes".into(), json!(s.writes));
        details.insert("evictions".into(), json!(s.evictions));
        details.insert("background_writes".into(), json!(self.written));
        MessageResult(TreeNode {
            kind: "SharedBuffers",
            id: "shared_buffers".into(),
            state: if self.writing { "writing" } else { "running" }.into(),
            started_at: format_rfc3339(self.started_at),
            restarts: 0,
            details,
            children: Vec::new(),
        })
    }
}
