//! Vectorised environments: `N` copies of an env stepped in lockstep, one action each, in the
//! calling thread or across threads.
//!
//! Autoreset follows Gymnasium 1.x's default (`AutoresetMode.NEXT_STEP`): the step that ends an
//! episode returns that episode's real last observation (so the replay stores the true final
//! transition), and the *next* call to [`VecEnv::step`] resets that env instead of stepping it.
//! That call ignores the env's action and returns the first observation of the new episode with
//! reward 0, `terminated = truncated = false` and [`VecStep::autoreset`] set: it is not a
//! transition, and learners skip it. Env `i` is seeded with `seed + i` on the first reset (as
//! `gymnasium.vector.SyncVectorEnv`), later resets continue each env's own random stream.
//!
//! [`Autoreset::SameStep`] (Gymnasium's `AutoresetMode.SAME_STEP`, and what SB3's vector envs
//! do) resets within the step that ends the episode: that step returns the new episode's first
//! observation in `obs`, the ended episode's real last observation in
//! [`VecStep::final_obs`], and the ending step's own reward, flags and info. Every step is then a
//! transition; DQN's `num_envs` uses this mode.
//!
//! Episode statistics per env (the role of Gymnasium's `RecordEpisodeStatistics`): the step
//! that ends an episode carries `episode_return` and `episode_length` in its info.

use crate::{make_with, Env, EnvError, EnvKwargs, Info, Obs, Space};
use rayon::prelude::*;

/// One env's result of a [`VecEnv::step`].
#[derive(Debug, Clone, PartialEq)]
pub struct VecStep {
    /// The observation after the action (after an autoreset: the new episode's first one).
    pub obs: Obs,
    /// The reward of the action (0 on an autoreset).
    pub reward: f64,
    /// The episode reached a terminal state.
    pub terminated: bool,
    /// The episode was cut by a limit.
    pub truncated: bool,
    /// The env's info; at an episode's end also `episode_return` and `episode_length`.
    pub info: Info,
    /// This call reset the env (its episode had ended on the previous call); not a transition
    /// ([`Autoreset::NextStep`] only).
    pub autoreset: bool,
    /// [`Autoreset::SameStep`], on the step that ended an episode: the episode's real last
    /// observation (`obs` is already the next episode's first).
    pub final_obs: Option<Obs>,
    /// [`Autoreset::SameStep`], on the step that ended an episode: the env's random state just
    /// before the reset ([`Env::rng_state`]), from which the new episode can be replayed.
    pub reset_from: Option<Vec<u8>>,
}

impl VecStep {
    /// The episode ended on this step.
    pub fn done(&self) -> bool {
        self.terminated || self.truncated
    }

    /// The observation the step's action led to: the real last one when the episode ended
    /// (also under [`Autoreset::SameStep`]).
    pub fn next_obs(&self) -> &Obs {
        self.final_obs.as_ref().unwrap_or(&self.obs)
    }
}

/// When a [`VecEnv`] resets an env whose episode ended (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Autoreset {
    /// On the next call to [`VecEnv::step`], which ignores the env's action (Gymnasium 1.x's
    /// default).
    #[default]
    NextStep,
    /// Within the step that ended the episode; the last observation is in
    /// [`VecStep::final_obs`].
    SameStep,
}

/// How [`VecEnv::step`] runs the envs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stepping {
    /// One after the other in the calling thread (best for fast envs such as CartPole).
    Serial,
    /// Across the rayon thread pool (worth it when one step costs tens of microseconds or
    /// more, such as an Atari stack).
    Threads,
}

/// One env and its bookkeeping.
struct Slot {
    env: Box<dyn Env>,
    /// The last step ended the episode: the next step resets.
    ended: bool,
    ep_return: f64,
    ep_length: u64,
}

impl Slot {
    fn step(&mut self, action: usize, mode: Autoreset) -> Result<VecStep, EnvError> {
        if self.ended {
            let (obs, info) = self.env.reset(None);
            self.ended = false;
            return Ok(VecStep {
                obs,
                reward: 0.0,
                terminated: false,
                truncated: false,
                info,
                autoreset: true,
                final_obs: None,
                reset_from: None,
            });
        }
        let s = self.env.step(action)?;
        self.ep_return += s.reward;
        self.ep_length += 1;
        let done = s.done();
        let mut info = s.info;
        if done {
            self.ended = true;
            info.set("episode_return", self.ep_return);
            info.set("episode_length", self.ep_length as f64);
            (self.ep_return, self.ep_length) = (0.0, 0);
        }
        let (mut obs, mut final_obs, mut reset_from) = (s.obs, None, None);
        if done && mode == Autoreset::SameStep {
            reset_from = self.env.rng_state();
            final_obs = Some(std::mem::replace(&mut obs, self.env.reset(None).0));
            self.ended = false;
        }
        Ok(VecStep {
            obs,
            reward: s.reward,
            terminated: s.terminated,
            truncated: s.truncated,
            info,
            autoreset: false,
            final_obs,
            reset_from,
        })
    }
}

