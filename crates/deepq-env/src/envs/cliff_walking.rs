//! CliffWalking, ported from Gymnasium 1.4.0's `CliffWalkingEnv` (ids `CliffWalking-v1` and
//! `CliffWalkingSlippery-v1`).
//!
//! A 4x12 grid; the agent starts at the bottom-left cell (state 36) and the goal is the
//! bottom-right cell (state 47). The cells between them on the bottom row are the cliff.
//! Actions are 0 = up, 1 = right, 2 = down, 3 = left; moves into the border leave the agent in
//! place. Every step costs -1; stepping onto the cliff costs -100 and sends the agent back to
//! the start **without** ending the episode. Only reaching the goal terminates. Gymnasium
//! registers no time limit for it. With `is_slippery` the agent moves in the intended or in one
//! of the two perpendicular directions, each with probability 1/3 (the v1 addition).
//! The state is `row * 12 + col`.

use super::tabular::{tabular_env, Tabular, Transition};

/// Grid rows.
const ROWS: usize = 4;
/// Grid columns.
const COLS: usize = 12;
/// Number of actions (up, right, down, left).
const N_ACTIONS: usize = 4;

/// The CliffWalking grid world.
#[derive(Debug, Clone)]
pub struct CliffWalking {
    core: Tabular,
    is_slippery: bool,
}

impl CliffWalking {
    /// The start state (bottom-left).
    pub const START: usize = 36;
    /// The goal state (bottom-right).
    pub const GOAL: usize = 47;

    /// Builds the cliff walk under the id `id`, slippery or not.
    pub fn new(id: &str, is_slippery: bool) -> Self {
        let is_cliff = |r: usize, c: usize| r == ROWS - 1 && c > 0 && c < COLS - 1;
        let moved = |s: usize, a: usize| -> (usize, usize) {
            let (r, c) = (s / COLS, s % COLS);
            match a {
                0 => (r.saturating_sub(1), c),
                1 => (r, (c + 1).min(COLS - 1)),
                2 => ((r + 1).min(ROWS - 1), c),
                _ => (r, c.saturating_sub(1)),
            }
        };
        let outcomes = |s: usize, a: usize| -> Vec<Transition> {
            let dirs = if is_slippery { vec![(a + 3) % 4, a, (a + 1) % 4] } else { vec![a] };
            let p = 1.0 / dirs.len() as f64;
            dirs.into_iter()
                .map(|d| {
                    let (r, c) = moved(s, d);
                    let next = r * COLS + c;
                    if is_cliff(r, c) {
                        (p, Self::START, -100.0, false)
                    } else {
                        (p, next, -1.0, next == Self::GOAL)
                    }
                })
                .collect()
        };
        let mut initial = vec![0.0; ROWS * COLS];
        initial[Self::START] = 1.0;
        Self { core: Tabular::new(id, ROWS * COLS, N_ACTIONS, outcomes, initial), is_slippery }
    }

    /// Whether moves can slip sideways.
    pub fn is_slippery(&self) -> bool {
        self.is_slippery
    }
}

tabular_env!(CliffWalking);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, EnvError, Obs};

    fn episode(env: &mut CliffWalking, seed: u64) -> Vec<usize> {
        let (obs, _) = env.reset(Some(seed));
        let mut states = vec![obs.as_discrete().unwrap()];
        for t in 0..200 {
            let step = env.step((t * 7 + t / 3) % 4).unwrap();
            states.push(step.obs.as_discrete().unwrap());
            if step.done() {
                break;
            }
        }
        states
    }

    #[test]
    fn protocol_errors_instead_of_panics() {
        let mut env = CliffWalking::new("CliffWalking-v1", false);
        assert_eq!(env.step(0), Err(EnvError::NotReset));
        assert_eq!(env.reset(None).0, Obs::Discrete(CliffWalking::START));
        assert!(matches!(env.step(9), Err(EnvError::InvalidAction { .. })));
        env.set_state(35).unwrap();
        let s = env.step(2).unwrap();
        assert_eq!((s.obs, s.reward, s.terminated), (Obs::Discrete(CliffWalking::GOAL), -1.0, true));
        assert_eq!(env.step(0), Err(EnvError::EpisodeOver));
    }

    #[test]
    fn the_cliff_costs_100_and_returns_to_start_without_ending() {
        let mut env = CliffWalking::new("CliffWalking-v1", false);
        env.reset(Some(0));
        let s = env.step(1).unwrap();
        assert_eq!((s.obs, s.reward, s.terminated), (Obs::Discrete(CliffWalking::START), -100.0, false));
        let s = env.step(0).unwrap();
        assert_eq!((s.obs, s.reward, s.terminated), (Obs::Discrete(24), -1.0, false));
        assert_eq!(env.transitions(24, 3), &[(1.0, 24, -1.0, false)]);
    }

    #[test]
    fn same_seed_same_episode_different_seed_different() {
        let mut env = CliffWalking::new("CliffWalkingSlippery-v1", true);
        let a = episode(&mut env, 11);
        assert_eq!(a, episode(&mut env, 11));
        assert!((12..30).any(|s| episode(&mut env, s) != a));
    }

    #[test]
    fn slippery_moves_have_three_outcomes() {
        let env = CliffWalking::new("CliffWalkingSlippery-v1", true);
        // Right from the start: up (24), right (cliff -> start), down (border -> start).
        let t = env.transitions(36, 1);
        assert_eq!(t.len(), 3);
        assert_eq!(t[0], (1.0 / 3.0, 24, -1.0, false));
        assert_eq!(t[1], (1.0 / 3.0, 36, -100.0, false));
        assert_eq!(t[2], (1.0 / 3.0, 36, -1.0, false));
    }
}
