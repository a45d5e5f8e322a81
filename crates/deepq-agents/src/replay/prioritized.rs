//! Proportional prioritized sampling (Schaul et al. 2016): transition `i` is drawn with
//! probability `P(i) = p_i / sum_k p_k`, where `p_i = (|delta_i| + eps)^alpha`; new transitions
//! get the largest priority seen so far, so each is replayed at least once soon.

use super::SumTree;
use rand::Rng;

/// Priorities of the storage slots on a [`SumTree`], and stratified proportional draws.
#[derive(Debug, Clone)]
pub struct PrioritizedSampler {
    tree: SumTree,
    alpha: f64,
    eps: f64,
    /// Largest priority (already raised to alpha) ever given to a transition.
    max_priority: f64,
}

impl PrioritizedSampler {
    /// A sampler over `capacity` slots, all empty.
    pub fn new(capacity: usize, alpha: f64, eps: f64) -> Self {
        Self { tree: SumTree::new(capacity), alpha, eps, max_priority: 1.0 }
    }

    /// Gives a newly stored transition the largest priority so far.
    pub fn insert(&mut self, slot: usize) {
        self.tree.set(slot, self.max_priority);
    }

    /// Removes a slot from sampling.
    pub fn clear(&mut self, slot: usize) {
        self.tree.set(slot, 0.0);
    }

    /// Forgets every priority (the max priority goes back to 1).
    pub fn reset(&mut self) {
        self.tree = SumTree::new(self.tree.capacity());
        self.max_priority = 1.0;
    }

    /// Sets the priority of `slot` from its TD error: `(|error| + eps)^alpha`. A non-finite
    /// error is ignored (the transition keeps its priority).
    pub fn update(&mut self, slot: usize, error: f64) {
        if !error.is_finite() {
            return;
        }
        let p = (error.abs() + self.eps).powf(self.alpha);
        self.max_priority = self.max_priority.max(p);
        self.tree.set(slot, p);
    }

    /// The stored priority (`p_i`, already raised to alpha) of `slot`.
    pub fn priority(&self, slot: usize) -> f64 {
        self.tree.get(slot)
    }

    /// The sampling probability `P(i)` of `slot`.
    pub fn probability(&self, slot: usize) -> f64 {
        self.tree.get(slot) / self.tree.total()
    }

    /// Draws `n` slots proportionally to priority, with replacement: the total is cut into `n`
    /// equal strata and one value is drawn uniformly in each (lower variance than `n`
    /// independent draws, the same marginal distribution).
    pub fn sample<R: Rng>(&self, n: usize, rng: &mut R) -> Vec<usize> {
        let total = self.tree.total();
        assert!(total > 0.0, "cannot sample: every priority is zero");
        let segment = total / n as f64;
        (0..n).map(|k| self.tree.find_prefix(segment * (k as f64 + rng.random::<f64>()))).collect()
    }

    /// Serialises the priorities (leaf values and the max priority).
    pub fn to_bytes(&self) -> Vec<u8> {
        let cap = self.tree.capacity();
        let mut out = Vec::with_capacity(16 + cap * 8);
        out.extend_from_slice(&(cap as u64).to_le_bytes());
        out.extend_from_slice(&self.max_priority.to_le_bytes());
        for i in 0..cap {
            out.extend_from_slice(&self.tree.get(i).to_le_bytes());
        }
        out
    }

    /// Restores [`PrioritizedSampler::to_bytes`] output for a storage of `capacity` slots.
    pub fn load_bytes(&mut self, bytes: &[u8], capacity: usize) -> Result<(), String> {
        let word = |k: usize| -> Result<[u8; 8], String> {
            bytes
                .get(k * 8..k * 8 + 8)
                .map(|s| s.try_into().expect("8 bytes"))
                .ok_or_else(|| "priorities are truncated".to_string())
        };
        let cap = u64::from_le_bytes(word(0)?) as usize;
        if cap != capacity || bytes.len() != 16 + cap * 8 {
            return Err(format!("priorities are for {cap} slots, the buffer has {capacity}"));
        }
        let max = f64::from_le_bytes(word(1)?);
        if !(max > 0.0 && max.is_finite()) {
            return Err("the stored max priority is not a positive number".into());
        }
        let mut tree = SumTree::new(cap);
        for i in 0..cap {
            let v = f64::from_le_bytes(word(2 + i)?);
            if !(v >= 0.0 && v.is_finite()) {
                return Err(format!("priority {i} is not a finite number >= 0"));
            }
            tree.set(i, v);
        }
        self.tree = tree;
        self.max_priority = max;
        Ok(())
    }
}

/// Importance-sampling weights `w_i = (N P(i))^-beta`, divided by the largest weight of the
/// batch so they only ever scale the loss down (the paper's normalisation by `max_j w_j`).
pub fn importance_weights(probabilities: &[f64], n: usize, beta: f64) -> Vec<f64> {
    let raw: Vec<f64> = probabilities.iter().map(|p| (n as f64 * p).powf(-beta)).collect();
    let max = raw.iter().cloned().fold(0.0, f64::max);
    raw.iter().map(|w| if max > 0.0 { w / max } else { 1.0 }).collect()
}
