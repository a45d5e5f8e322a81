//! Policies ([`Policy`]: random, greedy over a Q-network, loaded from a checkpoint) and greedy
//! evaluation on a separate environment. The CLI's `eval`/`play` and the run control's periodic
//! evaluations all go through here.

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::common::ObsEncoder;
use crate::nets::{load_params, NetSpec, QNetwork};
use crate::util::{rng_for, stats};
use burn::prelude::*;
use deepq_env::{Env, EnvError, EnvKwargs, Obs};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Something that picks an action for an observation.
pub trait Policy {
    /// The action to take in `obs`.
    fn act(&mut self, obs: &Obs) -> usize;
}

/// Uniformly random actions (the baseline every tutorial reports first).
pub struct RandomPolicy {
    rng: ChaCha8Rng,
    n_actions: usize,
    repeat: u32,
    left: u32,
    last: usize,
}

impl RandomPolicy {
    /// A random policy over `n_actions` actions, seeded.
    pub fn new(n_actions: usize, seed: u64) -> Self {
        Self::with_repeat(n_actions, seed, 1)
    }

    /// A random policy that keeps each drawn action for `repeat` steps (the published Atari
    /// random baselines act at 10 Hz: a new action every 6th frame).
    pub fn with_repeat(n_actions: usize, seed: u64, repeat: u32) -> Self {
        Self { rng: rng_for(seed, 7), n_actions, repeat: repeat.max(1), left: 0, last: 0 }
    }
}

impl Policy for RandomPolicy {
    fn act(&mut self, _obs: &Obs) -> usize {
        if self.left == 0 {
            self.last = self.rng.random_range(0..self.n_actions);
            self.left = self.repeat;
        }
        self.left -= 1;
        self.last
    }
}

/// A scripted controller shipped with the environment (Gymnasium's `heuristic` for
/// `LunarLander-v3`), for `deepq eval --heuristic ENV_ID`.
pub struct HeuristicPolicy {
    f: deepq_env::heuristics::Heuristic,
}

impl HeuristicPolicy {
    /// The heuristic of `env_id`, or an error naming the ids that have one.
    pub fn for_env(env_id: &str) -> Result<Self, EnvError> {
        deepq_env::heuristics::for_id(env_id).map(|f| Self { f }).ok_or_else(|| {
            let ids = deepq_env::heuristics::ids();
            let known = if ids.is_empty() { "none in this build".to_string() } else { ids.join(", ") };
            EnvError::Other(format!("'{env_id}' has no heuristic controller; environments with one: {known}"))
        })
    }
}

impl Policy for HeuristicPolicy {
    fn act(&mut self, obs: &Obs) -> usize {
        (self.f)(obs)
    }
}

/// A greedy policy from a Q-network (evaluation, `deepq eval`, `deepq play`): the argmax of the
/// Q-values with the mean weights of noisy layers and, for distributional heads, the
/// expectation of each action's distribution.
pub struct GreedyPolicy {
    net: QNetwork,
    encoder: ObsEncoder,
    device: Device,
    features: Vec<f32>,
}

impl GreedyPolicy {
    /// Wraps an inference-mode network.
    pub fn new(net: QNetwork, encoder: ObsEncoder, device: Device) -> Self {
        let features = vec![0.0; encoder.dim()];
        Self { net, encoder, device, features }
    }

    /// Loads the policy of a DQN or REINFORCE checkpoint (`best`, `last` or `final`). Every
    /// dimension in the metadata is checked against the tensors before anything is built.
    pub fn from_checkpoint(ck: &Checkpoint, path: &Path, device: Device) -> Result<Self, CheckpointError> {
        let mismatch = |reason: String| CheckpointError::Mismatch { path: path.display().to_string(), reason };
        let spec: NetSpec = serde_json::from_str(ck.meta("deepq.net", path)?)
            .map_err(|e| mismatch(format!("bad network spec: {e}")))?;
        let encoder: ObsEncoder = serde_json::from_str(ck.meta("deepq.obs_encoder", path)?)
            .map_err(|e| mismatch(format!("bad encoder: {e}")))?;
        if encoder.dim() != spec.obs_dim {
            return Err(mismatch(format!(
                "the encoder gives {} features but the network takes {}",
                encoder.dim(),
                spec.obs_dim
            )));
        }
        spec.features().map_err(|e| mismatch(format!("inconsistent network spec: {e}")))?;
        check_shapes(&spec, ck).map_err(mismatch)?;
        let net = load_params(spec.init(&device), &ck.tensors, "").map_err(mismatch)?;
        Ok(Self::new(net, encoder, device))
    }

