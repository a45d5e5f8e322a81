//! CartPole, ported from Gymnasium 1.4.0's `CartPoleEnv` (default Euler integrator, default
//! reward: +1 on every step, the terminating one included).
//!
//! The physics runs in `f64` on the state `[x, x_dot, theta, theta_dot]`; observations are the
//! state rounded to `f32`, as Gymnasium returns them. Gymnasium 1.4.0 keeps the state in
//! float64 after `reset` too (the reset draw is not rounded to float32), and so does this port.
//! Action 0 pushes the cart left, action 1 right. The episode terminates when
//! `|x| > 2.4` or `|theta| > 12°`; the time limit (200 for v0, 500 for v1) comes from the
//! registry's `TimeLimit`.

use super::rng::EnvRng;
use crate::env::{Env, EnvError, EpisodeGuard, Info, Obs, RgbFrame, Step};
use crate::space::{Dtype, Space};
use render::CartPoleRenderer;

pub mod render;

/// Gravity (m/s²).
const GRAVITY: f64 = 9.8;
/// Mass of the cart (kg).
const MASSCART: f64 = 1.0;
/// Mass of the pole (kg).
const MASSPOLE: f64 = 0.1;
/// Half the pole's length (m).
pub const LENGTH: f64 = 0.5;
/// Magnitude of the push (N).
const FORCE_MAG: f64 = 10.0;
/// Seconds between state updates.
const TAU: f64 = 0.02;
/// Cart position beyond which the episode terminates.
pub const X_THRESHOLD: f64 = 2.4;
/// Pole angle (rad) beyond which the episode terminates: 12 degrees.
pub const THETA_THRESHOLD_RADIANS: f64 = 12.0 * 2.0 * std::f64::consts::PI / 360.0;
/// Reset draws each state variable uniformly from `[-RESET_BOUND, RESET_BOUND)`.
const RESET_BOUND: f64 = 0.05;

/// The cart-pole balancing task.
#[derive(Debug, Clone)]
pub struct CartPole {
    id: String,
    observation_space: Space,
    action_space: Space,
    state: [f64; 4],
    guard: EpisodeGuard,
    rng: EnvRng,
    /// Created on the first `render` call, then reused.
    renderer: Option<Box<CartPoleRenderer>>,
}

impl CartPole {
    /// Builds the environment under the id `id` (`CartPole-v0` or `CartPole-v1`).
    pub fn new(id: &str) -> Self {
        // Gymnasium's bounds: twice the termination thresholds, unbounded velocities.
        let high = [(X_THRESHOLD * 2.0) as f32, f32::INFINITY, (THETA_THRESHOLD_RADIANS * 2.0) as f32, f32::INFINITY];
        Self {
            id: id.to_string(),
            observation_space: Space::Box {
                shape: vec![4],
                low: high.iter().map(|h| -h).collect(),
                high: high.to_vec(),
                dtype: Dtype::F32,
            },
            action_space: Space::Discrete { n: 2 },
            state: [0.0; 4],
            guard: EpisodeGuard::NeedsReset,
            rng: EnvRng::default(),
            renderer: None,
        }
    }

    /// The physical state `[x, x_dot, theta, theta_dot]` in full `f64` precision.
    pub fn state(&self) -> [f64; 4] {
        self.state
    }

    /// Alias of [`CartPole::state`], named after what it holds.
    pub fn physics_state(&self) -> [f64; 4] {
        self.state
    }

    /// Overwrites the physical state and lets the episode continue from it (for tests and
    /// replaying recorded episodes).
    pub fn set_state(&mut self, s: [f64; 4]) {
        self.state = s;
        self.guard = EpisodeGuard::Running;
    }

    /// The observation of the current state (`f32` rounding of the state).
    pub fn observation(&self) -> Obs {
        Obs::F32(self.state.iter().map(|&v| v as f32).collect())
    }

    /// Whether `state` is outside the allowed cart position or pole angle.
    // Plain comparisons on purpose: like the reference, a NaN state does not count as failed.
    #[allow(clippy::manual_range_contains)]
    pub fn is_failed(state: &[f64; 4]) -> bool {
        let [x, _, theta, _] = *state;
        x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD_RADIANS || theta > THETA_THRESHOLD_RADIANS
    }

    /// One Euler step of the dynamics under `action` (0 = push left, 1 = push right).
    pub fn dynamics(state: &[f64; 4], action: usize) -> [f64; 4] {
        let total_mass = MASSPOLE + MASSCART;
        let polemass_length = MASSPOLE * LENGTH;
        let [x, x_dot, theta, theta_dot] = *state;
        let force = if action == 1 { FORCE_MAG } else { -FORCE_MAG };
        let (sintheta, costheta) = (theta.sin(), theta.cos());
        // Same operation order as the reference, so results agree to the last bit whenever the
        // platform's sin/cos do.
        let temp = (force + polemass_length * (theta_dot * theta_dot) * sintheta) / total_mass;
        let thetaacc = (GRAVITY * sintheta - costheta * temp)
            / (LENGTH * (4.0 / 3.0 - MASSPOLE * (costheta * costheta) / total_mass));
        let xacc = temp - polemass_length * thetaacc * costheta / total_mass;
        [x + TAU * x_dot, x_dot + TAU * xacc, theta + TAU * theta_dot, theta_dot + TAU * thetaacc]
    }
}

