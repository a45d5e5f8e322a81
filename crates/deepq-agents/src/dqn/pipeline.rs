//! Acting and learning on both cores (`dqn.learner_thread = true`): gradient updates run on a
//! thread of their own while the actor steps the env with a copy of the online network.
//!
//! The schedule is fixed by the step counter, never by timing, so a run is bit-reproducible
//! for its seed on one machine and the replay ratio holds exactly:
//!
//! - at an update step the actor waits for the previous round of updates, feeds its
//!   priorities back, takes a copy of the new online network, samples the next round's
//!   batches and hands them to the learner thread; it then acts with that copy while the
//!   learner works (its network is one round behind the sequential loop's);
//! - at a sync step (an episode end, a target update, an evaluation or checkpoint step) the
//!   actor waits for the round in flight, so everything after sees the current network.
//!
//! Whichever side is faster waits for the other: the actor at the next update step, the
//! learner for the next round's batches.

use super::learner::{Learner, UpdateStats};
use crate::nets::QNetwork;
use crate::replay::Batch;
use rand_chacha::ChaCha8Rng;
use std::thread::JoinHandle;

/// A round of updates and their results.
type Round = (Learner, Vec<(Batch, UpdateStats)>);

/// The learner, either idle here or busy with a round of updates on its own thread.
pub(super) struct LearnerSlot {
    learner: Option<Learner>,
    busy: Option<JoinHandle<Round>>,
    finished: Vec<(Batch, UpdateStats)>,
    spare: Vec<Batch>,
}

impl LearnerSlot {
    /// An idle slot.
    pub fn new(learner: Learner) -> Self {
        Self { learner: Some(learner), busy: None, finished: Vec::new(), spare: Vec::new() }
    }

    /// The learner, after waiting for the round in flight (its results are kept for
    /// [`LearnerSlot::take_finished`]).
    pub fn get(&mut self) -> &mut Learner {
        self.wait();
        self.learner.as_mut().expect("the learner is here once no round is in flight")
    }

    /// Waits for the round in flight, if any.
    pub fn wait(&mut self) {
        if let Some(handle) = self.busy.take() {
            let (learner, results) = handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            self.learner = Some(learner);
            self.finished.extend(results);
        }
    }

    /// A batch to sample into (reused from earlier rounds).
    pub fn spare_batch(&mut self) -> Batch {
        self.spare.pop().unwrap_or_default()
    }

    /// Starts a round: one update per batch, in order, on the learner thread.
    pub fn start(&mut self, batches: Vec<Batch>, with_priorities: bool) {
        let mut learner = self.get_idle();
        self.busy = Some(std::thread::spawn(move || {
            crate::util::flush_denormals_to_zero();
            let results = batches
                .into_iter()
                .map(|batch| {
                    let stats = learner.update(&batch, with_priorities);
                    (batch, stats)
                })
                .collect();
            (learner, results)
        }));
    }

    /// The results of the finished rounds, oldest first; hand the batches back with
    /// [`LearnerSlot::recycle`].
    pub fn take_finished(&mut self) -> Vec<(Batch, UpdateStats)> {
        std::mem::take(&mut self.finished)
    }

    /// Keeps a batch for later rounds.
    pub fn recycle(&mut self, batch: Batch) {
        self.spare.push(batch);
    }

    fn get_idle(&mut self) -> Learner {
        self.wait();
        self.learner.take().expect("the learner is here once no round is in flight")
    }
}

/// The actor's copy of the online network, with its own stream of exploration noise for
/// noisy networks. It runs its forward passes on a one-thread pool of its own: on rayon's
/// global pool they would queue behind the learner's parallel kernels and the actor would
/// wait for the update after all.
pub(super) struct ActorNet {
    net: Option<QNetwork>,
    pool: Option<rayon::ThreadPool>,
    /// Draws the acting noise of noisy layers.
    pub noise_rng: ChaCha8Rng,
}

impl ActorNet {
    /// A copy to be taken with [`ActorNet::refresh`].
    pub fn new(noise_rng: ChaCha8Rng) -> Self {
        Self { net: None, pool: None, noise_rng }
    }

    /// Takes a copy of the learner's current online network.
    pub fn refresh(&mut self, learner: &mut Learner) {
        self.net = Some(learner.acting().clone());
    }

    /// Q-values of `rows` encoded observations (with fresh noise for noisy networks).
    pub fn q_values(&mut self, features: &[f32], rows: usize) -> Vec<f32> {
        let net = self.net.as_ref().expect("refreshed before acting");
        let pool = self.pool.get_or_insert_with(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .start_handler(|_| crate::util::flush_denormals_to_zero())
                .build()
                .expect("a one-thread pool for the actor")
        });
        let noise_rng = &mut self.noise_rng;
        pool.install(|| Learner::q_values_of(net, features, rows, noise_rng))
    }
}
