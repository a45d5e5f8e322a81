//! One replay ring per env stream of a vector env.
//!
//! The envs of a vector env run their episodes side by side, so their transitions arrive
//! interleaved. The storages follow an episode from slot to slot (`successor`, and the frame
//! storage rebuilds stacks from the frames pushed before), which only works if one ring holds
//! one episode stream. [`StreamStorage`] therefore gives stream `i` a storage of its own and
//! numbers the slots of all of them in one range (`i * ring + local slot`), so a sampler (one
//! sum tree for prioritized replay) draws over every stored transition as if it were one
//! buffer.

use super::{Ring, Scalars, Storage, Transition};
use crate::util::ByteReader;

/// Several storages of equal capacity behind one [`Storage`] interface, one per env stream.
pub struct StreamStorage<S: Storage> {
    parts: Vec<S>,
    ring: usize,
}

/// First bytes of a serialised [`StreamStorage`].
const MAGIC: &[u8; 8] = b"DQSTRMS1";

impl<S: Storage> StreamStorage<S> {
    /// One stream per storage; all must have the same capacity (at least one).
    pub fn new(parts: Vec<S>) -> Self {
        assert!(!parts.is_empty(), "a stream storage needs a stream");
        let ring = parts[0].capacity();
        assert!(parts.iter().all(|p| p.capacity() == ring), "the streams' rings must be equally large");
        Self { parts, ring }
    }

    /// The storage of stream `i`.
    pub fn part(&self, i: usize) -> &S {
        &self.parts[i]
    }

    /// Number of streams.
    pub fn streams(&self) -> usize {
        self.parts.len()
    }

    fn split(&self, slot: usize) -> (&S, usize, usize) {
        let i = slot / self.ring;
        (&self.parts[i], i * self.ring, slot - i * self.ring)
    }
}

