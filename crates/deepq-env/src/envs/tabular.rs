//! The machinery shared by the tabular (toy-text) ports: a transition table in Gymnasium's `P`
//! layout, an initial-state distribution, and the reset/step protocol around them.

use super::rng::{categorical, EnvRng};
use crate::env::{EnvError, EpisodeGuard, Info};
use crate::space::Space;

/// One possible outcome of a transition, as in Gymnasium's `P[s][a]`:
/// `(probability, next_state, reward, terminated)`.
pub type Transition = (f64, usize, f64, bool);

/// State, spaces, RNG and episode protocol of a tabular environment.
#[derive(Debug, Clone)]
pub(crate) struct Tabular {
    pub(crate) id: String,
    pub(crate) observation_space: Space,
    pub(crate) action_space: Space,
    n_actions: usize,
    /// Outcomes of `(s, a)` at index `s * n_actions + a`.
    table: Vec<Vec<Transition>>,
    initial: Vec<f64>,
    pub(crate) state: usize,
    guard: EpisodeGuard,
    rng: EnvRng,
    /// The `info` of a reset (probability 1) or a step: `(probability, state) -> Info`.
    pub(crate) info: fn(f64, usize) -> Info,
}

/// The `info` Gymnasium's toy-text envs return: the outcome's probability.
pub(crate) fn prob_info(prob: f64, _state: usize) -> Info {
    Info::new().with("prob", prob)
}

impl Tabular {
    /// A tabular environment with `n_states` states; `outcomes(s, a)` lists the outcomes of each
    /// pair and `initial` is the reset distribution (one probability per state).
    pub(crate) fn new(
        id: &str,
        n_states: usize,
        n_actions: usize,
        mut outcomes: impl FnMut(usize, usize) -> Vec<Transition>,
        initial: Vec<f64>,
    ) -> Self {
        debug_assert_eq!(initial.len(), n_states);
        let table =
            (0..n_states).flat_map(|s| (0..n_actions).map(move |a| (s, a))).map(|(s, a)| outcomes(s, a)).collect();
        Self {
            id: id.to_string(),
            observation_space: Space::Discrete { n: n_states },
            action_space: Space::Discrete { n: n_actions },
            n_actions,
            table,
            initial,
            state: 0,
            guard: EpisodeGuard::NeedsReset,
            rng: EnvRng::default(),
            info: prob_info,
        }
    }

    /// The same environment with another `info` for resets and steps.
    pub(crate) fn with_info(self, info: fn(f64, usize) -> Info) -> Self {
        Self { info, ..self }
    }

    /// Number of states.
    pub(crate) fn n_states(&self) -> usize {
        self.initial.len()
    }

    /// Outcomes of taking `a` in `s`. Panics if `s` or `a` is out of range.
    pub(crate) fn transitions(&self, s: usize, a: usize) -> &[Transition] {
        assert!(s < self.n_states() && a < self.n_actions, "state {s} / action {a} out of range");
        &self.table[s * self.n_actions + a]
    }

    /// The random stream's state ([`Env::rng_state`](crate::Env::rng_state)).
    pub(crate) fn rng_state(&self) -> Vec<u8> {
        self.rng.state()
    }

    /// Restores [`Tabular::rng_state`]; false for bytes that are not such a state.
    pub(crate) fn set_rng_state(&mut self, state: &[u8]) -> bool {
        self.rng.set_state(state)
    }

    /// Starts an episode in a state drawn from the initial distribution.
    pub(crate) fn reset(&mut self, seed: Option<u64>) -> usize {
        self.rng.reseed(seed);
        let u = self.rng.uniform();
        self.state = categorical(self.initial.iter().copied(), u);
        self.guard = EpisodeGuard::Running;
        self.state
    }

    /// Puts the environment in state `s` and marks the episode as running.
    pub(crate) fn set_state(&mut self, s: usize) -> Result<(), EnvError> {
        if s >= self.n_states() {
            return Err(EnvError::Other(format!(
                "{}: state {s} is out of range (the environment has {} states)",
                self.id,
                self.n_states()
            )));
        }
        self.state = s;
        self.guard = EpisodeGuard::Running;
        Ok(())
    }

