//! The run directory: its location, its owner (the lock), `config.toml` and `summary.json`.

use crate::config::{to_toml, RunConfig};
use anyhow::{bail, Context, Result};
use deepq_agents::policy::{EvalOptions, EvalResult, Protocol};
use serde::Serialize;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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

/// How far the run in a directory got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// No `config.toml`: not a run (the directory may not exist).
    NoRun,
    /// Has `config.toml` but no `summary.json`: killed, or still running elsewhere.
    Unfinished,
    /// Stopped early by Ctrl-C or its time limit (`summary.json` says `stopped_by =
    /// "interrupted"` or `"time_limit"`); can be resumed.
    Interrupted,
    /// Ran to its end (`summary.json`).
    Finished,
}

/// The state of the run in `dir`, from its `config.toml` and `summary.json`.
pub fn state(dir: &Path) -> RunState {
    if !dir.join("config.toml").is_file() {
        return RunState::NoRun;
    }
    let summary = dir.join("summary.json");
    if !summary.exists() {
        return RunState::Unfinished;
    }
    let stopped_by = std::fs::read_to_string(&summary)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("stopped_by").and_then(|s| s.as_str()).map(str::to_string));
    match stopped_by.as_deref() {
        Some("interrupted" | "time_limit") => RunState::Interrupted,
        _ => RunState::Finished,
    }
}

/// Seconds the run in `dir` trained, over all its sessions, up to its resume checkpoint at env
/// step `resume_step`: the `training_seconds` of its `summary.json` when it stopped cleanly
/// (its resume checkpoint is then from its last step), else the time of the last episode in
/// `times.csv` that ended by `resume_step` (a killed run; 0 without one).
pub fn training_seconds(dir: &Path, resume_step: u64) -> f64 {
    let summary = std::fs::read_to_string(dir.join("summary.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v.get("training_seconds")?.as_f64());
    if let Some(seconds) = summary {
        return seconds;
    }
    let text = std::fs::read_to_string(dir.join("times.csv")).unwrap_or_default();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let step = l.split(',').next()?.trim().parse::<u64>().ok()?;
            let seconds = l.rsplit(',').next()?.trim().parse::<f64>().ok()?;
            (step <= resume_step).then_some(seconds)
        })
        .last()
        .unwrap_or(0.0)
}

/// Checks, without writing anything, that `dir` can receive a new run: it does not exist, or is
/// an empty directory (apart from a lock file). A directory holding a run, or anything else, is
/// refused so no one's files are overwritten.
pub fn check_new(dir: &Path) -> Result<()> {
    let d = dir.display();
    check_not_in_use(dir)?;
    match state(dir) {
        RunState::NoRun => {}
        RunState::Unfinished if dir.join("checkpoints").join("resume.safetensors").exists() => {
            bail!("'{d}' already holds a run that did not finish; continue it with: deepq train --resume {d}")
        }
        RunState::Unfinished => bail!(
            "'{d}' already holds a run that stopped before its first checkpoint; restart it in place with: deepq train --resume {d} --force"
        ),
        RunState::Interrupted if dir.join("checkpoints").join("resume.safetensors").exists() => {
            bail!("'{d}' already holds a run that was stopped early; continue it with: deepq train --resume {d}")
        }
        RunState::Interrupted => bail!("'{d}' already holds a run that was stopped early; choose another --out"),
        RunState::Finished => bail!("'{d}' already holds a run; choose another --out"),
    }
    if dir.exists() {
        let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read '{d}'"))?;
        let foreign = entries.filter_map(|e| e.ok()).any(|e| e.file_name() != LOCK_FILE);
        if foreign {
            bail!("'{d}' is not empty and is not a deepq run directory; choose another --out");
        }
    }
    Ok(())
}

/// Creates a fresh run directory with `checkpoints/` and `plots/` and takes its lock; refuses a
/// directory that holds a run or other files ([`check_new`]).
pub fn create(dir: &Path) -> Result<RunLock> {
    check_new(dir)?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create run directory '{}'", dir.display()))?;
    let lock = RunLock::acquire(dir)?;
    // Another process may have filled the directory between the check and the lock.
    check_new(dir)?;
    prepare(dir)?;
    Ok(lock)
}

