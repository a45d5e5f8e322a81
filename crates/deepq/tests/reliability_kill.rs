//! `kill -9` at any moment loses nothing: a short CartPole DQN run is killed with SIGKILL at
//! moments drawn from a seeded RNG (after a number of episodes, inside the atomic write of a
//! periodic or final checkpoint, of `summary.json`, and during a resume), then resumed to the
//! end. Every time the run directory must end up as the uninterrupted run's with the same seed:
//! no temporary or lock files, a `summary.json` naming the checkpoint it evaluated, and the same
//! counters, evaluation, `metrics.csv` and checkpoint bytes (a resume rebuilds the episode in
//! flight and continues exactly).
//!
//! The windows inside atomic writes are hit with the `DEEPQ_TEST_PAUSE_WRITE` hook of
//! `deepq_log::atomic_write` (off unless set): the chosen write waits between its complete
//! temporary file and the rename, the test sees the temporary file and kills the process.
#![cfg(unix)]

mod common;
use common::*;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The seed of the kill moments (change it to explore others).
const KILL_SEED: u64 = 0x5eed_0001;

/// The run: 3000 steps, learning from step 200, `last` and resume checkpoints every 500 steps
/// (six periodic ones, then the final one), greedy evaluations every 1000 steps.
const TRAIN: [&str; 9] = [
    "--set",
    "total_steps=3000",
    "--set",
    "eval.episodes=3",
    "--set",
    "dqn.run.checkpoint_every=500",
    "--set",
    "dqn.learning_starts=200",
    "--quiet",
];

/// The files a finished run must have with the uninterrupted run's bytes (`config.toml` with
/// the run directory's path replaced: its comment names it).
const SAME_BYTES: [&str; 6] = [
    "config.toml",
    "metrics.csv",
    "checkpoints/best.safetensors",
    "checkpoints/last.safetensors",
    "checkpoints/final.safetensors",
    "checkpoints/resume.safetensors",
];

/// A small seeded generator (SplitMix64) for the kill moments.
struct Moments(u64);

impl Moments {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

fn train_args(dir: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["train", "cartpole", "--out", dir.to_str().unwrap()].map(String::from).to_vec();
    args.extend(TRAIN.iter().map(|a| a.to_string()));
    args
}

fn resume_args(dir: &Path, force: bool) -> Vec<String> {
    let mut args: Vec<String> = ["train", "--resume", dir.to_str().unwrap(), "--quiet"].map(String::from).to_vec();
    if force {
        args.push("--force".into());
    }
    args
}

/// Starts deepq (stderr piped); `pause` sets the atomic-write hook.
fn start(args: &[String], pause: Option<&str>) -> Child {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_deepq"));
    cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
    if let Some(p) = pause {
        cmd.env(deepq_log::PAUSE_WRITE_VAR, p);
    }
    cmd.spawn().expect("deepq starts")
}

/// SIGKILLs `child` and checks that the signal, not an exit, ended it.
fn kill_9(mut child: Child, what: &str) {
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(9), "{what}: deepq was not killed but exited with {status}");
}

/// Polls `cond` until it holds; fails when `child` exits first or after 60 s.
fn wait_until(child: &mut Child, what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("{what}: deepq exited ({status}) before the kill");
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{what}: timed out");
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Finished training episodes logged in `metrics.csv`.
fn episodes_logged(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("metrics.csv")).map_or(0, |t| t.lines().count().saturating_sub(1))
}

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                found.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// Temporary files of atomic writes (`.NAME.tmp.PID.N`) under `dir`.
fn temp_files(dir: &Path) -> Vec<PathBuf> {
    files(dir).into_iter().filter(|p| p.file_name().unwrap().to_string_lossy().contains(".tmp.")).collect()
}

/// Starts the run (or a resume) with the write of `target` (`NAME@N`) held by the hook, waits
/// for the hook's stderr line and SIGKILLs it there, with the temporary file complete and the
/// old file (if any) still in place.
fn kill_inside_write(dir: &Path, args: &[String], target: &str) {
    let name = target.split('@').next().unwrap();
    let mut child = start(args, Some(target));
    let what = format!("kill inside the write of {target}");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            let status = child.wait().unwrap();
            panic!("{what}: deepq exited ({status}) before the write: {seen}");
        }
        if line.trim_end() == deepq_log::PAUSE_WRITE_NOTE {
            break;
        }
        seen.push_str(&line);
    }
    kill_9(child, &what);
    let prefix = format!(".{name}.tmp.");
    let left = temp_files(dir);
    assert!(
        left.iter().any(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix)),
        "{what}: the killed write left no temporary file: {left:?}"
    );
}

/// Starts the run (or a resume) and SIGKILLs it once `metrics.csv` has `episodes` more rows than
/// now.
fn kill_after_episodes(dir: &Path, args: &[String], episodes: usize) {
    let target = episodes_logged(dir) + episodes;
    let mut child = start(args, None);
    let what = format!("kill after {target} episodes");
    wait_until(&mut child, &what, || episodes_logged(dir) >= target);
    kill_9(child, &what);
}

/// Resumes a killed run to its end (restarting it with `--force` when it was killed before its
/// first resume checkpoint).
fn resume_to_end(dir: &Path) {
    let force = !dir.join("checkpoints/resume.safetensors").exists();
    let args = resume_args(dir, force);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&deepq(&args));
}

/// A file of run directory `dir`, with the directory's path replaced by `RUN_DIR` (empty if it
/// is missing).
fn read_run_file(dir: &Path, file: &str) -> Vec<u8> {
    let bytes = std::fs::read(dir.join(file)).unwrap_or_default();
    if file.ends_with(".toml") {
        return String::from_utf8(bytes).unwrap().replace(dir.to_str().unwrap(), "RUN_DIR").into_bytes();
    }
    bytes
}

