//! Executor threads: where statements run, off the arbiter threads.
//!
//! Arbiter threads run actors and socket I/O and must never block. A
//! statement's work (CPU, page I/O, pg_sleep, lock waits) runs here
//! instead, on plain threads.
//!
//! Rules:
//! 1. A thread is taken per running statement and given back when it
//!    ends (or, for a busy client whose socket it holds, after at most
//!    `backend::hot::HOT_WAIT` of quiet), so an idle session holds no
//!    thread: connections stay cheap, and one session's long statement
//!    never delays another's.
//! 2. The pool is bounded: at most one thread per allowed connection plus
//!    a few for background work. Since each backend runs at most one
//!    statement at a time, a job never waits for a thread while the
//!    server is within max_connections; a statement that waits for
//!    another (a lock) can never starve the one it waits for.
//! 3. Threads idle for [`IDLE_TIMEOUT`] exit; the pool grows again on
//!    demand.
//! 4. A job that panics does not take its thread down (the Backend wraps
//!    each statement in `catch_unwind` and reports the panic itself).

use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};

/// A unit of work.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// A job run through [`ExecutorPool::run`] panicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panicked;

/// How long an idle thread waits for work before it exits.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// Stack size of executor threads (address space; pages are touched only
/// as deep statements use them). A statement's checked walks stop at its
/// max_stack_depth budget (54001, see `actorgres_sql::stack`), a fraction
/// of this, and the rest is headroom for the walks that cannot fail
/// (dropping and copying plans and expressions).
pub const STACK_SIZE: usize = 256 << 20;

/// The pool; clones share it.
#[derive(Clone)]
pub struct ExecutorPool {
    /// Shared state.
    inner: Arc<Inner>,
}

struct Inner {
    /// Queue and thread counts.
    state: Mutex<State>,
    /// Signalled when a job is queued.
    work: Condvar,
    /// The most threads at once.
    max_threads: usize,
}

#[derive(Default)]
struct State {
    /// Jobs not started yet.
    queue: VecDeque<Job>,
    /// Threads alive.
    threads: usize,
    /// Threads waiting for work.
    idle: usize,
}

/// A snapshot for the introspection tree.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct PoolStats {
    /// Threads alive.
    pub threads: usize,
    /// Threads waiting for work.
    pub idle: usize,
    /// Jobs waiting for a thread.
    pub queued: usize,
    /// The bound.
    pub max_threads: usize,
}

impl ExecutorPool {
    /// A pool of at most `max_threads` threads (none started yet).
    pub fn new(max_threads: usize) -> Self {
        ExecutorPool {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                work: Condvar::new(),
                max_threads: max_threads.max(1),
            }),
        }
    }

    /// Runs `job` on a pool thread, starting one if none is idle and the
    /// bound allows; otherwise it waits in the queue.
    pub fn spawn(&self, job: Job) {
        let mut st = self.inner.state.lock();
        st.queue.push_back(job);
        if st.idle > st.queue.len() - 1 {
            self.inner.work.notify_one();
            return;
        }
        if st.threads < self.inner.max_threads {
            st.threads += 1;
            let inner = Arc::clone(&self.inner);
            let started = std::thread::Builder::new()
                .name("actorgres-exec".into())
                .stack_size(STACK_SIZE)
                .spawn(move || worker(inner));
            if let Err(e) = started {
                st.threads -= 1;
                tracing::error!(error = %e, "could not start an executor thread; the job waits for a running one");
            }
        }
    }

    /// Runs `f` on a pool thread and resolves to its result, or to
    /// `Err(Panicked)` if it panicked. For background actors, which wait
    /// for blocking work without blocking their arbiter.
    pub fn run<T, F>(&self, f: F) -> impl std::future::Future<Output = Result<T, Panicked>>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.spawn(Box::new(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(f)).map_err(|_| Panicked));
        }));
        async move { rx.await.unwrap_or(Err(Panicked)) }
    }

    /// Current counts.
    pub fn stats(&self) -> PoolStats {
        let st = self.inner.state.lock();
        PoolStats {
            threads: st.threads,
            idle: st.idle,
            queued: st.queue.len(),
            max_threads: self.inner.max_threads,
        }
    }
}

fn worker(inner: Arc<Inner>) {
    loop {
        let job = {
            let mut st = inner.state.lock();
            loop {
                if let Some(job) = st.queue.pop_front() {
                    break job;
                }
                st.idle += 1;
                let timed_out = inner.work.wait_for(&mut st, IDLE_TIMEOUT).timed_out();
                st.idle -= 1;
                if timed_out && st.queue.is_empty() {
                    st.threads -= 1;
                    return;
                }
            }
        };
        if catch_unwind(AssertUnwindSafe(job)).is_err() {
            tracing::error!("an executor job panicked outside its own guard");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn runs_jobs_concurrently_up_to_the_bound() {
        let pool = ExecutorPool::new(4);
        let (tx, rx) = mpsc::channel();
        let gate = Arc::new(std::sync::Barrier::new(4));
        for i in 0..4 {
            let (tx, gate) = (tx.clone(), Arc::clone(&gate));
            // All four must run at once to pass the barrier.
            pool.spawn(Box::new(move || {
                gate.wait();
                tx.send(i).unwrap();
            }));
        }
        let mut got: Vec<i32> = (0..4).map(|_| rx.recv().unwrap()).collect();
        got.sort();
        assert_eq!(got, [0, 1, 2, 3]);
        assert!(pool.stats().threads <= 4);
    }

    #[test]
    fn queued_jobs_run_when_a_thread_frees_up() {
        let pool = ExecutorPool::new(1);
        let (tx, rx) = mpsc::channel();
        for i in 0..10 {
            let tx = tx.clone();
            pool.spawn(Box::new(move || tx.send(i).unwrap()));
        }
        let got: Vec<i32> = (0..10).map(|_| rx.recv().unwrap()).collect();
        assert_eq!(
            got,
            (0..10).collect::<Vec<_>>(),
            "one thread runs them in order"
        );
        assert_eq!(pool.stats().threads, 1);
    }

    #[test]
    fn a_panicking_job_does_not_kill_the_pool() {
        let pool = ExecutorPool::new(1);
        pool.spawn(Box::new(|| panic!("boom")));
        let (tx, rx) = mpsc::channel();
        pool.spawn(Box::new(move || tx.send(7).unwrap()));
        assert_eq!(rx.recv().unwrap(), 7);
    }
}
