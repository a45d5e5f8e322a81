//! Run configuration: TOML files, the embedded presets, and `--set key=value` overrides.
//!
//! A config is resolved in three steps: the preset (or file) is parsed into a TOML table and
//! deserialised; each `--set` override is applied to the fully resolved table (a value replacing
//! a key must have that key's type; a key the table lacks is inserted with its TOML value); and
//! the result is deserialised into [`RunConfig`]. Deserialisation is the only judge of which keys
//! exist: an unknown key, in a file or a `--set`, is rejected with its full dotted name and the
//! closest valid key. The resolved config is written back to the run directory as `config.toml`,
//! which re-runs the same training.

use anyhow::{anyhow, bail, Context, Result};
use deepq_agents::dqn::DqnConfig;
use deepq_agents::pg_linear::PgLinearConfig;
use deepq_agents::policy::{EvalOptions, Protocol};
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
    /// Policy gradient with a linear logistic policy and plain gradient ascent
    /// ([`PgLinearConfig`]).
    PgLinear,
}

impl Algo {
    /// The name used in configs and summaries.
    pub fn name(&self) -> &'static str {
        match self {
            Algo::TabularQ => "tabular_q",
            Algo::Dqn => "dqn",
            Algo::Reinforce => "reinforce",
            Algo::PgLinear => "pg_linear",
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
    /// How evaluations are played and scored (the final one, and the periodic ones unless
    /// `periodic_protocol` is set): `auto` (whole games, unclipped, for the Atari stacks; the
    /// training env elsewhere), `training`, `full_game` or `homework`.
    #[serde(default)]
    pub protocol: Protocol,
    /// The protocol of the periodic evaluations during training, when it differs from the
    /// final one (the Practical-RL homework evaluates 15 lives of its training env, clipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub periodic_protocol: Option<Protocol>,
    /// Probability of a random action during evaluations (Dopamine: 0.001; 0 = greedy).
    #[serde(default)]
    pub epsilon: f64,
    /// Steps after which an evaluation episode is cut (default: the protocol's, else 27,000
    /// agent steps = 108,000 frames for Atari and 10,000 elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_steps: Option<u64>,
}

impl Default for EvalConfig {
    fn default() -> Self {
        Self {
            episodes: 100,
            seed: 100_000,
            protocol: Protocol::Auto,
            periodic_protocol: None,
            epsilon: 0.0,
            max_steps: None,
        }
    }
}

impl EvalConfig {
    /// The protocol this config stands for on `env_id` (`auto` resolved).
    pub fn protocol_for(&self, env_id: &str, kwargs: &EnvKwargs) -> Protocol {
        self.protocol.resolve(env_id, kwargs)
    }

    /// The settings of the periodic evaluations: `periodic_protocol` in place of `protocol`.
    pub fn periodic(&self) -> EvalConfig {
        EvalConfig { protocol: self.periodic_protocol.unwrap_or(self.protocol), ..self.clone() }
    }

