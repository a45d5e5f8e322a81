//! `deepq analyze`: how good are a trained network's value estimates? Plays episodes with the
//! network on the run's env and writes, per step, its Q-values next to the discounted returns
//! that actually followed (`values.csv`), the bias of its estimates (`bias.json`), charts, the
//! most telling states as pictures (or rows of `states.csv` for vector observations) and a
//! `report.md` tying them together.

mod outputs;
mod rollout;

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

pub use rollout::{EpisodeInfo, Rollout, RolloutOptions, StepRow};

/// What `deepq analyze` was asked to do (also its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct AnalyzeArgs {
    /// A run directory (its best checkpoint, else final) or a .safetensors DQN checkpoint.
    pub target: PathBuf,
    /// Number of episodes to play.
    #[arg(long, default_value_t = 10)]
    pub episodes: usize,
    /// Seed of the first episode (episode i uses seed + i); default: the run's eval seed.
    #[arg(long, value_parser = crate::parse_seed)]
    pub seed: Option<u64>,
    /// Probability of a random action (0: greedy).
    #[arg(long, default_value_t = 0.0)]
    pub epsilon: f64,
    /// Discount of the Monte-Carlo returns and TD errors (default: the run's `dqn.gamma`; 0.99
    /// for a bare checkpoint).
    #[arg(long)]
    pub gamma: Option<f64>,
    /// Steps after which an episode is cut (default: 27,000 for Atari, 10,000 elsewhere).
    #[arg(long)]
    pub max_steps: Option<u64>,
    /// Output directory (default: RUN_DIR/analysis, or `<stem>_analysis` next to a
    /// checkpoint file).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Replace the files of an earlier analysis in a non-empty output directory.
    #[arg(long)]
    pub force: bool,
}

/// The files and folders an analysis writes (removed first by `--force`).
const OUTPUTS: [&str; 7] =
    ["values.csv", "values.png", "value_over_time.png", "bias.json", "states", "states.csv", "report.md"];

/// Runs `deepq analyze`.
pub fn run(args: AnalyzeArgs) -> Result<()> {
    crate::commands::policy_loader::check_episodes(args.episodes)?;
    if !(0.0..=1.0).contains(&args.epsilon) {
        bail!("--epsilon must be in [0, 1], got {}", args.epsilon);
    }
    if let Some(g) = args.gamma {
        if !(0.0..=1.0).contains(&g) {
            bail!("--gamma must be in [0, 1], got {g}");
        }
    }
    if args.max_steps == Some(0) {
        bail!("--max-steps must be at least 1");
    }
    let (ckpt, default_seed) = crate::commands::policy_loader::locate(&args.target)?;
    let gamma = match args.gamma {
        Some(g) => g,
        None if args.target.is_dir() => run_gamma(&args.target)?,
        None => 0.99,
    };
    let out = args.out.clone().unwrap_or_else(|| default_out(&args.target, &ckpt));
    check_out(&out, args.force)?;
    let (mut policy, env_id, kwargs) = crate::commands::policy_loader::load_q_network(&ckpt)?;
    let mut env = deepq_env::make_with(&env_id, &kwargs)?;
    let max_steps = args.max_steps.unwrap_or_else(|| deepq_agents::policy::step_cap(env.as_ref()));
    let opts = RolloutOptions {
        episodes: args.episodes,
        seed: args.seed.unwrap_or(default_seed),
        epsilon: args.epsilon,
        gamma,
        max_steps,
    };
    let rollout = rollout::play(env.as_mut(), &mut policy, &opts)?;
    prepare_out(&out)?;
    let context = outputs::Context { env_id: &env_id, kwargs: &kwargs, checkpoint: &ckpt, opts: &opts };
    outputs::write_all(&out, env.as_mut(), &rollout, &context)?;
    crate::say!(
        "deepq: analysed {} steps of {} episodes; wrote {}",
        rollout.rows.len(),
        rollout.episodes.len(),
        out.display()
    );
    Ok(())
}

/// The discount of a run: its config's `dqn.gamma`.
fn run_gamma(dir: &Path) -> Result<f64> {
    let cfg = crate::config::load_file(&dir.join("config.toml"))
        .with_context(|| format!("cannot read the run's gamma (pass --gamma) from '{}'", dir.display()))?;
    match cfg.dqn {
        Some(d) => Ok(d.gamma),
        None => bail!("'{}' is not a DQN run; value analysis needs a DQN checkpoint (a Q-network)", dir.display()),
    }
}

/// `RUN_DIR/analysis`, or `<stem>_analysis` next to a checkpoint file.
fn default_out(target: &Path, ckpt: &Path) -> PathBuf {
    if target.is_dir() {
        return target.join("analysis");
    }
    let stem = ckpt.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "checkpoint".into());
    ckpt.with_file_name(format!("{stem}_analysis"))
}

/// Refuses an output directory that exists and is not empty, unless `force`.
fn check_out(dir: &Path, force: bool) -> Result<()> {
    let d = dir.display();
    if dir.exists() && !dir.is_dir() {
        bail!("'{d}' exists and is not a directory; choose another --out");
    }
    if dir.is_dir() && !force {
        let non_empty = std::fs::read_dir(dir).with_context(|| format!("cannot read '{d}'"))?.next().is_some();
        if non_empty {
            bail!("'{d}' is not empty; pass --force to replace an earlier analysis there, or choose another --out");
        }
    }
    Ok(())
}

/// Creates the output directory, removing the files of an earlier analysis (and nothing else).
fn prepare_out(dir: &Path) -> Result<()> {
    for name in OUTPUTS {
        let p = dir.join(name);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).with_context(|| format!("cannot remove '{}'", p.display()))?;
        } else if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove '{}'", p.display()))?;
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create '{}'", dir.display()))?;
    Ok(())
}
