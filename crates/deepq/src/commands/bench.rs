//! `deepq bench`: the speed numbers recorded in BENCHMARKS.md.

use anyhow::Result;
use deepq_agents::bench::{cnn_entries, core_entries, pixel_entries, run_entries, Entry, Measurement};

/// Runs a benchmark suite (`core`, `pixels`, `cnn`, `vec`, or `atari` and its training-loop
/// part `atari-train` with the `atari` feature), or the
/// entries named by a comma-separated list of ids (`update.nature_cnn_b32,update.zoo_mlp_b64`),
/// and prints a table (or JSON). Every row carries its stable id.
pub fn run(suite: &str, json: bool, quick: bool) -> Result<()> {
    let results = match suite {
        "core" => run_entries(&core_entries(), quick)?,
        "pixels" => run_entries(&pixel_entries(), quick)?,
        "cnn" => run_entries(&cnn_entries(), quick)?,
        "atari" => atari_suite(quick)?,
        "atari-train" => atari_train_suite(quick)?,
        "vec" => vec_suite(quick)?,
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
                "unknown benchmark suite or id '{id}'; suites: core, pixels, cnn, vec, atari, atari-train; ids: {}",
                known_ids().join(", ")
            ),
        }
    }
    if chosen.is_empty() {
        anyhow::bail!("unknown benchmark suite '{ids}'; known: core, pixels, cnn, vec, atari, atari-train");
    }
    Ok(chosen)
}

/// Vector-env throughput: CartPole alone and 8 in one thread, and with the `atari` feature 8
/// Pong `atari` stacks in one thread and across threads (`scripts/bench_vec_vs_gymnasium.sh`
/// puts them next to gymnasium's vector envs).
fn vec_suite(quick: bool) -> Result<Vec<Measurement>> {
    let measurements = run_entries(&select("env.cartpole_v1,env.cartpole_v1_vec8")?, quick)?;
    #[cfg(feature = "atari")]
    let measurements = measurements.into_iter().chain(pong_vector_entries(quick)?).collect();
    Ok(measurements)
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
    let m = Measurement::rate;
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
    ]
    .into_iter()
    .chain(pong_vector_entries(quick)?)
    .chain(pong_training_entries(quick)?)
    .collect())
}

/// The `atari` stack on Pong as a vector of 8 envs, stepped in one thread and across threads.
#[cfg(feature = "atari")]
fn pong_vector_entries(quick: bool) -> Result<Vec<Measurement>> {
    use deepq_agents::bench::vector_env_steps_per_second;
    use deepq_env::Stepping;
    let kw = deepq_env::EnvKwargs { wrapper: Some("atari".into()), ..Default::default() };
    let steps = if quick { 50 } else { 1000 };
    Ok(vec![
        vector_env_steps_per_second("env.atari_pong_vec8", "PongNoFrameskip-v4", &kw, 8, Stepping::Serial, steps)?,
        vector_env_steps_per_second(
            "env.atari_pong_vec8_threads",
            "PongNoFrameskip-v4",
            &kw,
            8,
            Stepping::Threads,
            steps,
        )?,
    ])
}

/// `train.pong_ratio_0.25`, `train.pong_ratio_1` and `cpu.train_cores`: the `pong-nature`
/// preset's training loop (the Nature CNN; the `pong` preset until 2026-12-04, which the speed
/// goals were set on) timed with learning on (acting, replay, updates, target syncs), with one
/// update per 4 and per 1 agent steps, sequential, with `learner_thread`, and with 4 envs
/// (`num_envs = 4`: batched acting, envs stepped on threads); `train.pong_2013_ratio_0.25`: the
/// `pong` preset's loop (the 2013 DQN network), sequential. The replay is smaller (50,000) and
/// learning starts at 2,000 steps so the measurement starts soon; periodic evaluations and
/// checkpoints are off.
#[cfg(feature = "atari")]
fn pong_training_entries(quick: bool) -> Result<Vec<Measurement>> {
    let secs = if quick { 4.0 } else { 60.0 };
    let nature = "pong-nature";
    let (quarter, cores) = pong_training_rate(nature, 4, false, 1, secs)?;
    let (one, _) = pong_training_rate(nature, 1, false, 1, secs)?;
    let (quarter_t, cores_t) = pong_training_rate(nature, 4, true, 1, secs)?;
    let (one_t, _) = pong_training_rate(nature, 1, true, 1, secs)?;
    let (quarter_v, cores_v) = pong_training_rate(nature, 4, false, 4, secs)?;
    let (one_v, _) = pong_training_rate(nature, 1, false, 4, secs)?;
    let (quarter_2013, _) = pong_training_rate("pong", 4, false, 1, secs)?;
    let m = Measurement::rate;
    Ok(vec![
        m(
            "train.pong_ratio_0.25",
            "`pong-nature` training loop (Nature CNN), one update per 4 agent steps",
            quarter,
            "agent steps/s",
        ),
        m("train.pong_ratio_1", "`pong-nature` training loop, one update per agent step", one, "agent steps/s"),
        m("cpu.train_cores", "cores busy during the ratio-0.25 loop (process CPU time / wall time)", cores, "cores"),
        m(
            "train.pong_ratio_0.25_thread",
            "the same with `learner_thread = true` (updates on their own thread)",
            quarter_t,
            "agent steps/s",
        ),
        m("train.pong_ratio_1_thread", "ratio 1 with `learner_thread = true`", one_t, "agent steps/s"),
        m("cpu.train_cores_thread", "cores busy during the ratio-0.25 loop with `learner_thread`", cores_t, "cores"),
        m("train.pong_ratio_0.25_envs4", "ratio 0.25 with `num_envs = 4` (batched acting)", quarter_v, "agent steps/s"),
        m("train.pong_ratio_1_envs4", "ratio 1 with `num_envs = 4`", one_v, "agent steps/s"),
        m("cpu.train_cores_envs4", "cores busy during the ratio-0.25 loop with `num_envs = 4`", cores_v, "cores"),
        m(
            "train.pong_2013_ratio_0.25",
            "`pong` training loop (2013 DQN network), one update per 4 agent steps",
            quarter_2013,
            "agent steps/s",
        ),
    ])
}

