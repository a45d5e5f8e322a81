//! Experience replay: where transitions are kept ([`Storage`]: float vectors or stacked u8
//! frames stored once) is split from how batches are drawn ([`Sampler`]: uniform, or
//! proportional prioritized on a [`SumTree`]), and n-step returns are composed from the stored
//! one-step transitions when a batch is sampled.
//!
//! Why n-step returns are computed at sampling time, not when pushing: the frame storage keeps
//! every frame once only because a one-step `next_obs` is `obs` shifted by one frame; an n-step
//! transition's bootstrap observation is `n` frames ahead and would be stored afresh. Composing
//! at sampling time keeps the storage one-step (so `n` can change between runs on the same
//! buffer, and a resumed run can change it), costs at most `n` look-ups per sampled row, and
//! gives exact results across buffer wrap-around because episodes are followed through
//! [`Storage::successor`], which only links transitions that are still stored.

pub mod frames;
pub mod prioritized;
pub mod streams;
pub mod sum_tree;
pub mod vector;

pub use frames::FrameStorage;
pub use prioritized::{importance_weights, PrioritizedSampler};
pub use streams::StreamStorage;
pub use sum_tree::SumTree;
pub use vector::VectorStorage;

use deepq_env::{Dtype, Obs, Space};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// A batch of transitions laid out for tensors (row-major, `batch x obs_dim`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Observations.
    pub obs: Vec<f32>,
    /// Actions.
    pub actions: Vec<i64>,
    /// Discounted n-step rewards `sum_{k<m} gamma^k r_{t+k}` (`m <= n`; the one-step reward when
    /// `n = 1`).
    pub rewards: Vec<f32>,
    /// The bootstrap observations `s_{t+m}` (the real final observation on truncation).
    pub next_obs: Vec<f32>,
    /// The bootstrap discount `gamma^m`, or 0 when the episode terminated within the `m` steps
    /// (the target is `rewards + discounts * V(next_obs)`). Truncation bootstraps.
    pub discounts: Vec<f32>,
    /// Importance-sampling weights of the rows (all 1 for uniform sampling).
    pub weights: Vec<f32>,
    /// Storage slots the rows came from (for [`Replay::update_priorities`]).
    pub indices: Vec<usize>,
}

impl Batch {
    /// Number of rows.
    pub fn len(&self) -> usize {
        self.actions.len()
    }

    /// Whether the batch has no rows.
    pub fn is_empty(&self) -> bool {
        self.actions.is_empty()
    }

    /// Whether any row has an importance weight other than 1.
    pub fn is_weighted(&self) -> bool {
        self.weights.iter().any(|w| *w != 1.0)
    }

    fn resize(&mut self, rows: usize, row_len: usize) {
        self.obs.resize(rows * row_len, 0.0);
        self.next_obs.resize(rows * row_len, 0.0);
        self.actions.resize(rows, 0);
        self.rewards.resize(rows, 0.0);
        self.discounts.resize(rows, 0.0);
        self.weights.resize(rows, 1.0);
        self.indices.resize(rows, 0);
    }
}

/// One environment transition as handed to [`Replay::push`]: the observations both as the env
/// gave them and encoded as network features.
#[derive(Debug, Clone, Copy)]
pub struct Transition<'a> {
    /// The observation the action was taken in.
    pub obs: &'a Obs,
    /// Its features.
    pub obs_features: &'a [f32],
    /// The action.
    pub action: usize,
    /// The reward.
    pub reward: f32,
    /// The next observation (the real final observation on termination or truncation).
    pub next_obs: &'a Obs,
    /// Its features.
    pub next_features: &'a [f32],
    /// The episode ended in a terminal state (no bootstrap).
    pub terminated: bool,
    /// The episode was cut short (time limit): the target bootstraps.
    pub truncated: bool,
    /// Which env of a vector env the transition came from (0 for a single env); a
    /// [`StreamStorage`] keeps each stream's episodes in a ring of their own.
    pub stream: usize,
}

/// The ring of slots one stream's transitions go to: slots `offset..offset + capacity`,
/// the oldest sampleable one at `tail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ring {
    /// First slot of the ring.
    pub offset: usize,
    /// Slots in the ring.
    pub capacity: usize,
    /// Slot of the oldest sampleable transition.
    pub tail: usize,
}

