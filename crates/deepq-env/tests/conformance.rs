//! Conformance of the environment ports with Gymnasium 1.4.0.
//!
//! The fixtures under `tests/fixtures/` are traces recorded from the real Gymnasium by
//! `scripts/gen_fixtures.py` (see there to regenerate them). Each episode is replayed here: the
//! port is reset, put in the recorded initial state, and fed the recorded actions; rewards,
//! `terminated`/`truncated` flags and `info["prob"]` must match exactly, observations exactly
//! (discrete) or within 1e-6 (CartPole). Stochastic transitions are replayed with the uniform
//! draw Gymnasium's sampler consumed, so the ports' sampling rule is checked as well.
//!
//! The concrete environment sits behind a shared handle inside the crate's `TimeLimit`, with the
//! limit taken from the registry's spec, so truncation is checked too. Where the reset state is
//! deterministic and the dynamics are too, episodes are also replayed through `make_with`.
//!
//! The last tests check the slippery 1/3 rule statistically with a chi-square test.

use deepq_env::envs::{cartpole::CartPole, cliff_walking::CliffWalking, frozen_lake::FrozenLake, taxi::Taxi};
use deepq_env::wrappers::TimeLimit;
use deepq_env::{make_with, registry, Env, EnvError, EnvKwargs, Info, Obs, Space, Step};
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

// ------------------------------------------------------------------------------------------
// Fixture format

#[derive(Debug, Deserialize)]
struct Fixture<E> {
    gymnasium: String,
    id: String,
    kwargs: Kwargs,
    max_episode_steps: Option<usize>,
    reward_threshold: Option<f64>,
    episodes: Vec<E>,
}

#[derive(Debug, Default, Deserialize)]
struct Kwargs {
    is_slippery: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct CartPoleEpisode {
    seed: u64,
    policy: String,
    init: [String; 4],
    init_obs: [f32; 4],
    actions: Vec<usize>,
    obs: Vec<[f32; 4]>,
    rewards: Vec<f64>,
    terminated: Vec<u8>,
    truncated: Vec<u8>,
}

#[derive(Debug, Deserialize)]
struct ToyEpisode {
    seed: u64,
    policy: String,
    init: usize,
    actions: Vec<usize>,
    obs: Vec<usize>,
    rewards: Vec<f64>,
    terminated: Vec<u8>,
    truncated: Vec<u8>,
    probs: Vec<String>,
    #[serde(default)]
    uniforms: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct RegistryFixture {
    gymnasium: String,
    specs: Vec<GymSpec>,
}

#[derive(Debug, Deserialize)]
struct GymSpec {
    id: String,
    max_episode_steps: Option<usize>,
    reward_threshold: Option<f64>,
}

fn load<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// Exact f64 from the fixture's decimal text (Rust's parser rounds correctly).
fn exact(text: &str) -> f64 {
    text.parse().unwrap_or_else(|e| panic!("bad float {text:?}: {e}"))
}

// ------------------------------------------------------------------------------------------
// A handle that lets the test reach the concrete environment inside a `TimeLimit`.

/// What the replay needs from a concrete environment beyond [`Env`].
trait Replayable: Env + 'static {
    type State: Copy;
    fn inject(&mut self, state: Self::State);
    /// Steps, choosing a stochastic outcome with `u` when given.
    fn step_replay(&mut self, action: usize, u: Option<f64>) -> Result<Step, EnvError>;
}

impl Replayable for CartPole {
    type State = [f64; 4];
    fn inject(&mut self, state: [f64; 4]) {
        self.set_state(state);
    }
    fn step_replay(&mut self, action: usize, _u: Option<f64>) -> Result<Step, EnvError> {
        self.step(action)
    }
}

impl Replayable for FrozenLake {
    type State = usize;
    fn inject(&mut self, state: usize) {
        self.set_state(state).unwrap();
    }
    fn step_replay(&mut self, action: usize, u: Option<f64>) -> Result<Step, EnvError> {
        match u {
            Some(u) => self.step_with_uniform(action, u),
            None => self.step(action),
        }
    }
}

impl Replayable for CliffWalking {
    type State = usize;
    fn inject(&mut self, state: usize) {
        self.set_state(state).unwrap();
    }
    fn step_replay(&mut self, action: usize, u: Option<f64>) -> Result<Step, EnvError> {
        match u {
            Some(u) => self.step_with_uniform(action, u),
            None => self.step(action),
        }
    }
}

impl Replayable for Taxi {
    type State = usize;
    fn inject(&mut self, state: usize) {
        self.set_state(state).unwrap();
    }
    fn step_replay(&mut self, action: usize, u: Option<f64>) -> Result<Step, EnvError> {
        assert!(u.is_none(), "Taxi-v4 is deterministic");
        self.step(action)
    }
}

struct Slot<E> {
    env: E,
    next_uniform: Option<f64>,
}

/// An [`Env`] forwarding to a shared concrete environment.
struct Handle<E> {
    slot: Arc<Mutex<Slot<E>>>,
    id: String,
    observation_space: Space,
    action_space: Space,
}

impl<E: Replayable> Env for Handle<E> {
    fn id(&self) -> &str {
        &self.id
    }
    fn observation_space(&self) -> &Space {
        &self.observation_space
    }
    fn action_space(&self) -> &Space {
        &self.action_space
    }
    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        self.slot.lock().unwrap().env.reset(seed)
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        let mut slot = self.slot.lock().unwrap();
        let u = slot.next_uniform.take();
        slot.env.step_replay(action, u)
    }
}

