//! End-to-end tests of DQN training through the `deepq` binary: run directory, determinism,
//! kill-and-resume, and clear errors for bad checkpoints.

mod common;
use common::*;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A short CartPole run: CleanRL's settings, shortened.
const SHORT: [&str; 10] = [
    "--set",
    "total_steps=4000",
    "--set",
    "dqn.learning_starts=500",
    "--set",
    "dqn.run.eval_every=1000",
    "--set",
    "dqn.run.checkpoint_every=2000",
    "--set",
    "eval.episodes=5",
];

fn short_run(dir: &Path, seed: &str) {
    let mut args = vec!["train", "cartpole-cleanrl", "--seed", seed, "--quiet", "--out", dir.to_str().unwrap()];
    args.extend(SHORT);
    ok(&deepq(&args));
}

#[test]
fn short_dqn_run_writes_the_run_directory_and_eval_reproduces_it() {
    let dir = tmp("short");
    short_run(&dir, "0");
    for f in [
        "config.toml",
        "metrics.csv",
        "summary.json",
        "checkpoints/best.safetensors",
        "checkpoints/last.safetensors",
        "checkpoints/final.safetensors",
        "checkpoints/resume.safetensors",
        "plots/return.png",
        "plots/loss.png",
        "plots/epsilon.png",
        "plots/eval_mean_return.png",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.starts_with("step,episode,return,length,epsilon,loss,grad_norm,mean_q,initial_state_value\n"));
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["algo"], "dqn");
    assert_eq!(s["env_steps"], 4000);
    assert_eq!(s["updates"], 350, "one update every 10 steps after step 500");
    let out = deepq(&["eval", dir.to_str().unwrap(), "--episodes", "5", "--json"]);
    ok(&out);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["mean"], s["eval"]["mean"], "eval RUN_DIR reproduces the summary");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn kept_checkpoints_give_a_learning_curve_afterwards() {
    let dir = tmp("kept");
    let d = dir.to_str().unwrap();
    let mut args = vec!["train", "cartpole-cleanrl", "--quiet", "--out", d, "--set", "dqn.run.keep_checkpoints=true"];
    args.extend(SHORT);
    ok(&deepq(&args));
    for step in [2000, 4000] {
        assert!(dir.join(format!("checkpoints/step-{step:09}.safetensors")).is_file(), "step {step} kept");
    }
    // Each kept network, evaluated on the same seeds; the last one is the final network.
    let csv = dir.join("curve.csv");
    let out = deepq(&["eval", d, "--each-checkpoint", "--episodes", "3", "--json", "--csv", csv.to_str().unwrap()]);
    ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = v.as_array().unwrap();
    let steps: Vec<u64> = rows.iter().map(|r| r["step"].as_u64().unwrap()).collect();
    assert_eq!(steps, [2000, 4000]);
    assert!(rows.iter().all(|r| r["episodes"] == 3 && r["seed"] == rows[0]["seed"]), "{v}");
    let out = deepq(&["eval", &format!("{d}/checkpoints/final.safetensors"), "--episodes", "3", "--json"]);
    ok(&out);
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(last["returns"], rows[1]["returns"], "step 4000 is the final network");
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "step,seconds,mean,std,min,max,episodes,capped");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[2].starts_with("4000,") && lines[2].ends_with(",3,0"), "{text}");

    // A run without kept checkpoints, a checkpoint file, --csv alone, and keeping without
    // periodic checkpoints are one clear line each.
    let plain = tmp("not-kept");
    short_run(&plain, "1");
    let p = plain.to_str().unwrap();
    assert_user_error(&deepq(&["eval", p, "--each-checkpoint"]), "keep_checkpoints=true");
    let file = format!("{p}/checkpoints/final.safetensors");
    assert_user_error(&deepq(&["eval", &file, "--each-checkpoint"]), "takes a run directory");
    let out = deepq(&["eval", d, "--each-checkpoint", "--episodes", "1", "--csv", "/nonexistent-dir/curve.csv"]);
    assert_user_error(&out, "cannot write '/nonexistent-dir/curve.csv'");
    let out = deepq(&["eval", p, "--csv", "x.csv"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = tmp("keep-no-every");
    let out = deepq(&[
        "train",
        "cartpole-cleanrl",
        "--out",
        bad.to_str().unwrap(),
        "--set",
        "dqn.run.keep_checkpoints=true",
        "--set",
        "dqn.run.checkpoint_every=0",
    ]);
    assert_user_error(&out, "keep_checkpoints needs dqn.run.checkpoint_every > 0");
    for d in [dir, plain, bad] {
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[test]
fn same_seed_same_metrics() {
    let (a, b) = (tmp("det-a"), tmp("det-b"));
    short_run(&a, "3");
    short_run(&b, "3");
    let ma = std::fs::read(a.join("metrics.csv")).unwrap();
    assert_eq!(ma, std::fs::read(b.join("metrics.csv")).unwrap(), "metrics.csv differ for the same seed");
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

fn checkpoint_step(path: &Path) -> Option<u64> {
    let ck = deepq_agents::checkpoint::load(path).ok()?;
    ck.metadata.get("deepq.step")?.parse().ok()
}

#[test]
fn killed_run_resumes_with_the_same_counters_and_epsilon() {
    killed_run_resumes("resume", &[]);
}

/// The same with 4 envs in lockstep: every env's episode in flight survives the kill.
#[test]
fn killed_vector_env_run_resumes_with_the_same_counters_and_epsilon() {
    killed_run_resumes("resume-vec", &["--set", "dqn.num_envs=4"]);
}

fn killed_run_resumes(name: &str, extra: &[&str]) {
    let dir = tmp(name);
    let total = 60_000u64;
    let mut args = vec![
        "train",
        "cartpole-cleanrl",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "total_steps=60000",
        "--set",
        "dqn.learning_starts=1000",
        "--set",
        "dqn.train_freq=4",
        "--set",
        "dqn.run.eval_every=0",
        "--set",
        "dqn.run.checkpoint_every=5000",
    ];
    args.extend(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_deepq")).args(args).stdout(Stdio::null()).spawn().unwrap();
    let resume = dir.join("checkpoints/resume.safetensors");
    let start = Instant::now();
    let killed_at = loop {
        if let Some(step) = checkpoint_step(&resume).filter(|s| *s >= 10_000) {
            child.kill().unwrap(); // SIGKILL
            break step;
        }
        assert!(child.try_wait().unwrap().is_none(), "the run finished before it could be killed");
        assert!(start.elapsed() < Duration::from_secs(600), "no checkpoint appeared");
        std::thread::sleep(Duration::from_millis(5));
    };
    child.wait().unwrap();
    assert!(!dir.join("summary.json").exists(), "a killed run has no summary yet");
    assert!(killed_at < total);

    let out = deepq(&["train", "--resume", dir.to_str().unwrap()]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("resuming"));
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["env_steps"], total);

    // Episodes are numbered without gaps or repeats across the kill, steps only grow, and every
    // logged epsilon is CleanRL's linear schedule at that step: the schedule position survived.
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    let mut last = (0u64, 0u64);
    let mut resumed_rows = 0;
    for line in csv.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let (step, episode): (u64, u64) = (c[0].parse().unwrap(), c[1].parse().unwrap());
        assert_eq!(episode, last.1 + 1, "episode numbering broke at step {step}");
        assert!(step > last.0);
        let eps: f64 = c[4].parse().unwrap();
        let expected = (1.0 + (step - 1) as f64 / (0.5 * total as f64) * (0.05 - 1.0)).max(0.05);
        assert!((eps - expected).abs() < 1e-9, "epsilon {eps} at step {step}, expected {expected}");
        if step > killed_at {
            resumed_rows += 1;
        }
        last = (step, episode);
    }
    assert!(resumed_rows > 0);
    assert_eq!(last.1, s["episodes"].as_u64().unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn corrupt_mismatched_and_missing_checkpoints_are_one_clear_line() {
    let dir = tmp("badckpt");
    short_run(&dir, "1");
    let good = dir.join("checkpoints/final.safetensors");
    let bytes = std::fs::read(&good).unwrap();
    let trunc = dir.join("trunc.safetensors");
    std::fs::write(&trunc, &bytes[..bytes.len() / 2]).unwrap();
    assert_user_error(&deepq(&["eval", trunc.to_str().unwrap()]), "corrupt or truncated");

    // Same tensors, but metadata claiming another architecture.
    let mut ck = deepq_agents::checkpoint::load(&good).unwrap();
    let net = ck.metadata["deepq.net"].replace("[120,84]", "[64,64]");
    ck.metadata.insert("deepq.net".into(), net);
    let tensors: Vec<_> = ck.tensors.clone().into_iter().collect();
    let other = dir.join("other-arch.safetensors");
    deepq_agents::checkpoint::save(&other, &tensors, &ck.metadata).unwrap();
    assert_user_error(&deepq(&["eval", other.to_str().unwrap()]), "does not match");

    // A network for another environment.
    ck.metadata.insert("deepq.net".into(), ck.metadata["deepq.net"].replace("[64,64]", "[120,84]"));
    ck.metadata.insert("deepq.env_id".into(), "FrozenLake-v1".into());
    let wrong_env = dir.join("wrong-env.safetensors");
    deepq_agents::checkpoint::save(&wrong_env, &tensors, &ck.metadata).unwrap();
    assert_user_error(&deepq(&["eval", wrong_env.to_str().unwrap()]), "FrozenLake-v1");

    assert_user_error(&deepq(&["eval", dir.join("missing.safetensors").to_str().unwrap()]), "does not exist");
    assert_user_error(&deepq(&["train", "--resume", dir.join("nope").to_str().unwrap()]), "not a deepq run directory");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn play_records_a_gif_of_the_greedy_episode() {
    let dir = tmp("play");
    short_run(&dir, "2");
    let gif_path = dir.join("episode.gif");
    let out = deepq(&["play", dir.to_str().unwrap(), "--episodes", "1", "--record", gif_path.to_str().unwrap()]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let len: usize = text.trim().rsplit("length ").next().unwrap().parse().unwrap();
    let (frames, w, h) = gif_frames(&gif_path);
    assert_eq!((w, h), (600, 400));
    assert_eq!(frames, len + 1, "one frame after reset plus one per step");

    // `deepq eval ARGS --record GIF --json`: the result, and the number of frames recorded.
    let recorded_eval = |args: &[&str], gif: &Path| {
        let mut all = vec!["eval"];
        all.extend_from_slice(args);
        all.extend(["--record", gif.to_str().unwrap(), "--json"]);
        let out = deepq(&all);
        ok(&out);
        let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let steps: f64 = e["returns"].as_array().unwrap().iter().map(|r| r.as_f64().unwrap()).sum();
        (e, steps as usize, gif_frames(gif).0)
    };
    let random = dir.join("random.gif");
    let (_, steps, frames) = recorded_eval(&["--random", "CartPole-v1", "--episodes", "2"], &random);
    assert_eq!(frames, steps + 2, "one frame after each reset plus one per step");
    // The recording is of the scored episodes: cut at --max-steps, played with --epsilon.
    let (e, _, frames) = recorded_eval(&["--random", "CartPole-v1", "--episodes", "2", "--max-steps", "5"], &random);
    assert_eq!(e["capped"], 2);
    assert_eq!(frames, 2 * (5 + 1), "two episodes cut after 5 steps");
    let explored = dir.join("explored.gif");
    let (_, steps, frames) = recorded_eval(&[dir.to_str().unwrap(), "--episodes", "3", "--epsilon", "1"], &explored);
    assert_eq!(frames, steps + 3, "the epsilon-greedy episodes that were scored");

    let out = deepq(&["play", dir.to_str().unwrap(), "--record", dir.join("x.avi").to_str().unwrap()]);
    assert_user_error(&out, ".gif or .mp4");
    let out = deepq(&["eval", dir.to_str().unwrap(), "--record", dir.join("x.avi").to_str().unwrap()]);
    assert_user_error(&out, ".gif or .mp4");
    // A recording that could not be written fails before any episode is played.
    let nowhere = dir.join("no-such-dir").join("x.gif");
    for cmd in ["play", "eval"] {
        let out = deepq(&[cmd, dir.to_str().unwrap(), "--record", nowhere.to_str().unwrap()]);
        assert_user_error(&out, "cannot record");
        assert!(out.stdout.is_empty(), "{cmd} played before failing: {}", String::from_utf8_lossy(&out.stdout));
    }
    let folder = dir.join("folder.gif");
    std::fs::create_dir(&folder).unwrap();
    let out = deepq(&["play", dir.to_str().unwrap(), "--record", folder.to_str().unwrap()]);
    assert_user_error(&out, "is a directory");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pixel_presets_train_a_few_episodes_from_the_screen() {
    for preset in ["cartpole-pixels-tutorial", "cartpole-pixels"] {
        let dir = tmp(preset);
        let out = deepq(&[
            "train",
            preset,
            "--quiet",
            "--out",
            dir.to_str().unwrap(),
            "--set",
            "dqn.run.max_episodes=6",
            "--set",
            "dqn.learning_starts=60",
            "--set",
            "dqn.replay.batch_size=8",
            "--set",
            "dqn.run.eval_every=40",
            "--set",
            "dqn.run.eval_episodes=1",
            "--set",
            "eval.episodes=2",
        ]);
        ok(&out);
        let s = json(&dir.join("summary.json"));
        assert_eq!(s["episodes"], 6, "{preset}");
        assert_eq!(s["stopped_by"], "max_episodes", "{preset}");
        assert!(s["updates"].as_u64().unwrap() > 0, "{preset} made no update");
        let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
        if preset == "cartpole-pixels" {
            assert!(cfg.contains("wrapper = \"tutorial_screen_ink\"") && cfg.contains("dueling = true"), "{cfg}");
        } else {
            assert!(cfg.contains("wrapper = \"tutorial_screen_diff\"") && cfg.contains("batch_norm = true"), "{cfg}");
        }
        assert!(dir.join("checkpoints/best.safetensors").exists(), "{preset}: no best checkpoint");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn python_safetensors_reads_the_checkpoint() {
    let Ok(python) = std::env::var("DEEPQ_PYTHON") else {
        assert!(std::env::var("CI").is_err(), "DEEPQ_PYTHON must be set in CI (scripts/test.sh sets it)");
        eprintln!("skipping: DEEPQ_PYTHON is not set (run ./scripts/test.sh)");
        return;
    };
    let dir = tmp("python");
    short_run(&dir, "4");
    let script = r#"
import sys, json
from safetensors import safe_open
from safetensors.numpy import load_file
path = sys.argv[1]
t = load_file(path)
with safe_open(path, "np") as f:
    meta = f.metadata()
print(json.dumps({"shapes": {k: list(v.shape) for k, v in t.items()}, "env": meta["deepq.env_id"], "kind": meta["deepq.kind"]}))
"#;
    let out = Command::new(python)
        .args(["-c", script, dir.join("checkpoints/final.safetensors").to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["env"], "CartPole-v1");
    assert_eq!(v["kind"], "dqn");
    assert_eq!(v["shapes"]["hidden.0.weight"], serde_json::json!([4, 120]));
    assert_eq!(v["shapes"]["head.weight"], serde_json::json!([84, 2]));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn training_records_periodic_greedy_gifs_when_asked() {
    let dir = tmp("videos");
    let mut args =
        vec!["train", "cartpole-cleanrl", "--quiet", "--out", dir.to_str().unwrap(), "--set", "dqn.run.video_every=20"];
    args.extend(SHORT);
    ok(&deepq(&args));
    let s = json(&dir.join("summary.json"));
    let expected = s["episodes"].as_u64().unwrap() / 20;
    let mut gifs: Vec<_> = std::fs::read_dir(dir.join("videos")).unwrap().map(|e| e.unwrap().path()).collect();
    gifs.sort();
    assert_eq!(gifs.len() as u64, expected);
    assert!(gifs[0].ends_with("episode-000020.gif"), "{gifs:?}");
    let (frames, w, h) = gif_frames(&gifs[0]);
    assert_eq!((w, h), (600, 400));
    assert!(frames >= 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn device_resume_and_play_misuse_are_one_clear_line() {
    assert_user_error(&deepq(&["train", "cartpole", "--quiet", "--set", "device=\"tpu\""]), "unknown device 'tpu'");
    #[cfg(not(feature = "cuda"))]
    assert_user_error(&deepq(&["train", "cartpole", "--quiet", "--set", "device=\"cuda\""]), "--features cuda");
    let dir = tmp("misuse");
    short_run(&dir, "5");
    let d = dir.to_str().unwrap();
    assert_user_error(&deepq(&["train", "--resume", d, "--set", "seed=1"]), "no --set except total_steps=N");
    assert_user_error(&deepq(&["train", "cartpole", "--resume", d]), "not both");
    assert_user_error(&deepq(&["train"]), "give a preset name");
    assert_user_error(&deepq(&["play", d, "--fps", "0"]), "--fps");
    assert_user_error(&deepq(&["play", d, "--episodes", "0"]), "--episodes");
    let _ = std::fs::remove_dir_all(&dir);
}