    /// Exploration and step limit of the evaluations.
    pub fn options(&self, env_id: &str, kwargs: &EnvKwargs) -> EvalOptions {
        let protocol = self.protocol_for(env_id, kwargs);
        EvalOptions {
            epsilon: self.epsilon,
            max_steps: self.max_steps.or(protocol.max_steps()),
            continue_lives: protocol.continues_lives(env_id, kwargs),
        }
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
    /// Linear policy-gradient hyperparameters (`algo = "pg_linear"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pg_linear: Option<PgLinearConfig>,
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
    Preset { name: "cartpole-pixels-tutorial-000", toml: include_str!("../presets/cartpole-pixels-tutorial-000.toml") },
    Preset { name: "cartpole-pixels", toml: include_str!("../presets/cartpole-pixels.toml") },
    Preset { name: "cartpole-reinforce", toml: include_str!("../presets/cartpole-reinforce.toml") },
    Preset { name: "cartpole-pg-ucla", toml: include_str!("../presets/cartpole-pg-ucla.toml") },
    Preset { name: "cartpole-rainbow", toml: include_str!("../presets/cartpole-rainbow.toml") },
    Preset { name: "cartpole-c51", toml: include_str!("../presets/cartpole-c51.toml") },
    Preset { name: "lunarlander", toml: include_str!("../presets/lunarlander.toml") },
    Preset { name: "lunarlander-zoo", toml: include_str!("../presets/lunarlander-zoo.toml") },
    Preset { name: "pong-lapan", toml: include_str!("../presets/pong-lapan.toml") },
    Preset { name: "breakout-homework", toml: include_str!("../presets/breakout-homework.toml") },
    Preset { name: "breakout-ram-ucla", toml: include_str!("../presets/breakout-ram-ucla.toml") },
    Preset { name: "pong", toml: include_str!("../presets/pong.toml") },
    Preset { name: "pong-nature", toml: include_str!("../presets/pong-nature.toml") },
    Preset { name: "pong-cleanrl", toml: include_str!("../presets/pong-cleanrl.toml") },
    Preset { name: "breakout", toml: include_str!("../presets/breakout.toml") },
    Preset { name: "breakout-cleanrl", toml: include_str!("../presets/breakout-cleanrl.toml") },
    Preset { name: "pong-rainbow", toml: include_str!("../presets/pong-rainbow.toml") },
];

/// Finds a preset by name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Resolves `PRESET|FILE.toml` plus overrides into a checked [`RunConfig`].
pub fn resolve(source: &str, overrides: &[String], seed: Option<u64>) -> Result<RunConfig> {
    if let Some(p) = preset(source) {
        resolve_text(p.toml, p.name, &format!("preset '{}'", p.name), overrides, seed)
    } else if source.ends_with(".toml") || Path::new(source).exists() {
        let text = std::fs::read_to_string(source).with_context(|| format!("cannot read config file '{source}'"))?;
        resolve_text(&text, "", &format!("config file '{source}'"), overrides, seed)
    } else {
        let names: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
        bail!("unknown preset '{source}'; known presets: {} (or pass a path to a .toml file)", names.join(", "));
    }
}

/// Resolves the TOML text of a config plus overrides into a checked [`RunConfig`].
/// `preset_name` fills `preset` when the text has none (empty for a file); `origin` names the
/// text in error messages (`preset 'taxi'`, `config file 'x.toml'`).
pub fn resolve_text(
    text: &str,
    preset_name: &str,
    origin: &str,
    overrides: &[String],
    seed: Option<u64>,
) -> Result<RunConfig> {
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| anyhow!("{origin} is not valid TOML: {}", one_line(&e.to_string())))?;
    if !preset_name.is_empty() && !table.contains_key("preset") {
        table.insert("preset".into(), toml::Value::String(preset_name.to_string()));
    }
    let config = from_table(table, origin)?;
    let config = apply_overrides(&config, overrides, seed, origin)?;
    validate(&config)?;
    Ok(config)
}

/// Applies `--set` overrides and a seed to a resolved config. Overrides apply to the fully
/// resolved table (so every key of the config can be set); keys absent from it (optional keys,
/// or misspelt ones) are inserted and checked by deserialisation, which rejects unknown keys
/// with a suggestion. Does not run [`validate`].
pub fn apply_overrides(config: &RunConfig, overrides: &[String], seed: Option<u64>, origin: &str) -> Result<RunConfig> {
    if overrides.is_empty() && seed.is_none() {
        return Ok(config.clone());
    }
    let mut full = to_table(config)?;
    let mut applied = Vec::with_capacity(overrides.len());
    for ov in overrides {
        applied.push(apply_override(&mut full, ov)?);
    }
    if let Some(seed) = seed {
        let seed =
            i64::try_from(seed).map_err(|_| anyhow!("--seed must be at most {}, got {seed}", crate::MAX_SEED))?;
        full.insert("seed".into(), toml::Value::Integer(seed));
    }
    deserialize(full).map_err(|e| {
        // Name the override that caused the error when there is one.
        let key = e.key.as_deref().unwrap_or("");
        let within = |outer: &str, inner: &str| inner == outer || inner.starts_with(&format!("{outer}."));
        let cause = applied.iter().find(|a| within(&a.key, key) || within(key, &a.key));
        let created = applied.iter().find_map(|a| a.created_table.as_ref().filter(|t| within(t, key)).map(|t| (a, t)));
        match (cause, created) {
            (Some(a), _) if a.key == key && e.names_key => anyhow!("--set: {}", e.detail),
            (Some(a), _) if a.key == key => anyhow!("--set {}: {}", a.key, e.detail),
            (Some(a), _) => anyhow!("--set {}: {}", a.key, e.message()),
            (None, Some((a, table))) => {
                anyhow!("--set {}: {} (the config had no [{table}] table)", a.key, e.message())
            }
            (None, None) => anyhow!("invalid {origin}: {}", e.message()),
        }
    })
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
    deserialize(table).map_err(|e| anyhow!("invalid {origin}: {}", e.message()))
}

/// A deserialisation error about one dotted key.
#[derive(Debug)]
struct KeyError {
    /// The full dotted key (`None` for the whole config).
    key: Option<String>,
    /// What is wrong with it (a message that already names the key for unknown and missing keys).
    detail: String,
    /// Whether `detail` names the key itself.
    names_key: bool,
}

impl KeyError {
    /// The one-line message, naming the key.
    fn message(&self) -> String {
        match &self.key {
            Some(k) if !self.names_key => format!("{k}: {}", self.detail),
            _ => self.detail.clone(),
        }
    }
}

/// Deserialises a config table; errors name the full dotted key, and unknown keys come with
/// the closest valid key.
fn deserialize(table: toml::Table) -> std::result::Result<RunConfig, KeyError> {
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let path = e.path().to_string();
        let path = (path != ".").then_some(path);
        let inner = one_line(&e.into_inner().to_string());
        describe_error(path, strip_key_suffix(&inner))
    })
}

