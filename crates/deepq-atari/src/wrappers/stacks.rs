//! The standard wrapper stacks.

use super::{ClipReward, EpisodicLife, FireReset, FrameStack, MaxAndSkip, NoopReset, SkipOutput, WarpFrame, WarpKind};
use crate::env::AtariEnv;
use deepq_env::wrappers::TimeLimit;
use deepq_env::{Env, EnvError, EnvKwargs};

/// A standard Atari preprocessing stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StackKind {
    /// SB3's `AtariWrapper` (also CleanRL's DQN Atari setup): no-op reset (up to 30), max-and-skip
    /// 4, episodic life, fire reset (games with FIRE), 84x84 gray [`WarpKind::Sb3`], reward
    /// clipping, 4 stacked frames. Observations `4 x 84 x 84` bytes.
    Atari,
    /// Lapan's "Deep RL Hands-On" Pong setup: max-and-skip 4, fire reset, 84x84
    /// [`WarpKind::Lapan`], 4 stacked frames; no reward clipping, no episodic life.
    Lapan,
    /// The Practical-RL DQN homework: max-and-skip 4, episodic life, fire reset, reward
    /// clipping, 64x64 [`WarpKind::PracticalRl`], 4 stacked frames.
    PracticalRl,
}

impl StackKind {
    /// Parses `atari`, `lapan` or `practical_rl`.
    pub fn parse(s: &str) -> Result<Self, EnvError> {
        match s {
            "atari" => Ok(StackKind::Atari),
            "lapan" => Ok(StackKind::Lapan),
            "practical_rl" | "practical-rl" => Ok(StackKind::PracticalRl),
            other => Err(EnvError::BadKwarg(format!(
                "unknown Atari wrapper stack '{other}'; known: atari, lapan, practical_rl"
            ))),
        }
    }
}

/// `env` with life-loss episodes ([`EpisodicLife`]) when `on`.
fn with_life_loss(env: Box<dyn Env>, on: bool) -> Box<dyn Env> {
    if on {
        Box::new(EpisodicLife::new(env))
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
    if env.config().frameskip != 1 {
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
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(true));
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e: Box<dyn Env> = Box::new(WarpFrame::new(e)?);
            Box::new(FrameStack::new(with_clipping(e, kwargs.clip_reward.unwrap_or(true)), 4)?)
        }
        StackKind::Lapan => {
            let e: Box<dyn Env> = Box::new(MaxAndSkip::new(env, 4, SkipOutput::Rgb));
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(false));
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e: Box<dyn Env> = Box::new(WarpFrame::with_kind(e, WarpKind::Lapan)?);
            Box::new(FrameStack::new(with_clipping(e, kwargs.clip_reward.unwrap_or(false)), 4)?)
        }
        StackKind::PracticalRl => {
            let e: Box<dyn Env> = Box::new(MaxAndSkip::new(env, 4, SkipOutput::Rgb));
            let e = with_life_loss(e, kwargs.episodic_life.unwrap_or(true));
            let e: Box<dyn Env> = if fire { Box::new(FireReset::new(e)?) } else { e };
            let e = with_clipping(e, kwargs.clip_reward.unwrap_or(true));
            let e = WarpFrame::with_kind(e, WarpKind::PracticalRl)?;
            Box::new(FrameStack::new(Box::new(e), 4)?)
        }
    };
    if let Some(limit) = kwargs.max_episode_steps.filter(|&l| l > 0) {
        out = Box::new(TimeLimit::new(out, limit));
    }
    Ok(out)
}
