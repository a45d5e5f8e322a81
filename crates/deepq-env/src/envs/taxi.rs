//! Taxi, ported from Gymnasium 1.4.0's `TaxiEnv` with its registered defaults (`Taxi-v4`:
//! `is_rainy = false`, `fickle_passenger = false`, i.e. the deterministic taxi of `Taxi-v3`).
//!
//! A 5x5 grid with four pads R (0,0), G (0,4), Y (4,0) and B (4,3) and these walls:
//!
//! ```text
//! +---------+
//! |R: | : :G|
//! | : | : : |
//! | : : : : |
//! | | : | : |
//! |Y| : |B: |
//! +---------+
//! ```
//!
//! Actions: 0 = south, 1 = north, 2 = east, 3 = west, 4 = pick up, 5 = drop off. The state is
//! `((taxi_row * 5 + taxi_col) * 5 + passenger_location) * 4 + destination` where a passenger
//! location of 4 means "in the taxi". Every step gives -1, except an illegal pick-up or drop-off
//! (-10) and delivering the passenger at the destination (+20, terminated). Dropping the
//! passenger at another pad leaves them there (-1). Resets are uniform over the 300 states with
//! the passenger waiting at a pad other than the destination.
//!
//! Info carries `prob` and `action_mask`, the latter encoded as a bitmask (bit `a` set when
//! action `a` changes something: Gymnasium's `action_mask` array as a number).

use super::tabular::{tabular_env, Tabular, Transition};
use crate::env::Info;

/// The map, walls included (`|` is a wall, `:` an open passage).
const MAP: [&str; 7] =
    ["+---------+", "|R: | : :G|", "| : | : : |", "| : : : : |", "| | : | : |", "|Y| : |B: |", "+---------+"];

/// The pads R, G, Y, B as (row, col).
pub const LOCS: [(usize, usize); 4] = [(0, 0), (0, 4), (4, 0), (4, 3)];

/// Number of states.
const N_STATES: usize = 500;
/// Number of actions.
const N_ACTIONS: usize = 6;
/// Grid side.
const SIDE: usize = 5;

/// Whether the map has an open passage at text row `1 + row`, text column `text_col`.
fn open(row: usize, text_col: usize) -> bool {
    MAP[1 + row].as_bytes()[text_col] == b':'
}

/// The deterministic Taxi environment.
#[derive(Debug, Clone)]
pub struct Taxi {
    core: Tabular,
}

impl Taxi {
    /// Builds the taxi under the id `id` (`Taxi-v3` or `Taxi-v4`).
    pub fn new(id: &str) -> Self {
        let outcomes = |s: usize, a: usize| -> Vec<Transition> { vec![Self::dry_transition(s, a)] };
        // Gymnasium counts the states with the passenger waiting at a pad that is not the
        // destination and normalises the counts.
        let mut initial: Vec<f64> = (0..N_STATES)
            .map(|s| {
                let (_, _, pass, dest) = Self::decode(s);
                if pass < 4 && pass != dest {
                    1.0
                } else {
                    0.0
                }
            })
            .collect();
        let total: f64 = initial.iter().sum();
        initial.iter_mut().for_each(|p| *p /= total);
        Self { core: Tabular::new(id, N_STATES, N_ACTIONS, outcomes, initial).with_info(Self::info) }
    }

    /// The one outcome of action `a` in state `s`.
    fn dry_transition(s: usize, a: usize) -> Transition {
        let (row, col, pass, dest) = Self::decode(s);
        let (mut new_row, mut new_col, mut new_pass) = (row, col, pass);
        let mut reward = -1.0;
        let mut terminated = false;
        let here = (row, col);
        match a {
            0 => new_row = (row + 1).min(SIDE - 1),
            1 => new_row = row.saturating_sub(1),
            2 if open(row, 2 * col + 2) => new_col = (col + 1).min(SIDE - 1),
            3 if open(row, 2 * col) => new_col = col.saturating_sub(1),
            4 => {
                if pass < 4 && here == LOCS[pass] {
                    new_pass = 4;
                } else {
                    reward = -10.0;
                }
            }
            5 => {
                if pass == 4 && here == LOCS[dest] {
                    new_pass = dest;
                    terminated = true;
                    reward = 20.0;
                } else if let (4, Some(pad)) = (pass, LOCS.iter().position(|&l| l == here)) {
                    new_pass = pad;
                } else {
                    reward = -10.0;
                }
            }
            _ => {}
        }
        (1.0, Self::encode(new_row, new_col, new_pass, dest), reward, terminated)
    }

    /// The state index of (taxi row, taxi col, passenger location 0..=4, destination 0..4).
    pub fn encode(taxi_row: usize, taxi_col: usize, pass_loc: usize, dest: usize) -> usize {
        ((taxi_row * 5 + taxi_col) * 5 + pass_loc) * 4 + dest
    }

    /// The inverse of [`Taxi::encode`]: (taxi row, taxi col, passenger location, destination).
    pub fn decode(state: usize) -> (usize, usize, usize, usize) {
        (state / 100, (state / 20) % 5, (state / 4) % 5, state % 4)
    }

    /// Gymnasium's `action_mask(state)` as a bitmask: bit `a` is set when action `a` does
    /// something other than bump into a wall or fail a pick-up/drop-off.
    pub fn action_mask(state: usize) -> u8 {
        let (row, col, pass, dest) = Self::decode(state);
        let here = (row, col);
        let allowed = [
            row < SIDE - 1,
            row > 0,
            col < SIDE - 1 && open(row, 2 * col + 2),
            col > 0 && open(row, 2 * col),
            pass < 4 && here == LOCS[pass],
            pass == 4 && (here == LOCS[dest] || LOCS.contains(&here)),
        ];
        allowed.iter().enumerate().fold(0, |m, (a, &ok)| m | (u8::from(ok) << a))
    }

