//! Run configuration: TOML files, the embedded presets, and `--set key=value` overrides.
//!
//! A config is resolved in three steps: the preset (or file) is parsed into a TOML table,
//! each `--set` override is applied with type checking against the key it replaces, and the
//! result is deserialised into [`RunConfig`] with unknown keys rejected. The resolved config
//! is written back to the run directory as `config.toml`, which re-runs the same training.

use anyhow::{anyhow, bail, Context, Result};
use deepq_agents::dqn::DqnConfig;
use deepq_agents::reinforce::ReinforceConfig;
use deepq_agents::tabular::TabularConfig;
use deepq_env::EnvKwargs;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The learning algorithm of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Algo {
    /// Tabular Q-learning ([`TabularConfig`]).
    TabularQ,
    /// Deep Q-Network and its variants ([`DqnConfig`]).
    Dqn,
    /// REINFORCE policy gradient ([`ReinforceConfig`]).
    Reinforce,
}

impl Algo {
    /// The name used in configs and summaries.
    pub fn name(&self) -> &'static str {
        match self {
            Algo::TabularQ => "tabular_q",
            Algo::Dqn => "dqn",
            Algo::Reinforce => "reinforce",
        }
    }
}

/// Final greedy evaluation settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvalConfig {
    /// Greedy episodes played after training (0 to skip).
    pub episodes: usize,
    /// Seed of the first evaluation episode (episode `i` uses `seed + i`).
    pub seed: u64,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self { episodes: 100, seed: 100_000 }
    }
}

/// A complete, re-runnable training configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// The preset this config came from (empty for a file).
    #[serde(default)]
    pub preset: String,
    /// One-line description.
    #[serde(default)]
    pub description: String,
    /// The algorithm.
    pub algo: Algo,
    /// Gymnasium environment id.
    pub env_id: String,
    /// Master seed of the run.
    #[serde(default)]
    pub seed: u64,
    /// Training length in env steps, for every algorithm.
    pub total_steps: u64,
    /// Compute device of the networks: `cpu` (default), or `cuda` / `wgpu` with those features.
    #[serde(default = "default_device")]
    pub device: String,
    /// Environment kwargs.
    #[serde(default)]
    pub env: EnvKwargs,
    /// Final evaluation.
    #[serde(default)]
    pub eval: EvalConfig,
    /// Tabular Q-learning hyperparameters (`algo = "tabular_q"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tabular: Option<TabularConfig>,
    /// DQN hyperparameters (`algo = "dqn"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dqn: Option<DqnConfig>,
    /// REINFORCE hyperparameters (`algo = "reinforce"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reinforce: Option<ReinforceConfig>,
}

fn default_device() -> String {
    "cpu".into()
}