/// The scalars of one stored transition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scalars {
    /// Action.
    pub action: usize,
    /// Reward.
    pub reward: f32,
    /// Terminated.
    pub terminated: bool,
    /// Truncated.
    pub truncated: bool,
}

/// Where transitions are kept: a fixed number of slots, overwritten oldest first.
pub trait Storage: Send {
    /// Capacity in transitions.
    fn capacity(&self) -> usize;
    /// Transitions that can be sampled.
    fn len(&self) -> usize;
    /// Whether nothing can be sampled.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The ring that transitions of `stream` are pushed to (plain storages have one ring,
    /// all their slots, for stream 0).
    fn ring(&self, stream: usize) -> Ring;
    /// A bijection from `0..len()` onto the sampleable slots (what a uniform draw maps through).
    fn slot_at(&self, k: usize) -> usize;
    /// Whether `slot` holds a sampleable transition.
    fn is_valid(&self, slot: usize) -> bool;
    /// Stores a transition, returning its slot. Older transitions may become unsampleable.
    fn push(&mut self, t: &Transition<'_>) -> usize;
    /// The scalars of a sampleable slot.
    fn scalars(&self, slot: usize) -> Scalars;
    /// The slot holding the next transition of the same episode, if it is stored.
    fn successor(&self, slot: usize) -> Option<usize>;
    /// Floats per observation row.
    fn row_len(&self) -> usize;
    /// Writes the observation of `slot` (next observation when `next`) as features.
    fn write_row(&self, slot: usize, next: bool, out: &mut [f32]);
    /// Bytes of the stored data (the length of [`Storage::to_bytes`]).
    fn stored_bytes(&self) -> usize;
    /// Serialises the stored transitions.
    fn to_bytes(&self) -> Vec<u8>;
    /// Replaces the contents with [`Storage::to_bytes`] output; errors on malformed input.
    fn load_bytes(&mut self, bytes: &[u8]) -> Result<(), String>;
}

/// Proportional prioritized replay settings (Schaul et al. 2016).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PriorityConfig {
    /// Sample proportionally to priority instead of uniformly.
    pub enabled: bool,
    /// Priority exponent: `p = (|delta| + eps)^alpha` (0 is uniform).
    pub alpha: f64,
    /// Importance-sampling exponent at the start; annealed linearly to `beta_end`.
    pub beta_start: f64,
    /// Importance-sampling exponent at the end of the annealing.
    pub beta_end: f64,
    /// Env steps over which beta is annealed (0: the whole run).
    pub beta_steps: u64,
    /// Added to `|delta|` so no transition gets priority 0.
    pub eps: f64,
}

impl Default for PriorityConfig {
    fn default() -> Self {
        Self { enabled: false, alpha: 0.6, beta_start: 0.4, beta_end: 1.0, beta_steps: 0, eps: 1e-6 }
    }
}

impl PriorityConfig {
    /// Beta at env step `step` of a run of `total_steps`.
    pub fn beta(&self, step: u64, total_steps: u64) -> f64 {
        let span = if self.beta_steps > 0 { self.beta_steps } else { total_steps.max(1) };
        let f = (step as f64 / span as f64).min(1.0);
        self.beta_start + f * (self.beta_end - self.beta_start)
    }

    /// Checks the values, naming the bad key under `prefix`.
    pub fn validate(&self, prefix: &str) -> Result<(), String> {
        // alpha 0 is uniform replay and 1 full prioritization (Schaul et al., 2016); a larger
        // exponent overflows the priorities of large TD errors.
        if !(0.0..=1.0).contains(&self.alpha) {
            return Err(format!("{prefix}.alpha must be in [0, 1], got {}", self.alpha));
        }
        for (k, v) in [("beta_start", self.beta_start), ("beta_end", self.beta_end)] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{prefix}.{k} must be in [0, 1], got {v}"));
            }
        }
        if !(self.eps > 0.0 && self.eps.is_finite()) {
            return Err(format!("{prefix}.eps must be positive, got {}", self.eps));
        }
        Ok(())
    }
}

/// How rows are drawn from a storage.
#[derive(Debug, Clone)]
pub enum Sampler {
    /// Uniformly with replacement.
    Uniform,
    /// Proportionally to priority.
    Prioritized(PrioritizedSampler),
}

