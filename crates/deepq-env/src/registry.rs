//! Environment registry keyed by Gymnasium ids, with Gymnasium's default kwargs.

use crate::env::{Env, EnvError};
use crate::envs::{cartpole::CartPole, cliff_walking::CliffWalking, frozen_lake::FrozenLake, taxi::Taxi};
pub use crate::spec::{EnvKwargs, EnvSpec};
use crate::wrappers::TimeLimit;

/// The Box2D ids, registered with the `box2d` feature.
const BOX2D_IDS: [&str; 1] = ["LunarLander-v3"];

/// All registered ids, with the specs of Gymnasium 1.4.0's registry (`Taxi-v3` is kept as an
/// alias of `Taxi-v4`, whose dynamics it had).
pub fn specs() -> Vec<EnvSpec> {
    let s = |id, max, thr, description| EnvSpec { id, max_episode_steps: max, reward_threshold: thr, description };
    vec![
        s("CartPole-v0", Some(200), Some(195.0), "pole balancing, 4 floats, 2 actions, 200 steps"),
        s("CartPole-v1", Some(500), Some(475.0), "pole balancing, 4 floats, 2 actions, 500 steps"),
        s("FrozenLake-v1", Some(100), Some(0.70), "4x4 grid walk on slippery ice (map_name=8x8 for the big map)"),
        s("FrozenLake8x8-v1", Some(200), Some(0.85), "8x8 slippery ice grid"),
        s("Taxi-v3", Some(200), Some(8.0), "alias of Taxi-v4 (gymnasium 1.4 no longer registers v3)"),
        s("Taxi-v4", Some(200), Some(8.0), "taxi pick-up and drop-off, 500 states, 6 actions"),
        s("CliffWalking-v1", None, None, "4x12 cliff walk, 48 states, 4 actions, no time limit"),
        s("CliffWalkingSlippery-v1", None, None, "CliffWalking-v1 with is_slippery=true"),
    ]
    .into_iter()
    .chain(cfg!(feature = "box2d").then(|| {
        s("LunarLander-v3", Some(1000), Some(200.0), "lunar landing on Box2D, 8 floats, 4 actions, 1000 steps")
    }))
    .chain(crate::provider::specs())
    .collect()
}

/// Looks up the spec of `id`, with an error listing the known ids.
pub fn spec(id: &str) -> Result<EnvSpec, EnvError> {
    if let Some(s) = specs().into_iter().find(|s| s.id == id) {
        return Ok(s);
    }
    if BOX2D_IDS.contains(&id) {
        return Err(EnvError::Other(format!(
            "'{id}' needs the Box2D physics: build deepq-env with its `box2d` feature (on by default; it needs a C++ compiler)"
        )));
    }
    if id == "LunarLanderContinuous-v3" {
        return Err(EnvError::Other(format!(
            "'{id}' has continuous actions, which deepq's Env (discrete actions) does not take; \
             deepq_env::envs::lunar_lander::LunarLander::step_continuous runs that variant"
        )));
    }
    if crate::provider::looks_like_atari(id) || crate::provider::accepted(id) {
        if !crate::provider::any_registered() {
            return Err(EnvError::Other(format!(
                "'{id}' is an Atari id: build deepq with the `atari` feature (cargo run --release --features atari -- ...) and run scripts/setup_atari.sh for the ROMs"
            )));
        }
        if !crate::provider::accepted(id) {
            return Err(crate::provider::unmade_atari_id(id));
        }
        // Any ALE game is served by the Atari provider; an unknown game fails when it is made.
        let id: &'static str = Box::leak(id.to_string().into_boxed_str());
        return Ok(EnvSpec { id, max_episode_steps: None, reward_threshold: None, description: "Atari game" });
    }
    Err(EnvError::UnknownId { id: id.to_string(), known: specs().iter().map(|s| s.id).collect::<Vec<_>>().join(", ") })
}

/// Makes `id` with its default kwargs (and its registered time limit).
pub fn make(id: &str) -> Result<Box<dyn Env>, EnvError> {
    make_with(id, &EnvKwargs::default())
}

