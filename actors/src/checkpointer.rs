//! The Checkpointer: periodic and requested checkpoints.
//!
//! Triggers, as in PostgreSQL: `checkpoint_timeout` (a timer), WAL growth
//! past `max_wal_size` (the engine calls back, which sends
//! [`RequestCheckpoint`]) and shutdown ([`ShutdownCheckpoint`]). The SQL
//! CHECKPOINT command runs in its backend; the engine serializes it with
//! a spread checkpoint here and makes that one hurry.
//!
//! Rules:
//! 1. One checkpoint at a time; a request during one runs after it.
//! 2. Timed and WAL-requested checkpoints spread their writes over
//!    `checkpoint_completion_target` × `checkpoint_timeout`; a timed one
//!    is skipped when no WAL was written since the last.
//! 3. The work runs on an executor thread; the actor only schedules it,
//!    so it answers the tree at any time.
//! 4. The shutdown checkpoint is the last: after it, nothing starts.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use actorgres_sql::value::{format_rfc3339, now_micros};
use actorgres_storage::{CheckpointInfo, CheckpointKind};
use serde_json::{json, Map};
use tokio::sync::oneshot;

use crate::guard::{ChildGuard, ChildId};
use crate::postmaster::Postmaster;
use crate::shared::Shared;
use crate::tree::{Describe, TreeNode};

/// Asks for a spread checkpoint (WAL passed max_wal_size). No reply.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RequestCheckpoint;

/// The last checkpoint before exit. Sent by the Postmaster once every
/// session and worker has stopped; replies when it is durable (Err with
/// the message if it failed).
#[derive(Message)]
#[rtype(result = "Result<(), String>")]
pub struct ShutdownCheckpoint;

/// What the checkpointer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Idle,
    Running,
    Done,
}

/// The checkpointer.
pub struct Checkpointer {
    shared: Arc<Shared>,
    state: State,
    /// A request arrived during a checkpoint.
    requested: bool,
    /// Waiting for the shutdown checkpoint.
    shutdown: Option<oneshot::Sender<Result<(), String>>>,
    /// Checkpoints completed by this actor.
    completed: u64,
    /// Why the last one failed, if it did.
    last_error: Option<String>,
    /// The WAL insert position after the last checkpoint.
    quiet_since: u64,
    started_at: i64,
    _guard: ChildGuard,
}

impl Checkpointer {
    /// A checkpointer for the cluster in `shared`.
    pub fn new(shared: Arc<Shared>, postmaster: Addr<Postmaster>) -> Self {
        Checkpointer {
            shared,
            state: State::Idle,
            requested: false,
            shutdown: None,
            completed: 0,
            last_error: None,
            quiet_since: 0,
            started_at: now_micros(),
            _guard: ChildGuard::new(postmaster, ChildId::Checkpointer),
        }
    }

    fn timeout(&self) -> Duration {
        self.shared.settings.duration("checkpoint_timeout")
    }

    /// Starts a checkpoint of `kind` on an executor thread.
    fn begin(&mut self, kind: CheckpointKind, ctx: &mut Context<Self>) {
        self.state = State::Running;
        self.requested = false;
        let cluster = Arc::clone(&self.shared.cluster);
        let work = self
            .shared
            .pool
            .run(move || cluster.engine.checkpoint(kind).map_err(|e| e.to_string()));
        ctx.spawn(work.into_actor(self).map(move |result, act, ctx| {
            let result: Result<CheckpointInfo, String> =
                result.unwrap_or_else(|_| Err("the checkpoint panicked".into()));
            match &result {
                Ok(info) => {
                    act.completed += 1;
                    act.last_error = None;
                    act.quiet_since = act.shared.cluster.engine.wal_insert_lsn();
                    tracing::info!(
                        buffers = info.buffers_written,
                        duration_ms = info.duration_ms,
                        "checkpoint complete"
                    );
                }
                Err(e) => {
                    tracing::error!(error = %e, "checkpoint failed");
                    act.last_error = Some(e.clone());
                }
            }
            act.state = State::Idle;
            act.after(kind, result.map(|_| ()), ctx);
        }));
    }