/// A replay memory: push transitions, sample batches, feed back priorities.
pub trait Replay: Send {
    /// Stores a transition.
    fn push(&mut self, t: &Transition<'_>);
    /// Samples `batch_size` rows into `out` (reusing its allocations). `beta` is the current
    /// importance-sampling exponent (ignored by uniform sampling). Panics if empty.
    fn sample_into(&mut self, batch_size: usize, beta: f64, rng: &mut ChaCha8Rng, out: &mut Batch);
    /// New priorities from the TD errors (or losses) of the rows of the last batch.
    fn update_priorities(&mut self, indices: &[usize], errors: &[f32]);
    /// Sampleable transitions.
    fn len(&self) -> usize;
    /// Whether nothing can be sampled.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Bytes of the stored data.
    fn stored_bytes(&self) -> usize;
    /// The storage's bytes and the sampler's state (priorities), for resume checkpoints.
    fn to_bytes(&self) -> (Vec<u8>, Option<Vec<u8>>);
    /// Restores [`Replay::to_bytes`] output.
    fn load_bytes(&mut self, storage: &[u8], sampler: Option<&[u8]>) -> Result<(), String>;
}

/// The replay memory of a DQN run: a storage, a sampler and the n-step return settings.
pub struct ReplayMemory<S: Storage> {
    storage: S,
    sampler: Sampler,
    n_step: usize,
    gamma: f64,
}

impl<S: Storage> ReplayMemory<S> {
    /// A memory over `storage` with `n_step`-step returns discounted by `gamma`.
    pub fn new(storage: S, priority: &PriorityConfig, n_step: usize, gamma: f64) -> Self {
        assert!(n_step >= 1, "n_step must be at least 1");
        let sampler = if priority.enabled {
            Sampler::Prioritized(PrioritizedSampler::new(storage.capacity(), priority.alpha, priority.eps))
        } else {
            Sampler::Uniform
        };
        Self { storage, sampler, n_step, gamma }
    }

    /// The storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The sampler.
    pub fn sampler(&self) -> &Sampler {
        &self.sampler
    }

    /// Fills row `row` of `out` from `slot`: the n-step discounted reward, the bootstrap
    /// discount and observation.
    fn fill_row(&self, row: usize, slot: usize, out: &mut Batch) {
        let d = self.storage.row_len();
        let first = self.storage.scalars(slot);
        let (mut ret, mut scale, mut last) = (0.0f64, 1.0f64, slot);
        let mut cur = Some(slot);
        let mut k = 0;
        while let Some(s) = cur {
            let sc = self.storage.scalars(s);
            ret += scale * sc.reward as f64;
            scale *= self.gamma;
            last = s;
            k += 1;
            if sc.terminated {
                scale = 0.0;
                break;
            }
            if sc.truncated || k == self.n_step {
                break;
            }
            cur = self.storage.successor(s);
        }
        self.storage.write_row(slot, false, &mut out.obs[row * d..(row + 1) * d]);
        self.storage.write_row(last, true, &mut out.next_obs[row * d..(row + 1) * d]);
        out.actions[row] = first.action as i64;
        out.rewards[row] = if k == 1 { first.reward } else { ret as f32 };
        out.discounts[row] = scale as f32;
        out.indices[row] = slot;
    }
}

impl<S: Storage> Replay for ReplayMemory<S> {
    fn push(&mut self, t: &Transition<'_>) {
        let before = self.storage.ring(t.stream);
        let slot = self.storage.push(t);
        if let Sampler::Prioritized(p) = &mut self.sampler {
            // Transitions the storage dropped from the stream's ring to make room can no
            // longer be drawn.
            let Ring { offset, capacity: cap, tail } = before;
            let dropped = (self.storage.ring(t.stream).tail + cap - tail) % cap;
            for k in 0..dropped {
                let s = offset + (tail - offset + k) % cap;
                if s != slot {
                    p.clear(s);
                }
            }
            p.insert(slot);
        }
    }

    fn sample_into(&mut self, batch_size: usize, beta: f64, rng: &mut ChaCha8Rng, out: &mut Batch) {
        let len = self.storage.len();
        assert!(len > 0, "cannot sample an empty replay buffer");
        out.resize(batch_size, self.storage.row_len());
        match &self.sampler {
            Sampler::Uniform => {
                for row in 0..batch_size {
                    let slot = self.storage.slot_at(rng.random_range(0..len));
                    self.fill_row(row, slot, out);
                    out.weights[row] = 1.0;
                }
            }
            Sampler::Prioritized(p) => {
                let slots = p.sample(batch_size, rng);
                let weights =
                    importance_weights(&slots.iter().map(|&s| p.probability(s)).collect::<Vec<_>>(), len, beta);
                for (row, (&slot, w)) in slots.iter().zip(weights).enumerate() {
                    debug_assert!(self.storage.is_valid(slot), "sampled an empty slot");
                    self.fill_row(row, slot, out);
                    out.weights[row] = w as f32;
                }
            }
        }
    }

