//! End-to-end tests of REINFORCE through the `deepq` binary: the preset solves CartPole, its
//! checkpoint plays through `eval`, and bad configs are one clear line.

mod common;
use common::*;

#[test]
fn reinforce_preset_solves_cartpole_and_its_checkpoint_evaluates() {
    let dir = tmp("reinforce");
    let out = deepq(&["train", "cartpole-reinforce", "--quiet", "--seed", "1", "--out", dir.to_str().unwrap()]);
    ok(&out);
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["algo"], "reinforce");
    assert_eq!(s["stopped_by"], "solved", "{s}");
    assert!(s["eval"]["mean"].as_f64().unwrap() >= 475.0, "{s}");
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.starts_with("step,episode,return,length,loss,entropy\n"), "{}", &csv[..60]);
    let out = deepq(&["eval", dir.to_str().unwrap(), "--episodes", "3", "--json"]);
    ok(&out);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(e["mean"].as_f64().unwrap() >= 475.0, "{e}");
    // No resume checkpoint for REINFORCE: --resume says so in one line.
    assert_user_error(&deepq(&["train", "--resume", dir.to_str().unwrap()]), "resume.safetensors");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_reinforce_configs_are_one_clear_line() {
    let dir = tmp("reinforce-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("no_table.toml");
    std::fs::write(&cfg, "algo = \"reinforce\"\nenv_id = \"CartPole-v1\"\ntotal_steps = 100\n").unwrap();
    assert_user_error(&deepq(&["train", cfg.to_str().unwrap()]), "needs a [reinforce] table");
    let out = deepq(&["train", "cartpole-reinforce", "--set", "reinforce.batch_episodes=0"]);
    assert_user_error(&out, "reinforce.batch_episodes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn optional_keys_absent_from_the_preset_can_be_set() {
    let dir = tmp("reinforce-optional");
    let out = deepq(&[
        "train",
        "cartpole-reinforce",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "reinforce.max_episodes=8",
        "--set",
        "reinforce.reward_bound=1000",
        "--set",
        "eval.episodes=2",
    ]);
    ok(&out);
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["stopped_by"], "max_episodes", "{s}");
    assert_eq!(s["episodes"], 8, "{s}");
    assert_eq!(s["threshold"], 1000.0, "{s}");
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(cfg.contains("max_episodes = 8") && cfg.contains("reward_bound = 1000.0"), "{cfg}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn value_baseline_logs_its_loss() {
    let dir = tmp("reinforce-value");
    let out = deepq(&[
        "train",
        "cartpole-reinforce",
        "--quiet",
        "--out",
        dir.to_str().unwrap(),
        "--set",
        "reinforce.baseline=value",
        "--set",
        "reinforce.obs_scale=0.5",
        "--set",
        "reinforce.max_episodes=12",
        "--set",
        "eval.episodes=2",
    ]);
    ok(&out);
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.starts_with("step,episode,return,length,loss,entropy,value_loss\n"), "{}", &csv[..70]);
    let last = csv.lines().last().unwrap();
    let value_loss: f64 = last.rsplit(',').next().unwrap().parse().unwrap();
    assert!(value_loss.is_finite() && value_loss > 0.0, "{last}");
    assert!(dir.join("plots/eval_hist.png").is_file());
    let cfg = std::fs::read_to_string(dir.join("config.toml")).unwrap();
    assert!(cfg.contains("baseline = \"value\"") && cfg.contains("obs_scale = 0.5"), "{cfg}");
    // The scale travels with the checkpoint: `deepq eval` reproduces the summary.
    let s = json(&dir.join("summary.json"));
    let out = deepq(&["eval", dir.to_str().unwrap(), "--episodes", "2", "--json"]);
    ok(&out);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["returns"], s["eval"]["returns"], "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ucla_pg_preset_reports_sampled_and_greedy_evaluations() {
    let dir = tmp("pg-ucla");
    let d = dir.to_str().unwrap();
    let out = deepq(&[
        "train",
        "cartpole-pg-ucla",
        "--quiet",
        "--out",
        d,
        "--set",
        "pg_linear.max_episodes=60",
        "--set",
        "eval.episodes=10",
    ]);
    ok(&out);
    let s = json(&dir.join("summary.json"));
    assert_eq!((s["algo"].as_str(), s["env_id"].as_str()), (Some("pg_linear"), Some("CartPole-v0")), "{s}");
    assert_eq!((s["episodes"].as_u64(), s["updates"].as_u64()), (Some(60), Some(60)), "{s}");
    assert_eq!(s["stopped_by"], "max_episodes", "{s}");
    for (key, actions) in [("eval", "greedy"), ("eval_sampled", "sampled")] {
        let e = &s[key];
        assert_eq!(e["actions"], actions, "{s}");
        assert_eq!(e["episodes"], 10, "{s}");
        assert_eq!(e["seed"], 100000, "{s}");
        assert_eq!(e["checkpoint"], "checkpoints/final.safetensors", "{s}");
        assert_eq!(e["returns"].as_array().unwrap().len(), 10, "{s}");
    }
    for f in ["plots/eval_hist.png", "plots/return.png", "checkpoints/final.safetensors", "metrics.csv"] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    assert!(!dir.join("checkpoints/best.safetensors").exists(), "only the final parameters are kept");
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.starts_with("step,episode,return,length,grad_norm,theta_norm\n"), "{}", &csv[..60]);
    // `deepq eval RUN_DIR` reproduces the greedy evaluation.
    let out = deepq(&["eval", d, "--episodes", "10", "--json"]);
    ok(&out);
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["returns"], s["eval"]["returns"], "{e}");
    // The same seed gives the same run.
    let again = tmp("pg-ucla-again");
    let out = deepq(&[
        "train",
        "cartpole-pg-ucla",
        "--quiet",
        "--out",
        again.to_str().unwrap(),
        "--set",
        "pg_linear.max_episodes=60",
        "--set",
        "eval.episodes=10",
    ]);
    ok(&out);
    let metrics = |p: &std::path::Path| std::fs::read_to_string(p.join("metrics.csv")).unwrap();
    assert_eq!(metrics(&dir), metrics(&again));
    assert_eq!(json(&again.join("summary.json"))["eval_sampled"]["returns"], s["eval_sampled"]["returns"]);
    // No resume checkpoint: --resume says so in one line.
    assert_user_error(&deepq(&["train", "--resume", d]), "pg_linear runs cannot be resumed");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn bad_pg_and_baseline_values_are_one_clear_line() {
    assert_user_error(&deepq(&["train", "cartpole-pg-ucla", "--set", "pg_linear.lr=-0.002"]), "pg_linear.lr");
    assert_user_error(&deepq(&["train", "cartpole-pg-ucla", "--set", "pg_linear.gamma=2"]), "pg_linear.gamma");
    assert_user_error(
        &deepq(&["train", "cartpole-reinforce", "--set", "reinforce.obs_scale=nan"]),
        "reinforce.obs_scale",
    );
    assert_user_error(
        &deepq(&["train", "cartpole-reinforce", "--set", "reinforce.obs_scale=-1"]),
        "reinforce.obs_scale",
    );
    assert_user_error(&deepq(&["train", "cartpole-reinforce", "--set", "reinforce.value_lr=0"]), "reinforce.value_lr");
    let out = deepq(&["train", "cartpole-reinforce", "--set", "reinforce.baseline=valeu"]);
    assert_user_error(&out, "did you mean 'value'?");
    let dir = tmp("pg-bad");
    std::fs::create_dir_all(&dir).unwrap();
    let cfg = dir.join("no_table.toml");
    std::fs::write(&cfg, "algo = \"pg_linear\"\nenv_id = \"CartPole-v0\"\ntotal_steps = 100\n").unwrap();
    assert_user_error(&deepq(&["train", cfg.to_str().unwrap()]), "needs a [pg_linear] table");
    let _ = std::fs::remove_dir_all(&dir);
}
