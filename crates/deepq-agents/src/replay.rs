//! Uniform experience replay for vector observations: a preallocated ring buffer that keeps
//! `terminated` and `truncated` apart and samples batches without per-sample allocation.

use rand::Rng;

/// A batch of transitions laid out for tensors (row-major, `batch x obs_dim`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Batch {
    /// Observations.
    pub obs: Vec<f32>,
    /// Actions.
    pub actions: Vec<i64>,
    /// Rewards.
    pub rewards: Vec<f32>,
    /// Next observations (the real final observation on truncation).
    pub next_obs: Vec<f32>,
    /// 1.0 where the episode terminated (no bootstrap), else 0.0. Truncation is 0.0.
    pub terminated: Vec<f32>,
    /// Buffer slots the rows came from.
    pub indices: Vec<usize>,
}

/// A fixed-capacity ring buffer of `(obs, action, reward, next_obs, terminated, truncated)`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayBuffer {
    capacity: usize,
    obs_dim: usize,
    obs: Vec<f32>,
    next_obs: Vec<f32>,
    actions: Vec<u32>,
    rewards: Vec<f32>,
    terminated: Vec<bool>,
    truncated: Vec<bool>,
    pos: usize,
    len: usize,
}

impl ReplayBuffer {
    /// Allocates a buffer of `capacity` transitions of `obs_dim` floats each.
    pub fn new(capacity: usize, obs_dim: usize) -> Self {
        assert!(capacity > 0, "replay capacity must be positive");
        Self {
            capacity,
            obs_dim,
            obs: vec![0.0; capacity * obs_dim],
            next_obs: vec![0.0; capacity * obs_dim],
            actions: vec![0; capacity],
            rewards: vec![0.0; capacity],
            terminated: vec![false; capacity],
            truncated: vec![false; capacity],
            pos: 0,
            len: 0,
        }
    }

    /// Number of stored transitions.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Capacity in transitions.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Floats per observation.
    pub fn obs_dim(&self) -> usize {
        self.obs_dim
    }

    /// Adds a transition, overwriting the oldest when full.
    pub fn push(
        &mut self,
        obs: &[f32],
        action: usize,
        reward: f32,
        next_obs: &[f32],
        terminated: bool,
        truncated: bool,
    ) {
        let d = self.obs_dim;
        let i = self.pos;
        self.obs[i * d..(i + 1) * d].copy_from_slice(obs);
        self.next_obs[i * d..(i + 1) * d].copy_from_slice(next_obs);
        self.actions[i] = action as u32;
        self.rewards[i] = reward;
        self.terminated[i] = terminated;
        self.truncated[i] = truncated;
        self.pos = (self.pos + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
    }

    /// Samples `batch_size` transitions uniformly with replacement into `out` (reusing its
    /// allocations). Panics if the buffer is empty.
    pub fn sample_into<R: Rng>(&self, batch_size: usize, rng: &mut R, out: &mut Batch) {
        assert!(self.len > 0, "cannot sample an empty replay buffer");
        let d = self.obs_dim;
        out.obs.resize(batch_size * d, 0.0);
        out.next_obs.resize(batch_size * d, 0.0);
        out.actions.resize(batch_size, 0);
        out.rewards.resize(batch_size, 0.0);
        out.terminated.resize(batch_size, 0.0);
        out.indices.resize(batch_size, 0);
        for row in 0..batch_size {
            let i = rng.random_range(0..self.len);
            out.indices[row] = i;
            out.obs[row * d..(row + 1) * d].copy_from_slice(&self.obs[i * d..(i + 1) * d]);
            out.next_obs[row * d..(row + 1) * d].copy_from_slice(&self.next_obs[i * d..(i + 1) * d]);
            out.actions[row] = self.actions[i] as i64;
            out.rewards[row] = self.rewards[i];
            out.terminated[row] = if self.terminated[i] { 1.0 } else { 0.0 };
        }
    }

    /// The transition in slot `i`: `(obs, action, reward, next_obs, terminated, truncated)`.
    pub fn get(&self, i: usize) -> (&[f32], usize, f32, &[f32], bool, bool) {
        let d = self.obs_dim;
        (
            &self.obs[i * d..(i + 1) * d],
            self.actions[i] as usize,
            self.rewards[i],
            &self.next_obs[i * d..(i + 1) * d],
            self.terminated[i],
            self.truncated[i],
        )
    }

    /// Bytes of the stored data (for the resume-checkpoint size limit).
    pub fn stored_bytes(&self) -> usize {
        self.len * (2 * self.obs_dim * 4 + 4 + 4 + 2)
    }

    /// Serialises the buffer (capacity, position and contents) to bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(32 + self.stored_bytes());
        for v in [self.capacity as u64, self.obs_dim as u64, self.pos as u64, self.len as u64] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let n = self.len;
        let d = self.obs_dim;
        // The filled slots are 0..len (the ring only wraps once it is full).
        out.extend(self.obs[..n * d].iter().flat_map(|v| v.to_le_bytes()));
        out.extend(self.next_obs[..n * d].iter().flat_map(|v| v.to_le_bytes()));
        out.extend(self.actions[..n].iter().flat_map(|v| v.to_le_bytes()));
        out.extend(self.rewards[..n].iter().flat_map(|v| v.to_le_bytes()));
        out.extend(self.terminated[..n].iter().map(|b| *b as u8));
        out.extend(self.truncated[..n].iter().map(|b| *b as u8));
        out
    }