/// The concrete env wrapped like `make` wraps it (TimeLimit from the registry spec), plus a
/// handle on the concrete env.
fn wrapped<E: Replayable>(env: E) -> (Box<dyn Env>, Arc<Mutex<Slot<E>>>) {
    let id = env.id().to_string();
    let observation_space = env.observation_space().clone();
    let action_space = env.action_space().clone();
    let slot = Arc::new(Mutex::new(Slot { env, next_uniform: None }));
    let handle = Box::new(Handle { slot: slot.clone(), id: id.clone(), observation_space, action_space });
    let spec = registry::spec(&id).unwrap();
    let env: Box<dyn Env> = match spec.max_episode_steps {
        Some(limit) => Box::new(TimeLimit::new(handle, limit)),
        None => handle,
    };
    (env, slot)
}

/// The fixture's header agrees with our registry, and `make_with` builds an env with the same
/// spaces as the concrete one.
fn check_header<T>(fx: &Fixture<T>, concrete: &dyn Env, kwargs: &EnvKwargs) {
    assert_eq!(fx.gymnasium, "1.4.0");
    let spec = registry::spec(&fx.id).unwrap();
    assert_eq!(spec.max_episode_steps, fx.max_episode_steps, "{}: max_episode_steps", fx.id);
    assert_eq!(spec.reward_threshold, fx.reward_threshold, "{}: reward_threshold", fx.id);
    let made = make_with(&fx.id, kwargs).unwrap();
    assert_eq!(made.id(), fx.id);
    assert_eq!(made.observation_space(), concrete.observation_space());
    assert_eq!(made.action_space(), concrete.action_space());
}

fn flag(v: u8) -> bool {
    v != 0
}

// ------------------------------------------------------------------------------------------
// CartPole

fn replay_cartpole(file: &str) {
    let fx: Fixture<CartPoleEpisode> = load(file);
    let concrete = CartPole::new(&fx.id);
    check_header(&fx, &concrete, &EnvKwargs::default());
    let (mut env, slot) = wrapped(concrete);
    let (mut truncations, mut terminations) = (0, 0);
    for ep in &fx.episodes {
        let ctx = format!("{file} seed {} ({})", ep.seed, ep.policy);
        env.reset(Some(ep.seed));
        let init = ep.init.each_ref().map(|t| exact(t));
        slot.lock().unwrap().env.inject(init);
        let init_obs = slot.lock().unwrap().env.observation();
        assert_eq!(init_obs.as_f32().unwrap(), &ep.init_obs[..], "{ctx}: initial observation");
        for (t, &a) in ep.actions.iter().enumerate() {
            let step = env.step(a).unwrap_or_else(|e| panic!("{ctx} step {t}: {e}"));
            let obs = step.obs.as_f32().unwrap();
            for (i, (&got, &want)) in obs.iter().zip(&ep.obs[t]).enumerate() {
                assert!((got - want).abs() <= 1e-6, "{ctx} step {t} obs[{i}]: {got} vs gymnasium {want}");
            }
            assert_eq!(step.reward, ep.rewards[t], "{ctx} step {t}: reward");
            assert_eq!(step.terminated, flag(ep.terminated[t]), "{ctx} step {t}: terminated");
            assert_eq!(step.truncated, flag(ep.truncated[t]), "{ctx} step {t}: truncated");
        }
        let last = ep.actions.len() - 1;
        truncations += usize::from(flag(ep.truncated[last]) && !flag(ep.terminated[last]));
        terminations += usize::from(flag(ep.terminated[last]));
        assert_eq!(env.step(0), Err(EnvError::EpisodeOver), "{ctx}: stepping a finished episode");
    }
    assert!(truncations > 0 && terminations > 0, "{file}: fixture should exercise both endings");
}