    /// The network's input size and number of actions, for checking against an env.
    pub fn shape(&self) -> (usize, usize) {
        (self.encoder.dim(), self.net.head.weight.val().dims()[1] / self.net.atoms.max(1))
    }

    /// Greedy actions for a batch of observations (one forward pass).
    pub fn act_batch(&mut self, observations: &[Obs]) -> Vec<usize> {
        let d = self.encoder.dim();
        let mut x = vec![0.0f32; observations.len() * d];
        for (row, obs) in x.chunks_mut(d).zip(observations) {
            self.encoder.encode(obs, row);
        }
        let x = Tensor::<2>::from_data(TensorData::new(x, [observations.len(), d]), &self.device);
        let a = self.net.forward(x).argmax(1).into_data().try_into_vec_as::<i64>().expect("i64 actions");
        a.into_iter().map(|v| v as usize).collect()
    }

    /// Q-values of one observation (mean weights; expectations for distributional heads).
    pub fn q_values(&mut self, obs: &Obs) -> Vec<f32> {
        self.encoder.encode(obs, &mut self.features);
        let x = Tensor::<2>::from_data(TensorData::new(self.features.clone(), [1, self.features.len()]), &self.device);
        self.net.forward(x).into_data().try_into_vec_as::<f32>().expect("f32 q-values")
    }

    /// The encoder.
    pub fn encoder(&self) -> ObsEncoder {
        self.encoder
    }
}

impl Policy for GreedyPolicy {
    fn act(&mut self, obs: &Obs) -> usize {
        self.encoder.encode(obs, &mut self.features);
        let x = Tensor::<2>::from_data(TensorData::new(self.features.clone(), [1, self.features.len()]), &self.device);
        self.net.forward(x).argmax(1).into_scalar::<i64>() as usize
    }
}

/// Checks the stored linear layers against the sizes the spec implies (input, hidden widths,
/// outputs), so a checkpoint whose metadata disagrees with its tensors is an error, not a panic.
fn check_shapes(spec: &NetSpec, ck: &Checkpoint) -> Result<(), String> {
    let features = spec.features()?;
    let mut sizes = vec![features];
    sizes.extend(&spec.hidden);
    let mut expect: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, w) in sizes.windows(2).enumerate() {
        expect.push((format!("hidden.{i}.weight"), vec![w[0], w[1]]));
    }
    let last = *sizes.last().expect("the input size");
    expect.push(("head.weight".into(), vec![last, spec.n_actions * spec.atoms()]));
    if spec.dueling {
        expect.push(("value.weight".into(), vec![last, spec.atoms()]));
    }
    for (name, shape) in expect {
        match ck.tensors.get(&name) {
            Some(t) if t.shape == shape => {}
            Some(t) => {
                return Err(format!("tensor '{name}' has shape {:?} but the metadata implies {shape:?}", t.shape))
            }
            None => return Err(format!("tensor '{name}' is missing")),
        }
    }
    Ok(())
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    /// Number of episodes played.
    pub episodes: usize,
    /// Mean return.
    pub mean: f64,
    /// Population standard deviation of the returns.
    pub std: f64,
    /// Lowest return.
    pub min: f64,
    /// Highest return.
    pub max: f64,
    /// Mean episode length.
    pub mean_length: f64,
    /// Seed of the first episode (episode `i` is reset with `seed + i`).
    pub seed: u64,
    /// Every episode's return.
    pub returns: Vec<f64>,
    /// Episodes cut at the evaluation step cap ([`step_cap`]).
    #[serde(default)]
    pub capped: usize,
    /// Whether a stop request (Ctrl-C) ended the evaluation early; `episodes` counts the
    /// finished ones.
    #[serde(default)]
    pub interrupted: bool,
}

