//! Replays recorded Gymnasium LunarLander traces (`scripts/gen_lunar_fixtures.py`) through the
//! port, feeding it the recorded random draws, and compares every step. Shared by the
//! conformance test and the `lunar_fidelity` example.

#![allow(dead_code)]

use deepq_env::envs::lunar_lander::{LunarAction, LunarLander, LunarLanderConfig, ResetDraws};
use deepq_env::{registry, Step};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Trace {
    pub gymnasium: String,
    pub box2d: String,
    pub id: String,
    pub max_episode_steps: usize,
    pub reward_threshold: f64,
    pub episodes: Vec<Episode>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Kwargs {
    #[serde(default)]
    pub continuous: bool,
    #[serde(default)]
    pub enable_wind: bool,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum Action {
    Discrete(usize),
    Continuous([f32; 2]),
}

#[derive(Debug, Deserialize)]
pub struct End {
    pub step: usize,
    pub terminated: bool,
    pub truncated: bool,
}

/// One episode; the trace fields are empty in `--stats` files.
#[derive(Debug, Deserialize)]
pub struct Episode {
    pub seed: u64,
    pub policy: String,
    pub kwargs: Kwargs,
    #[serde(default)]
    pub heights: Vec<String>,
    #[serde(default)]
    pub force: Vec<String>,
    #[serde(default)]
    pub wind: Option<[i64; 2]>,
    #[serde(default)]
    pub init_obs: Vec<f32>,
    #[serde(default)]
    pub actions: Vec<Action>,
    #[serde(default)]
    pub obs: Vec<Vec<f32>>,
    #[serde(default)]
    pub rewards: Vec<String>,
    #[serde(default)]
    pub dispersion: Vec<String>,
    pub end: End,
    #[serde(rename = "return")]
    pub ret: f64,
    pub length: usize,
    pub landed: bool,
}

/// Exact f64 from the trace's decimal text.
pub fn exact(text: &str) -> f64 {
    text.parse().unwrap_or_else(|e| panic!("bad float {text:?}: {e}"))
}

pub fn load(path: &std::path::Path) -> Trace {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()))
}

/// How one replayed episode compared with the reference.
#[derive(Debug, Clone, Default)]
pub struct Comparison {
    /// Steps compared (the reset's observation counts as step 0).
    pub steps: usize,
    /// Steps whose observation (bit for bit), reward (bit for bit) and flags all agree.
    pub exact: usize,
    /// Steps whose observation and reward agree within 1e-5 and whose flags agree.
    pub close: usize,
    /// Steps from the start up to the first step that is not exact.
    pub exact_prefix: usize,
    /// Steps from the start up to the first step that is not within 1e-5.
    pub close_prefix: usize,
    /// The first difference, described.
    pub first_difference: Option<String>,
    /// Largest |obs difference| and |reward difference| over the episode.
    pub max_obs_diff: f32,
    pub max_reward_diff: f64,
    /// The port's episode ended where the reference's did, with the same flags.
    pub same_end: bool,
}

