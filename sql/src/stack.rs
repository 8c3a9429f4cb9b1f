//! Stack depth checks: PostgreSQL's check_stack_depth and max_stack_depth.
//!
//! The recursive walks that build a statement (binding, planning,
//! constant folding) call [`check`] on entry, so a statement nested too
//! deeply ends with 54001 "stack depth limit exceeded" instead of
//! overflowing its thread's stack, which would abort the whole server and
//! every session in it. Walks over what they built (evaluation per row,
//! building executor nodes, dropping) do not check: their frames per
//! level are smaller than the binder's, and executor threads have stacks
//! several times the largest budget, so a tree the binder accepted always
//! fits. A check per evaluated expression cost ~6 % on expression-heavy
//! scans.
//!
//! Rules:
//! 1. A statement may use `max_stack_depth × FRAME_FACTOR` bytes of stack
//!    below the point where it started ([`StackBudget::begin`]). Rust's
//!    frames for the same recursion are larger than PostgreSQL's C frames
//!    (and several times larger again in debug builds), so the factor
//!    makes the default 2 MB accept about the nesting PostgreSQL accepts.
//! 2. Whatever the setting, the budget ends [`RESERVE`] bytes before the
//!    thread's real stack does: code between two checks (drop glue,
//!    formatting, walks that cannot fail) needs room to finish. Outside a
//!    statement's budget a check looks at the stack left itself.
//! 3. `SET max_stack_depth` accepts at most the process's stack rlimit
//!    less 512 kB, as PostgreSQL does; the executor threads' stacks are
//!    sized so that the largest accepted budget still fits.

use std::cell::Cell;

use crate::error::{Result, SqlError, SqlState};

/// Stack kept free below the deepest check.
pub const RESERVE: usize = 1 << 20;

/// How many bytes of our stack one byte of max_stack_depth buys.
pub const FRAME_FACTOR: usize = if cfg!(debug_assertions) { 24 } else { 8 };

/// PostgreSQL's STACK_DEPTH_SLOP: the part of the rlimit max_stack_depth
/// may not use.
const SLOP: u64 = 512 * 1024;

thread_local! {
    /// The lowest stack address this thread's statement may reach (0:
    /// no budget, only [`RESERVE`]).
    static LIMIT: Cell<usize> = const { Cell::new(0) };
    /// max_stack_depth in kB, for the error's hint.
    static SETTING_KB: Cell<i64> = const { Cell::new(2048) };
}

/// An address near the top of the current frame.
#[inline(always)]
fn stack_pointer() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// The statement's stack budget on this thread, from its start until the
/// guard drops (nested statements keep the tighter one).
pub struct StackBudget {
    /// What was in force before.
    prev: (usize, i64),
}

impl StackBudget {
    /// Starts a budget of `max_stack_depth_kb` (the setting) here.
    pub fn begin(max_stack_depth_kb: i64) -> StackBudget {
        let prev = (LIMIT.get(), SETTING_KB.get());
        let kb = usize::try_from(max_stack_depth_kb.max(0)).unwrap_or(usize::MAX);
        let left = stacker::remaining_stack().unwrap_or(usize::MAX);
        let budget = kb
            .saturating_mul(1024)
            .saturating_mul(FRAME_FACTOR)
            .min(left.saturating_sub(RESERVE));
        let limit = stack_pointer().saturating_sub(budget).max(1);
        LIMIT.set(limit.max(prev.0));
        SETTING_KB.set(max_stack_depth_kb);
        StackBudget { prev }
    }
}

impl Drop for StackBudget {
    fn drop(&mut self) {
        LIMIT.set(self.prev.0);
        SETTING_KB.set(self.prev.1);
    }
}

/// CHECK_STACK_DEPTH: 54001 when the statement has used its budget (which
/// ends [`RESERVE`] bytes before the thread's stack does), or, outside a
/// statement's budget, when the thread is close to the end of its stack.
#[inline]
pub fn check() -> Result<()> {
    let limit = LIMIT.get();
    let deep = if limit != 0 {
        stack_pointer() < limit
    } else {
        stacker::remaining_stack().is_some_and(|left| left < RESERVE)
    };
    if deep {
        return Err(too_deep());
    }
    Ok(())
}

/// The 54001 error, with the setting in force in its hint.
pub fn too_deep() -> SqlError {
    SqlError::new(SqlState::STATEMENT_TOO_COMPLEX, "stack depth limit exceeded").with_hint(
        format!(
            "Increase the configuration parameter \"max_stack_depth\" (currently {}kB), after ensuring the platform's stack depth limit is adequate.",
            SETTING_KB.get()
        ),
    )
}

/// The largest max_stack_depth in kB: the stack rlimit less 512 kB, as
/// PostgreSQL's check_max_stack_depth; None when the rlimit is unlimited.
pub fn max_setting_kb() -> Option<i64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok();
    let soft = limits
        .as_deref()
        .and_then(|l| l.lines().find(|l| l.starts_with("Max stack size")))
        .and_then(|l| l.split_whitespace().nth(3))
        .map(str::to_owned);
    let bytes: u64 = match soft.as_deref() {
        Some("unlimited") => return None,
        Some(n) => n.parse().unwrap_or(8 << 20),
        None => 8 << 20,
    };
    i64::try_from(bytes.saturating_sub(SLOP) / 1024).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nest(n: usize) -> Result<usize> {
        check()?;
        if n == 0 {
            return Ok(0);
        }
        let pad = std::hint::black_box([0u8; 512]);
        Ok(nest(n - 1)? + usize::from(pad[n % 512]))
    }

    #[test]
    fn a_budget_stops_deep_recursion_with_54001() {
        let _budget = StackBudget::begin(100);
        assert!(nest(10).is_ok());
        let err = nest(1_000_000).unwrap_err();
        assert_eq!(err.code(), SqlState::STATEMENT_TOO_COMPLEX);
        assert!(err
            .report()
            .hint
            .as_deref()
            .is_some_and(|h| h.contains("currently 100kB")));
    }

    #[test]
    fn the_thread_stack_bounds_recursion_without_a_budget() {
        // The test thread's 2 MB stack, no budget: the reserve stops it.
        let err = std::thread::spawn(|| nest(1_000_000).unwrap_err())
            .join()
            .unwrap();
        assert_eq!(err.code(), SqlState::STATEMENT_TOO_COMPLEX);
    }

    #[test]
    fn the_largest_setting_follows_the_rlimit() {
        if let Some(kb) = max_setting_kb() {
            assert!(kb >= 100, "{kb}");
        }
    }
}
