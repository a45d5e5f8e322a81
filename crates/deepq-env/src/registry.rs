//! Environment registry keyed by Gymnasium ids, with Gymnasium's default kwargs.

use crate::env::{Env, EnvError};
use crate::envs::{cartpole::CartPole, cliff_walking::CliffWalking, frozen_lake::FrozenLake, taxi::Taxi};
use crate::wrappers::TimeLimit;
use serde::{Deserialize, Serialize};

/// Keyword arguments accepted by [`make_with`] (the `[env]` table of a deepq config).
/// `None` means "the registered default".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvKwargs {
    /// FrozenLake map: `"4x4"` or `"8x8"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_name: Option<String>,
    /// FrozenLake slipperiness (CliffWalking too, as in Gymnasium 1.x).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_slippery: Option<bool>,
    /// Overrides the registered time limit (`TimeLimit` wrapper); 0 disables it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_episode_steps: Option<usize>,
    /// Atari only: observation type, `"rgb"` (the screen: 210x160x3 for most games, up to 250x160x3), `"grayscale"` (the screen's height x 160) or `"ram"` (128 bytes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obs_type: Option<String>,
    /// Atari only: emulator frames per agent step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frameskip: Option<usize>,
    /// Atari only: sticky-action probability (the previous action is repeated on a frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat_action_probability: Option<f64>,
    /// Atari only: all 18 joystick actions instead of the game's minimal action set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_action_space: Option<bool>,
    /// Atari only: directory with the ROM files (`pong.bin`, ...), overriding `DEEPQ_ROM_DIR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rom_dir: Option<String>,
    /// An observation pipeline applied on top of the environment (and its time limit):
    /// `tutorial_screen` / `tutorial_screen_diff` / `tutorial_screen_stack` (CartPole from
    /// pixels, the PyTorch DQN tutorial's screen crop: plain, the difference of consecutive
    /// screens, or the previous and current screens stacked), `tutorial_screen_ink` /
    /// `tutorial_screen_ink4` (the last 2 / 4 screens as one-channel ink), or for
    /// Atari ids the stacks `atari`, `lapan`, `practical_rl`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrapper: Option<String>,
    /// Atari stacks only: end training episodes at each life loss (the stack's default when
    /// unset: on for `atari` and `practical_rl`, off for `lapan`). The `full_game` evaluation
    /// protocol sets it to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub episodic_life: Option<bool>,
    /// Atari stacks only: clip rewards to their sign (default as `episodic_life`). The
    /// `full_game` evaluation protocol sets it to false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clip_reward: Option<bool>,
    /// Atari stacks only, without `episodic_life`: after each lost life, take the steps the
    /// training stack's life-loss reset takes (no-op, FIRE, action 2), as the whole-game scores
    /// of SB3, CleanRL and the Practical-RL homework do. The `full_game` and `homework`
    /// evaluation protocols set it for agents trained on life-loss episodes. Off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fire_on_life_loss: Option<bool>,
    /// Atari only: replace the agent's action with FIRE on every `fire_every`-th agent step of
    /// an episode (the UCLA project's Breakout loop presses FIRE every 100 steps). Off by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fire_every: Option<usize>,
    /// LunarLander only: gymnasium's `continuous` (only `false` here: deepq's `Env` takes discrete
    /// actions; `LunarLander::step_continuous` runs the continuous variant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuous: Option<bool>,
    /// LunarLander only: gravity along y, in (-12, 0) (default -10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravity: Option<f64>,
    /// LunarLander only: wind and turbulence while no leg touches the ground (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_wind: Option<bool>,
    /// LunarLander only: largest wind force (default 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wind_power: Option<f64>,
    /// LunarLander only: largest turbulence torque (default 1.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turbulence_power: Option<f64>,
}

impl EnvKwargs {
    /// The name of the first Atari-only kwarg that is set, if any.
    pub fn first_atari_kwarg(&self) -> Option<&'static str> {
        [
            ("obs_type", self.obs_type.is_some()),
            ("frameskip", self.frameskip.is_some()),
            ("repeat_action_probability", self.repeat_action_probability.is_some()),
            ("full_action_space", self.full_action_space.is_some()),
            ("rom_dir", self.rom_dir.is_some()),
            ("episodic_life", self.episodic_life.is_some()),
            ("clip_reward", self.clip_reward.is_some()),
            ("fire_every", self.fire_every.is_some()),
            ("fire_on_life_loss", self.fire_on_life_loss.is_some()),
        ]
        .into_iter()
        .find(|(_, set)| *set)
        .map(|(name, _)| name)
    }

    /// The name of the first LunarLander-only kwarg that is set, if any.
    pub fn first_lunar_kwarg(&self) -> Option<&'static str> {
        [
            ("continuous", self.continuous.is_some()),
            ("gravity", self.gravity.is_some()),
            ("enable_wind", self.enable_wind.is_some()),
            ("wind_power", self.wind_power.is_some()),
            ("turbulence_power", self.turbulence_power.is_some()),
        ]
        .into_iter()
        .find(|(_, set)| *set)
        .map(|(name, _)| name)
    }
}

/// The Box2D ids, registered with the `box2d` feature.
const BOX2D_IDS: [&str; 1] = ["LunarLander-v3"];

/// A registered environment id.
#[derive(Debug, Clone, PartialEq)]
pub struct EnvSpec {
    /// Gymnasium id.
    pub id: &'static str,
    /// Registered `max_episode_steps` (the `TimeLimit`), if any.
    pub max_episode_steps: Option<usize>,
    /// Gymnasium's `reward_threshold` (the "solved" bound), if any.
    pub reward_threshold: Option<f64>,
    /// One-line description.
    pub description: &'static str,
}

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