#[test]
fn cartpole_v0_matches_gymnasium() {
    replay_cartpole("cartpole_v0.json");
}

#[test]
fn cartpole_v1_matches_gymnasium() {
    replay_cartpole("cartpole_v1.json");
}

#[test]
fn cartpole_seeded_resets_through_make_are_reproducible() {
    let mut a = deepq_env::make("CartPole-v1").unwrap();
    let mut b = deepq_env::make("CartPole-v1").unwrap();
    assert_eq!(a.reset(Some(9)), b.reset(Some(9)));
    for t in 0..600 {
        let (sa, sb) = (a.step(t % 2), b.step(t % 2));
        assert_eq!(sa, sb);
        if sa.unwrap().done() {
            return;
        }
    }
    panic!("alternating actions never ended the episode");
}

#[test]
fn a_saved_random_state_restarts_the_same_episodes() {
    // What a resumed training run does: restore the state saved before a reset(None), reset,
    // and replay the actions; the env goes on as the one that was not interrupted.
    for id in ["CartPole-v1", "FrozenLake-v1", "Taxi-v3", "CliffWalking-v1", "LunarLander-v3"] {
        let Ok(mut a) = deepq_env::make(id) else {
            assert!(id.starts_with("LunarLander"), "{id}");
            continue; // built without the box2d feature
        };
        let mut b = deepq_env::make(id).unwrap();
        let action = |t: usize, n: usize| (t * 7 + 3) % n;
        a.reset(Some(4));
        for t in 0..5 {
            a.step(action(t, a.n_actions())).unwrap();
        }
        let state = a.rng_state().expect("the env saves its random state");
        assert!(b.set_rng_state(&state), "{id}");
        assert_eq!(a.reset(None), b.reset(None), "{id}");
        for t in 0..300 {
            let sa = a.step(action(t, a.n_actions())).unwrap();
            assert_eq!(b.step(action(t, b.n_actions())).unwrap(), sa, "{id} step {t}");
            if sa.done() {
                assert_eq!(a.reset(None), b.reset(None), "{id} reset after step {t}");
            }
        }
        assert!(!b.set_rng_state(&[1, 2, 3]), "{id}: bytes of the wrong length are refused");
    }
}

// ------------------------------------------------------------------------------------------
// Toy text

/// Replays every episode of a toy-text fixture through the concrete env `E` in a TimeLimit.
fn replay_toy<E: Replayable<State = usize>>(file: &str, fx: &Fixture<ToyEpisode>, concrete: E) {
    let (mut env, slot) = wrapped(concrete);
    for ep in &fx.episodes {
        let ctx = format!("{file} seed {} ({})", ep.seed, ep.policy);
        let (_, info) = env.reset(Some(ep.seed));
        assert_eq!(info.get("prob"), Some(1.0), "{ctx}: reset info");
        slot.lock().unwrap().env.inject(ep.init);
        for (t, &a) in ep.actions.iter().enumerate() {
            if let Some(us) = &ep.uniforms {
                slot.lock().unwrap().next_uniform = Some(exact(&us[t]));
            }
            let step = env.step(a).unwrap_or_else(|e| panic!("{ctx} step {t}: {e}"));
            let want = (Obs::Discrete(ep.obs[t]), ep.rewards[t], flag(ep.terminated[t]), flag(ep.truncated[t]));
            assert_eq!((step.obs, step.reward, step.terminated, step.truncated), want, "{ctx} step {t}");
            assert_eq!(step.info.get("prob"), Some(exact(&ep.probs[t])), "{ctx} step {t}: info prob");
        }
        let last = ep.actions.len() - 1;
        if flag(ep.terminated[last]) || flag(ep.truncated[last]) {
            assert_eq!(env.step(0), Err(EnvError::EpisodeOver), "{ctx}: stepping a finished episode");
        }
    }
}

