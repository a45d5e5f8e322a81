//! The registry provider that makes Atari ids available through `deepq_env::make_with`.

use crate::env::AtariEnv;
use crate::games::parse_id;
use crate::wrappers::FireEvery;
use crate::{make_atari_stack, StackKind};
use deepq_env::wrappers::TimeLimit;
use deepq_env::{Env, EnvError, EnvKwargs, EnvProvider, EnvSpec};

/// Serves the Atari ids (`ALE/<Game>-v5`, `<Game>NoFrameskip-v4`, their `-ram` variants) to
/// the deepq-env registry.
pub struct AtariProvider;

/// Adds [`FireEvery`] to `env` after checking that the game's action 1 is FIRE.
fn with_fire_every(id: &str, kwargs: &EnvKwargs, env: Box<dyn Env>, period: usize) -> Result<Box<dyn Env>, EnvError> {
    let probe_kwargs = EnvKwargs {
        rom_dir: kwargs.rom_dir.clone(),
        full_action_space: kwargs.full_action_space,
        ..EnvKwargs::default()
    };
    let probe = AtariEnv::make(id, &probe_kwargs)?;
    if probe.action_meanings().get(1) != Some(&"FIRE") {
        return Err(EnvError::BadKwarg(format!("fire_every: '{id}' has no FIRE action")));
    }
    Ok(Box::new(FireEvery::new(env, period)?))
}

impl EnvProvider for AtariProvider {
    fn make(&self, id: &str, kwargs: &EnvKwargs) -> Option<Result<Box<dyn Env>, EnvError>> {
        // Ids of another shape are not ours; an unknown game still yields its error below.
        parse_id(id)?.ok();
        let made = match kwargs.wrapper.as_deref() {
            None => AtariEnv::make(id, kwargs).map(|env| Box::new(env) as Box<dyn Env>),
            Some(name) => match StackKind::parse(name) {
                Ok(kind) => make_atari_stack(id, kind, kwargs),
                Err(_) => Err(EnvError::BadKwarg(format!(
                    "unknown Atari wrapper '{name}' for '{id}'; known: {}",
                    StackKind::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                ))),
            },
        };
        let made = match (made, kwargs.fire_every) {
            (Ok(env), Some(period)) => with_fire_every(id, kwargs, env, period),
            (made, _) => made,
        };
        Some(made.map(|env| match kwargs.max_episode_steps.filter(|&l| l > 0) {
            Some(limit) => Box::new(TimeLimit::new(env, limit)) as Box<dyn Env>,
            None => env,
        }))
    }

    fn accepts(&self, id: &str) -> bool {
        crate::games::is_atari_id(id)
    }

    fn all_ids(&self) -> Vec<String> {
        crate::games::all_ids(true)
    }

    fn ids(&self) -> Vec<EnvSpec> {
        let s = |id, description| EnvSpec { id, max_episode_steps: None, reward_threshold: None, description };
        vec![
            s("PongNoFrameskip-v4", "Atari Pong (ALE), 1 frame per step, no sticky actions, RGB 210x160x3"),
            s("BreakoutNoFrameskip-v4", "Atari Breakout (ALE), 1 frame per step, no sticky actions, RGB 210x160x3"),
            s("Pong-ramNoFrameskip-v4", "Atari Pong, 128 RAM bytes, 1 frame per step"),
            s("Breakout-ramNoFrameskip-v4", "Atari Breakout, 128 RAM bytes, 1 frame per step"),
            s("ALE/Pong-v5", "Atari Pong, 4 frames per step, sticky actions 0.25, RGB (any ALE game: ALE/<Game>-v5)"),
            s("ALE/Breakout-v5", "Atari Breakout, 4 frames per step, sticky actions 0.25, RGB"),
            s("ALE/Pong-ram-v5", "Atari Pong, 128 RAM bytes, 4 frames per step, sticky actions 0.25"),
            s("ALE/Breakout-ram-v5", "Atari Breakout, 128 RAM bytes, 4 frames per step, sticky actions 0.25"),
        ]
    }

    fn name(&self) -> &'static str {
        "deepq-atari"
    }
}
