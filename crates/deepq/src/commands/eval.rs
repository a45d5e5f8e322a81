//! `deepq eval`: greedy evaluation of a run or checkpoint, or of the random agent.

use crate::commands::eval_checkpoints::{self, EachCheckpoint};
use crate::commands::policy_loader::{check_episodes, load_policy, locate};
use crate::commands::video::VideoWriter;
use anyhow::{bail, Result};
use deepq_agents::policy::{evaluate_observed, EvalOptions, HeuristicPolicy, Policy, Protocol, RandomPolicy};
use deepq_env::EnvKwargs;
use std::path::PathBuf;

/// What `deepq eval` was asked to do (also its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct EvalArgs {
    /// A run directory or a .safetensors checkpoint.
    pub target: Option<PathBuf>,
    /// Evaluate the uniformly random agent on this environment id instead.
    #[arg(long, value_name = "ENV_ID", conflicts_with = "target")]
    pub random: Option<String>,
    /// Evaluate the environment's scripted heuristic controller (LunarLander-v3) instead.
    #[arg(long, value_name = "ENV_ID", conflicts_with_all = ["target", "random"])]
    pub heuristic: Option<String>,
    /// Number of episodes (default: the protocol's, else 100).
    #[arg(long)]
    pub episodes: Option<usize>,
    /// Seed of the first episode (episode i uses seed + i); default: the run's eval seed.
    #[arg(long, value_parser = crate::parse_seed)]
    pub seed: Option<u64>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also record the episodes as a .gif or .mp4 (mp4 needs ffmpeg on PATH).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// How episodes are played and scored: auto (full_game for Atari stacks, else training),
    /// training (the training env: per life, clipped for Atari stacks), full_game (whole
    /// games, unclipped), homework (the Practical-RL final score: 30 full games, t_max 10,000).
    #[arg(long, default_value = "auto")]
    pub protocol: String,
    /// Probability of a random action (Dopamine evaluates with 0.001).
    #[arg(long, default_value_t = 0.0)]
    pub epsilon: f64,
    /// Steps after which an episode is cut (default: the protocol's or 27,000 Atari / 10,000).
    #[arg(long)]
    pub max_steps: Option<u64>,
    /// With --random: the Atari wrapper stack (atari, lapan, practical_rl) or other wrapper.
    #[arg(long, requires = "random")]
    pub wrapper: Option<String>,
    /// With --random: keep each random action for N steps (the published Atari random
    /// baselines: N = 6 frames on a NoFrameskip id, i.e. 10 Hz).
    #[arg(long, default_value_t = 1, requires = "random")]
    pub action_repeat: u32,
    /// Evaluate every checkpoint the run kept (`checkpoints/step-*.safetensors`, written with
    /// `--set dqn.run.keep_checkpoints=true`) in step order, each on the same episode seeds: the
    /// learning curve under this protocol.
    #[arg(long, requires = "target", conflicts_with = "record")]
    pub each_checkpoint: bool,
    /// With --each-checkpoint: also write the results to this CSV, row by row (step, training
    /// seconds of the last episode ended by that step, mean, std, min, max, episodes, capped:
    /// the columns of a run's evaluations.csv).
    #[arg(long, value_name = "FILE", requires = "each_checkpoint")]
    pub csv: Option<PathBuf>,
}

/// Parses a protocol name.
pub fn parse_protocol(name: &str) -> Result<Protocol> {
    Ok(match name {
        "auto" => Protocol::Auto,
        "training" => Protocol::Training,
        "full_game" | "full-game" => Protocol::FullGame,
        "homework" => Protocol::Homework,
        other => bail!("unknown evaluation protocol '{other}'; known: auto, training, full_game, homework"),
    })
}

