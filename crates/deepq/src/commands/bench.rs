//! `deepq bench`: the speed numbers recorded in BENCHMARKS.md.

use anyhow::Result;
use deepq_agents::bench::{cnn_entries, core_entries, pixel_entries, run_entries, Entry, Measurement};

/// Runs a benchmark suite (`core`, `pixels`, `cnn`, or `atari` with the `atari` feature), or the
/// entries named by a comma-separated list of ids (`update.nature_cnn_b32,update.zoo_mlp_b64`),
/// and prints a table (or JSON). Every row carries its stable id.
pub fn run(suite: &str, json: bool, quick: bool) -> Result<()> {
    let results = match suite {
        "core" => run_entries(&core_entries(), quick)?,
        "pixels" => run_entries(&pixel_entries(), quick)?,
        "cnn" => run_entries(&cnn_entries(), quick)?,
        "atari" => atari_suite(quick)?,
        ids => run_entries(&select(ids)?, quick)?,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("{:<28} {:<84} {:>12}  unit", "id", "benchmark", "value");
        for m in &results {
            println!("{:<28} {:<84} {:>12.3}  {}", m.id, m.name, m.value, m.unit);
        }
    }
    Ok(())
}

/// The entries of a comma-separated list of ids, in the order given.
fn select(ids: &str) -> Result<Vec<Entry>> {
    let mut chosen = Vec::new();
    for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let found = [core_entries(), pixel_entries(), cnn_entries()].into_iter().flatten().find(|e| e.id == id);
        match found {
            Some(e) => chosen.push(e),
            None => anyhow::bail!(
                "unknown benchmark suite or id '{id}'; suites: core, pixels, cnn, atari; ids: {}",
                known_ids().join(", ")
            ),
        }
    }
    if chosen.is_empty() {
        anyhow::bail!("unknown benchmark suite '{ids}'; known: core, pixels, cnn, atari");
    }
    Ok(chosen)
}

fn known_ids() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> =
        [core_entries(), pixel_entries(), cnn_entries()].into_iter().flatten().map(|e| e.id).collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Atari throughput (raw ALE and the `atari` stack on Pong) and the Nature-CNN update time.
#[cfg(feature = "atari")]
fn atari_suite(quick: bool) -> Result<Vec<Measurement>> {
    use deepq_agents::bench::{nature_cnn_update_time, rate};
    use deepq_env::{Env, EnvKwargs};
    use rand::Rng;
    deepq_agents::util::flush_denormals_to_zero();
    let secs = if quick { 0.5 } else { 5.0 };
    let kw = EnvKwargs::default();
    let mut rng = deepq_agents::util::rng_for(0, 0);
    let mut drive = |env: &mut dyn Env, per_step: f64| -> Result<f64> {
        let n = env.n_actions();
        env.reset(Some(0));
        let mut failure = None;
        let r = rate(secs, per_step * 100.0, || {
            for _ in 0..100 {
                match env.step(rng.random_range(0..n)) {
                    Ok(s) if s.done() => {
                        env.reset(None);
                    }
                    Ok(_) => {}
                    Err(e) => failure = Some(e),
                }
            }
        });
        match failure {
            Some(e) => Err(e.into()),
            None => Ok(r),
        }
    };
    let mut raw = deepq_atari::AtariEnv::make("PongNoFrameskip-v4", &kw)?;
    raw.set_observe(false);
    let raw_fps = drive(&mut raw, 1.0)?;
    let mut stack = deepq_atari::make_atari_stack("PongNoFrameskip-v4", deepq_atari::StackKind::Atari, &kw)?;
    let stack_fps = drive(stack.as_mut(), 4.0)?;
    let m = |id: &str, name: &str, value: f64, unit: &'static str| Measurement {
        id: id.into(),
        name: name.into(),
        value,
        unit,
        iterations: 0,
    };
    Ok(vec![
        m("env.ale_pong_raw", "raw ALE, PongNoFrameskip-v4 (no observation built)", raw_fps, "frames/s"),
        m(
            "env.atari_pong_stack",
            "atari stack (noop/skip 4/episodic life/fire/clip/84x84/stack 4)",
            stack_fps / 4.0,
            "agent steps/s",
        ),
        m("env.atari_pong_stack_frames", "atari stack, emulator frames", stack_fps, "frames/s"),
        m("env.atari_pong_stack_vs_raw", "atari stack vs raw ALE", 100.0 * stack_fps / raw_fps, "%"),
        nature_cnn_update_time(6, if quick { 3 } else { 40 }),
    ])
}

/// Without the `atari` feature there is no Atari suite.
#[cfg(not(feature = "atari"))]
fn atari_suite(_quick: bool) -> Result<Vec<Measurement>> {
    anyhow::bail!("the atari benchmark needs the `atari` feature: cargo run --release --features atari -- bench atari")
}
