//! Property tests of the config loader and of `--set` parsing: whatever the text, resolving
//! returns a config or an error, never panics; and a config that resolves re-resolves from its
//! own `config.toml` text to the same config.
//!
//! A normal test run plays a few hundred cases per property. `DEEPQ_FUZZ_CASES=N` changes the
//! cases per round, and `DEEPQ_FUZZ_SECONDS=S` repeats rounds (each with fresh random seeds)
//! for S seconds: `scripts/fuzz.sh` runs them for a few minutes.

use deepq::config::{apply_override, resolve, resolve_text, to_toml, PRESETS};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::time::{Duration, Instant};

/// Runs `test` on values of `strategy`: one round, or rounds until `DEEPQ_FUZZ_SECONDS` pass.
fn fuzz<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let env = |key: &str| std::env::var(key).ok().and_then(|v| v.parse::<u64>().ok());
    let cases = env("DEEPQ_FUZZ_CASES").unwrap_or(200) as u32;
    let deadline = env("DEEPQ_FUZZ_SECONDS").map(|s| Instant::now() + Duration::from_secs(s));
    let mut total = 0u64;
    loop {
        let config = Config { cases, failure_persistence: None, ..Config::default() };
        let mut runner = TestRunner::new(config);
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("{name}: {e}");
        }
        total += u64::from(cases);
        if deadline.is_none_or(|d| Instant::now() >= d) {
            break;
        }
    }
    if deadline.is_some() {
        eprintln!("{name}: {total} cases");
    }
}

/// Presets whose environments exist without the `atari` feature.
fn classic_presets() -> Vec<&'static str> {
    PRESETS.iter().filter(|p| !deepq_env::provider::looks_like_atari(&preset_env_id(p.toml))).map(|p| p.name).collect()
}

/// The `env_id` of a preset's TOML text.
fn preset_env_id(text: &str) -> String {
    let table: toml::Table = text.parse().expect("presets are valid TOML");
    table.get("env_id").and_then(|v| v.as_str()).unwrap_or_default().to_string()
}

/// A key: a real one, a near miss, a made-up dotted path, or any text.
fn key() -> impl Strategy<Value = String> {
    let real = prop::sample::select(vec![
        "seed",
        "total_steps",
        "algo",
        "env_id",
        "device",
        "preset",
        "description",
        "env",
        "env.map_name",
        "env.is_slippery",
        "env.max_episode_steps",
        "env.wrapper",
        "env.frameskip",
        "env.obs_type",
        "eval",
        "eval.episodes",
        "eval.seed",
        "tabular",
        "tabular.alpha",
        "tabular.gamma",
        "tabular.exploration",
        "tabular.test_episodes",
        "tabular.solve_threshold",
        "reinforce.hidden",
        "reinforce.lr",
        "reinforce.batch_episodes",
        "reinforce.max_episodes",
        "reinforce.reward_bound",
        "dqn",
        "dqn.lr",
        "dqn.hidden",
    ])
    .prop_map(str::to_string);
    prop_oneof![
        4 => real,
        2 => "[a-z_]{1,12}(\\.[a-z_]{1,12}){0,3}",
        1 => "[a-z_. ]{0,16}",
        1 => "\\PC{0,16}",
    ]
}

/// A value: mostly plausible (small numbers, booleans, words), else extreme, malformed, or
/// any text.
fn value() -> impl Strategy<Value = String> {
    let plausible = prop_oneof![
        (0..2000u64).prop_map(|v| v.to_string()),
        (0.0..1.0f64).prop_map(|v| format!("{v:?}")),
        prop::sample::select(vec!["true", "false", "\"4x4\"", "8x8", "[64, 64]", "[]", "\"cpu\"", "random"])
            .prop_map(str::to_string),
    ];
    let wild = prop_oneof![
        any::<i64>().prop_map(|v| v.to_string()),
        any::<u64>().prop_map(|v| v.to_string()),
        any::<f64>().prop_map(|v| format!("{v:?}")),
        prop::sample::select(vec![
            "nan",
            "inf",
            "-inf",
            "0",
            "-1",
            "1e400",
            "18446744073709551615",
            "9223372036854775807",
            "\"\"",
            "{}",
            "[1, 2",
            "\"unterminated",
            "'x'",
            "[[1]]",
            "{ a = 1 }",
            "\"dqn\"",
            "tabular_q",
            "CartPole-v1",
            "1979-05-27T07:32:00Z",
        ])
        .prop_map(str::to_string),
        "[a-z0-9_x]{0,10}",
        "\\[[0-9, .-]{0,12}\\]",
        "\\PC{0,16}",
    ];
    prop_oneof![3 => plausible, 2 => wild]
}