/// `N` envs stepped in lockstep with next-step autoreset (see the module docs).
pub struct VecEnv {
    slots: Vec<Slot>,
    stepping: Stepping,
    autoreset: Autoreset,
}

impl VecEnv {
    /// `n` copies of `id` with `kwargs`.
    pub fn make(id: &str, kwargs: &EnvKwargs, n: usize, stepping: Stepping) -> Result<Self, EnvError> {
        let envs = (0..n).map(|_| make_with(id, kwargs)).collect::<Result<Vec<_>, _>>()?;
        Self::from_envs(envs, stepping)
    }

    /// Vectorises `envs`, which must have the same spaces.
    pub fn from_envs(envs: Vec<Box<dyn Env>>, stepping: Stepping) -> Result<Self, EnvError> {
        let Some(first) = envs.first() else {
            return Err(EnvError::Other("a vector env needs at least one env (num_envs >= 1)".into()));
        };
        let (obs, act) = (first.observation_space().clone(), first.action_space().clone());
        if envs.iter().any(|e| *e.observation_space() != obs || *e.action_space() != act) {
            return Err(EnvError::Other("the envs of a vector env must have the same spaces".into()));
        }
        let slots = envs.into_iter().map(|env| Slot { env, ended: false, ep_return: 0.0, ep_length: 0 }).collect();
        Ok(Self { slots, stepping, autoreset: Autoreset::NextStep })
    }

    /// The same vector env with another autoreset mode.
    pub fn with_autoreset(mut self, mode: Autoreset) -> Self {
        self.autoreset = mode;
        self
    }

    /// Env `i` itself, e.g. to save its random state or to replay an episode into it (call
    /// [`VecEnv::restart_episode`] afterwards so the statistics match).
    pub fn env_mut(&mut self, i: usize) -> &mut dyn Env {
        self.slots[i].env.as_mut()
    }

    /// Tells env `i`'s bookkeeping that its episode in flight has `ret` and `length` so far
    /// (after it was replayed through [`VecEnv::env_mut`]).
    pub fn restart_episode(&mut self, i: usize, ret: f64, length: u64) {
        let slot = &mut self.slots[i];
        (slot.ended, slot.ep_return, slot.ep_length) = (false, ret, length);
    }

    /// Number of envs.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether there are no envs (never: construction needs one).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The observation space of one env.
    pub fn observation_space(&self) -> &Space {
        self.slots[0].env.observation_space()
    }

    /// The number of actions of one env.
    pub fn n_actions(&self) -> usize {
        self.slots[0].env.n_actions()
    }

    /// Resets every env, env `i` with seed `seed + i` (or unseeded with `None`).
    pub fn reset(&mut self, seed: Option<u64>) -> Vec<(Obs, Info)> {
        self.slots
            .iter_mut()
            .enumerate()
            .map(|(i, slot)| {
                (slot.ended, slot.ep_return, slot.ep_length) = (false, 0.0, 0);
                slot.env.reset(seed.map(|s| s.wrapping_add(i as u64)))
            })
            .collect()
    }