impl<S: Storage> Storage for StreamStorage<S> {
    fn capacity(&self) -> usize {
        self.ring * self.parts.len()
    }
    fn len(&self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }
    fn ring(&self, stream: usize) -> Ring {
        let tail = self.parts[stream].ring(0).tail;
        Ring { offset: stream * self.ring, capacity: self.ring, tail: stream * self.ring + tail }
    }
    fn slot_at(&self, mut k: usize) -> usize {
        for (i, p) in self.parts.iter().enumerate() {
            if k < p.len() {
                return i * self.ring + p.slot_at(k);
            }
            k -= p.len();
        }
        panic!("slot_at beyond the stored transitions")
    }
    fn is_valid(&self, slot: usize) -> bool {
        slot < self.capacity() && {
            let (p, _, local) = self.split(slot);
            p.is_valid(local)
        }
    }
    fn push(&mut self, t: &Transition<'_>) -> usize {
        let stream = t.stream;
        assert!(stream < self.parts.len(), "transition of stream {stream}, but the replay has {}", self.parts.len());
        let local = self.parts[stream].push(&Transition { stream: 0, ..*t });
        stream * self.ring + local
    }
    fn scalars(&self, slot: usize) -> Scalars {
        let (p, _, local) = self.split(slot);
        p.scalars(local)
    }
    fn successor(&self, slot: usize) -> Option<usize> {
        let (p, offset, local) = self.split(slot);
        p.successor(local).map(|s| offset + s)
    }
    fn row_len(&self) -> usize {
        self.parts[0].row_len()
    }
    fn write_row(&self, slot: usize, next: bool, out: &mut [f32]) {
        let (p, _, local) = self.split(slot);
        p.write_row(local, next, out)
    }
    fn stored_bytes(&self) -> usize {
        MAGIC.len() + 8 + self.parts.iter().map(|p| 8 + p.stored_bytes()).sum::<usize>()
    }
    fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.stored_bytes());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.parts.len() as u64).to_le_bytes());
        for p in &self.parts {
            let bytes = p.to_bytes();
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(&bytes);
        }
        out
    }
    fn load_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let mut r = ByteReader::new(bytes, "the replay data");
        if r.slice(MAGIC.len()).ok() != Some(&MAGIC[..]) {
            return Err(format!(
                "the saved replay is not split into env streams, this run has {} (dqn.num_envs must match the saved run's)",
                self.parts.len()
            ));
        }
        let n = r.u64()?;
        if n != self.parts.len() as u64 {
            return Err(format!(
                "the saved replay has {n} env streams, this run has {} (dqn.num_envs must match the saved run's)",
                self.parts.len()
            ));
        }
        for p in &mut self.parts {
            let len = usize::try_from(r.u64()?).map_err(|_| "replay stream length overflows".to_string())?;
            p.load_bytes(r.slice(len)?)?;
        }
        if r.position() != bytes.len() {
            return Err("replay data has trailing bytes".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::{Batch, FrameStorage, PriorityConfig, Replay, ReplayMemory, VectorStorage};
    use crate::util::rng_for;
    use deepq_env::Obs;

    /// Pushes `[value, stream]` -> `[value + 1, stream]` to `stream`.
    fn push_vec(s: &mut dyn Replay, stream: usize, value: f32, reward: f32, terminated: bool) {
        let (o, n) = ([value, stream as f32], [value + 1.0, stream as f32]);
        let (obs, next) = (Obs::F32(o.to_vec()), Obs::F32(n.to_vec()));
        s.push(&Transition {
            obs: &obs,
            obs_features: &o,
            action: stream,
            reward,
            next_obs: &next,
            next_features: &n,
            terminated,
            truncated: false,
            stream,
        });
    }

    fn vector_streams(
        n: usize,
        ring: usize,
        prioritized: bool,
        n_step: usize,
    ) -> ReplayMemory<StreamStorage<VectorStorage>> {
        let priority = PriorityConfig { enabled: prioritized, alpha: 1.0, ..PriorityConfig::default() };
        let storage = StreamStorage::new((0..n).map(|_| VectorStorage::new(ring, 2)).collect());
        ReplayMemory::new(storage, &priority, n_step, 0.5)
    }

    #[test]
    fn n_step_returns_follow_each_stream_through_interleaved_pushes() {
        let mut m = vector_streams(2, 8, false, 3);
        // Two episodes side by side: stream 0 earns 1 per step, stream 1 earns 10 per step.
        for t in 0..4 {
            push_vec(&mut m, 0, t as f32, 1.0, false);
            push_vec(&mut m, 1, 100.0 + t as f32, 10.0, t == 3);
        }
        let mut b = Batch::default();
        b.resize(1, 2);
        // Stream 0, first transition: 1 + 0.5 + 0.25, bootstrap from [3, 0] with 0.125.
        m.fill_row(0, 0, &mut b);
        assert_eq!((b.rewards[0], b.discounts[0], b.next_obs.clone()), (1.75, 0.125, vec![3.0, 0.0]));
        // Stream 1 (slots 8..16), second transition: 10 + 5 + 2.5, terminated at the third.
        m.fill_row(0, 9, &mut b);
        assert_eq!((b.rewards[0], b.discounts[0], b.next_obs.clone()), (17.5, 0.0, vec![104.0, 1.0]));
        assert_eq!(m.storage().successor(3), None, "stream 0's newest");
        assert_eq!(m.storage().successor(8), Some(9));
    }

    #[test]
    fn uniform_draws_cover_every_stream_equally() {
        let mut m = vector_streams(3, 10, false, 1);
        for t in 0..25 {
            for s in 0..3 {
                push_vec(&mut m, s, t as f32, 0.0, false);
            }
        }
        assert_eq!(m.len(), 30);
        let mut counts = [0usize; 3];
        let (mut rng, mut b) = (rng_for(1, 1), Batch::default());
        for _ in 0..300 {
            m.sample_into(32, 1.0, &mut rng, &mut b);
            for &a in &b.actions {
                counts[a as usize] += 1;
            }
        }
        assert!(crate::util::chi_square_uniform(&counts) < 13.8, "{counts:?}");
    }

    #[test]
    fn dropped_frames_of_one_stream_lose_their_priority_and_not_another_streams() {
        // Two streams of 4 transitions with room for only 4 frames each: a long episode in
        // stream 1 drops its oldest transitions, stream 0's stay drawable.
        let priority = PriorityConfig { enabled: true, alpha: 1.0, ..PriorityConfig::default() };
        let parts = (0..2).map(|_| FrameStorage::with_frame_capacity(4, 2, 1, 4)).collect();
        let mut m = ReplayMemory::new(StreamStorage::new(parts), &priority, 1, 0.99);
        let push = |m: &mut ReplayMemory<_>, stream: usize, t: u8| {
            let (obs, next) = (Obs::U8(vec![t, t + 1]), Obs::U8(vec![t + 1, t + 2]));
            let (o, n) = ([0.0f32; 2], [0.0f32; 2]);
            m.push(&Transition {
                obs: &obs,
                obs_features: &o,
                action: stream,
                reward: 0.0,
                next_obs: &next,
                next_features: &n,
                terminated: false,
                truncated: false,
                stream,
            });
        };
        push(&mut m, 0, 0);
        push(&mut m, 0, 1);
        for t in 0..9 {
            push(&mut m, 1, 10 + t);
        }
        let Sampler::Prioritized(p) = m.sampler() else { panic!("prioritized") };
        for slot in 0..8 {
            let valid = m.storage().is_valid(slot);
            assert_eq!(p.probability(slot) > 0.0, valid, "slot {slot}");
        }
        assert_eq!(m.storage().part(0).len(), 2);
        assert_eq!(m.storage().part(1).len(), 2, "the 4-frame ring keeps 2 transitions");
        // Stacks are rebuilt from each stream's own frames.
        let mut row = [0.0f32; 2];
        m.storage().write_row(1, true, &mut row);
        assert_eq!(row, [2.0, 3.0]);
    }

    #[test]
    fn bytes_roundtrip_and_refuse_another_stream_count() {
        let mut m = vector_streams(2, 4, true, 1);
        for t in 0..6 {
            push_vec(&mut m, t % 2, t as f32, t as f32, t == 4);
        }
        let (storage, sampler) = m.to_bytes();
        let mut back = vector_streams(2, 4, true, 1);
        back.load_bytes(&storage, sampler.as_deref()).unwrap();
        assert_eq!(back.to_bytes(), m.to_bytes());
        let mut three = vector_streams(3, 4, true, 1);
        let err = three.load_bytes(&storage, sampler.as_deref()).unwrap_err();
        assert!(err.contains("2 env streams") && err.contains("num_envs"), "{err}");
        let single = VectorStorage::new(8, 2);
        let err = back.load_bytes(&single.to_bytes(), None).unwrap_err();
        assert!(err.contains("not split into env streams"), "{err}");
    }

    use super::super::Sampler;
}