/// Runs `deepq eval`: prints the mean, spread and length of greedy (or random) episodes.
pub fn run(args: EvalArgs) -> Result<()> {
    let EvalArgs {
        target,
        random,
        heuristic,
        episodes,
        seed,
        json,
        record,
        protocol,
        epsilon,
        max_steps,
        wrapper,
        action_repeat,
        each_checkpoint,
        csv,
    } = args;
    let protocol_arg = parse_protocol(&protocol)?;
    if !(0.0..=1.0).contains(&epsilon) {
        bail!("--epsilon must be in [0, 1], got {epsilon}");
    }
    if max_steps == Some(0) {
        bail!("--max-steps must be at least 1");
    }
    if let (true, Some(run)) = (each_checkpoint, &target) {
        if let Some(n) = episodes {
            check_episodes(n)?;
        }
        let o = EachCheckpoint { protocol: protocol_arg, episodes, seed, epsilon, max_steps, json, csv };
        return eval_checkpoints::run(run, &o);
    }
    let (env_id, kwargs, mut policy, seed, label): (String, EnvKwargs, Box<dyn Policy>, u64, String) =
        match (target, random.or(heuristic.clone())) {
            (None, Some(env_id)) if heuristic.is_some() => (
                env_id.clone(),
                EnvKwargs::default(),
                Box::new(HeuristicPolicy::for_env(&env_id)?),
                seed.unwrap_or(0),
                "heuristic".into(),
            ),
            (None, Some(env_id)) => {
                let kwargs = EnvKwargs { wrapper, ..EnvKwargs::default() };
                let env = deepq_env::make_with(&env_id, &kwargs)?;
                let seed = seed.unwrap_or(0);
                let policy = Box::new(RandomPolicy::with_repeat(env.n_actions(), seed, action_repeat));
                (env_id.clone(), kwargs, policy, seed, "random".into())
            }
            (Some(target), None) => {
                let (ckpt_path, default_seed) = locate(&target)?;
                let (policy, env_id, kwargs) = load_policy(&ckpt_path)?;
                (env_id, kwargs, policy, seed.unwrap_or(default_seed), ckpt_path.display().to_string())
            }
            _ => bail!("give a run directory or checkpoint to evaluate, or --random ENV_ID"),
        };
    let protocol = protocol_arg.resolve(&env_id, &kwargs);
    let episodes = episodes.or(protocol.episodes()).unwrap_or(100);
    check_episodes(episodes)?;
    let eval_kwargs = protocol.env_kwargs(&env_id, &kwargs);
    let opts = EvalOptions {
        epsilon,
        max_steps: max_steps.or(protocol.max_steps()),
        continue_lives: protocol.continues_lives(&env_id, &kwargs),
    };
    let mut env = deepq_env::make_with(&env_id, &eval_kwargs)?;
    // The recording is made of the scored episodes themselves: same env, cap and epsilon.
    let mut video = record.as_deref().map(|path| VideoWriter::new(path, 30.0, None)).transpose()?;
    let mut on_step = |env: &mut dyn deepq_env::Env| {
        if let Some(v) = video.as_mut() {
            v.observe(env);
        }
    };
    let r = evaluate_observed(env.as_mut(), policy.as_mut(), episodes, seed, &opts, &mut on_step)?;
    if let Some(v) = video {
        v.finish()?;
    }
    if json {
        let v = serde_json::json!({
            "env_id": env_id, "policy": label, "protocol": protocol.name(), "epsilon": epsilon,
            "max_steps": opts.max_steps, "episodes": r.episodes, "mean": r.mean, "std": r.std,
            "stderr": r.std / (r.episodes.max(1) as f64).sqrt(), "min": r.min, "max": r.max,
            "mean_length": r.mean_length, "capped": r.capped, "seed": r.seed, "returns": r.returns,
        });
        println!("{v}");
    } else {
        println!(
            "{env_id}: {label}: mean return {:.3} +- {:.3} (min {}, max {}) over {} episodes ({} protocol), mean length {:.1}",
            r.mean,
            r.std,
            r.min,
            r.max,
            r.episodes,
            protocol.name(),
            r.mean_length
        );
    }
    Ok(())
}