    fn info(prob: f64, state: usize) -> Info {
        Info::new().with("prob", prob).with("action_mask", f64::from(Self::action_mask(state)))
    }
}

tabular_env!(Taxi);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::{Env, EnvError, Obs};

    fn episode(env: &mut Taxi, seed: u64) -> Vec<usize> {
        let (obs, _) = env.reset(Some(seed));
        let mut states = vec![obs.as_discrete().unwrap()];
        for t in 0..50 {
            let step = env.step(t % 6).unwrap();
            states.push(step.obs.as_discrete().unwrap());
            if step.done() {
                break;
            }
        }
        states
    }

    #[test]
    fn encode_decode_round_trip() {
        for s in 0..N_STATES {
            let (r, c, p, d) = Taxi::decode(s);
            assert!(r < 5 && c < 5 && p < 5 && d < 4);
            assert_eq!(Taxi::encode(r, c, p, d), s);
        }
        assert_eq!(Taxi::encode(3, 1, 2, 0), 328);
    }

    #[test]
    fn protocol_errors_instead_of_panics() {
        let mut env = Taxi::new("Taxi-v4");
        assert_eq!(env.step(0), Err(EnvError::NotReset));
        env.reset(Some(1));
        assert!(matches!(env.step(6), Err(EnvError::InvalidAction { .. })));
        // Passenger in the taxi at B (4,3), destination B: drop-off delivers.
        env.set_state(Taxi::encode(4, 3, 4, 3)).unwrap();
        let s = env.step(5).unwrap();
        assert_eq!((s.obs, s.reward, s.terminated), (Obs::Discrete(Taxi::encode(4, 3, 3, 3)), 20.0, true));
        assert_eq!(env.step(0), Err(EnvError::EpisodeOver));
        assert!(env.set_state(500).is_err());
    }

    #[test]
    fn walls_and_illegal_actions() {
        let env = Taxi::new("Taxi-v4");
        let at = |r, c| Taxi::encode(r, c, 0, 1);
        // Wall east of (0,1), none east of (0,0).
        assert_eq!(env.transitions(at(0, 1), 2), &[(1.0, at(0, 1), -1.0, false)]);
        assert_eq!(env.transitions(at(0, 0), 2), &[(1.0, at(0, 1), -1.0, false)]);
        // Wall west of (4,1) and of (3,1); (2,1) is open.
        assert_eq!(env.transitions(at(4, 1), 3)[0].1, at(4, 1));
        assert_eq!(env.transitions(at(2, 1), 3)[0].1, at(2, 0));
        // Pick-up away from the passenger, drop-off without one.
        assert_eq!(env.transitions(at(2, 2), 4), &[(1.0, at(2, 2), -10.0, false)]);
        assert_eq!(env.transitions(at(0, 0), 5), &[(1.0, at(0, 0), -10.0, false)]);
        // Pick-up at R, then a drop-off at the wrong pad Y leaves the passenger there.
        assert_eq!(env.transitions(at(0, 0), 4)[0].1, Taxi::encode(0, 0, 4, 1));
        assert_eq!(env.transitions(Taxi::encode(4, 0, 4, 1), 5), &[(1.0, Taxi::encode(4, 0, 2, 1), -1.0, false)]);
    }

    #[test]
    fn resets_cover_exactly_the_300_start_states() {
        let mut env = Taxi::new("Taxi-v4");
        let mut seen = vec![false; N_STATES];
        env.reset(Some(0));
        for _ in 0..20_000 {
            let s = env.reset(None).0.as_discrete().unwrap();
            let (_, _, p, d) = Taxi::decode(s);
            assert!(p < 4 && p != d, "bad start state {s}");
            seen[s] = true;
        }
        assert_eq!(seen.iter().filter(|&&b| b).count(), 300);
    }

    #[test]
    fn same_seed_same_episode_different_seed_different() {
        let mut env = Taxi::new("Taxi-v3");
        let a = episode(&mut env, 5);
        assert_eq!(a, episode(&mut env, 5));
        assert!((6..20).any(|s| episode(&mut env, s) != a));
    }

    #[test]
    fn action_mask_bits() {
        // At R with the passenger waiting there: south, east, pick-up allowed.
        assert_eq!(Taxi::action_mask(Taxi::encode(0, 0, 0, 1)), 0b010101);
        // In the taxi at Y: north, drop-off allowed (walls east and west, border south).
        assert_eq!(Taxi::action_mask(Taxi::encode(4, 0, 4, 1)), 0b100010);
    }

    #[test]
    fn info_carries_prob_and_the_action_mask_of_the_new_state() {
        let mut env = Taxi::new("Taxi-v4");
        let (obs, info) = env.reset(Some(3));
        let s = obs.as_discrete().unwrap();
        assert_eq!(info.get("prob"), Some(1.0));
        assert_eq!(info.get("action_mask"), Some(f64::from(Taxi::action_mask(s))));
        for action in [0, 3, 4, 1] {
            let step = env.step(action).unwrap();
            let next = step.obs.as_discrete().unwrap();
            assert_eq!(step.info.get("prob"), Some(1.0));
            assert_eq!(step.info.get("action_mask"), Some(f64::from(Taxi::action_mask(next))));
            let replayed = env.step_with_uniform(action, 0.5).unwrap();
            assert_eq!(replayed.info.get("action_mask"), Some(f64::from(Taxi::action_mask(env.state()))));
        }
    }
}
