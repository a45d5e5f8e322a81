//! Finding and loading what `eval`, `play`, `analyze` and a training's final evaluation score:
//! a run directory's checkpoint, and the greedy policy and environment it holds; and the
//! `--episodes` bound they share.

use anyhow::{anyhow, bail, Result};
use deepq_agents::checkpoint;
use deepq_agents::dqn::{GreedyPolicy, ObsEncoder};
use deepq_agents::pg_linear::{GreedyLogistic, LogisticPolicy};
use deepq_agents::policy::Policy;
use deepq_agents::tabular;
use deepq_env::EnvKwargs;
use std::path::{Path, PathBuf};

/// Checks an `--episodes` count: from 1 to [`MAX_EPISODES`](crate::MAX_EPISODES).
pub fn check_episodes(episodes: usize) -> Result<()> {
    if episodes == 0 {
        bail!("--episodes must be at least 1");
    }
    if episodes > crate::MAX_EPISODES {
        bail!("--episodes must be at most {}, got {episodes}", crate::MAX_EPISODES);
    }
    Ok(())
}

/// The checkpoint to evaluate for a run directory (best, then final, then last) or a file,
/// and the run's evaluation seed (so the summary's evaluation is reproduced).
pub fn locate(target: &Path) -> Result<(PathBuf, u64)> {
    if target.is_dir() {
        let seed = crate::config::load_file(&target.join("config.toml")).map(|c| c.eval.seed).unwrap_or(100_000);
        for name in ["best", "final", "last"] {
            let p = target.join("checkpoints").join(format!("{name}.safetensors"));
            if p.exists() {
                return Ok((p, seed));
            }
        }
        bail!("'{}' has no checkpoints/best|final|last.safetensors; is it a deepq run directory?", target.display());
    }
    if !target.exists() {
        bail!("'{}' does not exist; give a run directory or a .safetensors checkpoint", target.display());
    }
    Ok((target.to_path_buf(), 100_000))
}

/// Rebuilds a greedy policy and its environment from a checkpoint.
pub fn load_policy(path: &Path) -> Result<(Box<dyn Policy>, String, EnvKwargs)> {
    load_policy_with(path, None)
}

/// [`load_policy`] with the checkpoint's observation wrapper replaced by `wrapper` (for
/// `deepq play --wrapper`): the network must still fit the wrapped env's observations.
pub fn load_policy_with(path: &Path, wrapper: Option<&str>) -> Result<(Box<dyn Policy>, String, EnvKwargs)> {
    let ck = checkpoint::load(path)?;
    let (env_id, kwargs) = checkpoint_env(&ck, path, wrapper)?;
    let policy: Box<dyn Policy> = match ck.meta("deepq.kind", path)? {
        "tabular_q" => {
            let env = deepq_env::make_with(&env_id, &kwargs)?;
            let q = tabular::q_table_from(&ck, path)?;
            let n_states = env.observation_space().n().unwrap_or(0);
            if q.n_states != n_states || q.n_actions != env.n_actions() {
                bail!(
                    "checkpoint '{}' has a {}x{} Q-table but {env_id} has {n_states} states and {} actions",
                    path.display(),
                    q.n_states,
                    q.n_actions,
                    env.n_actions()
                );
            }
            Box::new(q)
        }
        // A REINFORCE policy network is loaded the same way: its greedy action is the argmax logit.
        "dqn" | "reinforce" => Box::new(network_policy(&ck, path, &env_id, &kwargs)?),
        "pg_linear" => {
            let env = deepq_env::make_with(&env_id, &kwargs)?;
            let dim = ObsEncoder::for_space(env.observation_space(), 1.0).dim();
            Box::new(GreedyLogistic::new(LogisticPolicy::from_checkpoint(&ck, path, dim)?))
        }
        other => bail!("checkpoint '{}' is of unknown kind '{other}'", path.display()),
    };
    Ok((policy, env_id, kwargs))
}

/// Loads the Q-network of a DQN checkpoint (not a Q-table or a REINFORCE policy, whose
/// outputs are not values) as a greedy policy, with its env id and kwargs.
pub fn load_q_network(path: &Path) -> Result<(GreedyPolicy, String, EnvKwargs)> {
    let ck = checkpoint::load(path)?;
    match ck.meta("deepq.kind", path)? {
        "dqn" => {}
        "tabular_q" | "reinforce" => bail!(
            "checkpoint '{}' is a {} checkpoint; value analysis needs a DQN checkpoint (a Q-network)",
            path.display(),
            ck.meta("deepq.kind", path)?
        ),
        other => bail!("checkpoint '{}' is of unknown kind '{other}'", path.display()),
    }
    let (env_id, kwargs) = checkpoint_env(&ck, path, None)?;
    let policy = network_policy(&ck, path, &env_id, &kwargs)?;
    Ok((policy, env_id, kwargs))
}

/// The env id and kwargs recorded in a checkpoint, with the wrapper replaced when given.
fn checkpoint_env(ck: &checkpoint::Checkpoint, path: &Path, wrapper: Option<&str>) -> Result<(String, EnvKwargs)> {
    let env_id = ck.meta("deepq.env_id", path)?.to_string();
    let mut kwargs: EnvKwargs = serde_json::from_str(ck.meta("deepq.env_kwargs", path)?)
        .map_err(|e| anyhow!("checkpoint '{}' has bad env kwargs: {e}", path.display()))?;
    if let Some(w) = wrapper {
        kwargs.wrapper = Some(w.to_string());
    }
    Ok((env_id, kwargs))
}

/// The network of a DQN or REINFORCE checkpoint as a greedy policy, checked against the env
/// `env_id` with `kwargs`.
fn network_policy(ck: &checkpoint::Checkpoint, path: &Path, env_id: &str, kwargs: &EnvKwargs) -> Result<GreedyPolicy> {
    let env = deepq_env::make_with(env_id, kwargs)?;
    let policy = GreedyPolicy::from_checkpoint(ck, path, deepq_burn_device())?;
    let (obs_dim, n_actions) = policy.shape();
    let env_dim = ObsEncoder::for_space(env.observation_space(), 1.0).dim();
    if obs_dim != env_dim || n_actions != env.n_actions() {
        let with = kwargs.wrapper.as_ref().map(|w| format!(" with wrapper {w}")).unwrap_or_default();
        bail!(
            "checkpoint '{}' has a network for {obs_dim} inputs and {n_actions} actions but {env_id}{with} has {env_dim} and {}",
            path.display(),
            env.n_actions()
        );
    }
    Ok(policy)
}

/// The device policies are evaluated on (the CPU backend).
fn deepq_burn_device() -> deepq_agents::burn::prelude::Device {
    deepq_agents::dqn::Devices::cpu().infer
}
