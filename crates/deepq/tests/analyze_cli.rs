//! End-to-end tests of `deepq analyze`, `deepq show-obs`, `deepq play --wrapper` and MP4
//! recording through the binary.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;

/// Trains a small CartPole DQN into `dir` (about a second).
fn tiny_cartpole(dir: &Path) {
    let d = dir.to_str().unwrap();
    let out = deepq(&[
        "train",
        "cartpole",
        "--quiet",
        "--out",
        d,
        "--set",
        "total_steps=2000",
        "--set",
        "dqn.learning_starts=500",
        "--set",
        "dqn.run.eval_every=1000",
        "--set",
        "dqn.run.eval_episodes=2",
        "--set",
        "eval.episodes=2",
    ]);
    ok(&out);
}

/// The rows of a CSV file as maps from column name to text.
fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines.map(|l| header.iter().cloned().zip(l.split(',').map(String::from)).collect()).collect()
}

#[test]
fn analyze_cartpole_writes_every_file_and_consistent_values() {
    let dir = tmp("analyze-cartpole");
    tiny_cartpole(&dir);
    let d = dir.to_str().unwrap();
    ok(&deepq(&["analyze", d, "--episodes", "3", "--epsilon", "0.05"]));
    let a = dir.join("analysis");
    for f in ["values.csv", "values.png", "value_over_time.png", "bias.json", "states.csv", "report.md"] {
        assert!(a.join(f).is_file(), "missing {f}");
    }
    // The run's gamma (config.toml) is the one used.
    let bias = json(&a.join("bias.json"));
    assert_eq!(bias["gamma"], 0.99);
    assert_eq!(bias["episodes"], 3);

    // Recompute V_MC and the TD error from the file's own columns.
    let rows = read_csv(&a.join("values.csv"));
    assert_eq!(bias["states"].as_u64().unwrap() as usize, rows.len());
    let f = |r: &std::collections::HashMap<String, String>, k: &str| r[k].parse::<f64>().unwrap();
    let gamma = 0.99;
    let mut next_v_mc: Option<f64> = None;
    for i in (0..rows.len()).rev() {
        let r = &rows[i];
        let same_episode_next = rows.get(i + 1).filter(|n| n["episode"] == r["episode"]);
        let last = same_episode_next.is_none();
        if last {
            next_v_mc = None;
            assert!(r["terminated"] == "1" || r["truncated"] == "1", "an episode's last step ends it");
        }
        let v_mc = f(r, "reward_trained") + gamma * next_v_mc.unwrap_or(0.0);
        assert!((f(r, "v_mc") - v_mc).abs() < 1e-6 * v_mc.abs().max(1.0), "row {i}: V_MC {} vs {v_mc}", r["v_mc"]);
        next_v_mc = Some(f(r, "v_mc"));
        let q: Vec<f64> = (0..2).map(|a| f(r, &format!("q{a}"))).collect();
        let v = q.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!(f(r, "v_agent"), v);
        assert!((f(r, "q_spread") - (v - q.iter().copied().fold(f64::INFINITY, f64::min))).abs() < 1e-12);
        if let Some(n) = same_episode_next {
            assert_eq!(f(r, "v_next"), f(n, "v_agent"), "row {i}: V(s') is the next state's V_agent");
            assert_eq!(n["t"].parse::<usize>().unwrap(), r["t"].parse::<usize>().unwrap() + 1);
        }
        let terminated = if r["terminated"] == "1" { 1.0 } else { 0.0 };
        let q_taken = q[r["action"].parse::<usize>().unwrap()];
        let td = f(r, "reward_trained") + gamma * f(r, "v_next") * (1.0 - terminated) - q_taken;
        assert!((f(r, "td_error") - td).abs() < 1e-9, "row {i}: TD {} vs {td}", r["td_error"]);
    }
    // 3 states per criterion, as CSV rows for vector observations.
    let states = read_csv(&a.join("states.csv"));
    assert_eq!(states.len(), 12);
    assert!(states[0].contains_key("obs3"));
    let report = std::fs::read_to_string(a.join("report.md")).unwrap();
    assert!(report.contains("values.png") && report.contains("Pearson"), "{report}");

    // No silent overwrite; --force replaces; bad input is one line.
    assert_user_error(&deepq(&["analyze", d]), "--force");
    ok(&deepq(&["analyze", d, "--episodes", "1", "--force", "--gamma", "0.9"]));
    assert_eq!(json(&a.join("bias.json"))["gamma"], 0.9);
    assert_user_error(&deepq(&["analyze", dir.join("nope").to_str().unwrap()]), "does not exist");
    let corrupt = dir.join("corrupt.safetensors");
    std::fs::write(&corrupt, b"not a checkpoint").unwrap();
    assert_user_error(&deepq(&["analyze", corrupt.to_str().unwrap()]), "corrupt.safetensors");
    assert_user_error(&deepq(&["analyze", d, "--epsilon", "2", "--force"]), "--epsilon");
    // A bare checkpoint: gamma 0.99 by default, output next to it.
    let ck = dir.join("checkpoints/final.safetensors");
    ok(&deepq(&["analyze", ck.to_str().unwrap(), "--episodes", "1"]));
    assert_eq!(json(&dir.join("checkpoints/final_analysis/bias.json"))["gamma"], 0.99);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn analyze_cartpole_pixels_writes_state_pictures() {
    let dir = tmp("analyze-pixels");
    let d = dir.to_str().unwrap();
    ok(&deepq(&[
        "train",
        "cartpole-pixels",
        "--quiet",
        "--out",
        d,
        "--set",
        "total_steps=150",
        "--set",
        "dqn.learning_starts=50",
        "--set",
        "dqn.replay.batch_size=8",
        "--set",
        "dqn.run.eval_every=100",
        "--set",
        "dqn.run.eval_episodes=1",
        "--set",
        "eval.episodes=1",
    ]));
    ok(&deepq(&["analyze", d, "--episodes", "2", "--max-steps", "60"]));
    let states = dir.join("analysis/states");
    for kind in ["q_spread_high", "q_spread_low", "td_error", "value_gap"] {
        for rank in 1..=3 {
            let p = states.join(format!("{kind}_{rank}.png"));
            assert!(p.is_file(), "missing {}", p.display());
        }
    }
    let report = std::fs::read_to_string(dir.join("analysis/report.md")).unwrap();
    assert!(report.contains("](states/td_error_1.png)"), "{report}");
    assert!(!dir.join("analysis/states.csv").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn show_obs_draws_the_frame_and_the_ink_stack() {
    let dir = tmp("show-obs");
    let d = dir.to_str().unwrap();
    let out = deepq(&["show-obs", "CartPole-v1", "--wrapper", "tutorial_screen_ink4", "--steps", "5", "--out", d]);
    ok(&out);
    let (fw, fh) = png_size(&dir.join("frame.png"));
    assert_eq!((fw, fh), (600, 400), "CartPole's rendered frame");
    let (ow, oh) = png_size(&dir.join("observation.png"));
    assert!(ow > 4 * 90 && oh > 40, "four 40x90 screens side by side, enlarged: {ow}x{oh}");
    assert_user_error(&deepq(&["show-obs", "CartPole-v1", "--out", d, "--force"]), "not an image");
    assert_user_error(&deepq(&["show-obs", "CartPole-v1", "--wrapper", "tutorial_screen_ink4", "--out", d]), "--force");
    assert_user_error(&deepq(&["show-obs", "NoSuchEnv-v0", "--out", d, "--force"]), "unknown environment id");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn play_accepts_a_wrapper_that_fits_the_network() {
    let dir = tmp("play-wrapper");
    let d = dir.to_str().unwrap();
    ok(&deepq(&[
        "train",
        "cartpole-pixels",
        "--quiet",
        "--out",
        d,
        "--set",
        "total_steps=100",
        "--set",
        "dqn.learning_starts=50",
        "--set",
        "dqn.replay.batch_size=8",
        "--set",
        "eval.episodes=1",
        "--set",
        "dqn.run.eval_every=50",
        "--set",
        "dqn.run.eval_episodes=1",
    ]));
    // The same pipeline named explicitly fits; the plain screen (3 channels, not 2) does not.
    let out = deepq(&["play", d, "--wrapper", "tutorial_screen_ink", "--episodes", "1"]);
    ok(&out);
    assert_user_error(
        &deepq(&["play", d, "--wrapper", "tutorial_screen", "--episodes", "1"]),
        "with wrapper tutorial_screen",
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn play_records_an_mp4_that_ffprobe_reads() {
    let probe = Command::new("ffprobe").arg("-version").output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!(
            "SKIPPED: ffprobe is not installed (scripts/setup_atari.sh installs ffmpeg); the MP4 check did not run"
        );
        return;
    }
    let dir = tmp("play-mp4");
    tiny_cartpole(&dir);
    let mp4 = dir.join("episode.mp4");
    let out = deepq(&["play", dir.to_str().unwrap(), "--episodes", "1", "--record", mp4.to_str().unwrap()]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let len: usize = text.trim().rsplit("length ").next().unwrap().parse().unwrap();
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=width,height,nb_read_frames", "-of", "csv=p=0"])
        .arg(&mp4)
        .output()
        .unwrap();
    assert!(probe.status.success(), "{}", String::from_utf8_lossy(&probe.stderr));
    let fields: Vec<usize> =
        String::from_utf8_lossy(&probe.stdout).trim().split(',').map(|f| f.parse().unwrap()).collect();
    assert_eq!(fields, vec![600, 400, len + 1], "width, height, frames (one after reset plus one per step)");
    // A short clip: --max-frames caps the recording, not the episode.
    let clip = dir.join("clip.mp4");
    let out = deepq(&["play", dir.to_str().unwrap(), "--record", clip.to_str().unwrap(), "--max-frames", "7"]);
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("length {len}")), "the episode played to its end");
    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v:0"])
        .args(["-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
        .arg(&clip)
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&probe.stdout).trim(), "7");
    assert_user_error(
        &deepq(&["play", dir.to_str().unwrap(), "--record", clip.to_str().unwrap(), "--max-frames", "0"]),
        "--max-frames",
    );
    let _ = std::fs::remove_dir_all(&dir);
}
