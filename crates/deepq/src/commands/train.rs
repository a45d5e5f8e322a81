//! `deepq train`: resolve the config, create the run directory, train, checkpoint, evaluate,
//! and write the summary and plots. `--resume RUN_DIR` continues a killed DQN run.

use crate::config::{self, resolve, Algo, RunConfig};
use crate::logger::RunLogger;
use crate::progress::ProgressMode;
use crate::run_dir::{self, EvalSummary, Summary};
use anyhow::{anyhow, bail, Context, Result};
use deepq_agents::checkpoint;
use deepq_agents::common::{Outcome, RunSpec};
use deepq_agents::dqn::{self, Devices, DqnRun};
use deepq_agents::policy::{evaluate, Policy};
use deepq_agents::reinforce::{self, ReinforceRun};
use deepq_agents::tabular;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// What `deepq train` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct TrainArgs {
    /// Preset or config file (absent with `resume`).
    pub source: Option<String>,
    /// Seed override.
    pub seed: Option<u64>,
    /// Run directory.
    pub out: Option<PathBuf>,
    /// `--set` overrides.
    pub overrides: Vec<String>,
    /// No progress output.
    pub quiet: bool,
    /// Run directory to resume.
    pub resume: Option<PathBuf>,
}

/// Runs `deepq train`.
pub fn run(args: TrainArgs) -> Result<()> {
    let (config, dir, resume_from) = match (&args.resume, &args.source) {
        (Some(dir), None) => {
            if args.seed.is_some() || args.out.is_some() || !args.overrides.is_empty() {
                bail!("--resume continues a run exactly as configured; it takes no --seed, --out or --set");
            }
            let config = config::load_file(&dir.join("config.toml"))
                .with_context(|| format!("'{}' is not a deepq run directory", dir.display()))?;
            let ckpt = dir.join("checkpoints").join("resume.safetensors");
            if !ckpt.exists() {
                bail!("'{}' has no checkpoints/resume.safetensors to resume from", dir.display());
            }
            (config, dir.clone(), Some(ckpt))
        }
        (None, Some(source)) => {
            let config = resolve(source, &args.overrides, args.seed)?;
            let dir = args.out.clone().unwrap_or_else(|| run_dir::default_dir(&config));
            run_dir::create(&dir)?;
            run_dir::write_config(&dir, &config)?;
            (config, dir, None)
        }
        (Some(_), Some(_)) => bail!("give either a preset/config to train or --resume RUN_DIR, not both"),
        (None, None) => {
            bail!("give a preset name or a config file to train (see `deepq presets`), or --resume RUN_DIR")
        }
    };
    let resume_step = match &resume_from {
        Some(p) => {
            let ck = checkpoint::load(p)?;
            Some(ck.meta("deepq.step", p)?.parse::<u64>().map_err(|_| anyhow!("'{}' has a bad step", p.display()))?)
        }
        None => None,
    };
    let interrupted = install_ctrlc();
    let mut logger = RunLogger::create(&dir, ProgressMode::detect(args.quiet), interrupted.clone(), resume_step)?;
    let verb = if resume_step.is_some() { "resuming" } else { "training" };
    logger.say(&format!(
        "deepq: {verb} {} ({}) on {} -> {}",
        describe(&config),
        config.algo.name(),
        config.env_id,
        dir.display()
    ));
    let result = match config.algo {
        Algo::TabularQ => train_tabular(&config, &dir, &mut logger),
        Algo::Dqn => train_dqn(&config, &dir, &mut logger, resume_from.as_deref()),
        Algo::Reinforce => train_reinforce(&config, &dir, &mut logger),
    };
    // The logs and plots are written even when training failed (e.g. a NaN loss).
    let finished = logger.finish();
    let summary = result?;
    finished?;
    run_dir::write_summary(&dir, &summary)?;
    report(&summary, &dir, args.quiet);
    Ok(())
}

fn describe(c: &RunConfig) -> String {
    if c.preset.is_empty() {
        "config".into()
    } else {
        format!("preset '{}'", c.preset)
    }
}

fn install_ctrlc() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let f = flag.clone();
    // A second handler cannot be installed (tests call run twice in one process): then Ctrl-C
    // keeps its default behaviour.
    let _ = ctrlc::set_handler(move || f.store(true, Ordering::SeqCst));
    flag
}

fn train_tabular(c: &RunConfig, dir: &Path, logger: &mut RunLogger) -> Result<Summary> {
    let cfg = c.tabular.as_ref().ok_or_else(|| anyhow!("missing [tabular] table"))?;
    let start = Instant::now();
    let out = tabular::train(&c.env_id, &c.env, cfg, c.total_steps, c.seed, logger)?;
    let wall = start.elapsed().as_secs_f64();
    let ckpt = dir.join("checkpoints").join("final.safetensors");
    tabular::save_q_table(&ckpt, &out.q, &c.env_id, &c.env).context("cannot save the Q-table")?;
    if let Some(at) = out.solved_at_step {
        logger.say(&format!(
            "Solved in {at} iterations! (test reward {:.3} > {})",
            out.best_test_reward,
            cfg.solve_threshold.unwrap_or(f64::NAN)
        ));
    }
    let eval = final_eval(c, &mut out.q.clone(), "checkpoints/final.safetensors")?;
    let stopped_by = if logger.interrupted() {
        "interrupted"
    } else if out.solved_at_step.is_some() {
        "solved"
    } else {
        "total_steps"
    };
    Ok(Summary {
        threshold: cfg.solve_threshold,
        solved: out.solved_at_step.is_some(),
        solved_at_step: out.solved_at_step,
        stopped_by: stopped_by.into(),
        eval,
        ..counts(c, out.env_steps, out.episodes, out.env_steps, wall)
    })
}