    /// Takes `action`, picking the outcome with the uniform draw `u` (or a fresh draw from the
    /// environment's RNG when `u` is `None` and there is more than one outcome).
    pub(crate) fn step(&mut self, action: usize, u: Option<f64>) -> Result<Transition, EnvError> {
        self.guard.check_step(action, &self.action_space)?;
        let outcomes = &self.table[self.state * self.n_actions + action];
        let index = match (outcomes.len(), u) {
            (_, Some(u)) => categorical(outcomes.iter().map(|t| t.0), u),
            (1, None) => 0,
            (_, None) => categorical(outcomes.iter().map(|t| t.0), self.rng.uniform()),
        };
        let outcome = outcomes[index];
        self.state = outcome.1;
        self.guard.after_step(outcome.3);
        Ok(outcome)
    }
}

/// Gives a tabular env type (a struct with a `core: Tabular` field) the public methods every
/// tabular port has (`n_states`, `state`, `transitions`, `set_state`, `step_with_uniform`) and its
/// [`Env`](crate::Env) implementation, all delegating to the core.
macro_rules! tabular_env {
    ($ty:ty) => {
        impl $ty {
            /// Number of states.
            pub fn n_states(&self) -> usize {
                self.core.n_states()
            }

            /// The current state.
            pub fn state(&self) -> usize {
                self.core.state
            }

            /// Gymnasium's `P[s][a]`: the possible outcomes of action `a` in state `s`.
            /// Panics if `s` or `a` is out of range.
            pub fn transitions(&self, s: usize, a: usize) -> &[$crate::envs::tabular::Transition] {
                self.core.transitions(s, a)
            }

            /// Moves the agent to state `s` and lets the episode continue from there (for tests
            /// and planning); errors if `s` is out of range.
            pub fn set_state(&mut self, s: usize) -> Result<(), $crate::env::EnvError> {
                self.core.set_state(s)
            }

            /// Like [`Env::step`](crate::Env::step), but the outcome is chosen by the given
            /// uniform draw `u` in `[0, 1)` instead of the environment's RNG (replays Gymnasium
            /// traces draw for draw).
            pub fn step_with_uniform(
                &mut self,
                action: usize,
                u: f64,
            ) -> Result<$crate::env::Step, $crate::env::EnvError> {
                self.tabular_step(action, Some(u))
            }

            fn tabular_step(
                &mut self,
                action: usize,
                u: Option<f64>,
            ) -> Result<$crate::env::Step, $crate::env::EnvError> {
                let (prob, next, reward, terminated) = self.core.step(action, u)?;
                Ok($crate::env::Step {
                    obs: $crate::env::Obs::Discrete(next),
                    reward,
                    terminated,
                    truncated: false,
                    info: (self.core.info)(prob, next),
                })
            }
        }

        impl $crate::env::Env for $ty {
            fn id(&self) -> &str {
                &self.core.id
            }
            fn observation_space(&self) -> &$crate::space::Space {
                &self.core.observation_space
            }
            fn action_space(&self) -> &$crate::space::Space {
                &self.core.action_space
            }
            fn rng_state(&self) -> Option<Vec<u8>> {
                Some(self.core.rng_state())
            }
            fn set_rng_state(&mut self, state: &[u8]) -> bool {
                self.core.set_rng_state(state)
            }
            fn reset(&mut self, seed: Option<u64>) -> ($crate::env::Obs, $crate::env::Info) {
                let s = self.core.reset(seed);
                ($crate::env::Obs::Discrete(s), (self.core.info)(1.0, s))
            }
            fn step(&mut self, action: usize) -> Result<$crate::env::Step, $crate::env::EnvError> {
                self.tabular_step(action, None)
            }
        }
    };
}
pub(crate) use tabular_env;