/// A built-in preset: its name and TOML text.
pub struct Preset {
    /// Name used on the command line.
    pub name: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

/// All presets embedded in the binary.
pub const PRESETS: &[Preset] = &[
    Preset { name: "frozenlake", toml: include_str!("../presets/frozenlake.toml") },
    Preset { name: "taxi", toml: include_str!("../presets/taxi.toml") },
    Preset { name: "cartpole", toml: include_str!("../presets/cartpole.toml") },
    Preset { name: "cartpole-cleanrl", toml: include_str!("../presets/cartpole-cleanrl.toml") },
    Preset { name: "cartpole-zoo", toml: include_str!("../presets/cartpole-zoo.toml") },
    Preset { name: "cartpole-pixels-tutorial", toml: include_str!("../presets/cartpole-pixels-tutorial.toml") },
    Preset { name: "cartpole-pixels", toml: include_str!("../presets/cartpole-pixels.toml") },
    Preset { name: "cartpole-reinforce", toml: include_str!("../presets/cartpole-reinforce.toml") },
    Preset { name: "cartpole-rainbow", toml: include_str!("../presets/cartpole-rainbow.toml") },
    Preset { name: "cartpole-c51", toml: include_str!("../presets/cartpole-c51.toml") },
    Preset { name: "pong-lapan", toml: include_str!("../presets/pong-lapan.toml") },
    Preset { name: "breakout-homework", toml: include_str!("../presets/breakout-homework.toml") },
    Preset { name: "breakout-ram-ucla", toml: include_str!("../presets/breakout-ram-ucla.toml") },
    Preset { name: "pong", toml: include_str!("../presets/pong.toml") },
    Preset { name: "breakout", toml: include_str!("../presets/breakout.toml") },
    Preset { name: "pong-rainbow", toml: include_str!("../presets/pong-rainbow.toml") },
];

/// Finds a preset by name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Resolves `PRESET|FILE.toml` plus overrides into a checked [`RunConfig`].
pub fn resolve(source: &str, overrides: &[String], seed: Option<u64>) -> Result<RunConfig> {
    let (text, preset_name, origin) = if let Some(p) = preset(source) {
        (p.toml.to_string(), p.name.to_string(), format!("preset '{}'", p.name))
    } else if source.ends_with(".toml") || Path::new(source).exists() {
        let text = std::fs::read_to_string(source).with_context(|| format!("cannot read config file '{source}'"))?;
        (text, String::new(), format!("config file '{source}'"))
    } else {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        bail!("unknown preset '{source}'; known presets: {} (or pass a path to a .toml file)", names.join(", "));
    };
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| anyhow!("{origin} is not valid TOML: {}", one_line(&e.to_string())))?;
    if !preset_name.is_empty() && !table.contains_key("preset") {
        table.insert("preset".into(), toml::Value::String(preset_name));
    }
    let mut config = from_table(table.clone(), &origin)?;
    // Overrides apply to the fully resolved table so every key of the config can be set.
    let mut full = to_table(&config)?;
    for ov in overrides {
        apply_override(&mut full, ov)?;
    }
    if let Some(seed) = seed {
        full.insert("seed".into(), toml::Value::Integer(seed as i64));
    }
    config = from_table(full, &origin)?;
    validate(&config)?;
    Ok(config)
}

/// Reads a resolved config written by a run (`RUN_DIR/config.toml`).
pub fn load_file(path: &Path) -> Result<RunConfig> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read '{}'", path.display()))?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        anyhow!("'{}' is not valid TOML: {}", path.display(), one_line(&e.to_string()))
    })?;
    from_table(table, &format!("'{}'", path.display()))
}

/// Serialises a config as TOML text.
pub fn to_toml(config: &RunConfig) -> Result<String> {
    Ok(toml::to_string_pretty(config)?)
}

fn to_table(config: &RunConfig) -> Result<toml::Table> {
    Ok(toml::Table::try_from(config)?)
}

fn from_table(table: toml::Table, origin: &str) -> Result<RunConfig> {
    RunConfig::deserialize(toml::Value::Table(table))
        .map_err(|e| anyhow!("invalid {origin}: {}", one_line(&e.to_string())))
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Applies one `key=value` override (dotted keys for tables) with type checking.
pub fn apply_override(table: &mut toml::Table, assignment: &str) -> Result<()> {
    let (key, raw) =
        assignment.split_once('=').ok_or_else(|| anyhow!("--set expects key=value, got '{assignment}'"))?;
    let key = key.trim();
    let raw = raw.trim();
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        bail!("--set: malformed key '{key}'");
    }
    let (last, parents) = parts.split_last().expect("split gives at least one part");
    let mut node = &mut *table;
    for (i, part) in parents.iter().enumerate() {
        let prefix = parts[..=i].join(".");
        node = match node.get_mut(*part) {
            Some(toml::Value::Table(t)) => t,
            Some(_) => bail!("--set {key}: '{prefix}' is a value, not a table"),
            None => bail!("--set {key}: unknown key '{prefix}' (this config has no such table)"),
        };
    }
    let existing = node.get(*last);
    let value = parse_value(raw, existing).map_err(|msg| anyhow!("--set {key}: {msg}"))?;
    if existing.is_none() && !is_optional_key(key) {
        let known: Vec<String> = node.keys().cloned().collect();
        bail!("--set {key}: unknown key '{key}' (known keys here: {})", known.join(", "));
    }
    node.insert(last.to_string(), value);
    Ok(())
}

