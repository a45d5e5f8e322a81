//! The LunarLander fidelity report of `scripts/lunar_fidelity.sh`.
//!
//! ```text
//! cargo run --release -p deepq-env --example lunar_fidelity -- TRACES.json GYM_STATS.json...
//! ```
//!
//! Part 1 replays every recorded Gymnasium episode of `TRACES.json` (from
//! `scripts/gen_lunar_fixtures.py --plan ...`) through the port with the recorded random draws
//! and counts, per policy, the steps whose observation, reward and flags agree bit for bit and
//! within 1e-5. Part 2 compares episode statistics: for every `GYM_STATS.json` (from
//! `gen_lunar_fixtures.py --stats POLICY`), the port plays the same number of episodes with the
//! same policy on its own random draws (seeds 0..n) and both means are reported with 95%
//! confidence intervals and the z-score of their difference.

#[path = "../tests/common/lunar_replay.rs"]
mod lunar_replay;

use deepq_env::envs::lunar_lander::heuristic;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Default)]
struct Tally {
    episodes: usize,
    steps: usize,
    exact: usize,
    close: usize,
    exact_prefix: usize,
    exact_episodes: usize,
    same_end: usize,
    max_obs_diff: f32,
    max_reward_diff: f64,
    first: Option<String>,
}

/// Mean and the half-width of its 95% confidence interval (normal approximation).
fn mean_ci(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, 1.96 * (var / n).sqrt())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((traces, stats)) = args.split_first() else {
        eprintln!("usage: lunar_fidelity TRACES.json [GYM_STATS.json...]");
        std::process::exit(2);
    };
    let trace = lunar_replay::load(Path::new(traces));
    println!(
        "Replaying {} gymnasium {} / box2d {} episodes with their recorded draws",
        trace.episodes.len(),
        trace.gymnasium,
        trace.box2d
    );
    let mut by_policy: BTreeMap<String, Tally> = BTreeMap::new();
    for ep in &trace.episodes {
        let c = lunar_replay::replay(ep, 1e-5);
        let t = by_policy.entry(ep.policy.clone()).or_default();
        t.episodes += 1;
        t.steps += c.steps;
        t.exact += c.exact;
        t.close += c.close;
        t.exact_prefix += c.exact_prefix;
        t.exact_episodes += usize::from(c.exact == c.steps && c.same_end);
        t.same_end += usize::from(c.same_end);
        t.max_obs_diff = t.max_obs_diff.max(c.max_obs_diff);
        t.max_reward_diff = t.max_reward_diff.max(c.max_reward_diff);
        if t.first.is_none() {
            t.first = c.first_difference.map(|d| format!("seed {}: {d}", ep.seed));
        }
    }
    println!();
    println!("| policy | episodes | steps | exact | within 1e-5 | exact from the start | episodes exact throughout | same end | max obs diff | max reward diff |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut total = Tally::default();
    for (policy, t) in &by_policy {
        println!(
            "| {policy} | {} | {} | {} | {} | {} | {} | {} | {:.1e} | {:.1e} |",
            t.episodes,
            t.steps,
            t.exact,
            t.close,
            t.exact_prefix,
            t.exact_episodes,
            t.same_end,
            t.max_obs_diff,
            t.max_reward_diff
        );
        total.episodes += t.episodes;
        total.steps += t.steps;
        total.exact += t.exact;
        total.close += t.close;
        total.exact_prefix += t.exact_prefix;
        total.exact_episodes += t.exact_episodes;
        total.same_end += t.same_end;
        total.max_obs_diff = total.max_obs_diff.max(t.max_obs_diff);
        total.max_reward_diff = total.max_reward_diff.max(t.max_reward_diff);
    }
    println!(
        "| **all** | {} | {} | {} ({:.2}%) | {} ({:.2}%) | {} | {} | {} | {:.1e} | {:.1e} |",
        total.episodes,
        total.steps,
        total.exact,
        100.0 * total.exact as f64 / total.steps as f64,
        total.close,
        100.0 * total.close as f64 / total.steps as f64,
        total.exact_prefix,
        total.exact_episodes,
        total.same_end,
        total.max_obs_diff,
        total.max_reward_diff
    );
    for (policy, t) in &by_policy {
        if let Some(first) = &t.first {
            println!("first difference ({policy}): {first}");
        }
    }

    for path in stats {
        let gym = lunar_replay::load(Path::new(path));
        let policy = gym.episodes[0].policy.clone();
        let n = gym.episodes.len();
        let ours = match policy.as_str() {
            "heuristic" => lunar_replay::play(n, 0, |o, _| heuristic(o)),
            "random" => lunar_replay::play(n, 0, |_, rng| rng.below(4)),
            other => {
                eprintln!("no port-side policy '{other}' for {path}");
                continue;
            }
        };
        println!();
        println!("Statistics over {n} episodes, policy {policy}: gymnasium (numpy draws) vs deepq (its own draws)");
        println!("| measure | gymnasium | deepq | z |");
        println!("|---|---|---|---|");
        let gym_cols: [Vec<f64>; 4] = [
            gym.episodes.iter().map(|e| e.ret).collect(),
            gym.episodes.iter().map(|e| e.length as f64).collect(),
            gym.episodes.iter().map(|e| f64::from(u8::from(e.landed))).collect(),
            gym.episodes.iter().map(|e| f64::from(u8::from(e.ret >= 200.0))).collect(),
        ];
        let our_cols: [Vec<f64>; 4] = [
            ours.iter().map(|e| e.0).collect(),
            ours.iter().map(|e| e.1 as f64).collect(),
            ours.iter().map(|e| f64::from(u8::from(e.2))).collect(),
            ours.iter().map(|e| f64::from(u8::from(e.0 >= 200.0))).collect(),
        ];
        for (name, (g, o)) in ["mean return", "episode length", "landing rate (at rest)", "return >= 200"]
            .iter()
            .zip(gym_cols.iter().zip(&our_cols))
        {
            let ((gm, gh), (om, oh)) = (mean_ci(g), mean_ci(o));
            let z = (om - gm) / ((gh / 1.96).powi(2) + (oh / 1.96).powi(2)).sqrt().max(1e-12);
            println!("| {name} | {gm:.3} ± {gh:.3} | {om:.3} ± {oh:.3} | {z:+.2} |");
        }
    }
}