/// Agent steps per second and cores busy of a Pong preset's loop over `secs` of learning.
#[cfg(feature = "atari")]
fn pong_training_rate(
    preset: &str,
    train_freq: u64,
    learner_thread: bool,
    num_envs: usize,
    secs: f64,
) -> Result<(f64, f64)> {
    use deepq_agents::common::RunSpec;
    use deepq_agents::dqn::{train, DqnRun};
    let c = crate::config::resolve(preset, &[], None)?;
    let mut cfg = c.dqn.clone().ok_or_else(|| anyhow::anyhow!("the {preset} preset has no [dqn] table"))?;
    cfg.train_freq = train_freq;
    cfg.learner_thread = learner_thread;
    cfg.num_envs = num_envs;
    cfg.learning_starts = 2_000;
    cfg.replay.buffer_size = 50_000;
    cfg.run.eval_every = 0;
    cfg.run.checkpoint_every = 0;
    let spec = RunSpec {
        devices: deepq_agents::common::Devices::by_name(&c.device).map_err(|e| anyhow::anyhow!("{e}"))?,
        ..RunSpec::in_memory(&c.env_id, &c.env, c.total_steps, 0)
    };
    let run = DqnRun { spec, cfg: &cfg };
    let mut timer = LearningTimer { secs, start: None, last: None };
    train(&run, &mut timer)?;
    match (timer.start, timer.last) {
        (Some(a), Some(b)) if b.wall > a.wall => {
            let wall = (b.wall - a.wall).as_secs_f64();
            Ok(((b.step - a.step) as f64 / wall, (b.cpu - a.cpu) / wall))
        }
        _ => anyhow::bail!("the pong training loop did not run long enough to be timed"),
    }
}

/// A reading of the loop's progress.
#[cfg(feature = "atari")]
#[derive(Clone, Copy)]
struct Reading {
    wall: std::time::Instant,
    step: u64,
    cpu: f64,
}

/// Times the learning phase of a training loop and stops it after `secs`.
#[cfg(feature = "atari")]
struct LearningTimer {
    secs: f64,
    start: Option<Reading>,
    last: Option<Reading>,
}

#[cfg(feature = "atari")]
impl deepq_agents::observer::Observer for LearningTimer {
    fn on_progress(&mut self, info: &deepq_agents::observer::ProgressInfo) {
        if info.phase != deepq_agents::observer::Phase::Learning {
            return;
        }
        let now = Reading { wall: std::time::Instant::now(), step: info.step, cpu: process_cpu_seconds() };
        if self.start.is_none() {
            self.start = Some(now);
        }
        self.last = Some(now);
    }
    fn stop_requested(&self) -> bool {
        matches!((self.start, self.last), (Some(a), Some(b)) if (b.wall - a.wall).as_secs_f64() >= self.secs)
    }
}

/// User + system CPU time of this process, from `/proc/self/stat` (Linux clock ticks of 1/100 s;
/// 0 elsewhere, so the cores figure reads 0 rather than a wrong number).
#[cfg(feature = "atari")]
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the `(comm)` name: state is field 3; utime and stime are fields 14 and 15.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// Without the `atari` feature there is no Atari suite.
#[cfg(not(feature = "atari"))]
fn atari_suite(_quick: bool) -> Result<Vec<Measurement>> {
    anyhow::bail!("the atari benchmark needs the `atari` feature: cargo run --release --features atari -- bench atari")
}

/// The Pong training-loop entries of the atari suite alone.
#[cfg(feature = "atari")]
fn atari_train_suite(quick: bool) -> Result<Vec<Measurement>> {
    pong_training_entries(quick)
}

#[cfg(not(feature = "atari"))]
fn atari_train_suite(quick: bool) -> Result<Vec<Measurement>> {
    atari_suite(quick)
}
