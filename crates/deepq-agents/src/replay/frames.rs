//! Transition storage for stacked image observations (Atari `[stack, h, w]` u8 frames) that
//! stores every frame once and rebuilds the stacks by index when a batch is sampled.
//!
//! # Layout
//!
//! - **Frame ring.** One preallocated `Vec<u8>` of `frame_capacity` frames of `frame_len` bytes.
//!   Frames get consecutive sequence numbers `0, 1, 2, ...` (a `u64` that never wraps); frame
//!   `s` lives in ring slot `s % frame_capacity`, and it is present while
//!   `s + frame_capacity >= frames_written`.
//! - **Stack references.** An observation is a `StackRef`: the sequence number `end` of its
//!   newest frame and a padding count `pad`. Position `k` of the stack (0 = oldest) is frame
//!   `end - (stack - 1) + max(k, pad)`, so the `pad + 1` oldest positions all show the same
//!   frame: the first frame of its episode. This is exactly the padding of a FrameStack wrapper
//!   that fills the stack with the reset frame, and it is why a stack never reaches back into
//!   the previous episode.
//! - **Transition ring.** `capacity` slots of `(obs ref, next_obs ref, action, reward, flags)`,
//!   29 bytes each, filled in push order. The sampleable transitions are the `len` slots starting
//!   at `tail` (wrapping). Slot numbers are stable: they are what [`Batch::indices`](super::Batch::indices) reports and
//!   what [`FrameStorage::stacks`] takes.
//!
//! # Pushing
//!
//! A new episode starts on the first push, after a terminated or truncated transition, or when
//! `obs` differs (byte comparison) from the previous `next_obs`. Its `obs` is then stored afresh,
//! keeping only the shortest suffix needed: if the `j + 1` oldest frames are equal, only frames
//! `j..stack` are written and the reference gets `pad = j` (a padded reset stack costs one frame).
//! Within an episode `obs` is the previous `next_obs` (no frame written), and `next_obs` costs
//! one frame when it is `obs` shifted by one frame, which is what FrameStack produces. If a
//! caller hands in a `next_obs` that is not such a shift, it is stored afresh like a first
//! observation, so any input is reproduced exactly; it just costs more frames. The final
//! observation of an episode (terminated or truncated) is an ordinary stored frame, so an
//! episode of `n` transitions costs `n + 1` frames.
//!
//! # Overwriting
//!
//! Two things can push a transition out: the transition ring is full (the oldest slot is
//! reused), or the frame ring needs the slot of a frame an old transition still uses. The oldest
//! frame a transition needs never decreases in push order, so in both cases the victims are the
//! oldest transitions: before a frame is overwritten, the transitions at `tail` that need it are
//! dropped. A transition whose frames were overwritten is therefore never sampled.
//!
//! [`FrameStorage::new`] sizes the frame ring at `capacity + capacity / 16 + 2 * stack` frames:
//! all `capacity` transitions stay sampleable as long as episodes average at least 16
//! transitions; with shorter episodes `len` levels off a little below `capacity`.
//! [`FrameStorage::with_frame_capacity`] chooses the size explicitly (at least `2 * stack`, enough
//! for one transition stored entirely afresh).
//!
//! # Memory
//!
//! Everything is allocated in the constructor, and sampling reuses the vectors of the batch
//! it fills. The frame ring is allocated zeroed (`vec![0u8; n]`), which
//! the allocator serves from fresh, untouched pages for large sizes: the operating system commits
//! the memory when a frame is first written, so a 1M-transition buffer only occupies its full
//! ~7.5 GB once it has been filled. For 84x84 frames, stack 4, the allocation is about 7.5 KB
//! per transition (see [`FrameStorage::bytes_per_transition`]) against 56 KB for full `obs` and
//! `next_obs` stacks.
//!
//! # Checkpoints
//!
//! [`FrameStorage::to_bytes`] writes a little-endian header, the frames still referenced (from the
//! oldest one a sampleable transition or the pending episode needs, to the newest) and the
//! sampleable transitions from oldest to newest; [`FrameStorage::from_bytes`] validates every
//! field and reference before building the buffer, so a malformed input is an error, never a
//! panic later.

use std::fmt;

use super::{Ring, Scalars, Storage, Transition};
use crate::util::ByteReader;
use deepq_env::Obs;

const MAGIC: &[u8; 4] = b"DQFR";
const VERSION: u32 = 1;
/// Magic, version, eight u64 fields, and the pending episode reference (flag, end, pad).
const HEADER_BYTES: usize = 4 + 4 + 8 * 8 + 1 + 8 + 2;
/// Per transition: obs end and pad, next_obs end and pad, action, reward, flags.
const RECORD_BYTES: usize = 8 + 2 + 8 + 2 + 4 + 4 + 1;
const TERMINATED: u8 = 1;
const TRUNCATED: u8 = 2;

/// An observation as `stack` frames of the ring: position `k` (0 = oldest) is frame
/// `end - (stack - 1) + max(k, pad)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StackRef {
    end: u64,
    pad: u16,
}

/// A replay buffer of `(obs, action, reward, next_obs, terminated, truncated)` for stacked u8
/// frames that stores each frame once (see the [module documentation](self)).
#[derive(Clone)]
pub struct FrameStorage {
    capacity: usize,
    stack: usize,
    frame_len: usize,
    frame_capacity: usize,
    frames: Vec<u8>,
    /// Frames ever written; the next frame gets this sequence number.
    head: u64,
    obs_end: Vec<u64>,
    obs_pad: Vec<u16>,
    next_end: Vec<u64>,
    next_pad: Vec<u16>,
    actions: Vec<u32>,
    rewards: Vec<f32>,
    flags: Vec<u8>,
    /// Slot of the oldest sampleable transition.
    tail: usize,
    /// Number of sampleable transitions.
    count: usize,
    /// `next_obs` of the previous push while its episode continues.
    last: Option<StackRef>,
    /// Multiplier from bytes to features (`1 / 255` gives `[0, 1]`).
    scale: f32,
    /// Observations put the newest frame first (the Practical-RL homework's frame buffer):
    /// stacks are stored oldest first and reversed on the way in and out.
    newest_first: bool,
}

