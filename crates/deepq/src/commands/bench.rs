//! `deepq bench`: the speed numbers recorded in BENCHMARKS.md.

use anyhow::Result;
use deepq_agents::bench::Measurement;
use deepq_agents::bench::{pixel_suite, standard_suite};

/// Runs a benchmark suite (`core`, `pixels`, or `atari` with the `atari` feature) and prints a table
/// (or JSON).
pub fn run(suite: &str, json: bool, quick: bool) -> Result<()> {
    let results = match suite {
        "core" => standard_suite(quick)?,
        "pixels" => pixel_suite(quick)?,
        "atari" => atari_suite(quick)?,
        other => anyhow::bail!("unknown benchmark suite '{other}'; known: core, pixels, atari"),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("{:<66} {:>12}  unit", "benchmark", "value");
        for m in &results {
            println!("{:<66} {:>12.3}  {}", m.name, m.value, m.unit);
        }
    }
    Ok(())
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
    let m = |name: &str, value: f64, unit: &'static str| Measurement { name: name.into(), value, unit, iterations: 0 };
    Ok(vec![
        m("raw ALE, PongNoFrameskip-v4 (no observation built)", raw_fps, "frames/s"),
        m("atari stack (noop/skip 4/episodic life/fire/clip/84x84/stack 4)", stack_fps / 4.0, "agent steps/s"),
        m("atari stack, emulator frames", stack_fps, "frames/s"),
        m("atari stack vs raw ALE", 100.0 * stack_fps / raw_fps, "%"),
        nature_cnn_update_time(6, if quick { 3 } else { 30 }),
    ])
}

/// Without the `atari` feature there is no Atari suite.
#[cfg(not(feature = "atari"))]
fn atari_suite(_quick: bool) -> Result<Vec<Measurement>> {
    anyhow::bail!("the atari benchmark needs the `atari` feature: cargo run --release --features atari -- bench atari")
}