    /// Rebuilds a buffer from [`ReplayBuffer::to_bytes`]; errors on malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut r = Reader { bytes, at: 0 };
        let capacity = r.u64()? as usize;
        let obs_dim = r.u64()? as usize;
        let pos = r.u64()? as usize;
        let len = r.u64()? as usize;
        if capacity == 0 || len > capacity || pos >= capacity || obs_dim == 0 || obs_dim > 1 << 24 {
            return Err("replay header is inconsistent".into());
        }
        let mut buf = ReplayBuffer::new(capacity, obs_dim);
        let nd = len * obs_dim;
        for v in buf.obs[..nd].iter_mut() {
            *v = f32::from_le_bytes(r.take::<4>()?);
        }
        for v in buf.next_obs[..nd].iter_mut() {
            *v = f32::from_le_bytes(r.take::<4>()?);
        }
        for v in buf.actions[..len].iter_mut() {
            *v = u32::from_le_bytes(r.take::<4>()?);
        }
        for v in buf.rewards[..len].iter_mut() {
            *v = f32::from_le_bytes(r.take::<4>()?);
        }
        for v in buf.terminated[..len].iter_mut() {
            *v = r.take::<1>()?[0] != 0;
        }
        for v in buf.truncated[..len].iter_mut() {
            *v = r.take::<1>()?[0] != 0;
        }
        if r.at != bytes.len() {
            return Err("replay data has trailing bytes".into());
        }
        buf.pos = pos;
        buf.len = len;
        Ok(buf)
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let end = self.at + N;
        let slice = self.bytes.get(self.at..end).ok_or("replay data is truncated")?;
        self.at = end;
        Ok(slice.try_into().expect("slice of length N"))
    }
    fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take::<8>()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::rng_for;

    fn filled(capacity: usize, n: usize) -> ReplayBuffer {
        let mut b = ReplayBuffer::new(capacity, 2);
        for i in 0..n {
            let x = i as f32;
            b.push(&[x, -x], i % 3, x * 0.5, &[x + 1.0, -x - 1.0], i % 5 == 4, i % 7 == 6);
        }
        b
    }

    #[test]
    fn wraps_around_and_overwrites_the_oldest() {
        let b = filled(4, 6);
        assert_eq!(b.len(), 4);
        // Slots 0 and 1 hold transitions 4 and 5; slots 2 and 3 still hold 2 and 3.
        assert_eq!(b.get(0).0, &[4.0, -4.0]);
        assert_eq!(b.get(1).0, &[5.0, -5.0]);
        assert_eq!(b.get(2).0, &[2.0, -2.0]);
        assert_eq!(b.get(3).3, &[4.0, -4.0]);
        assert!(b.get(0).4, "transition 4 terminated");
    }

    #[test]
    fn keeps_terminated_and_truncated_apart() {
        let b = filled(16, 8);
        let (_, _, _, _, term, trunc) = b.get(6);
        assert!(!term && trunc);
        let mut batch = Batch::default();
        let mut rng = rng_for(0, 0);
        b.sample_into(64, &mut rng, &mut batch);
        for (row, &i) in batch.indices.iter().enumerate() {
            let expected = if b.get(i).4 { 1.0 } else { 0.0 };
            assert_eq!(batch.terminated[row], expected);
            assert_eq!(&batch.next_obs[row * 2..row * 2 + 2], b.get(i).3);
            assert_eq!(batch.actions[row], b.get(i).1 as i64);
        }
    }

    #[test]
    fn sampling_is_uniform_over_stored_slots() {
        let b = filled(10, 25);
        let mut rng = rng_for(1, 0);
        let mut counts = [0usize; 10];
        let mut batch = Batch::default();
        let draws = 200_000 / 50;
        for _ in 0..draws {
            b.sample_into(50, &mut rng, &mut batch);
            for &i in &batch.indices {
                counts[i] += 1;
            }
        }
        // Chi-square with 9 degrees of freedom; 27.88 is the p = 0.001 critical value.
        let chi2 = crate::util::chi_square_uniform(&counts);
        assert!(chi2 < 27.88, "chi2 = {chi2}, counts {counts:?}");
    }

    #[test]
    fn only_filled_slots_are_sampled() {
        let b = filled(100, 3);
        let mut rng = rng_for(2, 0);
        let mut batch = Batch::default();
        b.sample_into(1000, &mut rng, &mut batch);
        assert!(batch.indices.iter().all(|&i| i < 3));
    }

    #[test]
    fn bytes_roundtrip_and_reject_truncation() {
        for (cap, n) in [(8, 5), (8, 13)] {
            let b = filled(cap, n);
            let bytes = b.to_bytes();
            assert_eq!(ReplayBuffer::from_bytes(&bytes).unwrap(), b);
            assert!(ReplayBuffer::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