/// Removes the ``in `key` `` that the TOML deserialiser appends (the key is named separately).
fn strip_key_suffix(msg: &str) -> &str {
    match msg.strip_suffix('`').and_then(|m| m.rsplit_once(" in `")) {
        Some((head, key)) if !key.contains('`') && !key.contains(' ') => head,
        _ => msg,
    }
}

/// Turns serde's message about `path` into a [`KeyError`].
fn describe_error(path: Option<String>, inner: &str) -> KeyError {
    let join = |parent: Option<&str>, name: &str| match parent {
        Some(p) if !p.is_empty() => format!("{p}.{name}"),
        _ => name.to_string(),
    };
    if let Some((name, candidates)) = parse_unknown(inner, "unknown field") {
        // The path either already ends with the unknown key or is the table holding it.
        let parent = match path.as_deref() {
            Some(p) if p == name || p.ends_with(&format!(".{name}")) => {
                Some(p[..p.len() - name.len()].trim_end_matches('.').to_string())
            }
            other => other.map(str::to_string),
        };
        let key = join(parent.as_deref(), &name);
        let hint = match closest(&name, &candidates) {
            Some(best) => format!("; did you mean '{}'?", join(parent.as_deref(), best)),
            None if candidates.is_empty() => String::new(),
            None => {
                let table = match parent.as_deref() {
                    Some(p) if !p.is_empty() => format!("keys of [{p}]"),
                    _ => "top-level keys".to_string(),
                };
                format!("; valid {table}: {}", candidates.join(", "))
            }
        };
        return KeyError { detail: format!("unknown key '{key}'{hint}"), key: Some(key), names_key: true };
    }
    if let Some((name, candidates)) = parse_unknown(inner, "unknown variant") {
        let hint = match closest(&name, &candidates) {
            Some(best) => format!("; did you mean '{best}'?"),
            None => format!("; expected one of: {}", candidates.join(", ")),
        };
        return KeyError { detail: format!("unknown value '{name}'{hint}"), key: path, names_key: false };
    }
    if let Some(name) = inner.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        let key = join(path.as_deref(), name);
        return KeyError { detail: format!("missing key '{key}'"), key: Some(key), names_key: true };
    }
    KeyError { detail: plain_types(inner), key: path, names_key: false }
}

