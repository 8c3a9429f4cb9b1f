//! BackgroundWorker: one generic supervised actor that runs a [`Job`]
//! every so often. Autovacuum, the WAL writer and any user-registered
//! worker are jobs.
//!
//! Lifecycle: `started` schedules the first round after the job's
//! interval; a round runs on an executor thread (never on the arbiter);
//! when it ends the next is scheduled.
//!
//! Rules:
//! 1. A round that returns an error is logged; the next round runs after
//!    the usual interval.
//! 2. A round that panics counts as a restart: the worker waits
//!    `restart_interval × 2^(consecutive panics − 1)` (at most
//!    [`MAX_BACKOFF`]) before the next round. A round that succeeds ends
//!    the backoff. The tree shows the restart count.
//! 3. If the actor itself dies, the Postmaster starts a new one after the
//!    restart interval, carrying the count on.
//! 4. [`StopWorker`] raises the job's Terminate interrupt and replies once
//!    no round is running, so shutdown never checkpoints under a worker.

use std::sync::Arc;
use std::time::Duration;

use actix::prelude::*;
use actorgres_memory::{Interrupt, Interrupts};
use actorgres_sql::value::{format_rfc3339, now_micros};
use serde_json::{json, Map};
use tokio::sync::oneshot;

use crate::executor::ExecutorPool;
use crate::guard::{ChildGuard, ChildId};
use crate::postmaster::Postmaster;
use crate::tree::{Describe, TreeNode};

/// The longest wait after panics.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// Work a BackgroundWorker runs.
pub trait Job: Send + Sync + 'static {
    /// Shown in the tree and the log.
    fn name(&self) -> &str;
    /// Time between rounds.
    fn interval(&self) -> Duration;
    /// One round, on an executor thread. Returns a short summary for the
    /// tree. `interrupts` carries Terminate at shutdown; long rounds
    /// should check it.
    fn run(&self, interrupts: &Interrupts) -> Result<String, String>;
}

/// A job with its restart policy.
#[derive(Clone)]
pub struct WorkerSpec {
    /// The job.
    pub job: Arc<dyn Job>,
    /// Wait before running again after a panic (doubled per consecutive
    /// panic).
    pub restart_interval: Duration,
}

/// Stop running rounds; replies when none is in flight.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StopWorker;

/// The worker.
pub struct BackgroundWorker {
    spec: WorkerSpec,
    pool: ExecutorPool,
    interrupts: Interrupts,
    state: &'static str,
    running: bool,
    stopping: bool,
    /// Replies to StopWorker sent during a round.
    stop_waiters: Vec<oneshot::Sender<()>>,
    /// Panics so far (rounds and actor restarts).
    restarts: u32,
    /// Panics since the last good round.
    consecutive: u32,
    rounds: u64,
    last_round: Option<i64>,
    last_result: Option<String>,
    started_at: i64,
    _guard: ChildGuard,
}

impl BackgroundWorker {
    /// Worker number `index` of the Postmaster, running `spec`.
    pub fn new(
        spec: WorkerSpec,
        pool: ExecutorPool,
        postmaster: Addr<Postmaster>,
        index: usize,
        restarts: u32,
    ) -> Self {
        BackgroundWorker {
            spec,
            pool,
            interrupts: Interrupts::new(),
            state: "idle",
            running: false,
            stopping: false,
            stop_waiters: Vec::new(),
            restarts,
            consecutive: 0,
            rounds: 0,
            last_round: None,
            last_result: None,
            started_at: now_micros(),
            _guard: ChildGuard::new(postmaster, ChildId::Worker(index)),
        }
    }

    fn schedule(&mut self, after: Duration, ctx: &mut Context<Self>) {
        ctx.run_later(after, |act, ctx| act.round(ctx));
    }

