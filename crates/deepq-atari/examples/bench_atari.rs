//! Throughput of the raw ALE and of the `atari` wrapper stack on Pong.
//!
//! `cargo run --release -p deepq-atari --example bench_atari [-- SECONDS [atari|lapan|practical_rl]]`

use deepq_atari::{make_atari_stack, AtariEnv, StackKind};
use deepq_env::{Env, EnvKwargs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};

/// Steps `env` with random actions for about `secs` seconds; returns (steps, seconds).
fn run(env: &mut dyn Env, secs: f64, seed: u64) -> (u64, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = env.n_actions();
    env.reset(Some(seed));
    let start = Instant::now();
    let limit = Duration::from_secs_f64(secs);
    let mut steps = 0u64;
    while start.elapsed() < limit {
        for _ in 0..100 {
            let s = env.step(rng.random_range(0..n)).expect("step");
            steps += 1;
            if s.done() {
                env.reset(None);
            }
        }
    }
    (steps, start.elapsed().as_secs_f64())
}

/// The best rate (steps/s) of `rounds` runs of `secs / rounds` seconds each: on a shared
/// machine the best round is the least disturbed one.
fn best_rate(env: &mut dyn Env, secs: f64, rounds: u32) -> f64 {
    (0..rounds)
        .map(|r| {
            let (steps, t) = run(env, secs / rounds as f64, r as u64 + 1);
            steps as f64 / t
        })
        .fold(0.0, f64::max)
}

fn main() {
    deepq_atari::register();
    let secs: f64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(6.0);
    let only = std::env::args().nth(2);
    let kw = EnvKwargs::default();
    let rounds = 3;

    let mut raw = AtariEnv::make("PongNoFrameskip-v4", &kw).unwrap_or_else(|e| panic!("{e}"));
    raw.set_observe(false);
    let raw_fps = best_rate(&mut raw, secs, rounds);
    println!("raw ALE (PongNoFrameskip-v4, no observation built): {raw_fps:.0} frames/s");

    let mut rgb = AtariEnv::make("PongNoFrameskip-v4", &kw).unwrap();
    println!("AtariEnv with RGB observations:                     {:.0} frames/s", best_rate(&mut rgb, secs, rounds));

    for (name, kind) in
        [("atari", StackKind::Atari), ("lapan", StackKind::Lapan), ("practical_rl", StackKind::PracticalRl)]
    {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut env = make_atari_stack("PongNoFrameskip-v4", kind, &kw).unwrap();
        // Every agent step is 4 emulator frames (no-op/FIRE frames at resets are not counted).
        let sps = best_rate(env.as_mut(), secs, rounds);
        println!(
            "{name:>12} stack: {sps:.0} agent steps/s = {:.0} frames/s ({:.0}% of raw ALE)",
            4.0 * sps,
            400.0 * sps / raw_fps
        );
    }
}
