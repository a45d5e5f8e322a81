//! A second core for products too small for rayon's pool: one helper thread that stays awake
//! (spinning) for a short while after each job, so handing it half of a product costs well
//! under a microsecond while products follow each other closely (an MLP update's dozen
//! products), and a parked thread costs nothing between bursts.
//!
//! Why not rayon: a call from outside the pool (the training loop's thread) injects the job,
//! wakes a sleeping worker and then blocks the caller until the pool has run *both* halves,
//! which costs tens of microseconds: more than half of a 64 x 256 x 256 product saves.
//!
//! [`join`] runs its first closure on the calling thread and offers the second to the helper;
//! if the helper has not taken it by the time the first is done (it was parked, or another
//! thread holds it), the caller runs it too. So a join never waits for a thread to wake up,
//! and who runs which half changes no result.

use std::cell::UnsafeCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock, TryLockError};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

/// How long the helper spins for the next job before parking: a few MLP products' time.
const SPIN: Duration = Duration::from_micros(200);

/// No job offered.
const IDLE: u8 = 0;
/// A job is offered and not taken yet.
const OFFERED: u8 = 1;
/// The helper is running the job.
const RUNNING: u8 = 2;
/// The helper has finished the job.
const DONE: u8 = 3;

/// A type-erased job: a pointer to the caller's `FnMut`, valid until the job is done.
type Job = *mut (dyn FnMut() + Send);

/// The state shared by the callers and the helper.
struct Helper {
    state: AtomicU8,
    /// Set by the helper just before it parks.
    parked: AtomicBool,
    /// The offered job: written by the caller before `OFFERED`, read by the helper after it.
    job: UnsafeCell<Option<Job>>,
    /// One caller at a time offers jobs; others run both halves themselves.
    offering: Mutex<()>,
    thread: OnceLock<Thread>,
}

// SAFETY: `job` is written only by the caller that holds `offering`, before it publishes
// `OFFERED` with release ordering, and read by the helper only after it wins the
// `OFFERED -> RUNNING` exchange (acquire); the caller does not touch it again until it sees
// `DONE` (acquire) or wins back the job itself.
unsafe impl Sync for Helper {}

fn helper() -> &'static Helper {
    static HELPER: OnceLock<&'static Helper> = OnceLock::new();
    HELPER.get_or_init(|| {
        let h: &'static Helper = Box::leak(Box::new(Helper {
            state: AtomicU8::new(IDLE),
            parked: AtomicBool::new(false),
            job: UnsafeCell::new(None),
            offering: Mutex::new(()),
            thread: OnceLock::new(),
        }));
        let spawned = thread::Builder::new().name("deepq-second-core".into()).spawn(move || h.serve());
        if let Ok(handle) = spawned {
            let _ = h.thread.set(handle.thread().clone());
        }
        h
    })
}

impl Helper {
    /// The helper thread's loop: spin for a job, park when none comes, run what it takes.
    fn serve(&self) {
        loop {
            let deadline = Instant::now() + SPIN;
            let mut spins = 0u32;
            loop {
                if self.state.load(Ordering::Acquire) == OFFERED
                    && self.state.compare_exchange(OFFERED, RUNNING, Ordering::Acquire, Ordering::Relaxed).is_ok()
                {
                    // SAFETY: the caller wrote the job before offering it and keeps it alive
                    // until it sees `DONE`.
                    let job = unsafe { (*self.job.get()).expect("an offered job") };
                    // SAFETY: as above; the caller does not run or touch it while `RUNNING`.
                    // The job catches its own panic (see `join`), so this cannot unwind.
                    unsafe { (*job)() };
                    self.state.store(DONE, Ordering::Release);
                    break;
                }
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(64) && Instant::now() >= deadline {
                    self.parked.store(true, Ordering::SeqCst);
                    if self.state.load(Ordering::SeqCst) != OFFERED {
                        thread::park();
                    }
                    self.parked.store(false, Ordering::SeqCst);
                    break;
                }
                std::hint::spin_loop();
            }
        }
    }
}

