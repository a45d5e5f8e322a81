//! The standard wrapper stacks.

use super::{
    ClipReward, EpisodicLife, FireAfterLifeLoss, FireReset, FrameStack, MaxAndSkip, NoopReset, SkipMemory, SkipOutput,
    StackOrder, StackPadding, WarpFrame, WarpKind,
};
use crate::env::AtariEnv;
use deepq_env::wrappers::TimeLimit;
use deepq_env::{Env, EnvError, EnvKwargs};

/// A standard Atari preprocessing stack. Each named stack reproduces the reference it is named
/// after observation for observation (checked against Python re-implementations run on ale-py
/// 0.12.1, `tests/stacks.rs`); the `*Pad` variants are deepq's earlier versions of the book and
/// course stacks, kept under their own names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackKind {
    /// SB3's `AtariWrapper` (also CleanRL's DQN Atari setup) with Gymnasium's
    /// `FrameStackObservation(4)` on top: no-op reset (1..=30, drawn from the env's
    /// generator as SB3 does), max-and-skip 4 (fixed slots), episodic life, fire reset (games
    /// with FIRE), 84x84 gray [`WarpKind::Sb3`], reward clipping, 4 stacked frames oldest
    /// first, padded with the reset frame. Observations `4 x 84 x 84` bytes.
    Atari,
    /// Lapan's "Deep RL Hands-On" (2nd ed., ch. 6) `make_env`: `MaxAndSkipEnv` (max of the last
    /// two frames emulated, a `deque(maxlen=2)`), `FireResetEnv`, `ProcessFrame84`
    /// ([`WarpKind::Lapan`]), `BufferWrapper(4)` (oldest first, starting from zeros); no reward
    /// clipping, no episodic life. Bytes (the book then scales by 1/255).
    Lapan,
    /// [`StackKind::Lapan`] as deepq had it before: Baselines' fixed-slot max-and-skip and a
    /// stack padded with the reset frame.
    LapanPad,
    /// The Practical-RL DQN homework (week 4): Baselines' `MaxAndSkipEnv(4)`, `EpisodicLifeEnv`,
    /// `FireResetEnv`, `ClipRewardEnv`, 64x64 [`WarpKind::PracticalRl`], and the course's
    /// `FrameBuffer(4)` (newest frame first, starting from zeros).
    PracticalRl,
    /// [`StackKind::PracticalRl`] as deepq had it before: the stack oldest first, padded with
    /// the reset frame.
    PracticalRlPad,
}

impl StackKind {
    /// Every stack, with its name.
    pub const ALL: [(&'static str, StackKind); 5] = [
        ("atari", StackKind::Atari),
        ("lapan", StackKind::Lapan),
        ("lapan_pad", StackKind::LapanPad),
        ("practical_rl", StackKind::PracticalRl),
        ("practical_rl_pad", StackKind::PracticalRlPad),
    ];

    /// The stack's name (the `wrapper` kwarg).
    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| *k == self).map(|(n, _)| *n).unwrap_or("?")
    }

    /// Parses a stack name: `atari`, `lapan`, `lapan_pad`, `practical_rl`, `practical_rl_pad`.
    /// Each stack has exactly one name, because the agents choose the replay's frame order and
    /// the evaluation protocol by it.
    pub fn parse(s: &str) -> Result<Self, EnvError> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, k)| *k).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|(n, _)| *n).collect();
            EnvError::BadKwarg(format!("unknown Atari wrapper stack '{s}'; known: {}", known.join(", ")))
        })
    }
}

/// `env` with life-loss episodes ([`EpisodicLife`]) when `on`; otherwise, for games with FIRE
/// and `fire_on_life_loss`, FIRE pressed after each lost life ([`FireAfterLifeLoss`]).
fn with_life_loss(env: Box<dyn Env>, on: bool, fire: bool, kwargs: &EnvKwargs) -> Box<dyn Env> {
    if on {
        Box::new(EpisodicLife::new(env))
    } else if fire && kwargs.fire_on_life_loss.unwrap_or(false) {
        Box::new(FireAfterLifeLoss::new(env))
    } else {
        env
    }
}

/// `env` with sign-clipped rewards ([`ClipReward`]) when `on`.
fn with_clipping(env: Box<dyn Env>, on: bool) -> Box<dyn Env> {
    if on {
        Box::new(ClipReward::new(env))
    } else {
        env
    }
}

/// Builds the Atari id `id` (a `NoFrameskip` id, or any id with `frameskip = 1`) with `kwargs`
/// and wraps it in the stack `stack`. `kwargs.max_episode_steps` (agent steps) adds a
/// `TimeLimit` on top.
pub fn make_atari_stack(id: &str, stack: StackKind, kwargs: &EnvKwargs) -> Result<Box<dyn Env>, EnvError> {
    let mut env = AtariEnv::make(id, kwargs)?;
    if env.config().frameskip != 1 || env.config().frameskip_range.is_some() {
        return Err(EnvError::BadKwarg(format!(
            "the {stack:?} stack skips frames itself; use a NoFrameskip id or frameskip = 1 (got {} for '{id}')",
            env.config().frameskip
        )));
    }
    if env.config().obs_type == crate::env::ObsType::Ram {
        return Err(EnvError::BadKwarg(format!("the {stack:?} stack needs screen observations, not RAM ('{id}')")));
    }
    let fire = env.action_meanings().get(1) == Some(&"FIRE") && env.n_actions() >= 3;
    env.set_observe(false);
    let mut out: Box<dyn Env> = match stack {
        StackKind::Atari => {
            let e: Box<dyn Env> = Box::new(MaxAndSkip::new(NoopReset::new(env, 30), 4, SkipOutput::Gray));
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(true), fire, kwargs);
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e: Box<dyn Env> = Box::new(WarpFrame::new(e)?);
            Box::new(FrameStack::new(with_clipping(e, kwargs.clip_reward.unwrap_or(true)), 4)?)
        }
        StackKind::Lapan | StackKind::LapanPad => {
            let (memory, padding) = match stack {
                StackKind::Lapan => (SkipMemory::LastTwo, StackPadding::Zeros),
                _ => (SkipMemory::Slots, StackPadding::Reset),
            };
            let e: Box<dyn Env> = Box::new(MaxAndSkip::with_memory(env, 4, SkipOutput::Rgb, memory));
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(false), fire, kwargs);
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e: Box<dyn Env> = Box::new(WarpFrame::with_kind(e, WarpKind::Lapan)?);
            let e = with_clipping(e, kwargs.clip_reward.unwrap_or(false));
            Box::new(FrameStack::with_layout(e, 4, padding, StackOrder::OldestFirst)?)
        }
        StackKind::PracticalRl | StackKind::PracticalRlPad => {
            let (padding, order) = match stack {
                StackKind::PracticalRl => (StackPadding::Zeros, StackOrder::NewestFirst),
                _ => (StackPadding::Reset, StackOrder::OldestFirst),
            };
            let e: Box<dyn Env> = Box::new(MaxAndSkip::new(env, 4, SkipOutput::Rgb));
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(true), fire, kwargs);
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e = with_clipping(e, kwargs.clip_reward.unwrap_or(true));
            let e = WarpFrame::with_kind(e, WarpKind::PracticalRl)?;
            Box::new(FrameStack::with_layout(Box::new(e), 4, padding, order)?)
        }
    };
    if let Some(limit) = kwargs.max_episode_steps.filter(|&l| l > 0) {
        out = Box::new(TimeLimit::new(out, limit));
    }
    Ok(out)
}