/// A `--set` argument: mostly `key=value`, sometimes without `=` or with several.
fn assignment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (key(), value()).prop_map(|(k, v)| format!("{k}={v}")),
        1 => "\\PC{0,24}",
        1 => (key(), value(), value()).prop_map(|(k, a, b)| format!("{k}={a}={b}")),
    ]
}

/// The resolved config re-resolves from its own text (what `config.toml` stores) unchanged.
fn round_trips(text_of: &deepq::config::RunConfig) -> Result<(), TestCaseError> {
    let text = to_toml(text_of).map_err(|e| TestCaseError::fail(format!("cannot write the config: {e}")))?;
    let again = resolve_text(&text, "", "written config", &[], None)
        .map_err(|e| TestCaseError::fail(format!("the written config does not resolve: {e}\n{text}")))?;
    prop_assert_eq!(&again, text_of);
    Ok(())
}

#[test]
fn set_overrides_never_panic() {
    let presets = classic_presets();
    let strategy = (prop::sample::select(presets), prop::collection::vec(assignment(), 1..3), any::<Option<u64>>());
    fuzz("--set", strategy, |(preset, overrides, seed)| {
        if let Ok(c) = resolve(preset, &overrides, seed) {
            round_trips(&c)?;
        }
        Ok(())
    });
}

/// The dotted keys of the leaves of a table, with their values.
fn leaves(table: &toml::Table, prefix: &str, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
        match v {
            toml::Value::Table(t) => leaves(t, &key, out),
            other => out.push((key, other.clone())),
        }
    }
}

#[test]
fn well_typed_overrides_resolve_or_fail_cleanly_and_round_trip() {
    // Overrides of existing keys with values of their type (random magnitudes): these pass the
    // type check, so most reach validation and, when valid, the round trip.
    let presets = classic_presets();
    let strategy = (
        prop::sample::select(presets),
        prop::collection::vec((any::<prop::sample::Index>(), any::<i64>(), any::<f64>(), 0..3u8), 1..4),
    );
    fuzz("typed --set", strategy, |(preset, picks)| {
        let base = resolve(preset, &[], None).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let table = toml::Table::try_from(&base).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut keys = Vec::new();
        leaves(&table, "", &mut keys);
        let overrides: Vec<String> = picks
            .iter()
            .map(|(index, i, f, small)| {
                let (key, current) = index.get(&keys);
                let value = match current {
                    toml::Value::Integer(_) if *small > 0 => (i.unsigned_abs() % 1000).to_string(),
                    toml::Value::Integer(_) => i.to_string(),
                    toml::Value::Float(_) if *small > 0 => format!("{:?}", (*f % 1.0).abs()),
                    toml::Value::Float(_) => format!("{f:?}"),
                    toml::Value::Boolean(_) => (*small == 1).to_string(),
                    other => other.to_string(),
                };
                format!("{key}={value}")
            })
            .collect();
        if let Ok(c) = resolve(preset, &overrides, None) {
            round_trips(&c)?;
        }
        Ok(())
    });
}

#[test]
fn apply_override_never_panics_on_any_table() {
    let strategy = (prop::collection::vec(assignment(), 0..4), assignment());
    fuzz("apply_override", strategy, |(setup, ov)| {
        let mut table = toml::Table::new();
        for s in &setup {
            let _ = apply_override(&mut table, s);
        }
        let _ = apply_override(&mut table, &ov);
        Ok(())
    });
}