/// Runs `a` and `b`, `b` possibly on the helper thread, and returns both results. A panic in
/// either is resumed on the caller once both are finished.
pub(crate) fn join<RA, RB>(a: impl FnOnce() -> RA, b: impl FnOnce() -> RB + Send) -> (RA, RB)
where
    RB: Send,
{
    let h = helper();
    let _offering = match h.offering.try_lock() {
        Ok(guard) => guard,
        // A panic resumed below poisons the lock; the helper itself is unaffected.
        Err(TryLockError::Poisoned(p)) => p.into_inner(),
        // Another thread is using the helper: run both halves here.
        Err(TryLockError::WouldBlock) => return (a(), b()),
    };
    let mut b = Some(b);
    // `b`'s result or its panic, kept for the caller to resume.
    let mut outcome: Option<thread::Result<RB>> = None;
    let mut run_b = || {
        if let Some(b) = b.take() {
            outcome = Some(catch_unwind(AssertUnwindSafe(b)));
        }
    };
    let job: &mut (dyn FnMut() + Send) = &mut run_b;
    // SAFETY: the job's lifetime is erased to store it; it stays valid because this function
    // does not return (or unwind) before the helper is done with it or has not taken it.
    let job: Job = unsafe { std::mem::transmute::<&mut (dyn FnMut() + Send), Job>(job) };
    // SAFETY: the helper reads `job` only after the release store of `OFFERED` below, and
    // no job is in flight (`offering` is held and the previous one ended in `IDLE`).
    unsafe { *h.job.get() = Some(job) };
    h.state.store(OFFERED, Ordering::SeqCst);
    if h.parked.load(Ordering::SeqCst) {
        if let Some(t) = h.thread.get() {
            t.unpark();
        }
    }
    let ra = catch_unwind(AssertUnwindSafe(a));
    let mine = h.state.compare_exchange(OFFERED, IDLE, Ordering::Acquire, Ordering::Acquire).is_ok();
    if mine {
        // SAFETY: the job was taken back before the helper took it, so this thread alone
        // holds it.
        unsafe { (*job)() };
    } else {
        let mut spins = 0u32;
        while h.state.load(Ordering::Acquire) != DONE {
            spins = spins.wrapping_add(1);
            if spins.is_multiple_of(1024) {
                thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
        h.state.store(IDLE, Ordering::Release);
    }
    // SAFETY: no job is in flight any more.
    unsafe { *h.job.get() = None };
    let ra = ra.unwrap_or_else(|p| resume_unwind(p));
    let rb = outcome.expect("the second half ran").unwrap_or_else(|p| resume_unwind(p));
    (ra, rb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_halves_run_and_return_their_results() {
        for i in 0..2000u64 {
            let data: Vec<u64> = (0..64).map(|j| j * i).collect();
            let (x, y) = join(|| data[..32].iter().sum::<u64>(), || data[32..].iter().sum::<u64>());
            assert_eq!(x + y, data.iter().sum::<u64>());
            if i % 500 == 0 {
                // Let the helper park, so the next join finds it asleep.
                thread::sleep(Duration::from_millis(2));
            }
        }
    }

    #[test]
    fn the_helper_runs_the_second_half_while_the_caller_runs_the_first() {
        use std::sync::atomic::AtomicBool;
        // The first half waits (up to 1 s) for the second to start: it can only start meanwhile
        // on another thread. Other tests' joins may hold the helper at that moment (then both
        // halves run here, one after the other), so a few attempts are allowed.
        let beside = (0..20).any(|_| {
            let started = AtomicBool::new(false);
            let (seen, ()) = join(
                || {
                    let t0 = Instant::now();
                    while !started.load(Ordering::Acquire) && t0.elapsed() < Duration::from_secs(1) {
                        thread::sleep(Duration::from_micros(50));
                    }
                    started.load(Ordering::Acquire)
                },
                || started.store(true, Ordering::Release),
            );
            seen
        });
        assert!(beside, "the second half never ran beside the first");
    }

    #[test]
    fn the_second_half_may_write_the_callers_memory() {
        let mut out = vec![0u32; 1000];
        let (lo, hi) = out.split_at_mut(500);
        join(|| lo.iter_mut().for_each(|v| *v = 1), || hi.iter_mut().for_each(|v| *v = 2));
        assert_eq!(out.iter().filter(|&&v| v == 1).count(), 500);
        assert_eq!(out.iter().filter(|&&v| v == 2).count(), 500);
    }

    #[test]
    fn joins_from_several_threads_at_once_all_complete() {
        let totals: Vec<u64> = thread::scope(|s| {
            let handles: Vec<_> = (0..4u64)
                .map(|t| s.spawn(move || (0..500u64).map(|i| join(|| i + t, || i * 2).1 + join(|| 1, || t).1).sum()))
                .collect();
            handles.into_iter().map(|h| h.join().expect("no panic")).collect()
        });
        for (t, total) in totals.iter().enumerate() {
            assert_eq!(*total, (0..500u64).map(|i| i * 2 + t as u64).sum::<u64>());
        }
    }

    #[test]
    fn a_panic_in_the_second_half_reaches_the_caller() {
        for _ in 0..50 {
            let r = catch_unwind(|| join(|| 1, || -> u32 { panic!("boom") }));
            let payload = r.expect_err("the panic reaches the caller");
            assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"), "the original panic is resumed");
        }
        let r = catch_unwind(|| join(|| -> u32 { panic!("first") }, || 2));
        assert_eq!(r.expect_err("a panic in the first half too").downcast_ref::<&str>(), Some(&"first"));
        // The helper still works afterwards.
        assert_eq!(join(|| 2, || 3), (2, 3));
    }
}