/// How an evaluation is played and scored (`[eval] protocol`, `deepq eval --protocol`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// `full_game` for the Atari wrapper stacks, `training` for every other env.
    #[default]
    Auto,
    /// The training env as it is (with an Atari stack: one life per episode, clipped rewards).
    Training,
    /// Atari: whole games with unclipped rewards (no life-loss episodes, no reward clipping),
    /// through the same observation pipeline: the score papers, CleanRL and SB3 report.
    FullGame,
    /// The Practical-RL homework's final score: 30 full games, greedy, at most 10,000 steps each.
    Homework,
}

impl Protocol {
    /// The protocol `Auto` stands for on this env.
    pub fn resolve(self, env_id: &str, kwargs: &EnvKwargs) -> Protocol {
        match self {
            Protocol::Auto if is_atari_stack(env_id, kwargs) => Protocol::FullGame,
            Protocol::Auto => Protocol::Training,
            other => other,
        }
    }

    /// The name in configs, JSON and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Auto => "auto",
            Protocol::Training => "training",
            Protocol::FullGame => "full_game",
            Protocol::Homework => "homework",
        }
    }

    /// The env kwargs of the evaluation env: full-game protocols play an Atari game to its
    /// end (no `max_episode_steps` cut from training; the ALE's own 108,000-frame limit and the
    /// protocol's step cap still apply), switch an Atari stack's life-loss episodes and reward
    /// clipping off, and press FIRE after each lost life when the agent was trained on
    /// life-loss episodes (as SB3's, CleanRL's and the homework's whole-game scores do).
    /// Forced actions the agent trained with (`fire_every`) stay: they are part of its env.
    pub fn env_kwargs(self, env_id: &str, kwargs: &EnvKwargs) -> EnvKwargs {
        let mut k = kwargs.clone();
        let whole_game = matches!(self.resolve(env_id, kwargs), Protocol::FullGame | Protocol::Homework);
        if whole_game && deepq_env::provider::looks_like_atari(env_id) {
            k.max_episode_steps = None;
        }
        if whole_game && is_atari_stack(env_id, kwargs) {
            // An agent trained on life-loss episodes never pressed FIRE to relaunch the ball.
            if trained_on_lives(kwargs) && kwargs.fire_on_life_loss.is_none() {
                k.fire_on_life_loss = Some(true);
            }
            k.episodic_life = Some(false);
            k.clip_reward = Some(false);
        }
        k
    }

    /// Whether an evaluation's episodes are consecutive lives of the games (see
    /// [`EvalOptions::continue_lives`]): the `training` protocol on an Atari stack trained on
    /// life-loss episodes. A seeded reset starts a new game, so without this every episode
    /// would be the first life of a fresh game (and on a deterministic game, the same one).
    pub fn continues_lives(self, env_id: &str, kwargs: &EnvKwargs) -> bool {
        self.resolve(env_id, kwargs) == Protocol::Training && is_atari_stack(env_id, kwargs) && trained_on_lives(kwargs)
    }

    /// The episodes the protocol prescribes (the homework: 30), if any.
    pub fn episodes(self) -> Option<usize> {
        (self == Protocol::Homework).then_some(30)
    }

    /// The per-episode step limit the protocol prescribes (the homework's `t_max`: 10,000).
    pub fn max_steps(self) -> Option<u64> {
        (self == Protocol::Homework).then_some(10_000)
    }
}

/// Whether an Atari stack with `kwargs` ends its training episodes at each lost life (every
/// stack but Lapan's, unless `episodic_life` says otherwise).
fn trained_on_lives(kwargs: &EnvKwargs) -> bool {
    kwargs.episodic_life.unwrap_or(!matches!(kwargs.wrapper.as_deref(), Some("lapan" | "lapan_pad")))
}

/// Whether `env_id` with `kwargs` is an Atari game inside one of the wrapper stacks.
fn is_atari_stack(env_id: &str, kwargs: &EnvKwargs) -> bool {
    deepq_env::provider::looks_like_atari(env_id)
        && matches!(
            kwargs.wrapper.as_deref(),
            Some("atari" | "lapan" | "lapan_pad" | "practical_rl" | "practical_rl_pad")
        )
}