impl fmt::Debug for FrameStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameStorage")
            .field("capacity", &self.capacity)
            .field("stack", &self.stack)
            .field("frame_len", &self.frame_len)
            .field("frame_capacity", &self.frame_capacity)
            .field("frames_written", &self.head)
            .field("tail", &self.tail)
            .field("len", &self.count)
            .finish_non_exhaustive()
    }
}

impl FrameStorage {
    /// Allocates a buffer of `capacity` transitions whose observations are `stack` frames of
    /// `frame_len` bytes, with a frame ring of `capacity + capacity / 16 + 2 * stack` frames.
    pub fn new(capacity: usize, stack: usize, frame_len: usize) -> Self {
        let frame_capacity = capacity.saturating_add(capacity / 16).saturating_add(stack.saturating_mul(2));
        Self::with_frame_capacity(capacity, stack, frame_len, frame_capacity)
    }

    /// Like [`FrameStorage::new`] with an explicit frame-ring size (at least `2 * stack` frames).
    pub fn with_frame_capacity(capacity: usize, stack: usize, frame_len: usize, frame_capacity: usize) -> Self {
        assert!(capacity > 0, "replay capacity must be positive");
        assert!(frame_len > 0, "frames must not be empty");
        assert!((1..=u16::MAX as usize).contains(&stack), "stack must be in 1..=65535");
        assert!(frame_capacity >= 2 * stack, "the frame ring needs at least 2 * stack frames");
        let ring_bytes = frame_capacity.checked_mul(frame_len).expect("frame ring size overflows");
        Self {
            capacity,
            stack,
            frame_len,
            frame_capacity,
            frames: vec![0; ring_bytes],
            head: 0,
            obs_end: vec![0; capacity],
            obs_pad: vec![0; capacity],
            next_end: vec![0; capacity],
            next_pad: vec![0; capacity],
            actions: vec![0; capacity],
            rewards: vec![0.0; capacity],
            flags: vec![0; capacity],
            tail: 0,
            count: 0,
            last: None,
            scale: 1.0,
            newest_first: false,
        }
    }

    /// The same storage for observations whose stacks put the newest frame first: they are
    /// stored oldest first (so each frame is still stored once) and rows come out newest first.
    pub fn with_newest_first(mut self, newest_first: bool) -> Self {
        self.newest_first = newest_first;
        self
    }

    /// The same storage with rows written as `byte * scale` (`1 / 255` gives `[0, 1]`).
    pub fn with_scale(mut self, scale: f32) -> Self {
        self.scale = scale;
        self
    }

    /// Transitions available for sampling.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no transition can be sampled.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Capacity in transitions.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Frames per observation.
    pub fn stack(&self) -> usize {
        self.stack
    }

    /// Bytes per frame.
    pub fn frame_len(&self) -> usize {
        self.frame_len
    }

    /// Size of the frame ring in frames.
    pub fn frame_capacity(&self) -> usize {
        self.frame_capacity
    }

    /// Whether transition slot `i` currently holds a sampleable transition.
    pub fn is_valid(&self, i: usize) -> bool {
        i < self.capacity && (i + self.capacity - self.tail) % self.capacity < self.count
    }

    /// Adds a transition. `obs` and `next_obs` are full stacks (`stack * frame_len` bytes, oldest
    /// frame first); within an episode `obs` is the previous `next_obs`. On a terminated or
    /// truncated step `next_obs` is the real final observation.
    pub fn push(&mut self, obs: &[u8], action: usize, reward: f32, next_obs: &[u8], terminated: bool, truncated: bool) {
        let fl = self.frame_len;
        let len = self.stack * fl;
        assert_eq!(obs.len(), len, "obs must be stack * frame_len bytes");
        assert_eq!(next_obs.len(), len, "next_obs must be stack * frame_len bytes");
        let action = u32::try_from(action).expect("action does not fit in u32");

        let obs_ref = match self.last {
            Some(r) if self.stack_equals(r, obs) => r,
            _ => self.write_fresh(obs),
        };
        let next_ref = if obs[fl..] == next_obs[..len - fl] {
            // FrameStack shift: only the newest frame is new.
            debug_assert_eq!(obs_ref.end + 1, self.head);
            self.write_frame(&next_obs[len - fl..]);
            StackRef { end: self.head - 1, pad: obs_ref.pad.saturating_sub(1) }
        } else {
            self.write_fresh(next_obs)
        };

        let slot = if self.count == self.capacity {
            let slot = self.tail;
            self.tail = (self.tail + 1) % self.capacity;
            slot
        } else {
            self.count += 1;
            (self.tail + self.count - 1) % self.capacity
        };
        self.obs_end[slot] = obs_ref.end;
        self.obs_pad[slot] = obs_ref.pad;
        self.next_end[slot] = next_ref.end;
        self.next_pad[slot] = next_ref.pad;
        self.actions[slot] = action;
        self.rewards[slot] = reward;
        self.flags[slot] = if terminated { TERMINATED } else { 0 } | if truncated { TRUNCATED } else { 0 };
        self.last = if terminated || truncated { None } else { Some(next_ref) };
    }

    /// The `obs` and `next_obs` stacks of transition slot `i` as bytes (for tests and
    /// debugging). Panics unless [`FrameStorage::is_valid`]`(i)`.
    pub fn stacks(&self, i: usize) -> (Vec<u8>, Vec<u8>) {
        assert!(self.is_valid(i), "transition slot {i} is not sampleable");
        (self.stack_bytes(self.obs_ref(i)), self.stack_bytes(self.next_ref(i)))
    }

