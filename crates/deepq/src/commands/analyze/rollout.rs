//! Playing the analysed episodes: every step's Q-values, rewards (raw and as trained), Monte-Carlo
//! return and TD error, and replaying an episode to get back the observations of chosen steps.

use anyhow::{bail, Result};
use deepq_agents::analysis::{argmax, discounted_returns, max_q, q_spread, td_error};
use deepq_agents::dqn::GreedyPolicy;
use deepq_agents::util::{rng_for, stop_requested};
use deepq_env::{Env, Obs};
use rand::Rng;

/// One step of an analysed episode (a row of `values.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct StepRow {
    /// Episode number, from 0.
    pub episode: usize,
    /// Step within the episode, from 0 (the state is the observation before the action).
    pub t: usize,
    /// The action taken.
    pub action: usize,
    /// The env's unclipped reward (an Atari stack's `raw_reward`).
    pub reward_raw: f64,
    /// The reward the agent was trained on (clipped to its sign by Atari stacks that clip).
    pub reward: f64,
    /// The transition ended the episode in a terminal state.
    pub terminated: bool,
    /// The episode was cut here (time limit or `--max-steps`): bootstrapped.
    pub truncated: bool,
    /// `Q(s, a)` for every action.
    pub q: Vec<f64>,
    /// `max_a Q(s, a)`.
    pub v_agent: f64,
    /// Discounted return-to-go of the trained rewards over the rest of the episode.
    pub v_mc: f64,
    /// `max_a Q(s', a)` of the next state.
    pub v_next: f64,
    /// `r + gamma * v_next * (1 - terminated) - Q(s, a)`.
    pub td_error: f64,
}

impl StepRow {
    /// `max_a Q - min_a Q`.
    pub fn q_spread(&self) -> f64 {
        q_spread(&self.q)
    }
}

/// One analysed episode.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeInfo {
    /// Seed of its reset.
    pub seed: u64,
    /// Number of steps.
    pub len: usize,
    /// Sum of the raw rewards.
    pub raw_return: f64,
    /// Sum of the trained rewards.
    pub trained_return: f64,
    /// Whether it ended in a terminal state (else cut).
    pub terminated: bool,
}

/// How episodes are played.
#[derive(Debug, Clone, Copy)]
pub struct RolloutOptions {
    /// Number of episodes.
    pub episodes: usize,
    /// Seed of the first episode (episode `i` resets with `seed + i`).
    pub seed: u64,
    /// Probability of a random action.
    pub epsilon: f64,
    /// Discount of the returns and TD errors.
    pub gamma: f64,
    /// Steps after which an episode is cut.
    pub max_steps: u64,
}

/// Everything measured over the episodes.
#[derive(Debug, Clone, Default)]
pub struct Rollout {
    /// Every step, episode after episode.
    pub rows: Vec<StepRow>,
    /// Every episode.
    pub episodes: Vec<EpisodeInfo>,
}

/// Q-values of one observation as `f64`.
fn q_of(policy: &mut GreedyPolicy, obs: &Obs) -> Vec<f64> {
    policy.q_values(obs).into_iter().map(f64::from).collect()
}

/// Plays the episodes with the network's greedy (or epsilon-greedy) actions and measures every
/// step.
pub fn play(env: &mut dyn Env, policy: &mut GreedyPolicy, opts: &RolloutOptions) -> Result<Rollout> {
    let mut rng = rng_for(opts.seed, 11);
    let n_actions = env.n_actions();
    let mut out = Rollout::default();
    for episode in 0..opts.episodes {
        let seed = opts.seed.wrapping_add(episode as u64);
        let (obs, _) = env.reset(Some(seed));
        let mut q = q_of(policy, &obs);
        let first = out.rows.len();
        let mut t = 0usize;
        loop {
            if stop_requested() {
                bail!("analysis interrupted; nothing was written");
            }
            let action = if opts.epsilon > 0.0 && rng.random::<f64>() < opts.epsilon {
                rng.random_range(0..n_actions)
            } else {
                argmax(&q)
            };
            let step = env.step(action)?;
            let q_next = q_of(policy, &step.obs);
            let v_next = max_q(&q_next);
            let cut = (t + 1) as u64 >= opts.max_steps;
            let truncated = !step.terminated && (step.truncated || cut);
            out.rows.push(StepRow {
                episode,
                t,
                action,
                reward_raw: step.info.get("raw_reward").unwrap_or(step.reward),
                reward: step.reward,
                terminated: step.terminated,
                truncated,
                v_agent: max_q(&q),
                v_mc: f64::NAN,
                v_next,
                td_error: td_error(step.reward, opts.gamma, v_next, step.terminated, q[action]),
                q,
            });
            t += 1;
            if step.terminated || truncated {
                break;
            }
            q = q_next;
        }
        let rows = &mut out.rows[first..];
        let rewards: Vec<f64> = rows.iter().map(|r| r.reward).collect();
        for (row, g) in rows.iter_mut().zip(discounted_returns(&rewards, opts.gamma)) {
            row.v_mc = g;
        }
        out.episodes.push(EpisodeInfo {
            seed,
            len: rows.len(),
            raw_return: rows.iter().map(|r| r.reward_raw).sum(),
            trained_return: rewards.iter().sum(),
            terminated: rows.last().is_some_and(|r| r.terminated),
        });
    }
    Ok(out)
}

/// Replays episode `info` with the recorded `actions` and returns the observations at the steps
/// `wanted` (in the order asked). The env is deterministic given the seed and the actions; a
/// reward that differs from the recording is an error.
pub fn observations_at(env: &mut dyn Env, info: &EpisodeInfo, rows: &[StepRow], wanted: &[usize]) -> Result<Vec<Obs>> {
    let last = wanted.iter().copied().max().unwrap_or(0);
    let mut found: Vec<Option<Obs>> = vec![None; wanted.len()];
    let (mut obs, _) = env.reset(Some(info.seed));
    for row in rows.iter().take(last + 1) {
        for (slot, &w) in found.iter_mut().zip(wanted) {
            if w == row.t {
                *slot = Some(obs.clone());
            }
        }
        if row.t == last {
            break;
        }
        let step = env.step(row.action)?;
        if step.reward != row.reward {
            bail!(
                "replaying episode seed {} gave a different reward at step {}; the env is not deterministic",
                info.seed,
                row.t
            );
        }
        obs = step.obs;
    }
    found.into_iter().map(|o| o.ok_or_else(|| anyhow::anyhow!("a chosen step lies beyond its episode"))).collect()
}