/// Evaluation options beyond the episode count and seed.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct EvalOptions {
    /// Probability of a uniformly random action (Dopamine evaluates with 0.001; 0 = greedy).
    pub epsilon: f64,
    /// Steps after which an episode is cut (`None`: [`step_cap`]).
    pub max_steps: Option<u64>,
    /// Seed only the first episode's reset: on an env whose episodes are lives, the episodes
    /// after it play on through the game's remaining lives, as training does (and the
    /// Practical-RL homework's evaluation), instead of each starting a new game
    /// ([`Protocol::continues_lives`]).
    #[serde(default)]
    pub continue_lives: bool,
}

/// A policy that acts uniformly at random with probability `epsilon`, else as `inner`.
pub struct EpsilonGreedy<'a> {
    inner: &'a mut dyn Policy,
    epsilon: f64,
    n_actions: usize,
    rng: ChaCha8Rng,
}

impl<'a> EpsilonGreedy<'a> {
    /// Wraps `inner`; the random draws are seeded by `seed`.
    pub fn new(inner: &'a mut dyn Policy, epsilon: f64, n_actions: usize, seed: u64) -> Self {
        Self { inner, epsilon, n_actions, rng: rng_for(seed, 11) }
    }
}

impl Policy for EpsilonGreedy<'_> {
    fn act(&mut self, obs: &Obs) -> usize {
        if self.epsilon > 0.0 && self.rng.random::<f64>() < self.epsilon {
            self.rng.random_range(0..self.n_actions)
        } else {
            self.inner.act(obs)
        }
    }
}

/// Steps after which an evaluation episode is cut when the env has not ended it: 27,000 agent
/// steps (108,000 frames at frame skip 4, the usual Atari evaluation limit) for Atari games,
/// 10,000 elsewhere. Envs with a time limit end their episodes before that.
pub fn step_cap(env: &dyn Env) -> u64 {
    if deepq_env::provider::looks_like_atari(env.id()) {
        27_000
    } else {
        10_000
    }
}

/// Plays `episodes` episodes of `policy` on `env`, resetting episode `i` with seed `seed + i`
/// (so an evaluation is reproducible), and returns the statistics of the returns.
pub fn evaluate(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    episodes: usize,
    seed: u64,
) -> Result<EvalResult, EnvError> {
    evaluate_with(env, policy, episodes, seed, &EvalOptions::default())
}

/// [`evaluate`] with an exploration rate and a step limit per episode.
pub fn evaluate_with(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    episodes: usize,
    seed: u64,
    opts: &EvalOptions,
) -> Result<EvalResult, EnvError> {
    evaluate_observed(env, policy, episodes, seed, opts, &mut |_| {})
}

impl EvalResult {
    /// This evaluation and `more` (played after it, from its own seed) as one: every episode's
    /// return, the statistics over all of them, this one's seed.
    pub fn pooled(&self, more: &EvalResult) -> EvalResult {
        let mut returns = self.returns.clone();
        returns.extend_from_slice(&more.returns);
        let (mean, std, min, max) = stats(&returns);
        let n = self.episodes + more.episodes;
        let mean_length = if n == 0 {
            f64::NAN
        } else {
            (self.mean_length * self.episodes as f64 + more.mean_length * more.episodes as f64) / n as f64
        };
        EvalResult {
            episodes: returns.len(),
            mean,
            std,
            min,
            max,
            mean_length,
            seed: self.seed,
            returns,
            capped: self.capped + more.capped,
            interrupted: self.interrupted || more.interrupted,
        }
    }
}

/// [`evaluate_with`] that shows `on_step` the env after each reset and each step of the
/// scored episodes (to record exactly the games that are scored).
pub fn evaluate_observed(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    episodes: usize,
    seed: u64,
    opts: &EvalOptions,
    on_step: &mut dyn FnMut(&mut dyn Env),
) -> Result<EvalResult, EnvError> {
    let cap = opts.max_steps.unwrap_or_else(|| step_cap(env));
    let n_actions = env.n_actions();
    let mut policy = EpsilonGreedy::new(policy, opts.epsilon, n_actions, seed);
    let mut returns = Vec::with_capacity(episodes.min(1 << 16));
    let mut lengths = Vec::with_capacity(episodes.min(1 << 16));
    let (mut capped, mut interrupted) = (0, false);
    for i in 0..episodes {
        let episode_seed = (i == 0 || !opts.continue_lives).then(|| seed.wrapping_add(i as u64));
        let (ret, len) = play_capped(env, &mut policy, episode_seed, cap, on_step)?;
        if crate::util::stop_requested() {
            interrupted = true;
            break;
        }
        capped += usize::from(len >= cap);
        returns.push(ret);
        lengths.push(len as f64);
    }
    let (mean, std, min, max) = stats(&returns);
    let mean_length = stats(&lengths).0;
    Ok(EvalResult { episodes: returns.len(), mean, std, min, max, mean_length, seed, returns, capped, interrupted })
}