/// Makes `id` with `kwargs` applied over the registered defaults.
pub fn make_with(id: &str, kwargs: &EnvKwargs) -> Result<Box<dyn Env>, EnvError> {
    if let Some(made) = crate::provider::make(id, kwargs) {
        return made;
    }
    let spec = spec(id)?;
    if let Some(name) = kwargs.first_atari_kwarg() {
        return Err(EnvError::BadKwarg(format!(
            "environment '{id}' does not take the kwarg '{name}' (Atari ids only)"
        )));
    }
    let reject = |name: &str| Err(EnvError::BadKwarg(format!("environment '{id}' does not take the kwarg '{name}'")));
    if !id.starts_with("LunarLander") {
        if let Some(name) = kwargs.first_lunar_kwarg() {
            return reject(name);
        }
    }
    let inner: Box<dyn Env> = match id {
        "CartPole-v0" | "CartPole-v1" => {
            if kwargs.map_name.is_some() {
                return reject("map_name");
            }
            if kwargs.is_slippery.is_some() {
                return reject("is_slippery");
            }
            Box::new(CartPole::new(id))
        }
        "FrozenLake-v1" | "FrozenLake8x8-v1" => {
            let default_map = if id == "FrozenLake8x8-v1" { "8x8" } else { "4x4" };
            let map = kwargs.map_name.as_deref().unwrap_or(default_map);
            Box::new(FrozenLake::new(id, map, kwargs.is_slippery.unwrap_or(true))?)
        }
        "Taxi-v3" | "Taxi-v4" => {
            if kwargs.map_name.is_some() {
                return reject("map_name");
            }
            if kwargs.is_slippery.is_some() {
                return reject("is_slippery");
            }
            Box::new(Taxi::new(id))
        }
        "CliffWalking-v1" | "CliffWalkingSlippery-v1" => {
            if kwargs.map_name.is_some() {
                return reject("map_name");
            }
            let default_slippery = id == "CliffWalkingSlippery-v1";
            Box::new(CliffWalking::new(id, kwargs.is_slippery.unwrap_or(default_slippery)))
        }
        #[cfg(feature = "box2d")]
        "LunarLander-v3" => {
            use crate::envs::lunar_lander::{LunarLander, LunarLanderConfig};
            if kwargs.map_name.is_some() {
                return reject("map_name");
            }
            if kwargs.is_slippery.is_some() {
                return reject("is_slippery");
            }
            if kwargs.continuous == Some(true) {
                return Err(EnvError::BadKwarg(format!(
                    "'{id}' with continuous=true has continuous actions, which deepq's Env (discrete actions) does not take"
                )));
            }
            let d = LunarLanderConfig::default();
            let config = LunarLanderConfig {
                gravity: kwargs.gravity.unwrap_or(d.gravity),
                enable_wind: kwargs.enable_wind.unwrap_or(d.enable_wind),
                wind_power: kwargs.wind_power.unwrap_or(d.wind_power),
                turbulence_power: kwargs.turbulence_power.unwrap_or(d.turbulence_power),
            };
            Box::new(LunarLander::with_config(id, config)?)
        }
        // spec() accepted an id that no provider made (it should not happen; an error, not a panic).
        _ => return Err(crate::provider::unmade_atari_id(id)),
    };
    let limit = kwargs.max_episode_steps.or(spec.max_episode_steps).unwrap_or(0);
    let env: Box<dyn Env> = if limit > 0 { Box::new(TimeLimit::new(inner, limit)) } else { inner };
    match kwargs.wrapper.as_deref() {
        None => Ok(env),
        Some(
            w @ ("tutorial_screen" | "tutorial_screen_diff" | "tutorial_screen_stack" | "tutorial_screen_ink"
            | "tutorial_screen_ink4"),
        ) if id.starts_with("CartPole") => {
            use crate::wrappers::ScreenMode;
            let mode = match w {
                "tutorial_screen" => ScreenMode::Plain,
                "tutorial_screen_diff" => ScreenMode::Diff,
                "tutorial_screen_ink" => ScreenMode::InkStack(2),
                "tutorial_screen_ink4" => ScreenMode::InkStack(4),
                _ => ScreenMode::Stack,
            };
            Ok(Box::new(crate::wrappers::TutorialScreen::with_mode(env, mode)?))
        }
        Some(other) => Err(EnvError::BadKwarg(format!(
            "unknown wrapper '{other}' for '{id}'; known: tutorial_screen, tutorial_screen_diff, tutorial_screen_stack, tutorial_screen_ink, tutorial_screen_ink4 (CartPole), atari, lapan, practical_rl (Atari)"
        ))),
    }
}
