//! Exploration schedules: epsilon as a function of the env step and the episode count.

use serde::{Deserialize, Serialize};

/// An epsilon schedule (the `[dqn.epsilon]` table, selected by `kind`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum EpsilonSchedule {
    /// `end + (start - end) * exp(-step / decay)`, per env step (the PyTorch DQN tutorial:
    /// start 0.9, end 0.05, decay 200).
    Exponential {
        /// Value at step 0.
        start: f64,
        /// Asymptote.
        end: f64,
        /// Decay constant in steps.
        decay: f64,
    },
    /// Linear from `start` to `end` over `steps` env steps, or, when `steps` is 0, over
    /// `fraction` of the run's `total_steps` (CleanRL's exploration_fraction); then constant.
    Linear {
        /// Value at step 0.
        start: f64,
        /// Final value.
        end: f64,
        /// Fraction of the total steps over which to decay (used when `steps` is 0).
        #[serde(default)]
        fraction: f64,
        /// Number of steps over which to decay (overrides `fraction` when > 0).
        #[serde(default)]
        steps: u64,
    },
    /// `max(end, start * factor^episodes)`: multiplied by `factor` after each episode
    /// (the UCLA Breakout-RAM project: 0.995 per episode down to 0.01).
    PerEpisode {
        /// Value in the first episode.
        start: f64,
        /// Floor.
        end: f64,
        /// Multiplier applied after every finished episode.
        factor: f64,
    },
    /// A fixed value.
    Constant {
        /// The value.
        value: f64,
    },
}

impl EpsilonSchedule {
    /// Epsilon at env step `step` (0-based) after `episodes` finished episodes, in a run of
    /// `total_steps` steps.
    pub fn value(&self, step: u64, episodes: u64, total_steps: u64) -> f64 {
        match *self {
            EpsilonSchedule::Exponential { start, end, decay } => end + (start - end) * (-(step as f64) / decay).exp(),
            EpsilonSchedule::Linear { start, end, fraction, steps } => {
                let duration = if steps > 0 { steps as f64 } else { fraction * total_steps as f64 };
                if duration <= 0.0 {
                    return end;
                }
                let t = (step as f64 / duration).min(1.0);
                start + t * (end - start)
            }
            EpsilonSchedule::PerEpisode { start, end, factor } => (start * factor.powf(episodes as f64)).max(end),
            EpsilonSchedule::Constant { value } => value,
        }
    }

    /// Checks the parameters, naming the offending one.
    pub fn validate(&self) -> Result<(), String> {
        let unit = |name: &str, v: f64| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(format!("epsilon.{name} must be in [0, 1], got {v}"))
            }
        };
        match *self {
            EpsilonSchedule::Exponential { start, end, decay } => {
                unit("start", start)?;
                unit("end", end)?;
                if decay <= 0.0 {
                    return Err(format!("epsilon.decay must be > 0, got {decay}"));
                }
            }
            EpsilonSchedule::Linear { start, end, fraction, steps } => {
                unit("start", start)?;
                unit("end", end)?;
                if steps == 0 && !(fraction > 0.0 && fraction <= 1.0) {
                    return Err(format!("epsilon.fraction must be in (0, 1] when epsilon.steps is 0, got {fraction}"));
                }
            }
            EpsilonSchedule::PerEpisode { start, end, factor } => {
                unit("start", start)?;
                unit("end", end)?;
                if !(factor > 0.0 && factor <= 1.0) {
                    return Err(format!("epsilon.factor must be in (0, 1], got {factor}"));
                }
            }
            EpsilonSchedule::Constant { value } => unit("value", value)?,
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn exponential_matches_the_tutorial_formula() {
        let s = EpsilonSchedule::Exponential { start: 0.9, end: 0.05, decay: 200.0 };
        assert!(close(s.value(0, 0, 0), 0.9));
        assert!(close(s.value(200, 0, 0), 0.05 + 0.85 * (-1.0f64).exp()));
        assert!(close(s.value(1000, 5, 0), 0.05 + 0.85 * (-5.0f64).exp()));
        assert!(s.value(100_000, 0, 0) - 0.05 < 1e-12);
    }

    #[test]
    fn linear_over_a_fraction_like_cleanrl() {
        // CleanRL: 1 -> 0.05 over 50% of 500k steps.
        let s = EpsilonSchedule::Linear { start: 1.0, end: 0.05, fraction: 0.5, steps: 0 };
        assert!(close(s.value(0, 0, 500_000), 1.0));
        assert!(close(s.value(125_000, 0, 500_000), 0.525));
        assert!(close(s.value(250_000, 0, 500_000), 0.05));
        assert!(close(s.value(400_000, 0, 500_000), 0.05));
    }

    #[test]
    fn linear_over_steps_like_lapan() {
        // Lapan: 1.0 -> 0.02 over 100k frames.
        let s = EpsilonSchedule::Linear { start: 1.0, end: 0.02, fraction: 0.0, steps: 100_000 };
        assert!(close(s.value(50_000, 0, 1), 0.51));
        assert!(close(s.value(100_000, 0, 1), 0.02));
        assert!(close(s.value(10_000_000, 0, 1), 0.02));
    }

    #[test]
    fn per_episode_multiplies_and_floors() {
        let s = EpsilonSchedule::PerEpisode { start: 1.0, end: 0.01, factor: 0.995 };
        assert!(close(s.value(0, 0, 0), 1.0));
        assert!(close(s.value(999, 1, 0), 0.995));
        assert!(close(s.value(0, 100, 0), 0.995f64.powi(100)));
        assert!(close(s.value(0, 10_000, 0), 0.01));
    }

    #[test]
    fn bad_parameters_are_named() {
        let s = EpsilonSchedule::Linear { start: 1.5, end: 0.1, fraction: 0.1, steps: 0 };
        assert!(s.validate().unwrap_err().contains("epsilon.start"));
        let s = EpsilonSchedule::Exponential { start: 0.9, end: 0.05, decay: 0.0 };
        assert!(s.validate().unwrap_err().contains("epsilon.decay"));
    }
}