/// Keys that are valid but absent from a resolved config when unset.
fn is_optional_key(key: &str) -> bool {
    matches!(
        key,
        "env.map_name"
            | "env.is_slippery"
            | "env.max_episode_steps"
            | "tabular.solve_threshold"
            | "dqn.run.reward_bound"
            | "dqn.run.eval_bound"
            | "dqn.run.max_episodes"
            | "env.wrapper"
            | "env.obs_type"
            | "env.frameskip"
            | "env.repeat_action_probability"
            | "env.full_action_space"
            | "env.rom_dir"
    )
}

/// Parses a `--set` value as the type of the key it replaces.
fn parse_value(raw: &str, existing: Option<&toml::Value>) -> std::result::Result<toml::Value, String> {
    use toml::Value as V;
    let parsed = format!("v = {raw}").parse::<toml::Table>().ok().and_then(|mut t| t.remove("v"));
    match existing {
        None => Ok(parsed.unwrap_or_else(|| V::String(raw.to_string()))),
        Some(V::String(_)) => Ok(match parsed {
            Some(V::String(s)) => V::String(s),
            _ => V::String(raw.to_string()),
        }),
        Some(V::Integer(_)) => match parsed {
            Some(V::Integer(i)) => Ok(V::Integer(i)),
            Some(V::Float(f)) if f.fract() == 0.0 && f.abs() < 9e15 => Ok(V::Integer(f as i64)),
            _ => Err(format!("expected an integer, got '{raw}'")),
        },
        Some(V::Float(_)) => match parsed {
            Some(V::Float(f)) => Ok(V::Float(f)),
            Some(V::Integer(i)) => Ok(V::Float(i as f64)),
            _ => Err(format!("expected a number, got '{raw}'")),
        },
        Some(V::Boolean(_)) => match parsed {
            Some(V::Boolean(b)) => Ok(V::Boolean(b)),
            _ => Err(format!("expected true or false, got '{raw}'")),
        },
        Some(V::Array(_)) => match parsed {
            Some(V::Array(a)) => Ok(V::Array(a)),
            _ => Err(format!("expected an array like [64, 64], got '{raw}'")),
        },
        Some(V::Table(_)) => Err("is a table; set one of its keys instead (table.key=value)".into()),
        Some(V::Datetime(_)) => Err("datetimes cannot be set".into()),
    }
}