    /// Steps env `i` with `actions[i]` (an env whose episode ended on the previous call is reset
    /// instead, see the module docs).
    pub fn step(&mut self, actions: &[usize]) -> Result<Vec<VecStep>, EnvError> {
        if actions.len() != self.slots.len() {
            return Err(EnvError::Other(format!(
                "a vector env of {} envs got {} actions",
                self.slots.len(),
                actions.len()
            )));
        }
        let mode = self.autoreset;
        match self.stepping {
            Stepping::Serial => self.slots.iter_mut().zip(actions).map(|(slot, &a)| slot.step(a, mode)).collect(),
            Stepping::Threads => self.slots.par_iter_mut().zip(actions).map(|(slot, &a)| slot.step(a, mode)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::make;

    #[test]
    fn each_env_matches_a_lone_env_with_its_own_seed() {
        let n = 3;
        let mut v = VecEnv::make("CartPole-v1", &EnvKwargs::default(), n, Stepping::Serial).unwrap();
        let mut lone: Vec<Box<dyn Env>> = (0..n).map(|_| make("CartPole-v1").unwrap()).collect();
        let first = v.reset(Some(10));
        for (i, env) in lone.iter_mut().enumerate() {
            assert_eq!(first[i].0, env.reset(Some(10 + i as u64)).0);
        }
        let mut rng = 12345u64;
        let mut resets = 0;
        for _ in 0..2000 {
            let actions: Vec<usize> = (0..n)
                .map(|_| {
                    rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (rng >> 33) as usize % 2
                })
                .collect();
            let steps = v.step(&actions).unwrap();
            for (i, s) in steps.iter().enumerate() {
                if s.autoreset {
                    // The episode ended on the previous call; the env was reset, unseeded.
                    let (obs, _) = lone[i].reset(None);
                    assert_eq!(s.obs, obs);
                    assert_eq!((s.reward, s.terminated, s.truncated), (0.0, false, false));
                    resets += 1;
                } else {
                    let expected = lone[i].step(actions[i]).unwrap();
                    assert_eq!(s.obs, expected.obs, "the real final observation is returned");
                    assert_eq!(
                        (s.reward, s.terminated, s.truncated),
                        (expected.reward, expected.terminated, expected.truncated)
                    );
                }
            }
        }
        assert!(resets > 20, "episodes ended and were reset: {resets}");
    }

    #[test]
    fn episode_statistics_are_kept_per_env() {
        let mut v = VecEnv::make("CartPole-v1", &EnvKwargs::default(), 2, Stepping::Serial).unwrap();
        v.reset(Some(0));
        let (mut returns, mut lengths) = ([0.0f64; 2], [0u64; 2]);
        let mut finished = 0;
        for t in 0..500 {
            // Env 0 always pushes left, env 1 alternates: different episode lengths.
            let steps = v.step(&[0, t % 2]).unwrap();
            for (i, s) in steps.iter().enumerate() {
                if s.autoreset {
                    continue;
                }
                returns[i] += s.reward;
                lengths[i] += 1;
                if s.done() {
                    assert_eq!(s.info.get("episode_return"), Some(returns[i]));
                    assert_eq!(s.info.get("episode_length"), Some(lengths[i] as f64));
                    (returns[i], lengths[i]) = (0.0, 0);
                    finished += 1;
                } else {
                    assert_eq!(s.info.get("episode_return"), None);
                }
            }
        }
        assert!(finished > 10);
    }

    #[test]
    fn threads_give_the_same_results_as_one_thread() {
        let run = |stepping| {
            let mut v = VecEnv::make("CartPole-v1", &EnvKwargs::default(), 4, stepping).unwrap();
            v.reset(Some(7));
            (0..300).map(|t| v.step(&[t % 2, 0, 1, (t / 3) % 2]).unwrap()).collect::<Vec<_>>()
        };
        assert_eq!(run(Stepping::Serial), run(Stepping::Threads));
    }

    #[test]
    fn same_step_autoreset_keeps_the_final_observation_and_wastes_no_step() {
        let n = 2;
        let mut v = VecEnv::make("CartPole-v1", &EnvKwargs::default(), n, Stepping::Serial)
            .unwrap()
            .with_autoreset(Autoreset::SameStep);
        let mut lone: Vec<Box<dyn Env>> = (0..n).map(|_| make("CartPole-v1").unwrap()).collect();
        v.reset(Some(3));
        for (i, env) in lone.iter_mut().enumerate() {
            env.reset(Some(3 + i as u64));
        }
        let mut ends = 0;
        for t in 0..1500usize {
            let actions = [t % 2, (t / 7) % 2];
            for (i, s) in v.step(&actions).unwrap().into_iter().enumerate() {
                assert!(!s.autoreset, "every step is a transition");
                let expected = lone[i].step(actions[i]).unwrap();
                assert_eq!(s.next_obs(), &expected.obs, "the real last observation");
                assert_eq!(
                    (s.reward, s.terminated, s.truncated),
                    (expected.reward, expected.terminated, expected.truncated)
                );
                if expected.done() {
                    ends += 1;
                    let state = lone[i].rng_state();
                    assert_eq!(s.reset_from, state, "the random state the reset started from");
                    assert_eq!(s.obs, lone[i].reset(None).0, "obs is the new episode's first");
                    assert!(s.info.get("episode_length").is_some());
                } else {
                    assert_eq!((&s.final_obs, &s.reset_from), (&None, &None));
                }
            }
        }
        assert!(ends > 20, "episodes ended: {ends}");
    }

    #[test]
    fn bad_vectors_are_clear_errors() {
        let err = VecEnv::from_envs(Vec::new(), Stepping::Serial).err().unwrap().to_string();
        assert!(err.contains("at least one env"), "{err}");
        let mixed = vec![make("CartPole-v1").unwrap(), make("FrozenLake-v1").unwrap()];
        let err = VecEnv::from_envs(mixed, Stepping::Serial).err().unwrap().to_string();
        assert!(err.contains("same spaces"), "{err}");
        let mut v = VecEnv::make("CartPole-v1", &EnvKwargs::default(), 2, Stepping::Serial).unwrap();
        v.reset(Some(0));
        let err = v.step(&[0]).unwrap_err().to_string();
        assert!(err.contains("2 envs got 1 actions"), "{err}");
    }
}
