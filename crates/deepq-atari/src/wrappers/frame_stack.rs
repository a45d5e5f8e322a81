//! Stacking the last frames.

use super::forward_spaces;
use deepq_env::{Dtype, Env, EnvError, Info, Obs, Space, Step};

/// What fills a [`FrameStack`] at the start of an episode, before `k` frames have been seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackPadding {
    /// Copies of the reset frame (Gymnasium's `FrameStackObservation`, `padding_type="reset"`).
    Reset,
    /// Zero frames (Lapan's `BufferWrapper`, the Practical-RL `FrameBuffer`, SB3's
    /// `VecFrameStack`): the first `k - 1` observations of an episode hold zeros.
    Zeros,
}

/// Where the newest frame goes in a [`FrameStack`] observation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackOrder {
    /// Oldest first, newest last (Gymnasium, SB3, Lapan's `BufferWrapper`).
    OldestFirst,
    /// Newest first (the Practical-RL `FrameBuffer`, which concatenates the new frame in front
    /// of the previous buffer minus its last frame).
    NewestFirst,
}

/// Observes the last `k` frames of the inner env stacked along a new leading axis, as bytes:
/// an inner `84 x 84 x 1` frame gives `k x 84 x 84` (CHW), the layout of Gymnasium's
/// `FrameStackObservation` / CleanRL. [`FrameStack::new`] puts the oldest frame first and fills
/// the stack with the reset frame at the start of an episode; [`FrameStack::with_layout`]
/// chooses zero padding and/or newest-first order.
pub struct FrameStack {
    inner: Box<dyn Env>,
    k: usize,
    frame_len: usize,
    padding: StackPadding,
    order: StackOrder,
    /// Ring of the last `k` frames; `head` is the oldest.
    ring: Vec<u8>,
    head: usize,
    observation_space: Space,
}

impl FrameStack {
    /// Wraps `inner` (byte observations) with a stack of `k >= 1` frames, oldest first, padded
    /// with the reset frame.
    pub fn new(inner: Box<dyn Env>, k: usize) -> Result<Self, EnvError> {
        Self::with_layout(inner, k, StackPadding::Reset, StackOrder::OldestFirst)
    }

    /// Wraps `inner` with a stack of `k >= 1` frames with the given padding and order.
    pub fn with_layout(
        inner: Box<dyn Env>,
        k: usize,
        padding: StackPadding,
        order: StackOrder,
    ) -> Result<Self, EnvError> {
        assert!(k >= 1, "FrameStack needs k >= 1");
        let space = inner.observation_space();
        let mut shape = space.shape().to_vec();
        if !matches!(space, Space::Box { dtype: Dtype::U8, .. }) {
            return Err(EnvError::Other(format!(
                "FrameStack needs byte observations, '{}' has {}",
                inner.id(),
                space.describe()
            )));
        }
        if shape.len() > 1 && shape.last() == Some(&1) {
            shape.pop();
        }
        let frame_len: usize = shape.iter().product();
        shape.insert(0, k);
        let n = frame_len * k;
        Ok(FrameStack {
            inner,
            k,
            frame_len,
            padding,
            order,
            ring: vec![0; n],
            head: 0,
            observation_space: Space::Box { shape, low: vec![0.0; n], high: vec![255.0; n], dtype: Dtype::U8 },
        })
    }

    /// The padding at episode starts.
    pub fn padding(&self) -> StackPadding {
        self.padding
    }

    /// The frame order.
    pub fn order(&self) -> StackOrder {
        self.order
    }

    fn stacked(&self) -> Obs {
        let len = self.frame_len;
        let mut v = Vec::with_capacity(self.ring.len());
        match self.order {
            StackOrder::OldestFirst => {
                let split = self.head * len;
                v.extend_from_slice(&self.ring[split..]);
                v.extend_from_slice(&self.ring[..split]);
            }
            StackOrder::NewestFirst => {
                for j in 1..=self.k {
                    let slot = (self.head + self.k - j) % self.k;
                    v.extend_from_slice(&self.ring[slot * len..(slot + 1) * len]);
                }
            }
        }
        Obs::U8(v)
    }

    fn frame(obs: &Obs, len: usize) -> &[u8] {
        match obs {
            Obs::U8(v) if v.len() == len => v,
            _ => panic!("FrameStack: inner observation is not a byte frame of {len} values"),
        }
    }

    /// Writes `f` as the newest frame.
    fn push(&mut self, f: &[u8]) {
        let len = self.frame_len;
        self.ring[self.head * len..(self.head + 1) * len].copy_from_slice(f);
        self.head = (self.head + 1) % self.k;
    }
}

impl Env for FrameStack {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (obs, info) = self.inner.reset(seed);
        let f = Self::frame(&obs, self.frame_len);
        match self.padding {
            StackPadding::Reset => {
                for chunk in self.ring.chunks_exact_mut(self.frame_len) {
                    chunk.copy_from_slice(f);
                }
                self.head = 0;
            }
            StackPadding::Zeros => {
                self.ring.fill(0);
                self.head = 0;
                self.push(f);
            }
        }
        (self.stacked(), info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut s = self.inner.step(action)?;
        let obs = std::mem::replace(&mut s.obs, Obs::U8(Vec::new()));
        self.push(Self::frame(&obs, self.frame_len));
        s.obs = self.stacked();
        Ok(s)
    }
}
