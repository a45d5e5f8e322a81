//! Transition storage for vector observations: a preallocated ring of float rows that keeps
//! `terminated` and `truncated` apart.

use super::{Ring, Scalars, Storage, Transition};
use crate::util::ByteReader;

/// A fixed-capacity ring buffer of `(obs, action, reward, next_obs, terminated, truncated)`.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorStorage {
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

impl VectorStorage {
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

    /// Slot of the oldest stored transition.
    pub fn tail(&self) -> usize {
        if self.len < self.capacity {
            0
        } else {
            self.pos
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

    /// Rebuilds a buffer from [`VectorStorage::to_bytes`]; errors on malformed input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut r = ByteReader::new(bytes, "replay data");
        let capacity = r.u64()? as usize;
        let obs_dim = r.u64()? as usize;
        let pos = r.u64()? as usize;
        let len = r.u64()? as usize;
        if capacity == 0 || len > capacity || pos >= capacity || obs_dim == 0 || obs_dim > 1 << 24 {
            return Err("replay header is inconsistent".into());
        }
        let mut buf = VectorStorage::new(capacity, obs_dim);
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
        if r.position() != bytes.len() {
            return Err("replay data has trailing bytes".into());
        }
        buf.pos = pos;
        buf.len = len;
        Ok(buf)
    }
}

impl Storage for VectorStorage {
    fn capacity(&self) -> usize {
        self.capacity
    }
    fn len(&self) -> usize {
        self.len
    }
    fn ring(&self, stream: usize) -> Ring {
        debug_assert_eq!(stream, 0, "a plain storage has one stream");
        Ring { offset: 0, capacity: self.capacity, tail: self.tail() }
    }
    fn slot_at(&self, k: usize) -> usize {
        // Before the ring wraps the filled slots are 0..len; after, every slot is filled.
        k
    }
    fn is_valid(&self, slot: usize) -> bool {
        slot < self.len
    }
    fn push(&mut self, t: &Transition<'_>) -> usize {
        let slot = self.pos;
        VectorStorage::push(self, t.obs_features, t.action, t.reward, t.next_features, t.terminated, t.truncated);
        slot
    }
    fn scalars(&self, slot: usize) -> Scalars {
        Scalars {
            action: self.actions[slot] as usize,
            reward: self.rewards[slot],
            terminated: self.terminated[slot],
            truncated: self.truncated[slot],
        }
    }
    fn successor(&self, slot: usize) -> Option<usize> {
        let newest = (self.pos + self.capacity - 1) % self.capacity;
        if slot == newest || self.terminated[slot] || self.truncated[slot] {
            return None;
        }
        let next = (slot + 1) % self.capacity;
        let d = self.obs_dim;
        // The next slot continues the episode only if it starts where this one ended (after a
        // resume the episode in flight was dropped and a new one began without a done flag).
        (next < self.len && self.next_obs[slot * d..(slot + 1) * d] == self.obs[next * d..(next + 1) * d])
            .then_some(next)
    }
    fn row_len(&self) -> usize {
        self.obs_dim
    }
    fn write_row(&self, slot: usize, next: bool, out: &mut [f32]) {
        let d = self.obs_dim;
        let src = if next { &self.next_obs } else { &self.obs };
        out.copy_from_slice(&src[slot * d..(slot + 1) * d]);
    }
    fn stored_bytes(&self) -> usize {
        VectorStorage::stored_bytes(self)
    }
    fn to_bytes(&self) -> Vec<u8> {
        VectorStorage::to_bytes(self)
    }
    fn load_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let loaded = VectorStorage::from_bytes(bytes)?;
        if loaded.capacity != self.capacity || loaded.obs_dim != self.obs_dim {
            return Err(format!(
                "the saved replay holds {} transitions of {} features, this run needs {} of {}",
                loaded.capacity, loaded.obs_dim, self.capacity, self.obs_dim
            ));
        }
        *self = loaded;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(capacity: usize, n: usize) -> VectorStorage {
        let mut b = VectorStorage::new(capacity, 2);
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
        assert_eq!(b.tail(), 2);
    }

    #[test]
    fn keeps_terminated_and_truncated_apart() {
        let b = filled(16, 8);
        let (_, _, _, _, term, trunc) = b.get(6);
        assert!(!term && trunc);
        let s = b.scalars(4);
        assert!(s.terminated && !s.truncated);
    }

    #[test]
    fn successors_follow_the_episode_and_stop_at_its_end_and_at_the_newest() {
        let b = filled(16, 8);
        assert_eq!(b.successor(0), Some(1));
        assert_eq!(b.successor(4), None, "terminated");
        assert_eq!(b.successor(6), None, "truncated");
        assert_eq!(b.successor(7), None, "newest");
        // After wrap-around the successor of the last slot is slot 0.
        let b = filled(4, 6);
        assert_eq!(b.successor(3), Some(0));
        assert_eq!(b.successor(0), None, "transition 4 terminated");
    }

    #[test]
    fn bytes_roundtrip_and_reject_truncation() {
        for (cap, n) in [(8, 5), (8, 13)] {
            let b = filled(cap, n);
            let bytes = b.to_bytes();
            assert_eq!(VectorStorage::from_bytes(&bytes).unwrap(), b);
            assert!(VectorStorage::from_bytes(&bytes[..bytes.len() - 1]).is_err());
        }
    }
}
