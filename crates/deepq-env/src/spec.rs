//! What the registry knows of an id ([`EnvSpec`]) and what a config can pass when making it
//! ([`EnvKwargs`]). Both the registry and the environment providers use these types.

use serde::{Deserialize, Serialize};

/// Keyword arguments accepted by [`crate::make_with`] (the `[env]` table of a deepq config).
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
        first_set([
            ("obs_type", self.obs_type.is_some()),
            ("frameskip", self.frameskip.is_some()),
            ("repeat_action_probability", self.repeat_action_probability.is_some()),
            ("full_action_space", self.full_action_space.is_some()),
            ("rom_dir", self.rom_dir.is_some()),
            ("episodic_life", self.episodic_life.is_some()),
            ("clip_reward", self.clip_reward.is_some()),
            ("fire_every", self.fire_every.is_some()),
            ("fire_on_life_loss", self.fire_on_life_loss.is_some()),
        ])
    }

    /// The name of the first LunarLander-only kwarg that is set, if any.
    pub fn first_lunar_kwarg(&self) -> Option<&'static str> {
        first_set([
            ("continuous", self.continuous.is_some()),
            ("gravity", self.gravity.is_some()),
            ("enable_wind", self.enable_wind.is_some()),
            ("wind_power", self.wind_power.is_some()),
            ("turbulence_power", self.turbulence_power.is_some()),
        ])
    }
}

/// The first name in `flags` whose flag is set.
fn first_set<const N: usize>(flags: [(&'static str, bool); N]) -> Option<&'static str> {
    flags.into_iter().find(|(_, set)| *set).map(|(name, _)| name)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_game_specific_kwarg_that_is_set() {
        let none = EnvKwargs::default();
        assert_eq!((none.first_atari_kwarg(), none.first_lunar_kwarg()), (None, None));
        let atari = EnvKwargs { clip_reward: Some(false), frameskip: Some(4), ..EnvKwargs::default() };
        assert_eq!(atari.first_atari_kwarg(), Some("frameskip"));
        assert_eq!(atari.first_lunar_kwarg(), None);
        let lunar = EnvKwargs { turbulence_power: Some(1.0), max_episode_steps: Some(5), ..EnvKwargs::default() };
        assert_eq!(lunar.first_lunar_kwarg(), Some("turbulence_power"));
        assert_eq!(lunar.first_atari_kwarg(), None, "max_episode_steps is for every id");
    }
}