    /// What to do when a checkpoint ends.
    fn after(&mut self, kind: CheckpointKind, result: Result<(), String>, ctx: &mut Context<Self>) {
        if kind == CheckpointKind::Shutdown {
            self.state = State::Done;
            if let Some(tx) = self.shutdown.take() {
                let _ = tx.send(result);
            }
            return;
        }
        if self.shutdown.is_some() {
            self.begin(CheckpointKind::Shutdown, ctx);
        } else if self.requested {
            self.begin(self.spread(), ctx);
        }
    }

    fn spread(&self) -> CheckpointKind {
        let target = self.shared.settings.real("checkpoint_completion_target");
        CheckpointKind::Timed(self.timeout().mul_f64(target.clamp(0.0, 1.0)))
    }

    fn request(&mut self, ctx: &mut Context<Self>) {
        match self.state {
            State::Idle if self.shutdown.is_none() => self.begin(self.spread(), ctx),
            State::Running => self.requested = true,
            _ => {}
        }
    }
}

impl Actor for Checkpointer {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.quiet_since = self.shared.cluster.engine.wal_insert_lsn();
        let me = ctx.address();
        self.shared
            .cluster
            .engine
            .on_checkpoint_needed(Box::new(move || me.do_send(RequestCheckpoint)));
        ctx.run_interval(self.timeout(), |act, ctx| {
            // Rule 2: an idle server does not checkpoint every timeout.
            if act.shared.cluster.engine.wal_insert_lsn() > act.quiet_since {
                act.request(ctx);
            }
        });
    }
}

impl Handler<RequestCheckpoint> for Checkpointer {
    type Result = ();

    fn handle(&mut self, _: RequestCheckpoint, ctx: &mut Context<Self>) {
        self.request(ctx);
    }
}

impl Handler<ShutdownCheckpoint> for Checkpointer {
    type Result = ResponseFuture<Result<(), String>>;

    fn handle(&mut self, _: ShutdownCheckpoint, ctx: &mut Context<Self>) -> Self::Result {
        let (tx, rx) = oneshot::channel();
        match self.state {
            State::Done => {
                let _ = tx.send(Err("the shutdown checkpoint already ran".into()));
            }
            State::Running => {
                // Rule 1: the running one hurries, then ours follows.
                self.shared.cluster.engine.hurry_checkpoint();
                self.shutdown = Some(tx);
            }
            State::Idle => {
                self.shutdown = Some(tx);
                self.begin(CheckpointKind::Shutdown, ctx);
            }
        }
        Box::pin(async move {
            rx.await
                .unwrap_or_else(|_| Err("the checkpointer stopped".into()))
        })
    }
}

impl Handler<Describe> for Checkpointer {
    type Result = MessageResult<Describe>;

    fn handle(&mut self, _: Describe, _: &mut Context<Self>) -> Self::Result {
        let engine = &self.shared.cluster.engine;
        let last = engine.last_checkpoint();
        let mut details = Map::new();
        details.insert(
            "last_checkpoint".into(),
            json!({
                "started_at": format_rfc3339(last.started),
                "duration_ms": last.duration_ms,
                "buffers_written": last.buffers_written,
                "redo_lsn": format!("{:X}/{:X}", last.redo >> 32, last.redo as u32),
                "lsn": format!("{:X}/{:X}", last.lsn >> 32, last.lsn as u32),
            }),
        );
        details.insert("completed".into(), json!(self.completed));
        details.insert(
            "wal_since_checkpoint_bytes".into(),
            json!(engine.wal_since_checkpoint()),
        );
        details.insert(
            "checkpoint_timeout_s".into(),
            json!(self.timeout().as_secs()),
        );
        details.insert("last_error".into(), json!(self.last_error));
        MessageResult(TreeNode {
            kind: "Checkpointer",
            id: "checkpointer".into(),
            state: match self.state {
                State::Idle => "idle",
                State::Running => "checkpointing",
                State::Done => "shut down",
            }
            .into(),
            started_at: format_rfc3339(self.started_at),
            restarts: 0,
            details,
            children: Vec::new(),
        })
    }
}