/// Says "expected a non-negative integer" rather than naming Rust's types.
fn plain_types(msg: &str) -> String {
    let mut out = msg.to_string();
    for (rust, plain) in [
        ("expected usize", "expected a non-negative integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected i64", "expected an integer"),
        ("expected f64", "expected a number"),
        ("expected f32", "expected a number"),
    ] {
        if let Some(head) = out.strip_suffix(rust) {
            out = format!("{head}{plain}");
        }
    }
    out
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" (or variant) messages into the
/// unknown name and the valid names.
fn parse_unknown(msg: &str, what: &str) -> Option<(String, Vec<String>)> {
    let rest = msg.strip_prefix(what)?.trim_start().strip_prefix('`')?;
    let (name, rest) = rest.split_once('`')?;
    let candidates = match rest.split_once("expected") {
        Some((_, list)) => list.split('`').skip(1).step_by(2).map(str::to_string).collect(),
        None => Vec::new(),
    };
    Some((name.to_string(), candidates))
}

/// The candidate closest to a misspelt `name`, if any is close enough to be a likely typo.
fn closest<'a>(name: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One applied `--set` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The dotted key that was set.
    pub key: String,
    /// The outermost table the override had to create, if its key's tables were absent.
    pub created_table: Option<String>,
}

/// Applies one `key=value` override (dotted keys for tables) to a config table. A value replacing an existing key must have its type; a key absent from the table
/// is inserted (with any missing tables on its path) as a TOML value, or as a string when
/// the value is not valid TOML, and left for deserialisation to check.
pub fn apply_override(table: &mut toml::Table, assignment: &str) -> Result<Applied> {
    let (key, raw) =
        assignment.split_once('=').ok_or_else(|| anyhow!("--set expects key=value, got '{assignment}'"))?;
    let key = key.trim();
    let raw = raw.trim();
    let parts: Vec<&str> = key.split('.').map(str::trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        bail!("--set: malformed key '{key}'");
    }
    let Some((last, parents)) = parts.split_last() else { bail!("--set: malformed key '{key}'") };
    let mut node = &mut *table;
    let mut created_table = None;
    for (i, part) in parents.iter().enumerate() {
        let prefix = parts[..=i].join(".");
        if created_table.is_none() && !node.contains_key(*part) {
            created_table = Some(prefix.clone());
        }
        let entry = node.entry(part.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        node = match entry {
            toml::Value::Table(t) => t,
            _ => bail!("--set {key}: '{prefix}' is a value, not a table"),
        };
    }
    let value = parse_value(raw, node.get(*last)).map_err(|msg| anyhow!("--set {key}: {msg}"))?;
    // `kind` selects the variant of a tagged table (e.g. `dqn.exploration`): switching it drops
    // the old variant's keys, so `--set t.kind=constant --set t.value=0` works.
    if *last == "kind" && node.get("kind").is_some_and(|old| *old != value) {
        node.clear();
    }
    node.insert(last.to_string(), value);
    Ok(Applied { key: parts.join("."), created_table })
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

/// Checks that serde cannot express: every float finite, episode counts at most
/// [`MAX_EPISODES`](crate::MAX_EPISODES), a known environment id, and the ranges and
/// cross-field rules of each algorithm.
pub fn validate(c: &RunConfig) -> Result<()> {
    check_values(&to_table(c)?, "")?;
    deepq_env::registry::spec(&c.env_id).map_err(|e| anyhow!("{e}"))?;
    if c.total_steps == 0 {
        bail!("total_steps must be at least 1");
    }
    if !(0.0..=1.0).contains(&c.eval.epsilon) {
        bail!("eval.epsilon must be in [0, 1], got {}", c.eval.epsilon);
    }
    if c.eval.max_steps == Some(0) {
        bail!("eval.max_steps must be at least 1");
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
        Algo::PgLinear => {
            let p = c.pg_linear.as_ref().ok_or_else(|| anyhow!("algo = \"pg_linear\" needs a [pg_linear] table"))?;
            p.validate().map_err(|e| anyhow!(e))?;
        }
    }
    Ok(())
}

/// Walks a config table: rejects non-finite floats (`nan`, `inf`) anywhere, and episode counts
/// (keys named `episodes` or `*_episodes`, except the `max_*` limits) above
/// [`MAX_EPISODES`](crate::MAX_EPISODES).
fn check_values(table: &toml::Table, prefix: &str) -> Result<()> {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        check_value(value, name, &key)?;
    }
    Ok(())
}

fn check_value(value: &toml::Value, name: &str, key: &str) -> Result<()> {
    match value {
        toml::Value::Float(f) if !f.is_finite() => bail!("{key} must be a finite number, got {f}"),
        toml::Value::Integer(n) => {
            let counts_episodes = (name == "episodes" || name.ends_with("_episodes")) && !name.starts_with("max_");
            if counts_episodes && usize::try_from(*n).is_ok_and(|n| n > crate::MAX_EPISODES) {
                bail!("{key} must be at most {} episodes, got {n}", crate::MAX_EPISODES);
            }
            Ok(())
        }
        toml::Value::Array(items) => items.iter().try_for_each(|v| check_value(v, name, key)),
        toml::Value::Table(t) => check_values(t, key),
        _ => Ok(()),
    }
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
    fn periodic_evaluations_may_use_their_own_protocol() {
        let table: toml::Table = preset("breakout-homework").unwrap().toml.parse().unwrap();
        let c = from_table(table, "breakout-homework").unwrap();
        // The homework evaluates lives of its training env during training, whole games at the end.
        assert_eq!(c.eval.protocol, Protocol::Homework);
        let periodic = c.eval.periodic();
        assert_eq!(periodic.protocol, Protocol::Training);
        assert_eq!(periodic.protocol.env_kwargs(&c.env_id, &c.env), c.env);
        assert_eq!(c.eval.protocol.env_kwargs(&c.env_id, &c.env).episodic_life, Some(false));
        assert_eq!(c.dqn.unwrap().run.eval_episodes, 15);
        // Without `periodic_protocol`, periodic evaluations follow `protocol`.
        let e = EvalConfig { protocol: Protocol::FullGame, ..EvalConfig::default() };
        assert_eq!(e.periodic().protocol, Protocol::FullGame);
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
        assert!(e.contains("unknown key 'tabular.alfa'; did you mean 'tabular.alpha'?"), "{e}");
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
    fn switching_a_tagged_table_kind_drops_the_old_variant_keys() {
        let c = resolve("cartpole", &["dqn.exploration.kind=constant".into(), "dqn.exploration.value=0".into()], None)
            .unwrap();
        assert_eq!(c.dqn.unwrap().exploration, deepq_agents::schedule::EpsilonSchedule::Constant { value: 0.0 });
        // Setting the same kind keeps the other keys.
        let c = resolve("cartpole", &["dqn.exploration.kind=linear".into()], None).unwrap();
        assert!(matches!(
            c.dqn.unwrap().exploration,
            deepq_agents::schedule::EpsilonSchedule::Linear { steps: 10000, .. }
        ));
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
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn set(preset: &str, overrides: &[&str]) -> Result<RunConfig> {
        let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        resolve(preset, &overrides, None)
    }

    #[test]
    fn misspelt_keys_suggest_the_closest_valid_key() {
        for (typo, meant) in [
            ("tabular.alfa", "tabular.alpha"),
            ("eval.episdoes", "eval.episodes"),
            ("env.wraper", "env.wrapper"),
            ("seeed", "seed"),
            ("tabular.solve_treshold", "tabular.solve_threshold"),
        ] {
            let e = set("frozenlake", &[&format!("{typo}=1")]).unwrap_err().to_string();
            assert!(e.contains(&format!("unknown key '{typo}'; did you mean '{meant}'?")), "{e}");
        }
        let e = set("cartpole-reinforce", &["reinforce.max_episode=3"]).unwrap_err().to_string();
        assert!(e.contains("did you mean 'reinforce.max_episodes'?"), "{e}");
        // Nothing close: the valid keys of the table are listed instead.
        let e = set("frozenlake", &["tabular.learning_rate=0.1"]).unwrap_err().to_string();
        assert!(e.contains("unknown key 'tabular.learning_rate'; valid keys of [tabular]: alpha, gamma"), "{e}");
        // An unknown table is named as the unknown key.
        let e = set("frozenlake", &["evaluation.episodes=3"]).unwrap_err().to_string();
        assert!(e.contains("--set evaluation.episodes: unknown key 'evaluation'; did you mean 'eval'?"), "{e}");
        // An unknown enum value gets the same help.
        let e = set("frozenlake", &["algo=tabular"]).unwrap_err().to_string();
        assert!(e.contains("--set algo: unknown value 'tabular'; did you mean 'tabular_q'?"), "{e}");
    }

    #[test]
    fn misspelt_keys_in_a_file_suggest_the_closest_valid_key() {
        let dir = std::env::temp_dir().join(format!("deepq-cfg-typo-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("typo.toml");
        let text = preset("frozenlake").unwrap().toml.replace("[tabular]", "[tabular]\nalfa = 0.1");
        std::fs::write(&path, text).unwrap();
        let e = resolve(path.to_str().unwrap(), &[], None).unwrap_err().to_string();
        assert!(e.contains("unknown key 'tabular.alfa'; did you mean 'tabular.alpha'?"), "{e}");
        std::fs::write(&path, preset("frozenlake").unwrap().toml.replace("episodes = 100", "episdoes = 100")).unwrap();
        let e = resolve(path.to_str().unwrap(), &[], None).unwrap_err().to_string();
        assert!(e.contains("unknown key 'eval.episdoes'; did you mean 'eval.episodes'?"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn values_of_absent_keys_are_toml_values() {
        let c = set("cartpole-reinforce", &["reinforce.max_episodes=100", "reinforce.reward_bound=150"]).unwrap();
        let r = c.reinforce.unwrap();
        assert_eq!((r.max_episodes, r.reward_bound), (Some(100), Some(150.0)));
        let c = set("taxi", &["env.max_episode_steps=50"]).unwrap();
        assert_eq!(c.env.max_episode_steps, Some(50));
        // A bare word is a string, anything else that parses as TOML keeps its type.
        let mut t = toml::Table::new();
        for ov in ["env.wrapper=atari", "a.b=[1, 2]", "a.c=\"quoted\"", "d=1e3", "e=true"] {
            apply_override(&mut t, ov).unwrap();
        }
        assert_eq!(t["env"]["wrapper"].as_str(), Some("atari"));
        assert_eq!(t["a"]["b"].as_array().map(|a| a.len()), Some(2));
        assert_eq!(t["a"]["c"].as_str(), Some("quoted"));
        assert_eq!((t["d"].as_float(), t["e"].as_bool()), (Some(1000.0), Some(true)));
        // Type errors of absent keys name the key.
        let e = set("cartpole-reinforce", &["reinforce.max_episodes=many"]).unwrap_err().to_string();
        assert!(e.contains("--set reinforce.max_episodes: invalid type: string \"many\""), "{e}");
        let e = set("frozenlake", &["env.max_episode_steps=-1"]).unwrap_err().to_string();
        assert!(
            e.contains("--set env.max_episode_steps: invalid value: integer `-1`, expected a non-negative integer"),
            "{e}"
        );
        // A key of a table the config does not have says so.
        let e = set("frozenlake", &["reinforce.lr=0.1"]).unwrap_err().to_string();
        assert!(
            e.contains("--set reinforce.lr: missing key 'reinforce.hidden' (the config had no [reinforce] table)"),
            "{e}"
        );
    }

    /// The keys a config table accepts, read from serde's answer to an unknown key.
    fn accepted_keys(full: &toml::Table, path: &str) -> Vec<String> {
        let mut t = full.clone();
        let probe = if path.is_empty() { "zz_probe".to_string() } else { format!("{path}.zz_probe") };
        apply_override(&mut t, &format!("{probe}=1")).unwrap();
        let e = serde_path_to_error::deserialize::<_, RunConfig>(toml::Value::Table(t)).unwrap_err();
        let msg = one_line(&e.into_inner().to_string());
        let (name, keys) = parse_unknown(strip_key_suffix(&msg), "unknown field").unwrap_or_else(|| panic!("{msg}"));
        assert_eq!(name, "zz_probe");
        keys
    }

    /// Sets every key of the table at `path` that the config leaves out; returns the keys seen.
    fn set_every_absent_key(full: &toml::Table, path: &str, seen: &mut Vec<String>) {
        for key in accepted_keys(full, path) {
            let dotted = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
            seen.push(dotted.clone());
            let mut node = Some(full);
            for part in path.split('.').filter(|p| !p.is_empty()) {
                node = node.and_then(|t| t.get(part)).and_then(|v| v.as_table());
            }
            match node.and_then(|t| t.get(&key)) {
                Some(toml::Value::Table(_)) => set_every_absent_key(full, &dotted, seen),
                Some(_) => {}
                None => {
                    // Absent: some value of some type is accepted for it (a whole table is
                    // accepted when only its own keys are missing).
                    let accepted = ["1", "0.5", "true", "\"x\"", "\"training\"", "[1]", "{}"].iter().any(|v| {
                        let mut t = full.clone();
                        apply_override(&mut t, &format!("{dotted}={v}")).is_ok()
                            && match deserialize(t) {
                                Ok(_) => true,
                                Err(e) => {
                                    e.key.as_deref() != Some(dotted.as_str()) && !e.detail.contains("unknown key")
                                }
                            }
                    });
                    assert!(accepted, "optional key '{dotted}' cannot be set");
                }
            }
        }
    }

    #[test]
    fn every_optional_key_can_be_set() {
        let mut seen = Vec::new();
        for p in PRESETS {
            let c = from_table(p.toml.parse().unwrap(), p.name).unwrap();
            set_every_absent_key(&to_table(&c).unwrap(), "", &mut seen);
        }
        for key in [
            "reinforce.max_episodes",
            "reinforce.reward_bound",
            "tabular.solve_threshold",
            "env.map_name",
            "env.is_slippery",
            "env.max_episode_steps",
            "env.wrapper",
            "env.obs_type",
            "env.frameskip",
            "env.repeat_action_probability",
            "env.full_action_space",
            "env.rom_dir",
            "eval.episodes",
            "eval.seed",
        ] {
            assert!(seen.iter().any(|k| k == key), "{key} not among the keys found: {seen:?}");
        }
    }

    #[test]
    fn non_finite_floats_are_rejected_anywhere() {
        for (preset, key) in [
            ("frozenlake", "tabular.solve_threshold"),
            ("frozenlake", "tabular.epsilon_start"),
            ("cartpole-reinforce", "reinforce.lr"),
            ("cartpole-reinforce", "reinforce.reward_bound"),
        ] {
            for v in ["nan", "inf", "-inf"] {
                let e = set(preset, &[&format!("{key}={v}")]).unwrap_err().to_string();
                assert!(e.contains(&format!("{key} must be a finite number")), "{e}");
            }
        }
        let text = preset("taxi").unwrap().toml.replace("gamma = 0.99", "gamma = nan");
        let e = resolve_text(&text, "", "test", &[], None).unwrap_err().to_string();
        assert!(e.contains("tabular.gamma must be a finite number, got NaN"), "{e}");
    }

    #[test]
    fn episode_counts_are_capped() {
        let max = crate::MAX_EPISODES;
        assert!(set("frozenlake", &[&format!("eval.episodes={max}")]).is_ok());
        for key in ["eval.episodes", "tabular.test_episodes"] {
            let e = set("frozenlake", &[&format!("{key}={}", max + 1)]).unwrap_err().to_string();
            assert!(e.contains(&format!("{key} must be at most {max} episodes")), "{e}");
        }
        let e = set("cartpole-reinforce", &["reinforce.batch_episodes=9223372036854775807"]).unwrap_err().to_string();
        assert!(e.contains("reinforce.batch_episodes must be at most"), "{e}");
        // A limit is not a count to play: any value is fine.
        assert!(set("cartpole-reinforce", &["reinforce.max_episodes=9223372036854775807"]).is_ok());
    }
}