impl Env for CartPole {
    fn id(&self) -> &str {
        &self.id
    }
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }
    fn action_space(&self) -> &Space {
        &self.action_space
    }
    fn rng_state(&self) -> Option<Vec<u8>> {
        Some(self.rng.state())
    }
    fn set_rng_state(&mut self, state: &[u8]) -> bool {
        self.rng.set_state(state)
    }
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.rng.reseed(seed);
        for v in &mut self.state {
            *v = -RESET_BOUND + (RESET_BOUND - -RESET_BOUND) * self.rng.uniform();
        }
        self.guard = EpisodeGuard::Running;
        (self.observation(), Info::new())
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.guard.check_step(action, &self.action_space)?;
        self.state = Self::dynamics(&self.state, action);
        let terminated = Self::is_failed(&self.state);
        self.guard.after_step(terminated);
        Ok(Step { obs: self.observation(), reward: 1.0, terminated, truncated: false, info: Info::new() })
    }
    /// Gymnasium's `rgb_array` picture (600x400) of the current state; before the first reset
    /// it shows the all-zero state.
    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        Ok(self.renderer.get_or_insert_with(Default::default).render(&self.state))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(env: &mut CartPole, seed: u64) -> Vec<Vec<f32>> {
        let (obs, _) = env.reset(Some(seed));
        let mut out = vec![obs.as_f32().unwrap().to_vec()];
        for t in 0..30 {
            let step = env.step(t % 2).unwrap();
            out.push(step.obs.as_f32().unwrap().to_vec());
            if step.done() {
                break;
            }
        }
        out
    }

    #[test]
    fn protocol_errors_instead_of_panics() {
        let mut env = CartPole::new("CartPole-v1");
        assert_eq!(env.step(0), Err(EnvError::NotReset));
        env.reset(Some(0));
        assert!(matches!(env.step(2), Err(EnvError::InvalidAction { action: 2, .. })));
        env.set_state([2.399, 1.0, 0.0, 0.0]);
        let s = env.step(1).unwrap();
        assert!(s.terminated && !s.truncated && s.reward == 1.0);
        assert_eq!(env.step(1), Err(EnvError::EpisodeOver));
    }

    #[test]
    fn reset_draws_within_bounds_and_keeps_f64() {
        let mut env = CartPole::new("CartPole-v1");
        for seed in 0..50 {
            let (obs, info) = env.reset(Some(seed));
            assert!(info.entries().is_empty());
            let s = env.state();
            assert!(s.iter().all(|v| (-0.05..0.05).contains(v)));
            assert_eq!(obs, Obs::F32(s.iter().map(|&v| v as f32).collect()));
            assert!(s.iter().any(|&v| v != (v as f32) as f64), "state is kept in f64");
        }
    }

    #[test]
    fn same_seed_same_episode_different_seed_different() {
        let mut env = CartPole::new("CartPole-v0");
        let a = episode(&mut env, 42);
        assert_eq!(a, episode(&mut env, 42));
        assert_ne!(a, episode(&mut env, 43));
        // Unseeded resets continue the stream instead of repeating it.
        env.reset(Some(42));
        let (b, _) = env.reset(None);
        assert_ne!(b.as_f32().unwrap(), &a[0][..]);
    }

    #[test]
    fn observation_space_matches_gymnasium() {
        let env = CartPole::new("CartPole-v1");
        let Space::Box { high, low, shape, dtype } = env.observation_space() else { panic!("not a box") };
        assert_eq!((shape.as_slice(), *dtype), (&[4][..], Dtype::F32));
        assert_eq!(high[0], 4.8);
        assert!((high[2] - 0.41887903).abs() < 1e-7);
        assert!(high[1].is_infinite() && high[3].is_infinite());
        assert_eq!(low[0], -4.8);
    }

    #[test]
    fn one_step_by_hand() {
        // theta = 0, theta_dot = 0: temp = F / M, thetaacc = -temp / (l (4/3 - m/M)).
        let s = CartPole::dynamics(&[0.0, 0.0, 0.0, 0.0], 1);
        let temp = 10.0 / 1.1;
        let thetaacc = -temp / (0.5 * (4.0 / 3.0 - 0.1 / 1.1));
        let xacc = temp - 0.05 * thetaacc / 1.1;
        assert_eq!(s, [0.0, 0.02 * xacc, 0.0, 0.02 * thetaacc]);
    }
}