    /// The scalars of transition slot `i`: `(action, reward, terminated, truncated)`. Panics
    /// unless [`FrameStorage::is_valid`]`(i)`.
    pub fn get(&self, i: usize) -> (usize, f32, bool, bool) {
        assert!(self.is_valid(i), "transition slot {i} is not sampleable");
        let f = self.flags[i];
        (self.actions[i] as usize, self.rewards[i], f & TERMINATED != 0, f & TRUNCATED != 0)
    }

    /// Allocated bytes (frame ring plus per-transition records) divided by the capacity.
    pub fn bytes_per_transition(&self) -> f64 {
        use std::mem::size_of_val;
        let bytes = size_of_val(self.frames.as_slice())
            + size_of_val(self.obs_end.as_slice())
            + size_of_val(self.obs_pad.as_slice())
            + size_of_val(self.next_end.as_slice())
            + size_of_val(self.next_pad.as_slice())
            + size_of_val(self.actions.as_slice())
            + size_of_val(self.rewards.as_slice())
            + size_of_val(self.flags.as_slice());
        bytes as f64 / self.capacity as f64
    }

    /// Bytes of the stored data: exactly the length of [`FrameStorage::to_bytes`] (for the
    /// resume-checkpoint size limit).
    pub fn stored_bytes(&self) -> usize {
        HEADER_BYTES + (self.head - self.lowest_needed()) as usize * self.frame_len + self.count * RECORD_BYTES
    }

    /// Serialises the buffer (geometry, the frames still needed, the sampleable transitions and
    /// the pending episode) to bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.stored_bytes());
        let lo = self.lowest_needed();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        for v in [
            self.capacity as u64,
            self.stack as u64,
            self.frame_len as u64,
            self.frame_capacity as u64,
            self.head,
            lo,
            self.tail as u64,
            self.count as u64,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let last = self.last.unwrap_or(StackRef { end: 0, pad: 0 });
        out.push(self.last.is_some() as u8);
        out.extend_from_slice(&last.end.to_le_bytes());
        out.extend_from_slice(&last.pad.to_le_bytes());
        for seq in lo..self.head {
            out.extend_from_slice(self.frame(seq));
        }
        for k in 0..self.count {
            let i = (self.tail + k) % self.capacity;
            out.extend_from_slice(&self.obs_end[i].to_le_bytes());
            out.extend_from_slice(&self.obs_pad[i].to_le_bytes());
            out.extend_from_slice(&self.next_end[i].to_le_bytes());
            out.extend_from_slice(&self.next_pad[i].to_le_bytes());
            out.extend_from_slice(&self.actions[i].to_le_bytes());
            out.extend_from_slice(&self.rewards[i].to_le_bytes());
            out.push(self.flags[i]);
        }
        debug_assert_eq!(out.len(), self.stored_bytes());
        out
    }

    /// Rebuilds a buffer from [`FrameStorage::to_bytes`]; errors on malformed or truncated input.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let mut r = ByteReader::new(bytes, "frame replay data");
        if &r.take::<4>()? != MAGIC {
            return Err("not a frame replay buffer (bad magic)".into());
        }
        let version = u32::from_le_bytes(r.take::<4>()?);
        if version != VERSION {
            return Err(format!("unsupported frame replay version {version}"));
        }
        let mut header = [0u64; 8];
        for v in header.iter_mut() {
            *v = r.u64()?;
        }
        let [capacity, stack, frame_len, frame_capacity, head, lo, tail, count] = header;
        let has_last = r.take::<1>()?[0];
        let last_end = r.u64()?;
        let last_pad = u16::from_le_bytes(r.take::<2>()?);

        let bad = |what: &str| Err(format!("frame replay header is inconsistent: {what}"));
        if capacity == 0 || capacity > isize::MAX as u64 / RECORD_BYTES as u64 {
            return bad("capacity");
        }
        if stack == 0 || stack > u16::MAX as u64 || frame_len == 0 {
            return bad("frame geometry");
        }
        if frame_capacity < 2 * stack || frame_capacity.checked_mul(frame_len).is_none_or(|b| b > isize::MAX as u64) {
            return bad("frame capacity");
        }
        if lo > head || head - lo > frame_capacity || tail >= capacity || count > capacity || has_last > 1 {
            return bad("positions");
        }
        // Check the length before allocating anything.
        let frame_bytes = (head - lo) * frame_len;
        let expected =
            (HEADER_BYTES as u64).checked_add(frame_bytes).and_then(|n| n.checked_add(count * RECORD_BYTES as u64));
        match expected {
            Some(n) if n > bytes.len() as u64 => return Err("frame replay data is truncated".into()),
            Some(n) if n < bytes.len() as u64 => return Err("frame replay data has trailing bytes".into()),
            Some(_) => {}
            None => return bad("sizes"),
        }

