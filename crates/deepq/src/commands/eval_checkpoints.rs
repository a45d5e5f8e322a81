//! `deepq eval RUN --each-checkpoint`: a run's learning curve measured afterwards, by evaluating
//! every policy checkpoint it kept (`dqn.run.keep_checkpoints`) with one protocol.

use crate::commands::policy_loader::{check_episodes, load_policy};
use anyhow::{bail, Context, Result};
use deepq_agents::common::step_of_checkpoint;
use deepq_agents::policy::{evaluate_with, EvalOptions, EvalResult, Protocol};
use std::path::{Path, PathBuf};

/// How each kept checkpoint is evaluated and where the results go.
pub struct EachCheckpoint {
    /// The protocol as given (resolved per checkpoint's env).
    pub protocol: Protocol,
    /// Episodes per checkpoint (default: the protocol's, else 100).
    pub episodes: Option<usize>,
    /// Seed of the first episode (default: the run's eval seed); the same for every checkpoint.
    pub seed: Option<u64>,
    /// Probability of a random action.
    pub epsilon: f64,
    /// Steps after which an episode is cut (default: the protocol's).
    pub max_steps: Option<u64>,
    /// Print JSON (one array) instead of one line per checkpoint.
    pub json: bool,
    /// Also write the results as a CSV (the columns of a run's `evaluations.csv`; `seconds` is
    /// the training time of the last episode that ended by the checkpoint's step).
    pub csv: Option<PathBuf>,
}

/// The columns of the CSV: those of a run's `evaluations.csv`.
const COLUMNS: &str = "step,seconds,mean,std,min,max,episodes,capped";

/// Evaluates every kept checkpoint of `run` in step order.
pub fn run(run: &Path, o: &EachCheckpoint) -> Result<()> {
    let kept = kept_checkpoints(run)?;
    let seed = o
        .seed
        .unwrap_or_else(|| crate::config::load_file(&run.join("config.toml")).map(|c| c.eval.seed).unwrap_or(100_000));
    let times = training_times(run);
    let mut json = Vec::new();
    let mut csv = format!("{COLUMNS}\n");
    // The file is written before the first evaluation (a bad path fails at once) and after
    // each one (an evaluation that fails later keeps the rows before it).
    let write_csv = |text: &str| -> Result<()> {
        match &o.csv {
            Some(path) => deepq_log::atomic_write(path, text.as_bytes())
                .with_context(|| format!("cannot write '{}'", path.display())),
            None => Ok(()),
        }
    };
    write_csv(&csv)?;
    for (step, path) in &kept {
        let (mut policy, env_id, kwargs) = load_policy(path)?;
        let protocol = o.protocol.resolve(&env_id, &kwargs);
        let episodes = o.episodes.or(protocol.episodes()).unwrap_or(100);
        check_episodes(episodes)?;
        let opts = EvalOptions {
            epsilon: o.epsilon,
            max_steps: o.max_steps.or(protocol.max_steps()),
            continue_lives: protocol.continues_lives(&env_id, &kwargs),
        };
        let mut env = deepq_env::make_with(&env_id, &protocol.env_kwargs(&env_id, &kwargs))?;
        let r = evaluate_with(env.as_mut(), policy.as_mut(), episodes, seed, &opts)?;
        let seconds = seconds_at(&times, *step);
        csv.push_str(&csv_row(*step, seconds, &r));
        write_csv(&csv)?;
        if o.json {
            json.push(serde_json::json!({
                "step": step, "seconds": seconds, "checkpoint": path.display().to_string(),
                "env_id": env_id, "protocol": protocol.name(), "epsilon": o.epsilon,
                "episodes": r.episodes, "mean": r.mean, "std": r.std,
                "stderr": r.std / (r.episodes.max(1) as f64).sqrt(), "min": r.min, "max": r.max,
                "capped": r.capped, "seed": r.seed, "returns": r.returns,
            }));
        } else {
            println!(
                "step {step}: mean return {:.3} +- {:.3} (min {}, max {}) over {} episodes ({} protocol)",
                r.mean,
                r.std,
                r.min,
                r.max,
                r.episodes,
                protocol.name()
            );
        }
    }
    if o.json {
        println!("{}", serde_json::Value::Array(json));
    }
    Ok(())
}

/// The kept checkpoints of `run` (`checkpoints/step-<N>.safetensors`) with their steps, in
/// step order.
pub fn kept_checkpoints(run: &Path) -> Result<Vec<(u64, PathBuf)>> {
    let d = run.display();
    if !run.is_dir() {
        bail!("--each-checkpoint takes a run directory; '{d}' is not one");
    }
    let dir = run.join("checkpoints");
    let entries = std::fs::read_dir(&dir).with_context(|| format!("cannot read '{}'", dir.display()))?;
    let mut kept: Vec<(u64, PathBuf)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((step_of_checkpoint(e.file_name().to_str()?)?, e.path())))
        .collect();
    if kept.is_empty() {
        bail!(
            "'{d}' has no kept checkpoints (checkpoints/step-*.safetensors); train with --set dqn.run.keep_checkpoints=true to keep one every dqn.run.checkpoint_every steps"
        );
    }
    kept.sort();
    Ok(kept)
}

/// `(step, training seconds)` of each training episode's end, from the run's `times.csv`.
fn training_times(run: &Path) -> Vec<(f64, f64)> {
    let text = std::fs::read_to_string(run.join("times.csv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            Some((cells.first()?.parse().ok()?, cells.last()?.parse().ok()?))
        })
        .collect()
}

/// The training seconds at env step `step`: those of the last episode that ended by then.
fn seconds_at(times: &[(f64, f64)], step: u64) -> Option<f64> {
    times.iter().take_while(|t| t.0 <= step as f64).last().map(|t| t.1)
}

/// One CSV row; an unknown time is left empty.
fn csv_row(step: u64, seconds: Option<f64>, r: &EvalResult) -> String {
    let f = deepq_log::format_float;
    let seconds = seconds.map(f).unwrap_or_default();
    format!("{step},{seconds},{},{},{},{},{},{}\n", f(r.mean), f(r.std), f(r.min), f(r.max), r.episodes, r.capped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_seconds_are_those_of_the_last_episode_ended_by_the_step() {
        let times = [(90.0, 1.0), (200.0, 2.5), (310.0, 4.0)];
        assert_eq!(seconds_at(&times, 50), None);
        assert_eq!(seconds_at(&times, 200), Some(2.5));
        assert_eq!(seconds_at(&times, 300), Some(2.5));
        assert_eq!(seconds_at(&times, 1000), Some(4.0));
    }
}