/// Replays the episodes through `make_with` itself (for envs with a fixed start state and
/// deterministic dynamics, no injection is needed).
fn replay_toy_through_make(file: &str, fx: &Fixture<ToyEpisode>, kwargs: &EnvKwargs) {
    let mut env = make_with(&fx.id, kwargs).unwrap();
    for ep in &fx.episodes {
        let ctx = format!("{file} seed {} ({}) via make_with", ep.seed, ep.policy);
        assert_eq!(env.reset(Some(ep.seed)).0, Obs::Discrete(ep.init), "{ctx}: start state");
        for (t, &a) in ep.actions.iter().enumerate() {
            let step = env.step(a).unwrap_or_else(|e| panic!("{ctx} step {t}: {e}"));
            let want = (Obs::Discrete(ep.obs[t]), ep.rewards[t], flag(ep.terminated[t]), flag(ep.truncated[t]));
            assert_eq!((step.obs, step.reward, step.terminated, step.truncated), want, "{ctx} step {t}");
        }
    }
}

fn frozen_lake(file: &str, map: &str) {
    let fx: Fixture<ToyEpisode> = load(file);
    let slippery = fx.kwargs.is_slippery.expect("fixture records is_slippery");
    let kwargs = EnvKwargs { is_slippery: Some(slippery), ..EnvKwargs::default() };
    let concrete = FrozenLake::new(&fx.id, map, slippery).unwrap();
    check_header(&fx, &concrete, &kwargs);
    assert_eq!(fx.episodes.iter().all(|e| e.uniforms.is_some()), slippery);
    replay_toy(file, &fx, concrete);
    if !slippery {
        replay_toy_through_make(file, &fx, &kwargs);
    }
}

#[test]
fn frozen_lake_4x4_slippery_matches_gymnasium() {
    frozen_lake("frozenlake_4x4_slippery.json", "4x4");
}

#[test]
fn frozen_lake_4x4_deterministic_matches_gymnasium() {
    frozen_lake("frozenlake_4x4_det.json", "4x4");
}

#[test]
fn frozen_lake_8x8_slippery_matches_gymnasium() {
    frozen_lake("frozenlake_8x8_slippery.json", "8x8");
}

#[test]
fn frozen_lake_8x8_deterministic_matches_gymnasium() {
    frozen_lake("frozenlake_8x8_det.json", "8x8");
}

#[test]
fn taxi_matches_gymnasium() {
    let file = "taxi_v4.json";
    let fx: Fixture<ToyEpisode> = load(file);
    let concrete = Taxi::new(&fx.id);
    check_header(&fx, &concrete, &EnvKwargs::default());
    assert!(fx.episodes.iter().any(|e| e.truncated.last() == Some(&1)), "some episode hits the limit");
    assert!(fx.episodes.iter().any(|e| e.rewards.contains(&20.0)), "some episode delivers");
    replay_toy(file, &fx, concrete);
    // Taxi-v3 is our alias of the same dynamics and spec.
    let (v3, v4) = (registry::spec("Taxi-v3").unwrap(), registry::spec("Taxi-v4").unwrap());
    assert_eq!((v3.max_episode_steps, v3.reward_threshold), (v4.max_episode_steps, v4.reward_threshold));
}

fn cliff_walking(file: &str) {
    let fx: Fixture<ToyEpisode> = load(file);
    let concrete = CliffWalking::new(&fx.id, fx.id == "CliffWalkingSlippery-v1");
    check_header(&fx, &concrete, &EnvKwargs::default());
    assert!(fx.episodes.iter().any(|e| e.rewards.contains(&-100.0)), "some episode falls off the cliff");
    let slippery = fx.episodes[0].uniforms.is_some();
    replay_toy(file, &fx, concrete);
    if !slippery {
        replay_toy_through_make(file, &fx, &EnvKwargs::default());
    }
}

#[test]
fn cliff_walking_matches_gymnasium() {
    cliff_walking("cliffwalking_v1.json");
}

#[test]
fn cliff_walking_slippery_matches_gymnasium() {
    cliff_walking("cliffwalking_slippery_v1.json");
}

// ------------------------------------------------------------------------------------------
// Registry

#[test]
fn registry_matches_gymnasium_specs() {
    let fx: RegistryFixture = load("registry.json");
    assert_eq!(fx.gymnasium, "1.4.0");
    let ours = registry::specs();
    for gym in &fx.specs {
        // Continuous actions are outside deepq's (discrete) Env; LunarLander::step_continuous
        // runs that variant. The Box2D ids need the `box2d` feature.
        if gym.id == "LunarLanderContinuous-v3" || (gym.id.starts_with("LunarLander") && !cfg!(feature = "box2d")) {
            assert!(registry::spec(&gym.id).is_err());
            continue;
        }
        let spec = registry::spec(&gym.id).unwrap_or_else(|e| panic!("gymnasium id missing here: {e}"));
        assert_eq!(spec.max_episode_steps, gym.max_episode_steps, "{}", gym.id);
        assert_eq!(spec.reward_threshold, gym.reward_threshold, "{}", gym.id);
        assert!(deepq_env::make(&gym.id).is_ok(), "{}", gym.id);
    }
    for spec in &ours {
        let known = fx.specs.iter().any(|g| g.id == spec.id);
        assert!(known || spec.id == "Taxi-v3", "{} is not a gymnasium 1.4.0 id", spec.id);
    }
}

