//! Frame skipping with a max over the last two frames.

use super::{forward_spaces, AtariCore};
use crate::env::AtariEnv;
use deepq_env::{Dtype, Env, EnvError, Info, Obs, Space, Step};

/// What [`MaxAndSkip`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipOutput {
    /// The pixel-wise (per channel) maximum as RGB, height x width x 3 (the game's screen size,
    /// 210x160 for most games): Baselines' output.
    Rgb,
    /// The same maximum turned to gray with OpenCV's RGB->gray weights, height x width:
    /// bit-identical to converting the RGB output, without building it (what the stacks use).
    Gray,
}

/// Which two frames [`MaxAndSkip`] takes the maximum of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipMemory {
    /// Baselines' / SB3's two fixed slots: frame `skip - 1` goes to the first, frame `skip` to
    /// the second, and both persist across steps and resets (zeros at first), so a step that
    /// ends the episode before its frame `skip - 1` is observed with the previous step's frames.
    Slots,
    /// Lapan's `deque(maxlen=2)` of the frames actually emulated: the last two frames seen,
    /// the reset frame included (the memory is cleared at reset and holds the reset frame
    /// alone until the first step).
    LastTwo,
}

/// Repeats each action `skip` times (summing the rewards, stopping early at the end of the
/// episode) and observes the pixel-wise maximum of the last two frames, which removes the
/// flicker of sprites drawn every other frame — Baselines' `MaxAndSkipEnv`. As there, the two
/// frame buffers persist across steps, so an episode ending before frame `skip - 1` is
/// observed with the previous step's frame in the buffer it did not reach
/// ([`SkipMemory::Slots`]); [`MaxAndSkip::with_memory`] can keep the last two frames emulated
/// instead ([`SkipMemory::LastTwo`], Lapan's book).
///
/// The wrapped [`AtariEnv`] stops building observations (see [`AtariEnv::set_observe`]); the
/// frames are read as palette indices and converted once per step.
pub struct MaxAndSkip<E> {
    inner: E,
    skip: usize,
    output: SkipOutput,
    memory: SkipMemory,
    /// The screen size of the wrapped game, as its emulator reports it.
    height: usize,
    width: usize,
    bufs: [Vec<u8>; 2],
    /// The previous step's buffers and output, to reuse the rows that did not change.
    prev_bufs: [Vec<u8>; 2],
    prev_out: Vec<u8>,
    observation_space: Space,
}

impl<E: AtariCore> MaxAndSkip<E> {
    /// Wraps `inner`, repeating actions `skip` times (>= 1).
    pub fn new(inner: E, skip: usize, output: SkipOutput) -> Self {
        Self::with_memory(inner, skip, output, SkipMemory::Slots)
    }

    /// Wraps `inner`, repeating actions `skip` times (>= 1), maxing the frames `memory` keeps.
    pub fn with_memory(mut inner: E, skip: usize, output: SkipOutput, memory: SkipMemory) -> Self {
        assert!(skip >= 1, "skip must be at least 1");
        inner.atari_mut().set_observe(false);
        let (height, width) = (inner.atari().screen_height(), inner.atari().screen_width());
        let shape = match output {
            SkipOutput::Rgb => vec![height, width, 3],
            SkipOutput::Gray => vec![height, width],
        };
        let n = shape.iter().product();
        let pixels = height * width;
        MaxAndSkip {
            inner,
            skip,
            output,
            memory,
            height,
            width,
            bufs: [vec![0; pixels], vec![0; pixels]],
            prev_bufs: [Vec::new(), Vec::new()],
            prev_out: Vec::new(),
            observation_space: Space::Box { shape, low: vec![0.0; n], high: vec![255.0; n], dtype: Dtype::U8 },
        }
    }

    /// The observation of the two buffers, reusing unchanged rows of the previous one.
    fn emit_step(&mut self) -> Obs {
        if self.output == SkipOutput::Rgb || self.prev_out.len() != self.height * self.width {
            let obs = self.emit(&self.bufs[0], &self.bufs[1]);
            if let (SkipOutput::Gray, Obs::U8(v)) = (self.output, &obs) {
                self.prev_out = v.clone();
                self.prev_bufs = self.bufs.clone();
            }
            return obs;
        }
        let ale = self.inner.atari();
        let w = self.width;
        for y in 0..self.height {
            let r = y * w..(y + 1) * w;
            let (a, b) = (&self.bufs[0][r.clone()], &self.bufs[1][r.clone()]);
            if a != &self.prev_bufs[0][r.clone()] || b != &self.prev_bufs[1][r.clone()] {
                ale.gray_of_max(a, b, &mut self.prev_out[r.clone()]);
                self.prev_bufs[0][r.clone()].copy_from_slice(a);
                self.prev_bufs[1][r.clone()].copy_from_slice(b);
            }
        }
        Obs::U8(self.prev_out.clone())
    }

    fn emit(&self, a: &[u8], b: &[u8]) -> Obs {
        let ale = self.inner.atari();
        Obs::U8(match self.output {
            SkipOutput::Rgb => {
                let mut v = vec![0; self.height * self.width * 3];
                ale.rgb_of_max(a, b, &mut v);
                v
            }
            SkipOutput::Gray => {
                let mut v = vec![0; self.height * self.width];
                ale.gray_of_max(a, b, &mut v);
                v
            }
        })
    }
}

impl<E: AtariCore> Env for MaxAndSkip<E> {
    forward_spaces!();

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        let (_, info) = self.inner.reset(seed);
        let mut cur = vec![0; self.height * self.width];
        self.inner.atari_mut().grab_screen_indices(&mut cur);
        let obs = self.emit(&cur, &cur);
        if self.memory == SkipMemory::LastTwo {
            // The memory holds the reset frame alone: the max of it with itself.
            self.bufs[0].copy_from_slice(&cur);
            self.bufs[1] = cur;
        }
        (obs, info)
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut total = 0.0;
        let mut last = None;
        for i in 0..self.skip {
            let s = self.inner.step(action)?;
            total += s.reward;
            if self.memory == SkipMemory::LastTwo {
                let [a, b] = &mut self.bufs;
                std::mem::swap(a, b);
                self.inner.atari_mut().grab_screen_indices(&mut self.bufs[1]);
            } else if self.skip == 1 {
                let [a, b] = &mut self.bufs;
                self.inner.atari_mut().grab_screen_indices(a);
                b.copy_from_slice(a);
            } else if i + 2 >= self.skip {
                let slot = i + 2 - self.skip;
                self.inner.atari_mut().grab_screen_indices(&mut self.bufs[slot]);
            }
            let done = s.done();
            last = Some(s);
            if done {
                break;
            }
        }
        let mut s = last.expect("skip >= 1");
        s.reward = total;
        s.obs = self.emit_step();
        Ok(s)
    }
}

impl<E: AtariCore> AtariCore for MaxAndSkip<E> {
    fn atari(&self) -> &AtariEnv {
        self.inner.atari()
    }
    fn atari_mut(&mut self) -> &mut AtariEnv {
        self.inner.atari_mut()
    }
}