/// The uninterrupted run (made once, shared by the tests): its summary and files.
struct Reference {
    summary: serde_json::Value,
    bytes: BTreeMap<&'static str, Vec<u8>>,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let dir = tmp("kill-reference");
        let args = train_args(&dir);
        ok(&deepq(&args.iter().map(String::as_str).collect::<Vec<_>>()));
        let summary = json(&dir.join("summary.json"));
        let bytes = SAME_BYTES.iter().map(|f| (*f, read_run_file(&dir, f))).collect();
        let _ = std::fs::remove_dir_all(&dir);
        Reference { summary, bytes }
    })
}

/// The run directory is whole and equals the uninterrupted run's.
fn assert_same_as_uninterrupted(dir: &Path, what: &str) {
    let reference = reference();
    assert_eq!(temp_files(dir), Vec::<PathBuf>::new(), "{what}: temporary files remain");
    assert!(!dir.join(".lock").exists(), "{what}: the lock remains");
    let mut summary = json(&dir.join("summary.json"));
    let checkpoint = summary["eval"]["checkpoint"].as_str().unwrap_or_default().to_string();
    assert!(checkpoint.starts_with("checkpoints/"), "{what}: the summary names no checkpoint: {summary}");
    assert!(dir.join(&checkpoint).is_file(), "{what}: the summary names '{checkpoint}', which does not exist");
    let mut expected = reference.summary.clone();
    for s in [&mut summary, &mut expected] {
        let m = s.as_object_mut().unwrap();
        m.remove("wall_seconds");
        m.remove("training_seconds");
        m.remove("sps");
    }
    assert_eq!(summary, expected, "{what}: the summary differs from the uninterrupted run's");
    for (file, bytes) in &reference.bytes {
        let now = read_run_file(dir, file);
        assert!(now == *bytes, "{what}: {file} differs from the uninterrupted run's");
    }
}

#[test]
fn sigkill_after_seeded_random_episodes_then_resume_gives_the_uninterrupted_run() {
    let mut moments = Moments(KILL_SEED);
    // The uninterrupted run has about 100 episodes; a kill within the first ~20 comes before
    // the first resume checkpoint (step 500) and is restarted with --force.
    for round in 0..4 {
        let episodes = moments.between(1, 80) as usize;
        let what = format!("round {round} (seed {KILL_SEED:#x}): SIGKILL after {episodes} episodes");
        let dir = tmp(&format!("kill-episodes-{round}"));
        kill_after_episodes(&dir, &train_args(&dir), episodes);
        resume_to_end(&dir);
        assert_same_as_uninterrupted(&dir, &what);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn sigkill_inside_periodic_checkpoint_writes() {
    let mut moments = Moments(KILL_SEED ^ 1);
    // The first resume checkpoint (nothing to resume from yet), a later one, a `last` one.
    let targets = [
        "resume.safetensors@1".to_string(),
        format!("resume.safetensors@{}", moments.between(2, 6)),
        format!("last.safetensors@{}", moments.between(1, 6)),
    ];
    for target in targets {
        let what = format!("SIGKILL inside the write of {target}");
        let dir = tmp(&format!("kill-write-{}", target.replace('@', "-")));
        kill_inside_write(&dir, &train_args(&dir), &target);
        resume_to_end(&dir);
        assert_same_as_uninterrupted(&dir, &what);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn sigkill_inside_the_final_checkpoint_and_summary_writes() {
    // The run writes best.safetensors at its first evaluation, then final.safetensors and the
    // last resume.safetensors (its 7th), then summary.json.
    for target in ["best.safetensors@1", "final.safetensors", "resume.safetensors@7", "summary.json"] {
        let what = format!("SIGKILL inside the write of {target}");
        let dir = tmp(&format!("kill-final-{}", target.replace('@', "-")));
        kill_inside_write(&dir, &train_args(&dir), target);
        assert!(!dir.join("summary.json").exists(), "{what}: no summary before its rename");
        resume_to_end(&dir);
        assert_same_as_uninterrupted(&dir, &what);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn sigkill_during_the_resume_itself() {
    let mut moments = Moments(KILL_SEED ^ 2);
    let dir = tmp("kill-resume");
    let first = moments.between(30, 60) as usize;
    kill_after_episodes(&dir, &train_args(&dir), first);
    assert!(dir.join("checkpoints/resume.safetensors").exists(), "killed after the first checkpoint");
    // The resume is killed after some more episodes, then inside its first checkpoint write,
    // then inside the write of its summary; the fourth attempt finishes.
    let more = moments.between(1, 20) as usize;
    kill_after_episodes(&dir, &resume_args(&dir, false), more);
    kill_inside_write(&dir, &resume_args(&dir, false), "resume.safetensors@1");
    kill_inside_write(&dir, &resume_args(&dir, false), "summary.json");
    resume_to_end(&dir);
    let what = format!("seed {KILL_SEED:#x}: killed after {first} episodes, then three resumes killed");
    assert_same_as_uninterrupted(&dir, &what);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn two_runs_with_the_same_seed_write_the_same_checkpoint_bytes() {
    // The resume checkpoint included: its optimizer state is written in a fixed order.
    let dir = tmp("kill-twice");
    ok(&deepq(&train_args(&dir).iter().map(String::as_str).collect::<Vec<_>>()));
    assert_same_as_uninterrupted(&dir, "a second uninterrupted run");
    let _ = std::fs::remove_dir_all(&dir);
}
