//! End-to-end tests of the `deepq` binary: runs, run directories and clear errors.

mod common;
use common::*;

#[test]
fn frozenlake_preset_solves_and_writes_the_full_run_directory() {
    let dir = tmp("frozenlake");
    let out = deepq(&["train", "frozenlake", "--seed", "0", "--out", dir.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in [
        "config.toml",
        "metrics.csv",
        "summary.json",
        "checkpoints/final.safetensors",
        "plots/return.png",
        "plots/test_reward.png",
    ] {
        assert!(dir.join(f).is_file(), "missing {f}");
    }
    let tb: Vec<_> = std::fs::read_dir(dir.join("tensorboard")).unwrap().collect();
    assert_eq!(tb.len(), 1, "one TensorBoard event file");
    let s = json(&dir.join("summary.json"));
    for key in [
        "env_id",
        "algo",
        "preset",
        "seed",
        "env_steps",
        "episodes",
        "updates",
        "wall_seconds",
        "training_seconds",
        "sps",
        "threshold",
        "solved",
        "solved_at_step",
        "eval",
    ] {
        assert!(s.get(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(s["solved"], true);
    assert_eq!(s["env_id"], "FrozenLake-v1");
    assert_eq!(s["eval"]["episodes"], 100);
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.starts_with("step,episode,return,length,epsilon,test_reward,best_test_reward\n"));
    assert_eq!(csv.lines().count() as u64, s["episodes"].as_u64().unwrap() + 1);

    // The written config re-runs to the same result (same seed, same everything).
    let again = tmp("frozenlake-again");
    let cfg = dir.join("config.toml");
    let out = deepq(&["train", cfg.to_str().unwrap(), "--out", again.to_str().unwrap(), "--quiet"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(&again.join("summary.json"))["solved_at_step"], s["solved_at_step"]);
    assert_eq!(std::fs::read(again.join("metrics.csv")).unwrap(), csv.as_bytes());

    // eval RUN_DIR reproduces the summary's evaluation.
    let out = deepq(&["eval", dir.to_str().unwrap(), "--episodes", "100", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["mean"], s["eval"]["mean"]);
    assert_eq!(e["std"], s["eval"]["std"]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&again);
}

#[test]
fn random_cartpole_baseline_is_in_the_low_twenties() {
    let out = deepq(&["eval", "--random", "CartPole-v1", "--episodes", "100", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mean = e["mean"].as_f64().unwrap();
    assert!((17.0..30.0).contains(&mean), "random CartPole mean {mean}");
    assert_eq!(e["episodes"], 100);
}

#[test]
fn presets_and_envs_are_listed() {
    let out = deepq(&["presets"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("frozenlake") && text.contains("taxi"), "{text}");
    let out = deepq(&["envs"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("CartPole-v1") && text.contains("Taxi-v3"), "{text}");
}

#[test]
fn unknown_preset_is_one_clear_line() {
    assert_user_error(&deepq(&["train", "frozenlak", "--quiet"]), "unknown preset 'frozenlak'");
}

#[test]
fn unknown_env_id_is_one_clear_line() {
    let out = deepq(&["train", "frozenlake", "--set", "env_id=FrozenPond-v9", "--quiet"]);
    assert_user_error(&out, "unknown environment id 'FrozenPond-v9'");
    assert_user_error(&deepq(&["eval", "--random", "Pongg-v9"]), "unknown environment id 'Pongg-v9'");
    if !cfg!(feature = "atari") {
        // Without the `atari` feature an Atari id says how to get the games.
        assert_user_error(&deepq(&["eval", "--random", "PongNoFrameskip-v4"]), "`atari` feature");
        assert_user_error(&deepq(&["eval", "--random", "ALE/Breakout-v5"]), "scripts/setup_atari.sh");
    }
}

#[test]
fn malformed_toml_is_one_clear_line() {
    let dir = tmp("badtoml");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("bad.toml");
    std::fs::write(&f, "algo = \"tabular_q\"\nenv_id = [unclosed\n").unwrap();
    assert_user_error(&deepq(&["train", f.to_str().unwrap(), "--quiet"]), "not valid TOML");
    std::fs::write(&f, "algo = \"tabular_q\"\nenv_id = \"FrozenLake-v1\"\ntotal_steps = 10\nsped = 1\n").unwrap();
    assert_user_error(&deepq(&["train", f.to_str().unwrap(), "--quiet"]), "sped");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_set_overrides_name_the_key() {
    let out = deepq(&["train", "frozenlake", "--set", "tabular.learning_rate=0.1", "--quiet"]);
    assert_user_error(&out, "tabular.learning_rate");
    let out = deepq(&["train", "frozenlake", "--set", "tabular.alpha=high", "--quiet"]);
    assert_user_error(&out, "tabular.alpha");
    let out = deepq(&["train", "cartpole-cleanrl", "--set", "dqn.run.eval_confirm_episodes=5", "--quiet"]);
    assert_user_error(&out, "dqn.run.eval_confirm_episodes needs dqn.run.eval_bound");
    let out = deepq(&["train", "frozenlake", "--set", "total_steps=-5", "--quiet"]);
    assert_user_error(&out, "total_steps");
    let out = deepq(&["train", "frozenlake", "--set", "tabular.alpha=3", "--quiet"]);
    assert_user_error(&out, "tabular.alpha");
    let out = deepq(&["train", "cartpole", "--set", "dqn.num_envs=0", "--quiet"]);
    assert_user_error(&out, "dqn.num_envs must be in 1..=");
}

#[test]
fn sizes_beyond_the_machines_memory_are_refused_before_allocating() {
    for (set, needle) in [
        ("dqn.replay.buffer_size=4000000000", "dqn.replay.buffer_size = 4000000000"),
        ("dqn.replay.batch_size=4000000000", "dqn.replay.batch_size = 4000000000"),
        ("dqn.network.hidden=[1048576, 1048576]", "the network (dqn.network.hidden = [1048576, 1048576])"),
    ] {
        let dir = tmp("too-large");
        let out = deepq(&["train", "cartpole", "--set", set, "--out", dir.to_str().unwrap(), "--quiet"]);
        assert_user_error(&out, needle);
        assert!(String::from_utf8_lossy(&out.stderr).contains("but the machine has"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn misspelt_keys_suggest_the_closest_valid_key() {
    for (typo, meant) in
        [("tabular.alfa", "tabular.alpha"), ("eval.episdoes", "eval.episodes"), ("env.wraper", "env.wrapper")]
    {
        let out = deepq(&["train", "frozenlake", "--set", &format!("{typo}=1"), "--quiet"]);
        assert_user_error(&out, &format!("unknown key '{typo}'; did you mean '{meant}'?"));
    }
    let dir = tmp("typo-file");
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("typo.toml");
    std::fs::write(&f, "algo = \"tabular_q\"\nenv_id = \"FrozenLake-v1\"\ntotal_steps = 10\n[tabular]\nalfa = 1\n")
        .unwrap();
    assert_user_error(&deepq(&["train", f.to_str().unwrap(), "--quiet"]), "did you mean 'tabular.alpha'?");
    assert!(!dir.join("runs").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unwritable_out_is_one_clear_line() {
    // A path below a regular file cannot be created, even as root.
    let dir = tmp("unwritable");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a-file");
    std::fs::write(&file, "x").unwrap();
    let out = deepq(&["train", "frozenlake", "--out", file.join("run").to_str().unwrap(), "--quiet"]);
    assert_user_error(&out, "cannot create run directory");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn existing_run_directory_is_not_overwritten() {
    let dir = tmp("twice");
    let args = ["train", "frozenlake", "--out", dir.to_str().unwrap(), "--quiet", "--set", "total_steps=50"];
    assert!(deepq(&args).status.success());
    assert_user_error(&deepq(&args), "already holds a run");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_of_missing_or_corrupt_checkpoints_is_one_clear_line() {
    let dir = tmp("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    assert_user_error(&deepq(&["eval", dir.join("nope.safetensors").to_str().unwrap()]), "does not exist");
    let f = dir.join("bad.safetensors");
    std::fs::write(&f, b"\x08\x00\x00\x00\x00\x00\x00\x00{garbage").unwrap();
    assert_user_error(&deepq(&["eval", f.to_str().unwrap()]), "corrupt");
    assert_user_error(&deepq(&["eval", dir.to_str().unwrap()]), "no checkpoints");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_stopped_by_total_steps_still_writes_everything() {
    let dir = tmp("short");
    let out = deepq(&["train", "taxi", "--out", dir.to_str().unwrap(), "--quiet", "--set", "total_steps=3000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s = json(&dir.join("summary.json"));
    assert_eq!(s["stopped_by"], "total_steps");
    assert_eq!(s["env_steps"], 3000);
    assert_eq!(s["solved"], false);
    assert!(dir.join("checkpoints/final.safetensors").is_file());
    assert!(dir.join("plots/return.png").is_file());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bench_quick_runs_and_unknown_suites_are_errors() {
    let out = deepq(&["bench", "--quick", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 8);
    let out = deepq(&["bench", "vec", "--quick", "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert!(ids.starts_with(&["env.cartpole_v1", "env.cartpole_v1_vec8"]), "{ids:?}");
    assert_user_error(&deepq(&["bench", "gpu"]), "unknown benchmark suite");
}

#[test]
fn curves_draws_runs_against_steps_and_training_time() {
    let dir = tmp("curves");
    let run = dir.join("run");
    let out = deepq(&["train", "cartpole", "--out", run.to_str().unwrap(), "--quiet", "--set", "total_steps=3000"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let times = std::fs::read_to_string(run.join("times.csv")).unwrap();
    let metrics = std::fs::read_to_string(run.join("metrics.csv")).unwrap();
    assert_eq!(times.lines().count(), metrics.lines().count(), "one time per episode");
    for x in ["step", "time"] {
        let png = dir.join(format!("{x}.png"));
        let out =
            deepq(&["curves", run.to_str().unwrap(), run.to_str().unwrap(), "--x", x, "--out", png.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    }
    let png = dir.join("x.png");
    let (r, p) = (run.to_str().unwrap(), png.to_str().unwrap());
    assert_user_error(&deepq(&["curves", r, "--x", "wall", "--out", p]), "--x must be");
    assert_user_error(&deepq(&["curves", r, "--y", "score", "--out", p]), "no column 'score'");
    assert_user_error(&deepq(&["curves", "/nonexistent/run", "--out", p]), "cannot read");

    // The periodic evaluations (every 1,000 steps, 10 episodes): one row each, plotted as they are.
    let evals = std::fs::read_to_string(run.join("evaluations.csv")).unwrap();
    let rows: Vec<&str> = evals.lines().collect();
    assert_eq!(rows[0], "step,seconds,mean,std,min,max,episodes,capped");
    assert!(rows.len() >= 2, "{evals}");
    assert!(rows[1].starts_with("1000,"), "{evals}");
    assert!(rows[1..].iter().all(|r| r.split(',').nth(6) == Some("10")), "{evals}");
    for x in ["step", "time"] {
        let png = dir.join(format!("eval-{x}.png"));
        let out = deepq(&["curves", r, "--y", "eval", "--x", x, "--out", png.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    }
    std::fs::remove_file(run.join("evaluations.csv")).unwrap();
    assert_user_error(&deepq(&["curves", r, "--y", "eval", "--out", p]), "eval_every");

    // Reference points: drawn beside the run (a different picture), their x column checked
    // against --x, their numbers parsed.
    let reference = dir.join("book.csv");
    std::fs::write(&reference, "step,the book\n500,10\n2500,150\n").unwrap();
    let with = dir.join("with.png");
    let out = deepq(&["curves", r, "--reference", reference.to_str().unwrap(), "--out", with.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plain = std::fs::read(dir.join("step.png")).unwrap();
    assert_ne!(std::fs::read(&with).unwrap(), plain, "the reference points are drawn");
    let q = reference.to_str().unwrap();
    assert_user_error(&deepq(&["curves", r, "--x", "time", "--reference", q, "--out", p]), "needs 'hours'");
    std::fs::write(&reference, "step,the book\n500,ten\n").unwrap();
    assert_user_error(&deepq(&["curves", r, "--reference", q, "--out", p]), "line 2: expected two numbers");
    std::fs::write(&reference, "hours,the book\n0.5,10\n").unwrap();
    let out = deepq(&["curves", r, "--x", "time", "--reference", q, "--out", p]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // Seeds of one configuration as a group: their mean and the band they span, with or
    // without single runs beside them.
    let run2 = dir.join("run2");
    let out = deepq(&[
        "train",
        "cartpole",
        "--seed",
        "1",
        "--out",
        run2.to_str().unwrap(),
        "--quiet",
        "--set",
        "total_steps=3000",
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let group = format!("cartpole={r},{}", run2.display());
    for x in ["step", "time"] {
        let png = dir.join(format!("group-{x}.png"));
        let out = deepq(&["curves", "--group", &group, "--x", x, "--out", png.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    }
    let (r2, one) = (run2.to_str().unwrap(), format!("seed 1={}", run2.display()));
    let out = deepq(&["curves", r2, "--group", &one, "--y", "eval", "--out", p]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // `--passes`: the table alone, no picture needed; a row per run and one per group.
    let out = deepq(&["curves", r2, "--group", &group, "--window", "5", "--passes", "-5,10"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = table.lines().collect();
    assert!(rows[0].ends_with("| mean of 5 >= -5 | mean of 5 >= 10 |"), "{table}");
    assert_eq!(rows.len(), 6, "header, rule, run2, the group's 2 runs, the group: {table}");
    assert!(rows[5].starts_with("| **cartpole** (2 runs: mean, worst) |"), "{table}");
    assert!(rows[2].contains(" (") && rows[2].ends_with(" s) |"), "steps with training seconds: {table}");
    for (args, needle) in [(vec!["curves", r, "--passes", "1,x"], "invalid float"), (vec!["curves", r], "--out")] {
        let out = deepq(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "a usage error: {stderr}");
        assert!(stderr.contains(needle) && !stderr.contains("panicked"), "{stderr}");
    }
    assert_user_error(&deepq(&["curves", r, "--passes", "0,NaN"]), "--passes takes finite numbers");
    assert_user_error(&deepq(&["curves", "--group", r, "--out", p]), "expected LABEL=RUN,RUN");
    assert_user_error(&deepq(&["curves", "--group", "seeds=", "--out", p]), "expected LABEL=RUN,RUN");
    let late = dir.join("late");
    std::fs::create_dir_all(&late).unwrap();
    std::fs::write(late.join("metrics.csv"), "step,episode,return,length\n900000,1,5,5\n900010,2,6,5\n").unwrap();
    let apart = format!("apart={r},{}", late.display());
    assert_user_error(&deepq(&["curves", "--group", &apart, "--out", p]), "share no range of env steps");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pong_ablation_script_refuses_bad_arguments_before_setting_anything_up() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/pong_ablation.sh");
    let dir = tmp("ablation-args");
    let out_dir = dir.to_str().unwrap();
    for (vars, args, needle) in [
        (vec![("PARALLEL", "x")], vec![out_dir], "PARALLEL must be a whole number"),
        (vec![("ARMS", "no-per bogus")], vec![out_dir], "unknown arm 'bogus'"),
        (vec![], vec![], "usage:"),
    ] {
        let out = std::process::Command::new("bash").arg(script).args(&args).envs(vars).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(needle), "expected '{needle}' in: {stderr}");
    }
    assert!(!dir.exists(), "nothing was created");
}
