//! Nothing lost, nothing hangs, nothing panics: exit codes, Ctrl-C, the run directory's single
//! owner, refusals before anything is written, and resuming or restarting runs in place.

mod common;
use common::*;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A short CartPole DQN run; its resume checkpoint is written at the end. (Only top-level and
/// `eval` keys are set, so the test does not depend on the layout of the `[dqn]` table.)
fn short_dqn(dir: &Path) -> Output {
    deepq(&[
        "train",
        "cartpole",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "total_steps=3000",
        "--set",
        "eval.episodes=3",
    ])
}

/// A short FrozenLake run (no resume checkpoint: tabular runs write only final.safetensors).
fn short_tabular(dir: &Path) -> Output {
    deepq(&["train", "frozenlake", "--quiet", "--out", dir.to_str().unwrap(), "--set", "total_steps=50"])
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else {
                files.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    files
}

/// A usage error from clap: exit code 2, an `error:` first line mentioning `needle`, no panic.
fn assert_usage_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    let first = stderr.lines().next().unwrap_or("");
    assert!(first.starts_with("error: ") && first.contains(needle), "expected '{needle}' in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_deepq"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("deepq starts")
}

/// Waits for `child` at most `secs` seconds; kills it and fails the test when it is still running.
fn wait_at_most(child: &mut Child, secs: u64, what: &str) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what}: still running after {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until `cond` holds (at most 60 s).
fn wait_for(what: &str, child: &mut Child, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(child.try_wait().unwrap().is_none(), "deepq exited before {what}");
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn stderr_of(child: Child) -> String {
    String::from_utf8_lossy(&child.wait_with_output().unwrap().stderr).into_owned()
}

/// Sends `child` the signal `name` (`INT` is Ctrl-C).
#[cfg(unix)]
fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().unwrap().success();
    assert!(ok, "kill -{name} failed");
}

/// A long `cartpole-cleanrl` training in `tmp(name)`, once its first episodes are logged (its
/// signal handlers are installed by then).
#[cfg(unix)]
fn training_under_way(name: &str) -> (PathBuf, Child) {
    let dir = tmp(name);
    let d = dir.to_str().unwrap();
    let mut child =
        spawn(&["train", "cartpole-cleanrl", "--out", d, "--set", "total_steps=50000000", "--set", "eval.episodes=3"]);
    let metrics = dir.join("metrics.csv");
    wait_for("the first episodes", &mut child, || {
        std::fs::read_to_string(&metrics).is_ok_and(|t| t.lines().count() > 3)
    });
    (dir, child)
}

/// Sends `child` the signal `name` (`INT`, `TERM`, ...), waits for it and checks that it stopped
/// cleanly: exit 130, the run directory written with its resume checkpoint, the lock released.
/// Returns its standard error.
#[cfg(unix)]
fn stop_with(name: &str, dir: &Path, mut child: Child) -> String {
    signal(&child, name);
    let status = wait_at_most(&mut child, 60, &format!("a run sent SIG{name}"));
    let stderr = stderr_of(child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("deepq: interrupted; the run directory is written"), "{stderr}");
    assert!(stderr.contains(&format!("deepq train --resume {}", dir.display())), "{stderr}");
    assert!(!stderr.contains("error:") && !stderr.contains("panicked"), "{stderr}");
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["stopped_by"], "interrupted", "{s}");
    assert!(dir.join("checkpoints/resume.safetensors").is_file());
    assert!(dir.join("plots/return.png").is_file());
    assert!(!dir.join(".lock").exists(), "the lock is released");
    stderr
}

#[cfg(unix)]
#[test]
fn ctrl_c_writes_the_run_directory_and_exits_130() {
    let (dir, child) = training_under_way("ctrl-c");
    let stderr = stop_with("INT", &dir, child);
    assert!(stderr.contains("deepq: Ctrl-C: stopping after this step"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn sigterm_stops_like_ctrl_c_and_sighup_is_left_alone() {
    let (dir, child) = training_under_way("sigterm");
    let stderr = stop_with("TERM", &dir, child);
    assert!(stderr.contains("deepq: SIGTERM: stopping after this step"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);

    // SIGHUP is not taken over: `nohup` (which ignores it, and whose children inherit that) keeps
    // a run alive past its terminal, and without nohup the signal ends the process as for any
    // program. Either way it is not a clean stop.
    let (dir, mut child) = training_under_way("sighup");
    signal(&child, "HUP");
    let start = Instant::now();
    let status = loop {
        match child.try_wait().unwrap() {
            Some(status) => break Some(status),
            None if start.elapsed() > Duration::from_secs(3) => break None,
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    use std::os::unix::process::ExitStatusExt;
    match status {
        Some(status) => assert_eq!(status.signal(), Some(1), "ended by SIGHUP itself: {status:?}"),
        None => child.kill().unwrap(), // SIGHUP ignored, as this test's parent had it
    }
    let stderr = stderr_of(child);
    assert!(!stderr.contains("stopping after this step"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A closed output pipe (`deepq envs --all | head -1`, or a training's `| tee log` stopped):
/// the listing commands end quietly as Unix tools do, by SIGPIPE, never by a panic; a training
/// keeps going without its messages and still writes its run directory when stopped.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_listings_quietly_and_never_stops_a_training() {
    use std::os::unix::process::ExitStatusExt;
    for args in [&["envs", "--all"][..], &["presets"][..]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_deepq"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("deepq starts");
        drop(child.stdout.take()); // closed before deepq writes its first line
        let status = wait_at_most(&mut child, 30, "a listing into a closed pipe");
        let stderr = stderr_of(child);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(status.success() || status.signal() == Some(13), "{args:?}: {status:?} {stderr}");
    }

    let (dir, mut child) = training_under_way("closed-stderr");
    drop(child.stderr.take());
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let status = wait_at_most(&mut child, 60, "a run with a closed stderr sent SIGINT");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(json(&dir.join("summary.json"))["stopped_by"], "interrupted");
    assert!(dir.join("checkpoints/resume.safetensors").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_time_limit_stops_the_run_cleanly_and_resume_extends_it() {
    let dir = tmp("time-limit");
    let d = dir.to_str().unwrap();
    let train = ["train", "cartpole-cleanrl", "--out", d, "--set", "total_steps=50000000", "--set", "eval.episodes=3"];
    let out = deepq(&[&train[..], &["--time-limit", "2s"]].concat());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a time limit is a normal end: {stderr}");
    assert!(
        stderr.contains(&format!("stopped at the time limit (2s); continue the run with: deepq train --resume {d}"))
    );
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["stopped_by"], "time_limit", "{s}");
    let steps = s["env_steps"].as_u64().unwrap();
    assert!(steps > 0 && steps < 50_000_000, "{s}");
    assert!(s["eval"]["episodes"].as_u64() == Some(3), "the final evaluation still runs: {s}");
    assert!(dir.join("checkpoints/resume.safetensors").is_file());
    let last_time = |dir: &Path| -> f64 {
        let times = std::fs::read_to_string(dir.join("times.csv")).unwrap();
        times.lines().last().unwrap().rsplit(',').next().unwrap().parse().unwrap()
    };
    let first = last_time(&dir);
    assert!((1.0..2.5).contains(&first), "trained {first} s of a 2 s budget");

    // A new run cannot go into it; a budget the run has used up already is refused.
    assert_user_error(&deepq(&train), "already holds a run that was stopped early; continue it with");
    let trained = s["training_seconds"].as_f64().unwrap();
    assert!((2.0..3.0).contains(&trained), "{s}");
    let before = snapshot(&dir);
    for used_up in ["1s", "2s"] {
        let out = deepq(&["train", "--resume", d, "--time-limit", used_up]);
        assert_user_error(&out, &format!("already, which is the --time-limit {used_up} or more; give a longer one"));
    }
    assert_eq!(snapshot(&dir), before, "a refused resume changes nothing");

    // A longer budget continues the run (its clock counts the first session) and stops it again.
    let out = deepq(&["train", "--resume", d, "--quiet", "--time-limit", "4s"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["stopped_by"], "time_limit", "{s}");
    assert!(s["env_steps"].as_u64().unwrap() > steps, "{s}");
    let second = last_time(&dir);
    assert!(second > first + 1.0 && second < 4.5, "{first} s, then {second} s of a 4 s budget");
    let total = s["training_seconds"].as_f64().unwrap();
    assert!((4.0..5.0).contains(&total), "{s}");

    // Durations are checked by the argument parser.
    assert_usage_error(&deepq(&["train", "cartpole", "--time-limit", "3"]), "expected a duration such as 3h");
    assert_usage_error(&deepq(&["train", "cartpole", "--time-limit", "0m"]), "longer than zero");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_exits_at_once() {
    // With no time limit the greedy test of an untrained Taxi Q-table never ends an episode:
    // the first Ctrl-C asks training to stop, but only the second one can end the process.
    let dir = tmp("ctrl-c-twice");
    let d = dir.to_str().unwrap();
    let mut child = spawn(&[
        "train",
        "taxi",
        "--quiet",
        "--out",
        d,
        "--set",
        "env.max_episode_steps=0",
        "--set",
        "tabular.test_every=1",
        "--set",
        "tabular.test_episodes=1",
    ]);
    wait_for("the run directory", &mut child, || dir.join("config.toml").exists());
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, "INT");
    let status = wait_at_most(&mut child, 10, "a run after two Ctrl-C");
    let stderr = stderr_of(child);
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.join(".lock").exists(), "the lock is released on the way out");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn seeds_beyond_toml_integers_are_usage_errors() {
    let dir = tmp("big-seed");
    let big = "18446744073709551615";
    let out = deepq(&["train", "frozenlake", "--quiet", "--seed", big, "--out", dir.to_str().unwrap()]);
    assert_usage_error(&out, "seeds are at most 9223372036854775807");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("-1"));
    assert!(!dir.exists(), "nothing is created");
    assert_usage_error(&deepq(&["eval", "--random", "CartPole-v1", "--seed", big]), "at most 9223372036854775807");
    assert_usage_error(&deepq(&["play", "x", "--seed", big]), "at most 9223372036854775807");
    // The largest valid seed works end to end (written to config.toml and read back).
    let out = deepq(&[
        "train",
        "frozenlake",
        "--quiet",
        "--seed",
        "9223372036854775807",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "total_steps=20",
    ]);
    ok(&out);
    assert_eq!(json(&dir.join("summary.json"))["seed"], 9223372036854775807u64);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn non_finite_floats_are_rejected_with_their_key() {
    let dir = tmp("nan");
    let d = dir.to_str().unwrap();
    let out = deepq(&["train", "frozenlake", "--quiet", "--out", d, "--set", "tabular.solve_threshold=nan"]);
    assert_user_error(&out, "tabular.solve_threshold must be a finite number, got NaN");
    let out = deepq(&["train", "cartpole-reinforce", "--quiet", "--out", d, "--set", "reinforce.reward_bound=-inf"]);
    assert_user_error(&out, "reinforce.reward_bound must be a finite number, got -inf");
    assert!(!dir.exists(), "nothing is created");
    let cfgs = tmp("nan-file");
    std::fs::create_dir_all(&cfgs).unwrap();
    let f = cfgs.join("inf.toml");
    let text = "algo = \"tabular_q\"\nenv_id = \"Taxi-v3\"\ntotal_steps = 10\n[tabular]\nalpha = 0.1\ngamma = 0.9\n\
                exploration = \"random\"\nepsilon_start = 1.0\nepsilon_end = inf\nepsilon_decay_steps = 1\n\
                test_every = 1\ntest_episodes = 1\n";
    std::fs::write(&f, text).unwrap();
    assert_user_error(
        &deepq(&["train", f.to_str().unwrap(), "--quiet"]),
        "tabular.epsilon_end must be a finite number",
    );
    let _ = std::fs::remove_dir_all(&cfgs);
}

#[test]
fn huge_episode_counts_are_rejected_before_anything_runs() {
    let dir = tmp("huge");
    let d = dir.to_str().unwrap();
    let huge = "9223372036854775807";
    let out = deepq(&["train", "frozenlake", "--quiet", "--out", d, "--set", &format!("eval.episodes={huge}")]);
    assert_user_error(&out, &format!("eval.episodes must be at most 1000000 episodes, got {huge}"));
    let out = deepq(&["train", "frozenlake", "--quiet", "--out", d, "--set", &format!("tabular.test_episodes={huge}")]);
    assert_user_error(&out, "tabular.test_episodes must be at most 1000000");
    assert!(!dir.exists(), "rejected before the run directory is created");
    let out = deepq(&["eval", "--random", "CartPole-v1", "--episodes", huge]);
    assert_user_error(&out, "--episodes must be at most 1000000");
    assert_user_error(&deepq(&["play", "somewhere", "--episodes", huge]), "--episodes must be at most 1000000");
}

#[test]
fn a_locked_run_directory_is_refused_and_a_stale_lock_is_taken_over() {
    let dir = tmp("lock");
    let d = dir.to_str().unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    // This test process holds the lock: it is alive.
    let me = std::process::id();
    std::fs::write(dir.join(".lock"), format!("{me}\n")).unwrap();
    let out = short_tabular(&dir);
    assert_user_error(&out, &format!("'{d}' is in use by another deepq process (pid {me})"));
    assert!(!dir.join("config.toml").exists());

    // A lock whose process is gone (no pid is above 2^22 on Linux) is stale: taken over.
    std::fs::write(dir.join(".lock"), "99999999\n").unwrap();
    let out = short_tabular(&dir);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("stale lock"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("summary.json").is_file());
    assert!(!dir.join(".lock").exists(), "released after the run");

    // The same for a resume: a run that stopped before its first checkpoint, restarted in place.
    std::fs::remove_file(dir.join("summary.json")).unwrap();
    std::fs::write(dir.join(".lock"), format!("{me}\n")).unwrap();
    let out = deepq(&["train", "--resume", d, "--force", "--quiet"]);
    assert_user_error(&out, "is in use by another deepq process");
    // A run in progress (config.toml, no checkpoint yet, a live lock) is reported as in use, not
    // as a run that stopped before its first checkpoint.
    assert_user_error(&deepq(&["train", "--resume", d, "--quiet"]), "is in use by another deepq process");
    assert_user_error(&short_tabular(&dir), "is in use by another deepq process");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn out_into_a_folder_that_is_not_a_run_is_refused() {
    let dir = tmp("foreign");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("metrics.csv"), "someone else's numbers\n").unwrap();
    assert_user_error(&short_tabular(&dir), "is not empty and is not a deepq run directory");
    assert_eq!(std::fs::read_to_string(dir.join("metrics.csv")).unwrap(), "someone else's numbers\n");
    assert_eq!(snapshot(&dir).len(), 1, "nothing added");
    // An empty folder is fine.
    std::fs::remove_file(dir.join("metrics.csv")).unwrap();
    ok(&short_tabular(&dir));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_run_stopped_before_its_first_checkpoint_restarts_with_force() {
    let dir = tmp("restart");
    let d = dir.to_str().unwrap();
    ok(&short_tabular(&dir));
    let first = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    // What a run killed before its first checkpoint leaves: config.toml and logs, no checkpoint,
    // no summary.
    std::fs::remove_file(dir.join("summary.json")).unwrap();
    std::fs::remove_file(dir.join("checkpoints/final.safetensors")).unwrap();
    std::fs::write(dir.join(".metrics.csv.tmp.99999999.0"), "half").unwrap();
    let before = snapshot(&dir);

    let out = deepq(&["train", "--resume", d, "--quiet"]);
    assert_user_error(&out, &format!("restart it from scratch with: deepq train --resume {d} --force"));
    let out = short_tabular(&dir);
    assert_user_error(&out, &format!("deepq train --resume {d} --force"));
    assert_eq!(snapshot(&dir), before, "refusals change nothing");

    ok(&deepq(&["train", "--resume", d, "--force", "--quiet"]));
    assert!(dir.join("summary.json").is_file() && dir.join("checkpoints/final.safetensors").is_file());
    assert_eq!(std::fs::read_to_string(dir.join("metrics.csv")).unwrap(), first, "a clean restart, same seed");
    assert!(!dir.join(".metrics.csv.tmp.99999999.0").exists(), "stale temp files are removed");
    assert_eq!(std::fs::read_dir(dir.join("tensorboard")).unwrap().count(), 1, "one TensorBoard file");

    // --force never restarts a finished run.
    let out = deepq(&["train", "--resume", d, "--force", "--quiet"]);
    assert_user_error(&out, "--force only restarts a run that stopped before its first checkpoint");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn finished_runs_resume_only_to_train_longer() {
    let dir = tmp("more-steps");
    let d = dir.to_str().unwrap();
    ok(&short_dqn(&dir));
    let before = snapshot(&dir);
    assert_user_error(&deepq(&["train", "--resume", d]), "is a finished run (summary.json)");
    let out = deepq(&["train", "--resume", d, "--set", "total_steps=3000"]);
    assert_user_error(&out, "must be larger than the run's total_steps (3000)");
    assert_user_error(&deepq(&["train", "--resume", d, "--set", "eval.episodes=1"]), "no --set except total_steps=N");
    assert_eq!(snapshot(&dir), before, "refusals change nothing");

    // Stale temp files of a killed atomic write are cleaned up on resume.
    std::fs::write(dir.join("checkpoints/.resume.safetensors.tmp.99999999.3"), "half").unwrap();
    std::fs::write(dir.join(".summary.json.tmp.99999999.0"), "half").unwrap();
    ok(&deepq(&["train", "--resume", d, "--quiet", "--set", "total_steps=5000"]));
    let s = json(&dir.join("summary.json"));
    let steps = s["env_steps"].as_u64().unwrap();
    assert!(steps > 3000 && steps <= 5000, "{s}");
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(cfg.contains("total_steps = 5000"), "{cfg}");
    assert!(!dir.join("checkpoints/.resume.safetensors.tmp.99999999.3").exists());
    assert!(!dir.join(".summary.json.tmp.99999999.0").exists());
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let last_step: u64 = csv.lines().last().unwrap().split(',').next().unwrap().parse().unwrap();
    assert!(last_step > 3000, "training went on past the old total");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn training_longer_keeps_the_schedules_the_run_had() {
    // Epsilon decays over 90% of the run and beta over the whole run: given 6000 steps instead of
    // 3000, both must stay where the 3000-step run left them (epsilon at its end 0.05, beta at
    // 1), not stretch over the new total (epsilon 0.47 at step 3100).
    let dir = tmp("pinned-schedules");
    let d = dir.to_str().unwrap();
    let mut args = vec!["train", "cartpole", "--quiet", "--out", d, "--set", "total_steps=3000"];
    for set in ["dqn.exploration.steps=0", "dqn.exploration.fraction=0.9", "dqn.replay.prioritized=true"] {
        args.extend(["--set", set]);
    }
    ok(&deepq(&args));
    ok(&deepq(&["train", "--resume", d, "--quiet", "--set", "total_steps=6000"]));
    let cfg: toml::Table = std::fs::read_to_string(dir.join("config.toml")).unwrap().parse().unwrap();
    let dqn = &cfg["dqn"];
    assert_eq!(dqn["exploration"]["steps"].as_integer(), Some(2700), "{cfg}");
    assert_eq!(dqn["replay"]["beta_steps"].as_integer(), Some(3000), "{cfg}");
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let eps = header.iter().position(|h| *h == "epsilon").unwrap();
    let later: Vec<f64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[0].parse::<u64>().unwrap() > 3000)
        .map(|f| f[eps].parse().unwrap())
        .collect();
    assert!(!later.is_empty(), "episodes after the old total");
    assert!(later.iter().all(|e| (e - 0.05).abs() < 1e-9), "epsilon after step 3000: {later:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_resume_leaves_the_run_directory_as_it_was() {
    let dir = tmp("bad-resume");
    let d = dir.to_str().unwrap();
    ok(&short_dqn(&dir));
    // A resume checkpoint that loads but whose counters are unreadable: training fails after the
    // logger was made and before the training loop starts.
    let resume = dir.join("checkpoints/resume.safetensors");
    let mut ck = deepq_agents::checkpoint::load(&resume).unwrap();
    assert!(ck.metadata.contains_key("deepq.resume_state"));
    ck.metadata.insert("deepq.resume_state".into(), "{".into());
    let tensors: Vec<_> = ck.tensors.clone().into_iter().collect();
    deepq_agents::checkpoint::save(&resume, &tensors, &ck.metadata).unwrap();
    std::fs::write(dir.join("checkpoints/.resume.safetensors.tmp.99999999.3"), "half").unwrap();
    let before = snapshot(&dir);
    let out = deepq(&["train", "--resume", d, "--quiet", "--set", "total_steps=5000"]);
    assert_user_error(&out, "bad resume state");
    assert_eq!(snapshot(&dir).keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>(), "no file added");
    for (path, bytes) in &before {
        assert!(std::fs::read(dir.join(path)).unwrap() == *bytes, "{} was rewritten", path.display());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