    fn round(&mut self, ctx: &mut Context<Self>) {
        if self.stopping || self.running {
            return;
        }
        self.running = true;
        self.state = "running";
        let job = Arc::clone(&self.spec.job);
        let interrupts = self.interrupts.clone();
        let work = self.pool.run(move || job.run(&interrupts));
        ctx.spawn(work.into_actor(self).map(|result, act, ctx| {
            act.running = false;
            act.rounds += 1;
            act.last_round = Some(now_micros());
            let next = match result {
                Ok(outcome) => {
                    act.consecutive = 0;
                    act.state = "idle";
                    act.last_result = Some(match outcome {
                        Ok(summary) => summary,
                        Err(e) => {
                            tracing::warn!(worker = act.spec.job.name(), error = %e, "background worker round failed");
                            format!("error: {e}")
                        }
                    });
                    act.spec.job.interval()
                }
                Err(_) => {
                    act.restarts += 1;
                    act.consecutive += 1;
                    act.state = "waiting to restart";
                    act.last_result = Some("panicked".into());
                    let wait = backoff(act.spec.restart_interval, act.consecutive);
                    tracing::error!(worker = act.spec.job.name(), restarts = act.restarts, wait_ms = wait.as_millis() as u64, "background worker panicked; restarting it after a pause");
                    wait
                }
            };
            if act.stopping {
                act.state = "stopped";
                for w in act.stop_waiters.drain(..) {
                    let _ = w.send(());
                }
            } else {
                act.schedule(next, ctx);
            }
        }));
    }
}

/// The wait after the `n`th consecutive panic (n ≥ 1).
pub fn backoff(base: Duration, n: u32) -> Duration {
    let factor = 1u32 << n.saturating_sub(1).min(16);
    base.saturating_mul(factor).min(MAX_BACKOFF)
}

impl Actor for BackgroundWorker {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let first = if self.restarts > 0 {
            self.spec.restart_interval
        } else {
            self.spec.job.interval()
        };
        self.schedule(first, ctx);
    }
}

impl Handler<StopWorker> for BackgroundWorker {
    type Result = ResponseFuture<()>;

    fn handle(&mut self, _: StopWorker, _: &mut Context<Self>) -> Self::Result {
        self.stopping = true;
        self.interrupts.raise(Interrupt::Terminate);
        let (tx, rx) = oneshot::channel();
        if self.running {
            self.stop_waiters.push(tx);
        } else {
            self.state = "stopped";
            let _ = tx.send(());
        }
        Box::pin(async move {
            let _ = rx.await;
        })
    }
}

impl Handler<Describe> for BackgroundWorker {
    type Result = MessageResult<Describe>;

    fn handle(&mut self, _: Describe, _: &mut Context<Self>) -> Self::Result {
        MessageResult(self.node())
    }
}

impl BackgroundWorker {
    fn node(&self) -> TreeNode {
        let mut details = Map::new();
        details.insert("job".into(), json!(self.spec.job.name()));
        details.insert(
            "interval_ms".into(),
            json!(self.spec.job.interval().as_millis() as u64),
        );
        details.insert("rounds".into(), json!(self.rounds));
        details.insert(
            "last_round".into(),
            json!(self.last_round.map(format_rfc3339)),
        );
        details.insert("last_result".into(), json!(self.last_result));
        TreeNode {
            kind: "BackgroundWorker",
            id: format!("worker-{}", self.spec.job.name()),
            state: self.state.into(),
            started_at: format_rfc3339(self.started_at),
            restarts: self.restarts,
            details,
            children: Vec::new(),
        }
    }
}

/// The node of a worker that is dead and about to be started again.
pub fn restarting_node(spec: &WorkerSpec, restarts: u32) -> TreeNode {
    let mut details = Map::new();
    details.insert("job".into(), json!(spec.job.name()));
    TreeNode {
        kind: "BackgroundWorker",
        id: format!("worker-{}", spec.job.name()),
        state: "waiting to restart".into(),
        started_at: format_rfc3339(now_micros()),
        restarts,
        details,
        children: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let b = Duration::from_secs(1);
        assert_eq!(backoff(b, 1), b);
        assert_eq!(backoff(b, 2), b * 2);
        assert_eq!(backoff(b, 4), b * 8);
        assert_eq!(backoff(b, 30), MAX_BACKOFF);
    }
}