        let (capacity, stack, frame_len, frame_capacity) =
            (capacity as usize, stack as usize, frame_len as usize, frame_capacity as usize);
        let mut buf = Self::with_frame_capacity(capacity, stack, frame_len, frame_capacity);
        buf.head = head;
        for seq in lo..head {
            let at = (seq % frame_capacity as u64) as usize * frame_len;
            buf.frames[at..at + frame_len].copy_from_slice(r.slice(frame_len)?);
        }
        // Every reference must lie inside the frames just read; the oldest frame needed must not
        // decrease from one transition to the next (eviction relies on it).
        let check = |s: StackRef| -> Result<u64, String> {
            let span = (stack - 1 - s.pad.min(stack as u16 - 1) as usize) as u64;
            if s.pad as usize >= stack || s.end >= head || s.end < lo.saturating_add(span) {
                return Err("frame replay references a frame that is not stored".into());
            }
            Ok(s.end - span)
        };
        let mut floor = lo;
        buf.tail = tail as usize;
        buf.count = count as usize;
        for k in 0..buf.count {
            let i = (buf.tail + k) % capacity;
            let obs = StackRef { end: r.u64()?, pad: u16::from_le_bytes(r.take::<2>()?) };
            let next = StackRef { end: r.u64()?, pad: u16::from_le_bytes(r.take::<2>()?) };
            let oldest = check(obs)?.min(check(next)?);
            if oldest < floor {
                return Err("frame replay transitions are out of order".into());
            }
            floor = oldest;
            buf.obs_end[i] = obs.end;
            buf.obs_pad[i] = obs.pad;
            buf.next_end[i] = next.end;
            buf.next_pad[i] = next.pad;
            buf.actions[i] = u32::from_le_bytes(r.take::<4>()?);
            buf.rewards[i] = f32::from_le_bytes(r.take::<4>()?);
            let flags = r.take::<1>()?[0];
            if flags > (TERMINATED | TRUNCATED) {
                return Err("frame replay transition has unknown flags".into());
            }
            buf.flags[i] = flags;
        }
        if has_last == 1 {
            let last = StackRef { end: last_end, pad: last_pad };
            if check(last)? < floor || last.end + 1 != head {
                return Err("frame replay pending episode is inconsistent".into());
            }
            buf.last = Some(last);
        }
        debug_assert_eq!(r.position(), bytes.len());
        Ok(buf)
    }

    fn obs_ref(&self, i: usize) -> StackRef {
        StackRef { end: self.obs_end[i], pad: self.obs_pad[i] }
    }

    fn next_ref(&self, i: usize) -> StackRef {
        StackRef { end: self.next_end[i], pad: self.next_pad[i] }
    }

    /// Sequence number of stack position `k` (0 = oldest).
    fn seq_at(&self, s: StackRef, k: usize) -> u64 {
        s.end - (self.stack - 1 - k.max(s.pad as usize)) as u64
    }

    /// Sequence number of the oldest frame a stack uses.
    fn oldest(&self, s: StackRef) -> u64 {
        self.seq_at(s, 0)
    }

    /// Oldest frame transition slot `i` uses.
    fn oldest_of(&self, i: usize) -> u64 {
        self.oldest(self.obs_ref(i)).min(self.oldest(self.next_ref(i)))
    }

    /// Oldest frame a sampleable transition or the pending episode uses (`head` if none).
    fn lowest_needed(&self) -> u64 {
        let mut lo = self.head;
        if self.count > 0 {
            lo = lo.min(self.oldest_of(self.tail));
        }
        if let Some(s) = self.last {
            lo = lo.min(self.oldest(s));
        }
        lo
    }

    fn frame(&self, seq: u64) -> &[u8] {
        let at = (seq % self.frame_capacity as u64) as usize * self.frame_len;
        &self.frames[at..at + self.frame_len]
    }

    fn stack_equals(&self, s: StackRef, bytes: &[u8]) -> bool {
        bytes.chunks_exact(self.frame_len).enumerate().all(|(k, f)| self.frame(self.seq_at(s, k)) == f)
    }

    fn stack_bytes(&self, s: StackRef) -> Vec<u8> {
        (0..self.stack).flat_map(|k| self.frame(self.seq_at(s, k)).iter().copied()).collect()
    }

    fn fill_f32(&self, s: StackRef, out: &mut [f32], scale: f32) {
        for (k, dst) in out.chunks_exact_mut(self.frame_len).enumerate() {
            for (d, &b) in dst.iter_mut().zip(self.frame(self.seq_at(s, k))) {
                *d = b as f32 * scale;
            }
        }
    }

    /// Writes one frame at the head of the ring, first dropping the transitions that still use
    /// the frame it replaces.
    fn write_frame(&mut self, frame: &[u8]) {
        let fc = self.frame_capacity as u64;
        if self.head >= fc {
            let replaced = self.head - fc;
            while self.count > 0 && self.oldest_of(self.tail) <= replaced {
                self.tail = (self.tail + 1) % self.capacity;
                self.count -= 1;
            }
        }
        let at = (self.head % fc) as usize * self.frame_len;
        self.frames[at..at + self.frame_len].copy_from_slice(frame);
        self.head += 1;
    }

    /// Stores a stack that does not continue the previous one: the oldest frames that repeat
    /// the first are written once and become padding.
    fn write_fresh(&mut self, stack: &[u8]) -> StackRef {
        let fl = self.frame_len;
        let first = &stack[..fl];
        let pad = stack.chunks_exact(fl).skip(1).take_while(|f| *f == first).count();
        for f in stack.chunks_exact(fl).skip(pad) {
            self.write_frame(f);
        }
        StackRef { end: self.head - 1, pad: pad as u16 }
    }
}