/// Replays episode `ep` open loop (the recorded actions and draws) through a fresh port.
pub fn replay(ep: &Episode, tol: f64) -> Comparison {
    let config = LunarLanderConfig { enable_wind: ep.kwargs.enable_wind, ..LunarLanderConfig::default() };
    let mut env = LunarLander::with_config("LunarLander-v3", config).unwrap();
    let limit = registry::spec("LunarLander-v3").unwrap().max_episode_steps.unwrap();
    let heights: Vec<f64> = ep.heights.iter().map(|h| exact(h)).collect();
    let dispersion: Vec<f64> = ep.dispersion.iter().map(|d| exact(d)).collect();
    let draws = ResetDraws {
        heights: heights.try_into().expect("12 heights"),
        force: [exact(&ep.force[0]), exact(&ep.force[1])],
        wind_phase: ep.wind.unwrap_or([0, 0]),
        dispersion: [dispersion[0], dispersion[1]],
    };
    let mut c = Comparison::default();
    let (obs, _) = env.reset_with(&draws);
    let mut prefix_exact = true;
    let mut prefix_close = true;
    let mut note = |c: &mut Comparison, t: usize, got: &[f32], want: &[f32], r: Option<(f64, f64)>, flags: bool| {
        c.steps += 1;
        let od = got.iter().zip(want).map(|(a, b)| (a - b).abs()).fold(0f32, f32::max);
        let rd = r.map_or(0.0, |(a, b)| (a - b).abs());
        c.max_obs_diff = c.max_obs_diff.max(od);
        c.max_reward_diff = c.max_reward_diff.max(rd);
        let is_exact = flags
            && got.len() == want.len()
            && got.iter().zip(want).all(|(a, b)| a.to_bits() == b.to_bits())
            && r.is_none_or(|(a, b)| a.to_bits() == b.to_bits());
        let is_close = flags && f64::from(od) <= tol && rd <= tol;
        if is_exact {
            c.exact += 1;
        } else if c.first_difference.is_none() {
            c.first_difference = Some(format!(
                "step {t}: obs {got:?} vs gymnasium {want:?}, reward {r:?} (got, want), flags agree: {flags}"
            ));
        }
        if is_close {
            c.close += 1;
        }
        prefix_exact &= is_exact;
        prefix_close &= is_close;
        c.exact_prefix += usize::from(prefix_exact);
        c.close_prefix += usize::from(prefix_close);
    };
    note(&mut c, 0, obs.as_f32().unwrap(), &ep.init_obs, None, true);
    let mut ended = None;
    for (t, a) in ep.actions.iter().enumerate() {
        let action = match *a {
            Action::Discrete(a) => LunarAction::Discrete(a),
            Action::Continuous(a) => LunarAction::Continuous(a),
        };
        let d = [dispersion[2 + 2 * t], dispersion[3 + 2 * t]];
        let mut step: Step = match env.step_with(action, d) {
            Ok(s) => s,
            Err(_) => break, // the port's episode already ended
        };
        step.truncated = t + 1 >= limit;
        let want_end = t == ep.end.step;
        let flags_ok = (step.terminated, step.truncated)
            == if want_end { (ep.end.terminated, ep.end.truncated) } else { (false, false) };
        note(
            &mut c,
            t + 1,
            step.obs.as_f32().unwrap(),
            &ep.obs[t],
            Some((step.reward, exact(&ep.rewards[t]))),
            flags_ok,
        );
        if step.done() {
            ended = Some((t, step.terminated, step.truncated));
            break;
        }
    }
    c.same_end = ended == Some((ep.end.step, ep.end.terminated, ep.end.truncated));
    c
}

/// Plays `episodes` episodes with `policy` on the port made by the registry (its own RNG and
/// time limit) from seeds `seed0..`: (return, length, landed) per episode.
pub fn play(
    episodes: usize,
    seed0: u64,
    mut policy: impl FnMut(&[f32], &mut rand_like::Lcg) -> usize,
) -> Vec<(f64, usize, bool)> {
    let mut env = deepq_env::make("LunarLander-v3").unwrap();
    let mut out = Vec::with_capacity(episodes);
    for i in 0..episodes {
        let seed = seed0 + i as u64;
        let mut rng = rand_like::Lcg(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (obs, _) = env.reset(Some(seed));
        let mut obs = obs.as_f32().unwrap().to_vec();
        let (mut ret, mut len) = (0.0, 0);
        loop {
            let s = env.step(policy(&obs, &mut rng)).unwrap();
            ret += s.reward;
            len += 1;
            obs = s.obs.as_f32().unwrap().to_vec();
            if s.done() {
                out.push((ret, len, s.terminated && s.reward == 100.0));
                break;
            }
        }
    }
    out
}

/// A tiny generator for the random policy (the dev-dependencies have no rand).
pub mod rand_like {
    pub struct Lcg(pub u64);
    impl Lcg {
        pub fn below(&mut self, n: usize) -> usize {
            // xorshift64*
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) % n as u64) as usize
        }
    }
}
