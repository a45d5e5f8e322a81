//! The run directory: its location, `config.toml` and `summary.json`.

use crate::config::{to_toml, RunConfig};
use anyhow::{bail, Context, Result};
use deepq_agents::policy::EvalResult;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Default run directory: `runs/<preset or algo>_<env>_s<seed>_<UTC timestamp>`.
pub fn default_dir(config: &RunConfig) -> PathBuf {
    let name = if config.preset.is_empty() { config.algo.name().to_string() } else { config.preset.clone() };
    let env: String =
        config.env_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    PathBuf::from("runs").join(format!("{name}_{env}_s{}_{}", config.seed, utc_timestamp()))
}

/// `YYYYmmdd-HHMMSS` in UTC, without a date library.
fn utc_timestamp() -> String {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Creates a fresh run directory with `checkpoints/` and `plots/`; refuses a directory that
/// already holds a run.
pub fn create(dir: &Path) -> Result<()> {
    if dir.join("summary.json").exists() || dir.join("config.toml").exists() {
        bail!("'{}' already holds a run; choose another --out", dir.display());
    }
    for sub in ["", "checkpoints", "plots"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).with_context(|| format!("cannot create run directory '{}'", d.display()))?;
    }
    // Fail now, not after training, if the directory is not writable.
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"").with_context(|| format!("run directory '{}' is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Writes the resolved config as `config.toml`.
pub fn write_config(dir: &Path, config: &RunConfig) -> Result<()> {
    let text = format!(
        "# Resolved deepq config; re-run with: deepq train {}\n{}",
        dir.join("config.toml").display(),
        to_toml(config)?
    );
    deepq_log::atomic_write(dir.join("config.toml"), text.as_bytes()).context("cannot write config.toml")
}

/// The evaluation block of `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct EvalSummary {
    /// Episodes played.
    pub episodes: usize,
    /// Mean return.
    pub mean: f64,
    /// Standard deviation of the returns.
    pub std: f64,
    /// Lowest return.
    pub min: f64,
    /// Highest return.
    pub max: f64,
    /// Seed of the first episode.
    pub seed: u64,
    /// The checkpoint evaluated.
    pub checkpoint: String,
}

impl EvalSummary {
    /// From an evaluation result.
    pub fn from_result(r: &EvalResult, checkpoint: &str) -> Self {
        Self {
            episodes: r.episodes,
            mean: r.mean,
            std: r.std,
            min: r.min,
            max: r.max,
            seed: r.seed,
            checkpoint: checkpoint.into(),
        }
    }
}

/// `summary.json`: what a run did, for people and scripts.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Environment id.
    pub env_id: String,
    /// Algorithm name.
    pub algo: String,
    /// Preset name (empty for a config file).
    pub preset: String,
    /// Master seed.
    pub seed: u64,
    /// Env steps taken.
    pub env_steps: u64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Learner updates.
    pub updates: u64,
    /// Wall-clock training time (excluding the final evaluation).
    pub wall_seconds: f64,
    /// Env steps per second.
    pub sps: f64,
    /// The solve threshold, if any.
    pub threshold: Option<f64>,
    /// Whether the threshold was reached.
    pub solved: bool,
    /// Env step at which it was reached.
    pub solved_at_step: Option<u64>,
    /// Why training stopped: `total_steps`, `solved` or `interrupted`.
    pub stopped_by: String,
    /// Final greedy evaluation.
    pub eval: Option<EvalSummary>,
}

/// Writes `summary.json` atomically.
pub fn write_summary(dir: &Path, summary: &Summary) -> Result<()> {
    let text = serde_json::to_string_pretty(summary)? + "\n";
    deepq_log::atomic_write(dir.join("summary.json"), text.as_bytes()).context("cannot write summary.json")
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamp_has_the_expected_shape() {
        let t = super::utc_timestamp();
        assert_eq!(t.len(), 15);
        assert!(t.starts_with("20"));
        assert_eq!(&t[8..9], "-");
    }
}