#[test]
fn make_with_rejects_unknown_maps() {
    let kwargs = EnvKwargs { map_name: Some("16x16".into()), ..EnvKwargs::default() };
    assert!(matches!(make_with("FrozenLake-v1", &kwargs).map(|_| ()), Err(EnvError::BadKwarg(_))));
}

// ------------------------------------------------------------------------------------------
// Chi-square tests of the slippery 1/3 rule

/// Chi-square critical values at p = 0.001 for 1 and 2 degrees of freedom.
const CHI2_CRIT_P001: [f64; 2] = [10.828, 13.816];
/// Samples per state/action pair.
const SAMPLES: usize = 100_000;

/// Moves one cell in `dir` (0 = left, 1 = down, 2 = right, 3 = up) on an `n`x`n` grid, staying
/// put at the border. Written independently of the port's transition table.
fn lake_move(n: usize, s: usize, dir: usize) -> usize {
    let (r, c) = (s / n, s % n);
    let (r, c) = match dir {
        0 => (r, c.saturating_sub(1)),
        1 => ((r + 1).min(n - 1), c),
        2 => (r, (c + 1).min(n - 1)),
        _ => (r.saturating_sub(1), c),
    };
    r * n + c
}

/// Samples `step` from `(s, a)` and tests the next-state frequencies against the 1/3 rule.
fn chi_square_lake(map: &str, n: usize, s: usize, a: usize, seed: u64) {
    let mut env = FrozenLake::new("FrozenLake-v1", map, true).unwrap();
    env.reset(Some(seed));
    // Expected: intended and both perpendicular directions, 1/3 each, merged by next state.
    let mut expected: Vec<(usize, f64)> = Vec::new();
    for dir in [(a + 3) % 4, a, (a + 1) % 4] {
        let next = lake_move(n, s, dir);
        match expected.iter_mut().find(|e| e.0 == next) {
            Some(e) => e.1 += 1.0 / 3.0,
            None => expected.push((next, 1.0 / 3.0)),
        }
    }
    let mut counts = vec![0usize; expected.len()];
    for _ in 0..SAMPLES {
        env.set_state(s).unwrap();
        let next = env.step(a).unwrap().obs.as_discrete().unwrap();
        let k = expected.iter().position(|e| e.0 == next);
        let k = k.unwrap_or_else(|| panic!("{map} s={s} a={a}: impossible next state {next}"));
        counts[k] += 1;
    }
    let chi2: f64 = expected
        .iter()
        .zip(&counts)
        .map(|(&(_, p), &obs)| {
            let want = p * SAMPLES as f64;
            (obs as f64 - want).powi(2) / want
        })
        .sum();
    let df = expected.len() - 1;
    assert!(df >= 1);
    assert!(
        chi2 < CHI2_CRIT_P001[df - 1],
        "{map} s={s} a={a}: chi2 = {chi2:.3} with {df} dof exceeds the p=0.001 critical value; counts {counts:?} for {expected:?}"
    );
}

#[test]
fn slippery_interior_cell_follows_one_third_rule() {
    // 4x4 state 6 (row 1, col 2), down: left (hole 5), down (10), right (hole 7).
    chi_square_lake("4x4", 4, 6, 1, 1);
}

#[test]
fn slippery_edge_cell_follows_one_third_rule() {
    // 4x4 start corner, down: left bumps the border (stays 0), down (4), right (1).
    chi_square_lake("4x4", 4, 0, 1, 2);
}

#[test]
fn slippery_corner_with_merged_outcomes_follows_one_third_rule() {
    // 4x4 top-right corner, up: right and up both stay at 3 (2/3), left goes to 2 (1/3).
    chi_square_lake("4x4", 4, 3, 3, 3);
}

#[test]
fn slippery_8x8_cell_follows_one_third_rule() {
    // 8x8 state 27 (row 3, col 3), right: up (19), right (28), down (35).
    chi_square_lake("8x8", 8, 27, 2, 4);
}