impl Storage for FrameStorage {
    fn capacity(&self) -> usize {
        self.capacity
    }
    fn len(&self) -> usize {
        self.count
    }
    fn ring(&self, stream: usize) -> Ring {
        debug_assert_eq!(stream, 0, "a plain storage has one stream");
        Ring { offset: 0, capacity: self.capacity, tail: self.tail }
    }
    fn slot_at(&self, k: usize) -> usize {
        (self.tail + k) % self.capacity
    }
    fn is_valid(&self, slot: usize) -> bool {
        FrameStorage::is_valid(self, slot)
    }
    fn push(&mut self, t: &Transition<'_>) -> usize {
        let (Obs::U8(obs), Obs::U8(next)) = (t.obs, t.next_obs) else {
            panic!("frame storage holds u8 observations");
        };
        if self.newest_first {
            let reversed = |x: &[u8]| -> Vec<u8> { x.chunks_exact(self.frame_len).rev().flatten().copied().collect() };
            let (o, n) = (reversed(obs), reversed(next));
            FrameStorage::push(self, &o, t.action, t.reward, &n, t.terminated, t.truncated);
        } else {
            FrameStorage::push(self, obs, t.action, t.reward, next, t.terminated, t.truncated);
        }
        (self.tail + self.count - 1) % self.capacity
    }
    fn scalars(&self, slot: usize) -> Scalars {
        let f = self.flags[slot];
        Scalars {
            action: self.actions[slot] as usize,
            reward: self.rewards[slot],
            terminated: f & TERMINATED != 0,
            truncated: f & TRUNCATED != 0,
        }
    }
    fn successor(&self, slot: usize) -> Option<usize> {
        let k = (slot + self.capacity - self.tail) % self.capacity;
        if k + 1 >= self.count || self.flags[slot] != 0 {
            return None;
        }
        let next = (slot + 1) % self.capacity;
        (self.obs_ref(next) == self.next_ref(slot)).then_some(next)
    }
    fn row_len(&self) -> usize {
        self.stack * self.frame_len
    }
    fn write_row(&self, slot: usize, next: bool, out: &mut [f32]) {
        let s = if next { self.next_ref(slot) } else { self.obs_ref(slot) };
        self.fill_f32(s, out, self.scale);
        if self.newest_first {
            let fl = self.frame_len;
            for k in 0..self.stack / 2 {
                let (a, b) = out.split_at_mut((self.stack - 1 - k) * fl);
                a[k * fl..(k + 1) * fl].swap_with_slice(&mut b[..fl]);
            }
        }
    }
    fn stored_bytes(&self) -> usize {
        FrameStorage::stored_bytes(self)
    }
    fn to_bytes(&self) -> Vec<u8> {
        FrameStorage::to_bytes(self)
    }
    fn load_bytes(&mut self, bytes: &[u8]) -> Result<(), String> {
        let loaded = FrameStorage::from_bytes(bytes)?;
        if (loaded.stack, loaded.frame_len) != (self.stack, self.frame_len) {
            return Err(format!(
                "the saved replay holds stacks of {} frames of {} bytes, this run needs {} of {}",
                loaded.stack, loaded.frame_len, self.stack, self.frame_len
            ));
        }
        // The streams of a vector env and the priorities are laid out for this capacity (e.g.
        // a run's config.toml whose buffer_size was edited before a resume).
        if loaded.capacity != self.capacity {
            return Err(format!(
                "the saved replay holds {} transitions, this run's dqn.replay.buffer_size is {}",
                loaded.capacity, self.capacity
            ));
        }
        let (scale, newest_first) = (self.scale, self.newest_first);
        *self = loaded.with_scale(scale).with_newest_first(newest_first);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::Batch;
    use crate::util::rng_for;
    use rand::Rng;
    use rand_chacha::ChaCha8Rng;

    /// One pushed transition, kept in full by the naive reference.
    #[derive(Debug, Clone, PartialEq)]
    struct Full {
        obs: Vec<u8>,
        action: usize,
        reward: f32,
        next: Vec<u8>,
        terminated: bool,
        truncated: bool,
    }

    /// Generates FrameStack-like transitions: padded resets, random episode lengths (often 1,
    /// sometimes longer than any capacity here), terminations, truncations, and some irregular
    /// input (unpadded first stacks, episodes that end without a flag, non-shifted next_obs).
    /// Frame bytes come from a small alphabet so equal frames happen often.
    struct Gen {
        rng: ChaCha8Rng,
        stack: usize,
        frame_len: usize,
        alphabet: u8,
        obs: Option<Vec<u8>>,
        left: usize,
        pushed: usize,
    }

    impl Gen {
        fn new(seed: u64, stack: usize, frame_len: usize, alphabet: u8) -> Self {
            Self { rng: rng_for(seed, 7), stack, frame_len, alphabet, obs: None, left: 0, pushed: 0 }
        }

        fn frame(&mut self) -> Vec<u8> {
            let a = self.alphabet;
            (0..self.frame_len).map(|_| self.rng.random_range(0..a)).collect()
        }

        fn first_stack(&mut self) -> Vec<u8> {
            let f = self.frame();
            match self.rng.random_range(0..10) {
                // Unpadded: every position drawn independently.
                0 => (0..self.stack).flat_map(|_| self.frame()).collect(),
                // Partly padded.
                1 => {
                    let j = self.rng.random_range(0..self.stack);
                    let mut s = f.repeat(j + 1);
                    for _ in j + 1..self.stack {
                        s.extend(self.frame());
                    }
                    s
                }
                _ => f.repeat(self.stack),
            }
        }

        fn next(&mut self) -> Full {
            if self.obs.is_none() || self.left == 0 {
                self.obs = Some(self.first_stack());
                self.left = match self.rng.random_range(0..10) {
                    0..=2 => 1,
                    3..=6 => self.rng.random_range(2..12),
                    7 | 8 => self.rng.random_range(12..60),
                    _ => self.rng.random_range(60..200),
                };
            }
            let obs = self.obs.clone().unwrap();
            let next = if self.rng.random_range(0..50) == 0 {
                (0..self.stack).flat_map(|_| self.frame()).collect()
            } else {
                let mut n = obs[self.frame_len..].to_vec();
                n.extend(self.frame());
                n
            };
            self.left -= 1;
            let (mut terminated, mut truncated) = (false, false);
            if self.left == 0 {
                match self.rng.random_range(0..20) {
                    0 => {} // the episode ends silently; the next obs will not match
                    1..=9 => terminated = true,
                    10 => (terminated, truncated) = (true, true),
                    _ => truncated = true,
                }
            }
            self.obs = Some(next.clone());
            self.pushed += 1;
            let action = self.rng.random_range(0..18);
            Full { obs, action, reward: self.pushed as f32 * 0.5, next, terminated, truncated }
        }
    }

    fn push(b: &mut FrameStorage, t: &Full) {
        b.push(&t.obs, t.action, t.reward, &t.next, t.terminated, t.truncated);
    }

    /// Slots of the sampleable transitions, oldest first.
    fn slots(b: &FrameStorage) -> Vec<usize> {
        (0..b.len()).map(|k| (b.tail + k) % b.capacity()).collect()
    }

    /// The sampleable transitions must be the newest `len` pushes, rebuilt exactly.
    fn check_against(b: &FrameStorage, all: &[Full]) {
        let n = b.len();
        assert!(n <= b.capacity() && n <= all.len());
        assert_eq!(all.is_empty(), n == 0, "the newest transition is always sampleable");
        for (k, &i) in slots(b).iter().enumerate() {
            let t = &all[all.len() - n + k];
            let (obs, next) = b.stacks(i);
            assert_eq!(obs, t.obs, "obs of slot {i} (push {})", all.len() - n + k);
            assert_eq!(next, t.next, "next_obs of slot {i} (push {})", all.len() - n + k);
            assert_eq!(b.get(i), (t.action, t.reward, t.terminated, t.truncated));
        }
        let invalid = (0..b.capacity()).filter(|&i| !b.is_valid(i)).count();
        assert_eq!(invalid, b.capacity() - n);
    }

    #[test]
    fn matches_a_full_stack_reference_through_many_wraparounds() {
        let mut cases = 0;
        for stack in [1, 2, 4] {
            for (cap, frames) in
                [(1, None), (2, None), (5, None), (17, None), (64, None), (30, Some(2 * stack)), (30, Some(40))]
            {
                for alphabet in [2, 255] {
                    let mut b = match frames {
                        Some(f) => FrameStorage::with_frame_capacity(cap, stack, 3, f),
                        None => FrameStorage::new(cap, stack, 3),
                    };
                    let mut g = Gen::new(cases, stack, 3, alphabet);
                    let mut all = Vec::new();
                    for _ in 0..3000 {
                        let t = g.next();
                        push(&mut b, &t);
                        all.push(t);
                        check_against(&b, &all);
                    }
                    assert!(b.head > 3 * b.frame_capacity() as u64, "the frame ring wrapped several times");
                    cases += 1;
                }
            }
        }
    }

    #[test]
    fn keeps_every_transition_while_episodes_are_long_enough() {
        // Padded episodes of 16..40 transitions cost at most 1 + 1/16 frames per transition,
        // which the default frame ring covers: nothing is invalidated early.
        let (stack, fl) = (4, 5);
        let mut b = FrameStorage::new(100, stack, fl);
        let mut rng = rng_for(3, 0);
        let mut all = Vec::new();
        while all.len() < 2000 {
            let mut obs = vec![rng.random_range(0..255u8); fl].repeat(stack);
            let n = rng.random_range(16..40);
            for t in 0..n {
                let mut next = obs[fl..].to_vec();
                next.extend((0..fl).map(|_| rng.random_range(0..255u8)));
                let f =
                    Full { obs, action: 1, reward: 0.0, next: next.clone(), terminated: t + 1 == n, truncated: false };
                push(&mut b, &f);
                all.push(f);
                assert_eq!(b.len(), all.len().min(100));
                obs = next;
            }
        }
        check_against(&b, &all);
    }

    #[test]
    fn pads_episode_starts_with_the_first_frame() {
        let (stack, fl) = (4, 2);
        let mut b = FrameStorage::new(10, stack, fl);
        let f = |x: u8| vec![x, x + 100];
        let st = |xs: [u8; 4]| xs.iter().flat_map(|&x| f(x)).collect::<Vec<u8>>();
        // Episode A: reset frame 1, steps give frames 2, 3; terminated on the second step.
        b.push(&st([1, 1, 1, 1]), 0, 1.0, &st([1, 1, 1, 2]), false, false);
        b.push(&st([1, 1, 1, 2]), 1, 2.0, &st([1, 1, 2, 3]), true, false);
        // Episode B: a reset that repeats frame 3 must not reach back into episode A.
        b.push(&st([3, 3, 3, 3]), 2, 3.0, &st([3, 3, 3, 4]), false, false);
        b.push(&st([3, 3, 3, 4]), 3, 4.0, &st([3, 3, 4, 5]), false, true);
        // Episode C: one transition only.
        b.push(&st([6, 6, 6, 6]), 4, 5.0, &st([6, 6, 6, 7]), true, false);
        // One frame per episode start plus one per transition.
        assert_eq!(b.head, 3 + 5);
        assert_eq!(b.stacks(0), (st([1, 1, 1, 1]), st([1, 1, 1, 2])));
        assert_eq!(b.stacks(1), (st([1, 1, 1, 2]), st([1, 1, 2, 3])));
        assert_eq!(b.stacks(2), (st([3, 3, 3, 3]), st([3, 3, 3, 4])));
        assert_eq!(b.stacks(3), (st([3, 3, 3, 4]), st([3, 3, 4, 5])));
        assert_eq!(b.stacks(4), (st([6, 6, 6, 6]), st([6, 6, 6, 7])));
        assert_eq!(b.get(1), (1, 2.0, true, false));
        assert_eq!(b.get(3), (3, 4.0, false, true));
        // A long episode: the padding wears off after stack - 1 steps.
        let mut obs = st([8, 8, 8, 8]);
        for x in 9..20u8 {
            let mut next = obs[fl..].to_vec();
            next.extend(f(x));
            b.push(&obs, 0, 0.0, &next, false, false);
            obs = next;
        }
        let newest = (b.tail + b.len() - 1) % b.capacity();
        assert_eq!(b.stacks(newest), (st([15, 16, 17, 18]), st([16, 17, 18, 19])));
    }

    #[test]
    fn a_mismatching_obs_starts_a_new_episode() {
        let (stack, fl) = (2, 1);
        let mut b = FrameStorage::new(8, stack, fl);
        b.push(&[1, 1], 0, 0.0, &[1, 2], false, false);
        // No flag, but obs is not the previous next_obs (e.g. the caller reset the env).
        b.push(&[5, 6], 0, 0.0, &[6, 7], false, false);
        b.push(&[6, 7], 0, 0.0, &[7, 8], false, false);
        // The obs is unpadded and distinct: both frames are stored.
        assert_eq!(b.head, 2 + 3 + 1);
        assert_eq!(b.stacks(1), (vec![5, 6], vec![6, 7]));
        assert_eq!(b.stacks(2), (vec![6, 7], vec![7, 8]));
        // After a terminal step an identical-looking obs still starts afresh.
        b.push(&[7, 8], 0, 0.0, &[8, 9], true, false);
        b.push(&[8, 9], 0, 0.0, &[9, 9], false, false);
        assert_eq!(b.head, 6 + 1 + 2 + 1);
        assert_eq!(b.stacks(4), (vec![8, 9], vec![9, 9]));
    }

    /// Uniform draws through the [`Storage`] interface (what a uniform sampler does).
    fn sample_into(b: &FrameStorage, n: usize, rng: &mut rand_chacha::ChaCha8Rng, out: &mut Batch) {
        out.resize(n, b.row_len());
        let d = b.row_len();
        for r in 0..n {
            let i = b.slot_at(rng.random_range(0..Storage::len(b)));
            out.indices[r] = i;
            b.write_row(i, false, &mut out.obs[r * d..(r + 1) * d]);
            b.write_row(i, true, &mut out.next_obs[r * d..(r + 1) * d]);
            let s = b.scalars(i);
            out.actions[r] = s.action as i64;
            out.rewards[r] = s.reward;
            out.discounts[r] = if s.terminated { 0.0 } else { 1.0 };
        }
    }

    #[test]
    fn newest_first_stacks_cost_one_frame_per_transition_and_come_back_as_given() {
        let (stack, fl) = (4, 2);
        let mut b = FrameStorage::new(64, stack, fl).with_newest_first(true);
        // Newest first: [f_t, f_t-1, f_t-2, f_t-3], zeros before the episode's first frame.
        let frame = |t: i32| if t < 0 { vec![0u8; fl] } else { vec![t as u8 + 1; fl] };
        let obs_at = |t: i32| (0..stack as i32).flat_map(|k| frame(t - k)).collect::<Vec<u8>>();
        for t in 0..40 {
            let (o, n) = (Obs::U8(obs_at(t)), Obs::U8(obs_at(t + 1)));
            let tr = Transition {
                obs: &o,
                obs_features: &[],
                action: 0,
                reward: 0.0,
                next_obs: &n,
                next_features: &[],
                terminated: false,
                truncated: false,
                stream: 0,
            };
            Storage::push(&mut b, &tr);
        }
        // One frame per transition after the first (a padded first stack: the zeros and frame 0).
        assert!(b.head <= 40 + 2 + 1, "{} frames for 40 transitions", b.head);
        let mut row = vec![0.0f32; stack * fl];
        for slot in 0..40 {
            b.write_row(slot, false, &mut row);
            let want: Vec<f32> = obs_at(slot as i32).iter().map(|&x| x as f32).collect();
            assert_eq!(row, want, "obs of slot {slot}");
            b.write_row(slot, true, &mut row);
            let want: Vec<f32> = obs_at(slot as i32 + 1).iter().map(|&x| x as f32).collect();
            assert_eq!(row, want, "next obs of slot {slot}");
        }
    }

    #[test]
    fn sampling_never_returns_an_overwritten_transition() {
        let (stack, fl) = (4, 3);
        let scale = 1.0 / 255.0;
        // A tight frame ring and many one-step episodes force frame-driven invalidation.
        let mut b = FrameStorage::with_frame_capacity(50, stack, fl, 24).with_scale(scale);
        let mut g = Gen::new(11, stack, fl, 255);
        let mut all = Vec::new();
        let mut rng = rng_for(4, 0);
        let mut batch = Batch::default();
        let mut short = 0;
        for _ in 0..3000 {
            let t = g.next();
            push(&mut b, &t);
            all.push(t);
            short += (b.len() < all.len().min(50)) as usize;
            sample_into(&b, 16, &mut rng, &mut batch);
            let row = stack * fl;
            assert_eq!(batch.obs.len(), 16 * row);
            let first = all.len() - b.len();
            for (r, &i) in batch.indices.iter().enumerate() {
                assert!(b.is_valid(i), "sampled invalid slot {i}");
                let k = (i + b.capacity() - b.tail) % b.capacity();
                let t = &all[first + k];
                let want = |s: &[u8]| s.iter().map(|&x| x as f32 * scale).collect::<Vec<f32>>();
                assert_eq!(batch.obs[r * row..(r + 1) * row], want(&t.obs)[..]);
                assert_eq!(batch.next_obs[r * row..(r + 1) * row], want(&t.next)[..]);
                assert_eq!(batch.actions[r], t.action as i64);
                assert_eq!(batch.rewards[r], t.reward);
                assert_eq!(batch.discounts[r], if t.terminated { 0.0 } else { 1.0 });
            }
        }
        assert!(short > 1000, "the frame ring was the binding limit ({short} pushes)");
    }

    #[test]
    fn sampling_is_uniform_over_sampleable_slots() {
        let mut b = FrameStorage::new(10, 4, 2);
        let mut obs = vec![0u8; 8];
        for x in 1..=25u8 {
            let mut next = obs[2..].to_vec();
            next.extend([x, x]);
            b.push(&obs, 0, 0.0, &next, false, false);
            obs = next;
        }
        assert_eq!(b.len(), 10);
        let mut rng = rng_for(1, 0);
        let mut counts = [0usize; 10];
        let mut batch = Batch::default();
        for _ in 0..200_000 / 50 {
            sample_into(&b, 50, &mut rng, &mut batch);
            for &i in &batch.indices {
                counts[i] += 1;
            }
        }
        // Chi-square with 9 degrees of freedom; 27.88 is the p = 0.001 critical value.
        let chi2 = crate::util::chi_square_uniform(&counts);
        assert!(chi2 < 27.88, "chi2 = {chi2}, counts {counts:?}");
    }

    #[test]
    fn only_sampleable_slots_are_sampled_when_partly_filled() {
        let mut b = FrameStorage::new(100, 4, 1);
        b.push(&[1, 1, 1, 1], 0, 0.0, &[1, 1, 1, 2], false, false);
        b.push(&[1, 1, 1, 2], 0, 0.0, &[1, 1, 2, 3], true, false);
        let mut batch = Batch::default();
        sample_into(&b, 1000, &mut rng_for(2, 0), &mut batch);
        assert!(batch.indices.iter().all(|&i| i < 2));
        assert!(batch.indices.contains(&0) && batch.indices.contains(&1));
    }

    /// Same sampleable transitions, same pending episode.
    fn assert_same(a: &FrameStorage, b: &FrameStorage) {
        assert_eq!(
            (a.capacity, a.stack, a.frame_len, a.frame_capacity),
            (b.capacity, b.stack, b.frame_len, b.frame_capacity)
        );
        assert_eq!((a.head, a.tail, a.count, a.last), (b.head, b.tail, b.count, b.last));
        for i in slots(a) {
            assert_eq!(a.stacks(i), b.stacks(i));
            assert_eq!(a.get(i), b.get(i));
        }
    }

    #[test]
    fn bytes_roundtrip_and_reject_malformed_input() {
        for (cap, frames, n) in [(8, None, 0), (8, None, 5), (8, None, 700), (40, Some(12), 700)] {
            let mut b = match frames {
                Some(f) => FrameStorage::with_frame_capacity(cap, 4, 3, f),
                None => FrameStorage::new(cap, 4, 3),
            };
            let mut g = Gen::new(n as u64, 4, 3, 255);
            for _ in 0..n {
                push(&mut b, &g.next());
            }
            let bytes = b.to_bytes();
            assert_eq!(bytes.len(), b.stored_bytes());
            let (len0, head0) = (b.len(), b.head);
            let mut c = FrameStorage::from_bytes(&bytes).unwrap();
            assert_same(&b, &c);
            assert_eq!(c.to_bytes(), bytes);
            // Both continue identically (the pending episode survives the roundtrip).
            for _ in 0..300 {
                let t = g.next();
                push(&mut b, &t);
                push(&mut c, &t);
                assert_same(&b, &c);
            }
            assert_eq!(b.to_bytes(), c.to_bytes());

            for cut in 0..bytes.len() {
                assert!(FrameStorage::from_bytes(&bytes[..cut]).is_err(), "prefix of {cut} bytes accepted");
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(FrameStorage::from_bytes(&longer).is_err());
            let mut bad_magic = bytes.clone();
            bad_magic[0] ^= 1;
            assert!(FrameStorage::from_bytes(&bad_magic).is_err());
            // Header fields: capacity, stack, frame_len, frame_capacity, head, lo, tail, count.
            for (field, value) in
                [(0, 0u64), (1, 0), (1, 1 << 20), (2, 0), (3, 1), (4, u64::MAX), (5, u64::MAX), (6, 1 << 40)]
            {
                let mut bad = bytes.clone();
                bad[8 + field * 8..16 + field * 8].copy_from_slice(&value.to_le_bytes());
                assert!(FrameStorage::from_bytes(&bad).is_err(), "header field {field} = {value} accepted");
            }
            // Into a buffer of another shape or capacity (a resumed run whose config changed).
            for (other_cap, other_len) in [(cap + 1, 3), (cap, 4)] {
                let mut other = FrameStorage::new(other_cap, 4, other_len);
                let err = Storage::load_bytes(&mut other, &bytes).unwrap_err();
                assert!(err.contains("the saved replay holds"), "{err}");
            }
            let mut same = FrameStorage::new(cap, 4, 3);
            Storage::load_bytes(&mut same, &bytes).unwrap();
            if len0 > 0 {
                // The first record: an obs pointing past the newest frame, then a bad pad.
                let rec = bytes.len() - len0 * RECORD_BYTES;
                let mut bad = bytes.clone();
                bad[rec..rec + 8].copy_from_slice(&(head0 + 5).to_le_bytes());
                assert!(FrameStorage::from_bytes(&bad).is_err());
                let mut bad = bytes.clone();
                bad[rec + 8..rec + 10].copy_from_slice(&9u16.to_le_bytes());
                assert!(FrameStorage::from_bytes(&bad).is_err());
            }
        }
    }

    #[test]
    fn atari_sized_buffers_cost_about_one_frame_per_transition() {
        for (side, cap) in [(84usize, 100_000usize), (64, 100_000)] {
            let frame = side * side;
            let b = FrameStorage::new(cap, 4, frame);
            let per = b.bytes_per_transition();
            println!("{side}x{side}x4: {per:.1} bytes per transition ({:.3} frames)", per / frame as f64);
            assert!(per > frame as f64 && per < 1.08 * frame as f64, "{per}");
            assert_eq!(b.len(), 0);
            assert!(b.is_empty());
        }
        // Filling a few transitions of full-size frames works and rebuilds them.
        let frame = 84 * 84;
        let mut b = FrameStorage::new(8, 4, frame);
        let mut obs = vec![7u8; frame].repeat(4);
        for x in 0..20u8 {
            let mut next = obs[frame..].to_vec();
            next.extend(vec![x; frame]);
            b.push(&obs, 0, 0.0, &next, false, x % 9 == 8);
            obs = if x % 9 == 8 { vec![x; frame].repeat(4) } else { next };
        }
        let mut batch = Batch::default();
        let b = b.with_scale(1.0 / 255.0);
        sample_into(&b, 32, &mut rng_for(5, 0), &mut batch);
        assert_eq!(batch.obs.len(), 32 * 4 * frame);
        assert!(batch.obs.iter().all(|v| (0.0..=1.0).contains(v)));
    }
}