/// One edit of a config text.
#[derive(Debug, Clone)]
enum Edit {
    /// Removes `len` bytes at `at` (a fraction of the text length).
    Delete { at: f64, len: usize },
    /// Inserts text at `at`.
    Insert { at: f64, text: String },
    /// Replaces the value of the `line`-th `key = value` line.
    SetValue { line: usize, value: String },
    /// Repeats a line (duplicate keys and tables).
    Repeat { line: usize },
    /// Appends a `key = value` line, maybe under a new table header.
    Append { header: Option<String>, key: String, value: String },
}

fn edit() -> impl Strategy<Value = Edit> {
    let snippet = prop_oneof![
        prop::sample::select(vec![
            "\n",
            "=",
            ".",
            "[",
            "]",
            "\"",
            "#",
            "[dqn]\n",
            "[tabular]\n",
            "[env]\n",
            "[eval]\n",
            "[[x]]\n",
            "nan",
            "inf",
            "-",
            "1e400",
            "\n[reinforce]\nlr = 0.1\n",
        ])
        .prop_map(str::to_string),
        "[a-z_ =.0-9\"\n]{1,12}",
        "\\PC{1,8}",
    ];
    prop_oneof![
        1 => (0.0..1.0f64, 1..20usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        1 => (0.0..1.0f64, snippet).prop_map(|(at, text)| Edit::Insert { at, text }),
        6 => (any::<usize>(), value()).prop_map(|(line, value)| Edit::SetValue { line, value }),
        1 => any::<usize>().prop_map(|line| Edit::Repeat { line }),
        1 => (proptest::option::of("[a-z_.]{1,10}"), key(), value())
            .prop_map(|(header, key, value)| Edit::Append { header, key, value }),
    ]
}

/// The largest char boundary of `s` at or below `i`.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(text: &mut String, edit: &Edit) {
    match edit {
        Edit::Delete { at, len } => {
            let start = boundary(text, (*at * text.len() as f64) as usize);
            let end = boundary(text, start + len);
            text.replace_range(start..end, "");
        }
        Edit::Insert { at, text: t } => {
            let at = boundary(text, (*at * text.len() as f64) as usize);
            text.insert_str(at, t);
        }
        Edit::SetValue { line, value } => {
            let lines: Vec<&str> = text.lines().collect();
            let assignments: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].contains(" = ")).collect();
            if assignments.is_empty() {
                return;
            }
            let i = assignments[line % assignments.len()];
            let key = lines[i].split(" = ").next().unwrap_or("");
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out[i] = format!("{key} = {value}");
            *text = out.join("\n");
        }
        Edit::Repeat { line } => {
            let lines: Vec<&str> = text.lines().collect();
            if lines.is_empty() {
                return;
            }
            let l = lines[line % lines.len()].to_string();
            text.push('\n');
            text.push_str(&l);
            text.push('\n');
        }
        Edit::Append { header, key, value } => {
            if let Some(h) = header {
                text.push_str(&format!("\n[{h}]"));
            }
            text.push_str(&format!("\n{key} = {value}\n"));
        }
    }
}

#[test]
fn mutated_config_files_never_panic() {
    let presets: Vec<&'static str> = PRESETS.iter().map(|p| p.toml).collect();
    let strategy =
        (prop::sample::select(presets), prop::collection::vec(edit(), 0..6), prop::collection::vec(assignment(), 0..2));
    fuzz("config text", strategy, |(base, edits, overrides)| {
        let mut text = base.to_string();
        for e in &edits {
            apply(&mut text, e);
        }
        if let Ok(c) = resolve_text(&text, "", "fuzzed config", &overrides, None) {
            round_trips(&c)?;
        }
        Ok(())
    });
}

#[test]
fn arbitrary_texts_never_panic() {
    let line =
        prop_oneof!["\\[[a-z_.]{0,10}\\]", (key(), value()).prop_map(|(k, v)| format!("{k} = {v}")), "\\PC{0,30}",];
    let strategy = prop::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"));
    fuzz("arbitrary text", strategy, |text| {
        let _ = resolve_text(&text, "", "fuzzed text", &[], None);
        Ok(())
    });
}