/// Plays one episode; `on_step` sees the environment after every step (for recording).
/// Returns the undiscounted return and the length. The episode ends at the env's end, after
/// [`step_cap`] steps, or at a stop request (Ctrl-C, see [`crate::util::request_stop`]).
pub fn play_episode(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    seed: Option<u64>,
    on_step: &mut dyn FnMut(&mut dyn Env),
) -> Result<(f64, u64), EnvError> {
    let cap = step_cap(env);
    play_capped(env, policy, seed, cap, on_step)
}

/// [`play_episode`] cut after `cap` steps.
pub fn play_capped(
    env: &mut dyn Env,
    policy: &mut dyn Policy,
    seed: Option<u64>,
    cap: u64,
    on_step: &mut dyn FnMut(&mut dyn Env),
) -> Result<(f64, u64), EnvError> {
    let (mut obs, _) = env.reset(seed);
    on_step(env);
    let mut ret = 0.0;
    let mut len = 0;
    loop {
        let action = policy.act(&obs);
        let step = env.step(action)?;
        ret += step.reward;
        len += 1;
        on_step(env);
        if step.done() || len >= cap || crate::util::stop_requested() {
            return Ok((ret, len));
        }
        obs = step.obs;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepq_env::Space;

    #[test]
    fn whole_game_protocols_press_fire_after_lost_lives_only_for_life_loss_training() {
        let with = |wrapper: &str, episodic_life: Option<bool>| EnvKwargs {
            wrapper: Some(wrapper.into()),
            episodic_life,
            ..EnvKwargs::default()
        };
        let id = "BreakoutNoFrameskip-v4";
        for (kwargs, fire) in [
            (with("atari", None), Some(true)),
            (with("practical_rl", None), Some(true)),
            (with("atari", Some(false)), None),
            (with("lapan", None), None),
            (with("lapan", Some(true)), Some(true)),
        ] {
            for protocol in [Protocol::FullGame, Protocol::Homework, Protocol::Auto] {
                let k = protocol.env_kwargs(id, &kwargs);
                assert_eq!(k.fire_on_life_loss, fire, "{protocol:?} {kwargs:?}");
                assert_eq!((k.episodic_life, k.clip_reward), (Some(false), Some(false)));
            }
            assert_eq!(Protocol::Training.env_kwargs(id, &kwargs), kwargs);
        }
    }

    #[test]
    fn whole_game_protocols_lift_a_training_episode_cut_on_atari_only() {
        // The UCLA Breakout-RAM preset cuts training episodes at 1,000 agent steps and presses
        // FIRE every 100 steps: a whole game keeps the forced FIRE but not the cut.
        let ram = EnvKwargs { max_episode_steps: Some(1000), fire_every: Some(100), ..EnvKwargs::default() };
        let id = "ALE/Breakout-ram-v5";
        for protocol in [Protocol::FullGame, Protocol::Homework] {
            let k = protocol.env_kwargs(id, &ram);
            assert_eq!((k.max_episode_steps, k.fire_every), (None, Some(100)), "{protocol:?}");
            assert_eq!((k.episodic_life, k.clip_reward), (None, None), "a bare env has no stack to switch off");
        }
        for protocol in [Protocol::Training, Protocol::Auto] {
            assert_eq!(protocol.env_kwargs(id, &ram), ram, "{protocol:?}");
        }
        let cartpole = EnvKwargs { max_episode_steps: Some(200), ..EnvKwargs::default() };
        assert_eq!(Protocol::FullGame.env_kwargs("CartPole-v1", &cartpole), cartpole);
    }

    #[test]
    fn random_cartpole_baseline_is_in_the_low_twenties() {
        let mut env = deepq_env::make("CartPole-v1").unwrap();
        let mut policy = RandomPolicy::new(2, 0);
        let r = evaluate(env.as_mut(), &mut policy, 300, 0).unwrap();
        assert!(r.mean > 17.0 && r.mean < 28.0, "random CartPole mean {}", r.mean);
        assert_eq!(r.returns.len(), 300);
    }

    #[test]
    fn lunar_lander_heuristic_baseline_lands() {
        let mut env = deepq_env::make("LunarLander-v3").unwrap();
        let mut policy = HeuristicPolicy::for_env("LunarLander-v3").unwrap();
        let r = evaluate(env.as_mut(), &mut policy, 20, 0).unwrap();
        assert!(r.mean > 180.0, "heuristic LunarLander mean {}", r.mean);
        let e = HeuristicPolicy::for_env("CartPole-v1").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("LunarLander-v3"), "{e}");
    }

    /// An env whose episodes last `len` steps (`None`: never end), recording every reset's seed.
    struct Scripted {
        spaces: (Space, Space),
        len: Option<u32>,
        t: u32,
        resets: Vec<Option<u64>>,
    }

    impl Scripted {
        fn new(len: Option<u32>) -> Self {
            Scripted { spaces: (Space::Discrete { n: 1 }, Space::Discrete { n: 2 }), len, t: 0, resets: Vec::new() }
        }
    }

    impl Env for Scripted {
        fn id(&self) -> &str {
            "Scripted-v0"
        }
        fn observation_space(&self) -> &Space {
            &self.spaces.0
        }
        fn action_space(&self) -> &Space {
            &self.spaces.1
        }
        fn reset(&mut self, seed: Option<u64>) -> (Obs, deepq_env::Info) {
            self.resets.push(seed);
            self.t = 0;
            (Obs::Discrete(0), deepq_env::Info::default())
        }
        fn step(&mut self, _action: usize) -> Result<deepq_env::Step, EnvError> {
            self.t += 1;
            let terminated = self.len == Some(self.t);
            Ok(deepq_env::Step {
                obs: Obs::Discrete(0),
                reward: 1.0,
                terminated,
                truncated: false,
                info: Default::default(),
            })
        }
    }

    #[test]
    fn evaluation_of_an_endless_env_stops_at_the_step_cap() {
        let mut env = Scripted::new(None);
        let r = evaluate(&mut env, &mut RandomPolicy::new(2, 0), 2, 0).unwrap();
        assert_eq!((r.episodes, r.capped, r.mean), (2, 2, 10_000.0));
    }

    #[test]
    fn consecutive_lives_seed_only_the_first_reset() {
        let mut env = Scripted::new(Some(3));
        let opts = EvalOptions { continue_lives: true, ..EvalOptions::default() };
        evaluate_with(&mut env, &mut RandomPolicy::new(2, 0), 3, 7, &opts).unwrap();
        evaluate_with(&mut env, &mut RandomPolicy::new(2, 0), 2, 20, &EvalOptions::default()).unwrap();
        assert_eq!(env.resets, [Some(7), None, None, Some(20), Some(21)]);
        // Only the training protocol on a life-loss Atari stack plays lives in a row.
        let stack = |wrapper: &str| EnvKwargs { wrapper: Some(wrapper.into()), ..EnvKwargs::default() };
        let id = "BreakoutNoFrameskip-v4";
        assert!(Protocol::Training.continues_lives(id, &stack("practical_rl")));
        assert!(Protocol::Training.continues_lives(id, &stack("atari")));
        assert!(!Protocol::Training.continues_lives(id, &stack("lapan")));
        assert!(!Protocol::FullGame.continues_lives(id, &stack("atari")));
        assert!(!Protocol::Auto.continues_lives(id, &stack("atari")), "auto is full_game on Atari");
        assert!(!Protocol::Training.continues_lives("CartPole-v1", &EnvKwargs::default()));
    }

    #[test]
    fn evaluation_is_reproducible() {
        let mut env = deepq_env::make("FrozenLake-v1").unwrap();
        let a = evaluate(env.as_mut(), &mut RandomPolicy::new(4, 3), 50, 10).unwrap();
        let b = evaluate(env.as_mut(), &mut RandomPolicy::new(4, 3), 50, 10).unwrap();
        assert_eq!(a, b);
    }
}