fn train_dqn(c: &RunConfig, dir: &Path, logger: &mut RunLogger, resume_from: Option<&Path>) -> Result<Summary> {
    let cfg = c.dqn.as_ref().ok_or_else(|| anyhow!("missing [dqn] table"))?;
    let ckpt_dir = dir.join("checkpoints");
    let video_dir = dir.join("videos");
    let run = DqnRun { spec: run_spec(c, &ckpt_dir, resume_from, Some(&video_dir))?, cfg };
    let start = Instant::now();
    let out = dqn::train(&run, logger)?;
    network_summary(c, &ckpt_dir, &out, cfg.run.eval_bound.or(cfg.run.reward_bound), start)
}

fn train_reinforce(c: &RunConfig, dir: &Path, logger: &mut RunLogger) -> Result<Summary> {
    let cfg = c.reinforce.as_ref().ok_or_else(|| anyhow!("missing [reinforce] table"))?;
    let ckpt_dir = dir.join("checkpoints");
    let run = ReinforceRun { spec: run_spec(c, &ckpt_dir, None, None)?, cfg };
    let start = Instant::now();
    let out = reinforce::train(&run, logger)?;
    network_summary(c, &ckpt_dir, &out, cfg.reward_bound, start)
}

/// The run description every network algorithm takes.
fn run_spec<'a>(
    c: &'a RunConfig,
    ckpt_dir: &'a Path,
    resume_from: Option<&'a Path>,
    video_dir: Option<&'a Path>,
) -> Result<RunSpec<'a>> {
    Ok(RunSpec {
        env_id: &c.env_id,
        kwargs: &c.env,
        total_steps: c.total_steps,
        seed: c.seed,
        checkpoint_dir: Some(ckpt_dir),
        resume_from,
        video_dir,
        devices: Devices::by_name(&c.device).map_err(|e| anyhow!("{e}"))?,
    })
}

/// The summary of a network run: its counters and the final evaluation of its best (else final)
/// checkpoint.
fn network_summary(
    c: &RunConfig,
    ckpt_dir: &Path,
    out: &Outcome,
    bound: Option<f64>,
    start: Instant,
) -> Result<Summary> {
    let wall = start.elapsed().as_secs_f64();
    let (eval, threshold, solved) = evaluate_network_run(c, ckpt_dir, &out.best_checkpoint, bound, out.solved_at_step)?;
    Ok(Summary {
        threshold,
        solved,
        solved_at_step: out.solved_at_step,
        stopped_by: out.stopped_by.name().into(),
        eval,
        ..counts(c, out.env_steps, out.episodes, out.updates, wall)
    })
}

/// The final evaluation of a network run: the best checkpoint when there is one (as SB3's
/// EvalCallback keeps), else the final one. Returns the evaluation, the return threshold
/// (`bound`, else the env's registered one) and whether the run counts as solved.
fn evaluate_network_run(
    c: &RunConfig,
    ckpt_dir: &Path,
    best: &Option<PathBuf>,
    bound: Option<f64>,
    solved_at_step: Option<u64>,
) -> Result<(Option<EvalSummary>, Option<f64>, bool)> {
    let (path, label) = match best {
        Some(p) if p.exists() => (p.clone(), "checkpoints/best.safetensors"),
        _ => (ckpt_dir.join("final.safetensors"), "checkpoints/final.safetensors"),
    };
    let (mut policy, _, _) = crate::commands::eval::load_policy(&path)?;
    let eval = final_eval(c, policy.as_mut(), label)?;
    let threshold = bound.or_else(|| deepq_env::registry::spec(&c.env_id).ok()?.reward_threshold);
    let solved = solved_at_step.is_some() || matches!((&eval, threshold), (Some(e), Some(t)) if e.mean >= t);
    Ok((eval, threshold, solved))
}

/// The summary fields every algorithm fills the same way (the rest are overwritten).
fn counts(c: &RunConfig, env_steps: u64, episodes: u64, updates: u64, wall: f64) -> Summary {
    Summary {
        env_id: c.env_id.clone(),
        algo: c.algo.name().into(),
        preset: c.preset.clone(),
        seed: c.seed,
        env_steps,
        episodes,
        updates,
        wall_seconds: wall,
        sps: env_steps as f64 / wall.max(1e-9),
        threshold: None,
        solved: false,
        solved_at_step: None,
        stopped_by: String::new(),
        eval: None,
    }
}

/// Greedy evaluation on a fresh env with the config's eval seed.
fn final_eval(c: &RunConfig, policy: &mut dyn Policy, checkpoint: &str) -> Result<Option<EvalSummary>> {
    if c.eval.episodes == 0 {
        return Ok(None);
    }
    let mut env = deepq_env::make_with(&c.env_id, &c.env)?;
    let r = evaluate(env.as_mut(), policy, c.eval.episodes, c.eval.seed)?;
    Ok(Some(EvalSummary::from_result(&r, checkpoint)))
}

fn report(s: &Summary, dir: &Path, quiet: bool) {
    if quiet {
        return;
    }
    let solved = match s.solved_at_step {
        Some(at) => format!("solved at step {at}"),
        None if s.solved => "solved (final evaluation above the threshold)".into(),
        None => "not solved".into(),
    };
    let eval = s
        .eval
        .as_ref()
        .map_or(String::new(), |e| format!(", greedy eval {:.3} +- {:.3} over {} episodes", e.mean, e.std, e.episodes));
    eprintln!(
        "deepq: {} steps, {} episodes in {:.1}s ({:.0} steps/s), {solved}{eval}; run directory: {}",
        s.env_steps,
        s.episodes,
        s.wall_seconds,
        s.sps,
        dir.display()
    );
}
