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