/// Cross-field checks that serde cannot express.
pub fn validate(c: &RunConfig) -> Result<()> {
    deepq_env::registry::spec(&c.env_id).map_err(|e| anyhow!("{e}"))?;
    if c.total_steps == 0 {
        bail!("total_steps must be at least 1");
    }
    match c.algo {
        Algo::TabularQ => {
            let t = c.tabular.as_ref().ok_or_else(|| anyhow!("algo = \"tabular_q\" needs a [tabular] table"))?;
            if !(t.alpha > 0.0 && t.alpha <= 1.0) {
                bail!("tabular.alpha must be in (0, 1], got {}", t.alpha);
            }
            if !(0.0..=1.0).contains(&t.gamma) {
                bail!("tabular.gamma must be in [0, 1], got {}", t.gamma);
            }
        }
        Algo::Dqn => {
            deepq_agents::dqn::Devices::by_name(&c.device).map_err(|e| anyhow!("device: {e}"))?;
            let d = c.dqn.as_ref().ok_or_else(|| anyhow!("algo = \"dqn\" needs a [dqn] table"))?;
            d.validate().map_err(|e| anyhow!(e))?;
        }
        Algo::Reinforce => {
            deepq_agents::dqn::Devices::by_name(&c.device).map_err(|e| anyhow!("device: {e}"))?;
            let r = c.reinforce.as_ref().ok_or_else(|| anyhow!("algo = \"reinforce\" needs a [reinforce] table"))?;
            r.validate().map_err(|e| anyhow!(e))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_resolves() {
        #[cfg(feature = "atari")]
        deepq_atari::register();
        for p in PRESETS {
            let table: toml::Table = p.toml.parse().unwrap_or_else(|e| panic!("preset {}: {e}", p.name));
            // Every preset deserialises (all keys known, all types right) with or without Atari.
            let parsed = from_table(table, p.name).unwrap_or_else(|e| panic!("preset {}: {e}", p.name));
            if deepq_env::provider::looks_like_atari(&parsed.env_id) && !cfg!(feature = "atari") {
                let e = resolve(p.name, &[], None).unwrap_err().to_string();
                assert!(e.contains("atari"), "preset {}: {e}", p.name);
                continue;
            }
            let c = resolve(p.name, &[], None).unwrap_or_else(|e| panic!("preset {}: {e}", p.name));
            assert_eq!(c.preset, p.name);
            // The written config re-resolves to the same config.
            let text = to_toml(&c).unwrap();
            let again: RunConfig = from_table(text.parse().unwrap(), "test").unwrap();
            assert_eq!(again, c);
        }
    }

    #[test]
    fn overrides_are_type_checked() {
        let c = resolve("frozenlake", &["tabular.alpha=0.5".into(), "seed=3".into()], None).unwrap();
        assert_eq!(c.tabular.unwrap().alpha, 0.5);
        assert_eq!(c.seed, 3);
        let c = resolve("frozenlake", &["tabular.alpha=1".into()], None).unwrap();
        assert_eq!(c.tabular.unwrap().alpha, 1.0);
        let e = resolve("frozenlake", &["tabular.alpha=fast".into()], None).unwrap_err().to_string();
        assert!(e.contains("tabular.alpha") && e.contains("expected a number"), "{e}");
        let e = resolve("frozenlake", &["tabular.alfa=0.1".into()], None).unwrap_err().to_string();
        assert!(e.contains("unknown key 'tabular.alfa'"), "{e}");
        let e = resolve("frozenlake", &["total_steps=many".into()], None).unwrap_err().to_string();
        assert!(e.contains("expected an integer"), "{e}");
        let e = resolve("frozenlake", &["nokey".into()], None).unwrap_err().to_string();
        assert!(e.contains("key=value"), "{e}");
        let c = resolve("frozenlake", &["env.map_name=8x8".into(), "env.id=x".into()], None);
        assert!(c.is_err());
        let c = resolve("frozenlake", &["env.map_name=8x8".into()], None).unwrap();
        assert_eq!(c.env.map_name.as_deref(), Some("8x8"));
    }

    #[test]
    fn unknown_preset_lists_known_ones() {
        let e = resolve("pong-ultra", &[], None).unwrap_err().to_string();
        assert!(e.contains("unknown preset 'pong-ultra'") && e.contains("frozenlake"), "{e}");
    }

    #[test]
    fn unknown_env_id_is_rejected() {
        let e = resolve("frozenlake", &["env_id=Nope-v0".into()], None).unwrap_err().to_string();
        assert!(e.contains("unknown environment id 'Nope-v0'"), "{e}");
    }

    #[test]
    fn unknown_top_level_key_in_file_is_rejected() {
        let dir = std::env::temp_dir().join(format!("deepq-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("bad.toml");
        std::fs::write(&path, preset("frozenlake").unwrap().toml.to_string() + "\nlearning_rat = 3\n").unwrap();
        let e = resolve(path.to_str().unwrap(), &[], None).unwrap_err().to_string();
        assert!(e.contains("learning_rat"), "{e}");
        std::fs::write(&path, "algo = [").unwrap();
        let e = resolve(path.to_str().unwrap(), &[], None).unwrap_err().to_string();
        assert!(e.contains("not valid TOML"), "{e}");
    }
}
