//! FrozenLake, ported from Gymnasium 1.4.0's `FrozenLakeEnv` (with its default
//! `success_rate = 1/3` and `reward_schedule = (1, 0, 0)`).
//!
//! The agent walks from `S` to `G` on a grid of frozen tiles `F` and holes `H`. Actions are
//! 0 = left, 1 = down, 2 = right, 3 = up; moves into the border leave the agent in place.
//! On slippery ice the agent moves in the intended direction or in one of the two perpendicular
//! directions, each with probability 1/3. Reaching `G` gives reward 1; `G` and `H` end the
//! episode (`terminated`). The state is `row * ncol + col`.

use super::tabular::{tabular_env, Tabular, Transition};
use crate::env::EnvError;

/// Gymnasium's built-in 4x4 map.
const MAP_4X4: [&str; 4] = ["SFFF", "FHFH", "FFFH", "HFFG"];

/// Gymnasium's built-in 8x8 map.
const MAP_8X8: [&str; 8] =
    ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"];

/// Number of actions (left, down, right, up).
const N_ACTIONS: usize = 4;

/// The FrozenLake grid world.
#[derive(Debug, Clone)]
pub struct FrozenLake {
    core: Tabular,
    desc: &'static [&'static str],
    is_slippery: bool,
}

impl FrozenLake {
    /// Builds the lake `map_name` (`"4x4"` or `"8x8"`), slippery or not, under the id `id`.
    pub fn new(id: &str, map_name: &str, is_slippery: bool) -> Result<Self, EnvError> {
        let desc: &'static [&'static str] = match map_name {
            "4x4" => &MAP_4X4,
            "8x8" => &MAP_8X8,
            other => {
                return Err(EnvError::BadKwarg(format!(
                    "{id}: unknown map_name '{other}'; the built-in maps are \"4x4\" and \"8x8\""
                )))
            }
        };
        let grid: Vec<&[u8]> = desc.iter().map(|row| row.as_bytes()).collect();
        let (nrow, ncol) = (grid.len(), grid[0].len());
        let success = 1.0 / 3.0;
        let fail = (1.0 - success) / 2.0;
        // Where action `a` leads from (row, col), and what landing there gives.
        let land = |row: usize, col: usize, a: usize| -> (usize, f64, bool) {
            let (r, c) = match a {
                0 => (row, col.saturating_sub(1)),
                1 => ((row + 1).min(nrow - 1), col),
                2 => (row, (col + 1).min(ncol - 1)),
                _ => (row.saturating_sub(1), col),
            };
            let tile = grid[r][c];
            (r * ncol + c, if tile == b'G' { 1.0 } else { 0.0 }, tile == b'G' || tile == b'H')
        };
        let outcomes = |s: usize, a: usize| -> Vec<Transition> {
            let (row, col) = (s / ncol, s % ncol);
            if matches!(grid[row][col], b'G' | b'H') {
                return vec![(1.0, s, 0.0, true)];
            }
            if !is_slippery {
                let (next, r, done) = land(row, col, a);
                return vec![(1.0, next, r, done)];
            }
            [(a + 3) % 4, a, (a + 1) % 4]
                .into_iter()
                .map(|b| {
                    let (next, r, done) = land(row, col, b);
                    (if b == a { success } else { fail }, next, r, done)
                })
                .collect()
        };
        let starts = grid.iter().flat_map(|row| row.iter()).filter(|&&t| t == b'S').count() as f64;
        let initial =
            grid.iter().flat_map(|row| row.iter()).map(|&t| (if t == b'S' { 1.0 } else { 0.0 }) / starts).collect();
        Ok(Self { core: Tabular::new(id, nrow * ncol, N_ACTIONS, outcomes, initial), desc, is_slippery })
    }

    /// The map rows (`S` start, `F` frozen, `H` hole, `G` goal).
    pub fn desc(&self) -> &'static [&'static str] {
        self.desc
    }

    /// Whether the ice is slippery.
    pub fn is_slippery(&self) -> bool {
        self.is_slippery
    }
}

tabular_env!(FrozenLake);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, Obs};

    fn episode(env: &mut FrozenLake, seed: u64) -> Vec<usize> {
        let (obs, _) = env.reset(Some(seed));
        let mut states = vec![obs.as_discrete().unwrap()];
        for t in 0..100 {
            let step = env.step(t % 4).unwrap();
            states.push(step.obs.as_discrete().unwrap());
            if step.done() {
                break;
            }
        }
        states
    }

    #[test]
    fn protocol_errors_instead_of_panics() {
        let mut env = FrozenLake::new("FrozenLake-v1", "4x4", true).unwrap();
        assert_eq!(env.step(0), Err(EnvError::NotReset));
        env.reset(Some(0));
        assert!(matches!(env.step(4), Err(EnvError::InvalidAction { action: 4, .. })));
        env.set_state(5).unwrap(); // a hole
        assert!(env.step(0).unwrap().terminated);
        assert_eq!(env.step(0), Err(EnvError::EpisodeOver));
        assert!(env.set_state(16).is_err());
    }

    #[test]
    fn unknown_map_is_a_bad_kwarg() {
        let err = FrozenLake::new("FrozenLake-v1", "5x5", true).unwrap_err();
        assert!(matches!(&err, EnvError::BadKwarg(m) if m.contains("5x5") && m.contains("8x8")));
    }

    #[test]
    fn same_seed_same_episode_different_seed_different() {
        let mut env = FrozenLake::new("FrozenLake8x8-v1", "8x8", true).unwrap();
        let a = episode(&mut env, 1);
        assert_eq!(a, episode(&mut env, 1));
        assert!((2..20).any(|s| episode(&mut env, s) != a));
    }

    #[test]
    fn slippery_table_follows_the_one_third_rule() {
        let env = FrozenLake::new("FrozenLake-v1", "4x4", true).unwrap();
        assert_eq!(env.n_states(), 16);
        // From the start corner, "down" slips left (stays), down, or right.
        let t = env.transitions(0, 1);
        let next: Vec<usize> = t.iter().map(|o| o.1).collect();
        assert_eq!(next, vec![0, 4, 1]);
        assert!((t.iter().map(|o| o.0).sum::<f64>() - 1.0).abs() < 1e-12);
        // Right of state 14 is the goal.
        assert!(env.transitions(14, 2).iter().any(|&(_, s, r, done)| s == 15 && r == 1.0 && done));
        // Holes and the goal are absorbing.
        assert_eq!(env.transitions(15, 0), &[(1.0, 15, 0.0, true)]);
    }

    #[test]
    fn deterministic_lake_moves_as_told() {
        let mut env = FrozenLake::new("FrozenLake-v1", "4x4", false).unwrap();
        assert_eq!(env.reset(Some(3)).0, Obs::Discrete(0));
        let path = [1, 1, 2, 2, 1, 2];
        let mut last = None;
        for a in path {
            last = Some(env.step(a).unwrap());
        }
        let last = last.unwrap();
        assert_eq!((last.obs, last.reward, last.terminated), (Obs::Discrete(15), 1.0, true));
        assert_eq!(last.info.get("prob"), Some(1.0));
    }
}
