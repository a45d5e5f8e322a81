//! Stacking the last frames.

use super::forward_spaces;
use deepq_env::{Dtype, Env, EnvError, Info, Obs, Space, Step};

/// Observes the last `k` frames of the inner env stacked along a new leading axis, as bytes:
/// an inner `84 x 84 x 1` frame gives `k x 84 x 84` (CHW, oldest first), the layout of
/// Gymnasium's `FrameStackObservation` / CleanRL. A reset fills the stack with the first frame
/// (Gymnasium's default `padding_type="reset"`; SB3's `VecFrameStack` pads with zeros).
pub struct FrameStack {
    inner: Box<dyn Env>,
    k: usize,
    frame_len: usize,
    /// Ring of the last `k` frames; `head` is the oldest.
    ring: Vec<u8>,
    head: usize,
    observation_space: Space,
}

impl FrameStack {
    /// Wraps `inner` (byte observations) with a stack of `k >= 1` frames.
    pub fn new(inner: Box<dyn Env>, k: usize) -> Result<Self, EnvError> {
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
            ring: vec![0; n],
            head: 0,
            observation_space: Space::Box { shape, low: vec![0.0; n], high: vec![255.0; n], dtype: Dtype::U8 },
        })
    }

    fn stacked(&self) -> Obs {
        let split = self.head * self.frame_len;
        let mut v = Vec::with_capacity(self.ring.len());
        v.extend_from_slice(&self.ring[split..]);
        v.extend_from_slice(&self.ring[..split]);
        Obs::U8(v)
    }

    fn frame(obs: &Obs, len: usize) -> &[u8] {
        match obs {
            Obs::U8(v) if v.len() == len => v,
            _ => panic!("FrameStack: inner observation is not a byte frame of {len} values"),
        }
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
        for chunk in self.ring.chunks_exact_mut(self.frame_len) {
            chunk.copy_from_slice(f);
        }
        self.head = 0;
        (self.stacked(), info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut s = self.inner.step(action)?;
        let len = self.frame_len;
        let f = Self::frame(&s.obs, len);
        self.ring[self.head * len..(self.head + 1) * len].copy_from_slice(f);
        self.head = (self.head + 1) % self.k;
        s.obs = self.stacked();
        Ok(s)
    }
}
