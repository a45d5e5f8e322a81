//! DQN checkpoints: the online network as a standalone policy (`best`, `last`, `final`), and
//! the resume checkpoint with everything needed to continue exactly.

use super::learner::Learner;
use crate::checkpoint::{self, CheckpointError, Tensor as StoredTensor};
use crate::common::{ControlState, ObsEncoder};
use crate::nets::{named_params, param_ids, NetSpec};
use crate::replay::Replay;
use deepq_env::EnvKwargs;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Counters and RNGs saved in the resume checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct ResumeState {
    pub step: u64,
    pub episode: u64,
    pub updates: u64,
    pub rng: ChaCha8Rng,
    pub noise_rng: ChaCha8Rng,
    pub control: ControlState,
    pub initial_features: Vec<f32>,
    /// The episode in flight (absent in checkpoints of older versions: a fresh one starts).
    #[serde(default)]
    pub open_episode: OpenEpisode,
    /// The acting noise stream of the actor's network copy under `learner_thread`.
    #[serde(default)]
    pub actor_noise_rng: Option<ChaCha8Rng>,
    /// The episodes in flight of envs 1, 2, ... under `num_envs` (env 0's is `open_episode`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_open_episodes: Vec<OpenEpisode>,
}

/// The episode in flight at a checkpoint, rebuilt on resume by starting it the same way and
/// replaying its actions, so a resumed run continues exactly as if it had not stopped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct OpenEpisode {
    /// How it began; `None` when the env cannot save its random state (Atari after the first
    /// episode): the episode is lost on resume and a fresh one starts.
    pub start: Option<EpisodeStart>,
    /// Its actions so far (empty when `start` is `None`).
    pub actions: Vec<u32>,
    /// Its sums of loss, gradient norm and mean Q as f64 bits (JSON has no NaN).
    pub stat_sums: [u64; 3],
    /// Its gradient updates.
    pub updates: u64,
}

/// How an episode began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum EpisodeStart {
    /// `reset(Some(seed))`.
    Seed(u64),
    /// `reset(None)` from this env random state ([`deepq_env::Env::rng_state`]).
    Rng(Vec<u8>),
}

/// What every DQN checkpoint records about its network and env.
pub(super) struct CheckpointMeta<'a> {
    pub env_id: &'a str,
    pub kwargs: &'a EnvKwargs,
    pub spec: &'a NetSpec,
    pub encoder: ObsEncoder,
}

impl CheckpointMeta<'_> {
    fn map(&self, step: u64) -> HashMap<String, String> {
        HashMap::from([
            ("deepq.kind".to_string(), "dqn".to_string()),
            ("deepq.env_id".to_string(), self.env_id.to_string()),
            ("deepq.env_kwargs".to_string(), serde_json::to_string(self.kwargs).expect("kwargs serialise")),
            ("deepq.net".to_string(), serde_json::to_string(self.spec).expect("spec serialises")),
            ("deepq.obs_encoder".to_string(), serde_json::to_string(&self.encoder).expect("encoder serialises")),
            ("deepq.step".to_string(), step.to_string()),
            ("deepq.linear_weight_layout".to_string(), "in_out (transpose for torch.nn.Linear)".to_string()),
        ])
    }
}

/// Writes the online network as a standalone policy checkpoint.
pub(super) fn save_policy(
    path: &Path,
    learner: &Learner,
    meta: &CheckpointMeta<'_>,
    step: u64,
) -> Result<(), CheckpointError> {
    checkpoint::save(path, &named_params(&learner.online), &meta.map(step))
}

/// Writes everything needed to continue the run exactly.
pub(super) fn save_resume(
    path: &Path,
    learner: &Learner,
    replay: &dyn Replay,
    st: &ResumeState,
    save_replay: bool,
    save_max_mb: u64,
    meta: &CheckpointMeta<'_>,
) -> Result<(), CheckpointError> {
    let mut tensors: Vec<(String, StoredTensor)> =
        named_params(&learner.online).into_iter().map(|(n, t)| (format!("online.{n}"), t)).collect();
    tensors.extend(named_params(&learner.target).into_iter().map(|(n, t)| (format!("target.{n}"), t)));
    let optim = learner.optimizer_bytes().map_err(|reason| CheckpointError::Mismatch {
        path: path.display().to_string(),
        reason: format!("cannot serialise the optimizer: {reason}"),
    })?;
    tensors.push(("optimizer".to_string(), StoredTensor::u8(vec![optim.len()], optim)));
    if save_replay && (replay.stored_bytes() as u64) <= save_max_mb.saturating_mul(1024 * 1024) {
        let (storage, sampler) = replay.to_bytes();
        tensors.push(("replay".to_string(), StoredTensor::u8(vec![storage.len()], storage)));
        if let Some(p) = sampler {
            tensors.push(("replay_priorities".to_string(), StoredTensor::u8(vec![p.len()], p)));
        }
    }
    let mut m = meta.map(st.step);
    m.insert("deepq.resume_state".into(), serde_json::to_string(st).expect("state serialises"));
    // Sorted, so the same run writes the same bytes.
    let ids: BTreeMap<String, u64> = param_ids(&learner.online).into_iter().collect();
    m.insert("deepq.param_ids".into(), serde_json::to_string(&ids).expect("ids serialise"));
    checkpoint::save(path, &tensors, &m)
}
