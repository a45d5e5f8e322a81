//! `deepq train`: resolve the config, create the run directory, train, checkpoint, evaluate,
//! and write the summary and plots.

use crate::config::{resolve, Algo, RunConfig};
use crate::logger::RunLogger;
use crate::progress::ProgressMode;
use crate::run_dir::{self, EvalSummary, Summary};
use anyhow::{anyhow, Context, Result};
use deepq_agents::policy::evaluate;
use deepq_agents::tabular;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Runs `deepq train`.
pub fn run(source: &str, seed: Option<u64>, out: Option<PathBuf>, overrides: &[String], quiet: bool) -> Result<()> {
    let config = resolve(source, overrides, seed)?;
    let dir = out.unwrap_or_else(|| run_dir::default_dir(&config));
    run_dir::create(&dir)?;
    run_dir::write_config(&dir, &config)?;
    let interrupted = install_ctrlc();
    let mut logger = RunLogger::create(&dir, ProgressMode::detect(quiet), interrupted.clone())?;
    logger.say(&format!(
        "deepq: training {} ({}) on {} -> {}",
        describe(&config),
        config.algo.name(),
        config.env_id,
        dir.display()
    ));
    let summary = match config.algo {
        Algo::TabularQ => train_tabular(&config, &dir, &mut logger)?,
    };
    logger.finish()?;
    run_dir::write_summary(&dir, &summary)?;
    report(&summary, &dir, quiet);
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
        env_id: c.env_id.clone(),
        algo: c.algo.name().into(),
        preset: c.preset.clone(),
        seed: c.seed,
        env_steps: out.env_steps,
        episodes: out.episodes,
        updates: out.env_steps,
        wall_seconds: wall,
        sps: out.env_steps as f64 / wall.max(1e-9),
        threshold: cfg.solve_threshold,
        solved: out.solved_at_step.is_some(),
        solved_at_step: out.solved_at_step,
        stopped_by: stopped_by.into(),
        eval,
    })
}

/// Greedy evaluation on a fresh env with the config's eval seed.
fn final_eval(
    c: &RunConfig,
    policy: &mut dyn deepq_agents::policy::Policy,
    checkpoint: &str,
) -> Result<Option<EvalSummary>> {
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