/// Creates `checkpoints/` and `plots/` and checks that the directory is writable.
pub fn prepare(dir: &Path) -> Result<()> {
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

/// What a run writes into its directory, apart from `config.toml`: removed by
/// [`clear_outputs`] to restart a run in place.
const OUTPUTS: [&str; 8] =
    ["metrics.csv", "times.csv", "evaluations.csv", "summary.json", "tensorboard", "plots", "checkpoints", "videos"];

/// Removes everything a run wrote except `config.toml` (and files deepq does not write), to
/// restart it from scratch. Call with the lock held.
pub fn clear_outputs(dir: &Path) -> Result<()> {
    for name in OUTPUTS {
        let p = dir.join(name);
        let removed = if p.is_dir() {
            std::fs::remove_dir_all(&p)
        } else if p.exists() {
            std::fs::remove_file(&p)
        } else {
            Ok(())
        };
        removed.with_context(|| format!("cannot remove '{}'", p.display()))?;
    }
    Ok(())
}

/// The temporary files that an atomic write killed half-way leaves behind (`.NAME.tmp.PID.N`,
/// see [`deepq_log::atomic_write`]) in `dir` and its subdirectories. Remove them with the lock
/// held.
pub fn stale_temp_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for entry in entries.filter_map(|e| e.ok()) {
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() {
                dirs.push(entry.path());
            } else if kind.is_file() && is_atomic_temp_name(&entry.file_name().to_string_lossy()) {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

/// Whether `name` is a temporary file name of [`deepq_log::atomic_write`]: `.NAME.tmp.PID.N`.
fn is_atomic_temp_name(name: &str) -> bool {
    let mut parts = name.rsplitn(3, '.');
    let (Some(n), Some(pid), Some(rest)) = (parts.next(), parts.next(), parts.next()) else { return false };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(n) && digits(pid) && rest.starts_with('.') && rest.len() > ".tmp".len() + 1 && rest.ends_with(".tmp")
}

/// The name of a run directory's lock file, which holds the owner's process id.
pub const LOCK_FILE: &str = ".lock";

/// Locks held by this process, released by [`release_all_locks`] when it has to exit at once.
static HELD_LOCKS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Ownership of a run directory: `RUN_DIR/.lock` holds the owner's process id while a training
/// or a resume writes into it, so a second process fails instead of mixing its files in.
/// The lock is released when the value is dropped.
#[derive(Debug)]
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock of run directory `dir` (which must exist). Fails with one line when a
    /// running process holds it; a lock left by a process that is no longer running is stale
    /// and taken over, with a note on stderr.
    pub fn acquire(dir: &Path) -> Result<Self> {
        let path = dir.join(LOCK_FILE);
        let d = dir.display();
        for _ in 0..3 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    file.write_all(format!("{}\n", std::process::id()).as_bytes())
                        .and_then(|()| file.sync_all())
                        .with_context(|| format!("cannot write '{}'", path.display()))?;
                    if let Ok(mut held) = HELD_LOCKS.lock() {
                        held.push(path.clone());
                    }
                    return Ok(Self { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(e).with_context(|| format!("cannot create '{}'", path.display())),
            }
            match lock_owner(&path) {
                Owner::Alive(pid) => {
                    bail!("'{d}' is in use by another deepq process (pid {pid}); wait for it to finish or stop it")
                }
                Owner::Gone(pid) => {
                    crate::say!(
                        "deepq: note: taking over the stale lock of '{d}' (process {pid} is no longer running)"
                    );
                }
                Owner::Unreadable => {
                    crate::say!("deepq: note: taking over the unreadable lock file of '{d}'");
                }
            }
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("cannot remove the stale lock '{}'", path.display())),
            }
        }
        bail!("cannot take the lock of '{d}': other processes keep taking it")
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        if let Ok(mut held) = HELD_LOCKS.lock() {
            held.retain(|p| p != &self.path);
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Fails when another running process holds the lock of `dir`, without taking it: a run in
/// progress is reported as such rather than by what its files look like half-way.
pub fn check_not_in_use(dir: &Path) -> Result<()> {
    let path = dir.join(LOCK_FILE);
    if !path.exists() {
        return Ok(());
    }
    match lock_owner(&path) {
        Owner::Alive(pid) if pid != std::process::id() => Err(in_use(dir, pid)),
        _ => Ok(()),
    }
}

fn in_use(dir: &Path, pid: u32) -> anyhow::Error {
    let who = if pid == 0 { "another deepq process".to_string() } else { format!("another deepq process (pid {pid})") };
    anyhow::anyhow!("'{}' is in use by {who}; wait for it to finish or stop it", dir.display())
}

/// Removes the lock files this process holds; for an exit that skips the destructors (a second
/// Ctrl-C).
pub fn release_all_locks() {
    if let Ok(held) = HELD_LOCKS.lock() {
        for p in held.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Who holds an existing lock file.
enum Owner {
    Alive(u32),
    Gone(u32),
    Unreadable,
}

fn lock_owner(path: &Path) -> Owner {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    match text.trim().parse::<u32>() {
        Ok(pid) if process_alive(pid) => Owner::Alive(pid),
        Ok(pid) => Owner::Gone(pid),
        Err(_) => {
            // A lock being created right now is empty for an instant: only an old one is stale.
            let age = std::fs::metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok());
            match age {
                Some(age) if age.as_secs() < 5 => Owner::Alive(0),
                _ => Owner::Unreadable,
            }
        }
    }
}

/// Whether a process with this id is running (on systems without `/proc` or `kill`, assumed).
fn process_alive(pid: u32) -> bool {
    if pid == 0 {
        return true;
    }
    if Path::new("/proc/self").exists() {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    #[cfg(unix)]
    {
        std::process::Command::new("kill")
            .args(["-0", &pid.to_string()])
            .stderr(std::process::Stdio::null())
            .status()
            .map_or(true, |s| s.success())
    }
    #[cfg(not(unix))]
    true
}

/// The text of a run's `config.toml`: the resolved config, with a comment on how to re-run it.
pub fn config_text(dir: &Path, config: &RunConfig) -> Result<String> {
    Ok(format!(
        "# Resolved deepq config; re-run with: deepq train {}\n{}",
        dir.join("config.toml").display(),
        to_toml(config)?
    ))
}

/// Writes the resolved config as `config.toml`.
pub fn write_config(dir: &Path, config: &RunConfig) -> Result<()> {
    let text = config_text(dir, config)?;
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
    /// The evaluation protocol (`training`, `full_game`, `homework`).
    pub protocol: String,
    /// Probability of a random action during the evaluation (0 = greedy).
    pub epsilon: f64,
    /// How the policy chose its actions: `greedy` (the most likely action), or `sampled` (drawn
    /// from a stochastic policy's distribution).
    pub actions: String,
    /// Mean episode length in agent steps.
    pub mean_length: f64,
    /// Episodes cut at the step limit.
    pub capped: usize,
    /// Every episode's score, in seed order.
    pub returns: Vec<f64>,
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
            protocol: Protocol::Training.name().into(),
            epsilon: 0.0,
            actions: "greedy".into(),
            mean_length: r.mean_length,
            capped: r.capped,
            returns: r.returns.clone(),
        }
    }

    /// The same summary naming the protocol and exploration rate it was played with.
    pub fn with_protocol(mut self, protocol: Protocol, opts: &EvalOptions) -> Self {
        self.protocol = protocol.name().into();
        self.epsilon = opts.epsilon;
        self
    }

    /// The same summary for actions sampled from the policy's distribution.
    pub fn sampled(mut self) -> Self {
        self.actions = "sampled".into();
        self
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
    /// Wall-clock training time of this session (excluding the final evaluation).
    pub wall_seconds: f64,
    /// Training time of the whole run, its earlier sessions included (what `--time-limit`
    /// counts).
    pub training_seconds: f64,
    /// Env steps per second of this session (a resumed run counts the steps since its resume).
    pub sps: f64,
    /// The solve threshold, if any.
    pub threshold: Option<f64>,
    /// Whether the threshold was reached.
    pub solved: bool,
    /// Env step at which it was reached.
    pub solved_at_step: Option<u64>,
    /// Why training stopped: `total_steps`, `solved`, `interrupted`, `time_limit` or
    /// `max_episodes`.
    pub stopped_by: String,
    /// Final greedy evaluation.
    pub eval: Option<EvalSummary>,
    /// Final evaluation with actions sampled from a stochastic policy (`pg_linear`), on the
    /// same episode seeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_sampled: Option<EvalSummary>,
    /// The last training episodes' scores (with exploration, as trained).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub training: Option<TrainingScores>,
}

/// The scores of the last 100 training episodes, and on Atari of the last 100 whole games
/// (unclipped, all lives) next to the per-life, clipped training episodes.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct TrainingScores {
    /// Training episodes in the run.
    pub episodes: u64,
    /// Mean return of the last 100 training episodes (per life and clipped on Atari stacks).
    pub mean100_return: f64,
    /// Whole games finished (Atari).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub games: Option<u64>,
    /// Mean unclipped score of the last 100 whole games (Atari).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean100_game_score: Option<f64>,
    /// Mean length of the last 100 whole games, in ALE env steps (Atari).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean100_game_length: Option<f64>,
}

/// Writes `summary.json` atomically.
pub fn write_summary(dir: &Path, summary: &Summary) -> Result<()> {
    let text = serde_json::to_string_pretty(summary)? + "\n";
    deepq_log::atomic_write(dir.join("summary.json"), text.as_bytes()).context("cannot write summary.json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_states_follow_config_and_summary() {
        let dir = std::env::temp_dir().join(format!("deepq-run-state-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(state(&dir), RunState::NoRun);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), "").unwrap();
        assert_eq!(state(&dir), RunState::Unfinished);
        std::fs::write(dir.join("summary.json"), r#"{"stopped_by": "interrupted"}"#).unwrap();
        assert_eq!(state(&dir), RunState::Interrupted);
        std::fs::write(dir.join("summary.json"), r#"{"stopped_by": "time_limit"}"#).unwrap();
        assert_eq!(state(&dir), RunState::Interrupted, "a run stopped by its time limit can be resumed");
        std::fs::write(dir.join("summary.json"), r#"{"stopped_by": "total_steps"}"#).unwrap();
        assert_eq!(state(&dir), RunState::Finished);
        std::fs::write(dir.join("summary.json"), "{trunc").unwrap();
        assert_eq!(state(&dir), RunState::Finished, "an unreadable summary counts as finished");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn training_time_comes_from_a_clean_stop_or_the_episodes_before_the_checkpoint() {
        let dir = std::env::temp_dir().join(format!("deepq-training-seconds-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(training_seconds(&dir, 100), 0.0, "no times.csv: a fresh start");
        std::fs::write(dir.join("times.csv"), "step,episode,seconds\n40,1,1.5\n90,2,3.25\n130,3,4.0\n").unwrap();
        assert_eq!(training_seconds(&dir, 100), 3.25, "a killed run: the episodes its checkpoint kept");
        std::fs::write(dir.join("summary.json"), r#"{"stopped_by": "time_limit", "training_seconds": 4.5}"#).unwrap();
        assert_eq!(training_seconds(&dir, 130), 4.5, "a clean stop: the summary's total");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_lock_is_exclusive_and_released_on_drop() {
        let dir = std::env::temp_dir().join(format!("deepq-run-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lock = RunLock::acquire(&dir).unwrap();
        assert_eq!(std::fs::read_to_string(lock.path()).unwrap(), format!("{}\n", std::process::id()));
        let e = RunLock::acquire(&dir).unwrap_err().to_string();
        assert!(e.contains("is in use by another deepq process"), "{e}");
        drop(lock);
        assert!(!dir.join(LOCK_FILE).exists());
        std::fs::write(dir.join(LOCK_FILE), "99999999\n").unwrap();
        drop(RunLock::acquire(&dir).unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn atomic_write_temp_names_are_recognised() {
        for name in [".metrics.csv.tmp.123.0", ".resume.safetensors.tmp.99999999.17", ".x.tmp.1.2"] {
            assert!(is_atomic_temp_name(name), "{name}");
        }
        for name in ["metrics.csv", ".lock", ".tmp.1.2", "a.tmp.1.2", ".x.tmp.1.", ".x.tmp.a.2", ".x.tmp.1.2b", ".tmp"]
        {
            assert!(!is_atomic_temp_name(name), "{name}");
        }
    }

    #[test]
    fn timestamp_has_the_expected_shape() {
        let t = super::utc_timestamp();
        assert_eq!(t.len(), 15);
        assert!(t.starts_with("20"));
        assert_eq!(&t[8..9], "-");
    }
}