    fn update_priorities(&mut self, indices: &[usize], errors: &[f32]) {
        if let Sampler::Prioritized(p) = &mut self.sampler {
            for (&slot, &e) in indices.iter().zip(errors) {
                if self.storage.is_valid(slot) {
                    p.update(slot, e as f64);
                }
            }
        }
    }

    fn len(&self) -> usize {
        self.storage.len()
    }

    fn stored_bytes(&self) -> usize {
        self.storage.stored_bytes()
    }

    fn to_bytes(&self) -> (Vec<u8>, Option<Vec<u8>>) {
        let sampler = match &self.sampler {
            Sampler::Uniform => None,
            Sampler::Prioritized(p) => Some(p.to_bytes()),
        };
        (self.storage.to_bytes(), sampler)
    }

    fn load_bytes(&mut self, storage: &[u8], sampler: Option<&[u8]>) -> Result<(), String> {
        self.storage.load_bytes(storage)?;
        if let Sampler::Prioritized(p) = &mut self.sampler {
            match sampler {
                Some(bytes) => p.load_bytes(bytes, self.storage.capacity())?,
                // A buffer saved without priorities: every stored transition gets the max.
                None => {
                    p.reset();
                    for k in 0..self.storage.len() {
                        p.insert(self.storage.slot_at(k));
                    }
                }
            }
        }
        Ok(())
    }
}

/// How a replay memory stores observations (see [`for_space`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    /// Transitions kept in all.
    pub capacity: usize,
    /// Floats per encoded observation (for vector storage).
    pub features: usize,
    /// Multiplier from frame bytes to features.
    pub frame_scale: f32,
    /// Stacks put the newest frame first (the Practical-RL homework's frame buffer).
    pub newest_first: bool,
    /// Env streams (the `num_envs` of a vector env): more than one gives each stream a ring
    /// of `capacity / streams` transitions.
    pub streams: usize,
}

/// The replay memory for an observation space: frames stored once for `[stack, h, w]` u8
/// observations, float vectors otherwise; one ring per env stream.
pub fn for_space(
    space: &Space,
    layout: &Layout,
    priority: &PriorityConfig,
    n_step: usize,
    gamma: f64,
) -> Box<dyn Replay> {
    let streams = layout.streams.max(1);
    let ring = layout.capacity / streams;
    match space {
        Space::Box { shape, dtype: Dtype::U8, .. } if shape.len() == 3 => {
            let make = || {
                FrameStorage::new(ring, shape[0], shape[1] * shape[2])
                    .with_scale(layout.frame_scale)
                    .with_newest_first(layout.newest_first)
            };
            if streams == 1 {
                Box::new(ReplayMemory::new(make(), priority, n_step, gamma))
            } else {
                let storage = StreamStorage::new((0..streams).map(|_| make()).collect());
                Box::new(ReplayMemory::new(storage, priority, n_step, gamma))
            }
        }
        _ => {
            let make = || VectorStorage::new(ring, layout.features);
            if streams == 1 {
                Box::new(ReplayMemory::new(make(), priority, n_step, gamma))
            } else {
                let storage = StreamStorage::new((0..streams).map(|_| make()).collect());
                Box::new(ReplayMemory::new(storage, priority, n_step, gamma))
            }
        }
    }
}

/// Bytes a replay memory of `capacity` transitions would allocate for this observation space
/// (for checking a config against the machine's memory before allocating).
pub fn planned_bytes(space: &Space, capacity: usize, features: usize) -> u128 {
    match space {
        Space::Box { shape, dtype: Dtype::U8, .. } if shape.len() == 3 => {
            let frames = capacity as u128 + capacity as u128 / 16 + 2 * shape[0] as u128;
            frames * (shape[1] * shape[2]) as u128 + capacity as u128 * 29
        }
        _ => capacity as u128 * (2 * features as u128 * 4 + 10),
    }
}

#[cfg(test)]
mod tests;
