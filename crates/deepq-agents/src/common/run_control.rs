//! Run control: everything around an algorithm's learning that every algorithm needs the same
//! way (the role Stable-Baselines3 gives to its callbacks). The algorithm calls
//! [`RunControl::end_episode`] after each training episode and [`RunControl::after_step`] after
//! each env step; the control keeps the 100-episode window, runs periodic greedy evaluations on
//! a separate env, keeps the best checkpoint, records GIFs, checks the reward and evaluation
//! bounds and the episode limit, and says why the run stopped.

use super::{AgentError, Devices, EpisodeWindow};
use crate::observer::{EpisodeRecord, Observer};
use crate::policy::{evaluate_with, play_episode, EvalOptions, Policy};
use deepq_env::{make_with, Env, EnvKwargs};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Run-control settings (`[dqn.run]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ControlConfig {
    /// Env steps between periodic greedy evaluations (0 = none).
    pub eval_every: u64,
    /// Episodes per periodic evaluation.
    pub eval_episodes: usize,
    /// Stop when the mean of the last 100 training episodes reaches this (Lapan's `--reward`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward_bound: Option<f64>,
    /// Stop when a periodic greedy evaluation mean reaches this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_bound: Option<f64>,
    /// When a periodic evaluation reaches `eval_bound`, play this many more greedy episodes (on
    /// the following seeds) and score the evaluation by the mean over all of them, so that a stop
    /// and the best checkpoint rest on more than a few lucky episodes (0 = off).
    pub eval_confirm_episodes: usize,
    /// When a periodic evaluation beats the best score so far, play this many more greedy
    /// episodes (on the following seeds) and score it by the mean over all of them before it
    /// may replace `best.safetensors`: picking the maximum of many few-episode evaluations
    /// otherwise keeps a network that was lucky in those few episodes (0 = off; no effect
    /// without periodic evaluations, so `eval_every = 0` alone turns evaluations off).
    pub best_confirm_episodes: usize,
    /// Stop after this many training episodes (the PyTorch tutorial trains for 50 or 200).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_episodes: Option<u64>,
    /// Record a GIF of one greedy episode every this many training episodes into the run's
    /// `videos/` directory (0 = never).
    pub video_every: u64,
    /// Env steps between `last` + resume checkpoints (0 = only at the end).
    pub checkpoint_every: u64,
    /// Also keep the policy of every periodic checkpoint as `checkpoints/step-<N>.safetensors`
    /// (SB3's `CheckpointCallback`), so a learning curve can be evaluated afterwards
    /// (`deepq eval RUN --each-checkpoint`).
    pub keep_checkpoints: bool,
}

impl Default for ControlConfig {
    fn default() -> Self {
        Self {
            eval_every: 0,
            eval_episodes: 10,
            reward_bound: None,
            eval_bound: None,
            eval_confirm_episodes: 0,
            best_confirm_episodes: 0,
            max_episodes: None,
            video_every: 0,
            checkpoint_every: 0,
            keep_checkpoints: false,
        }
    }
}

impl ControlConfig {
    /// Checks the values, naming the bad key under `prefix`.
    pub fn validate(&self, prefix: &str) -> Result<(), String> {
        if self.eval_bound.is_some() && self.eval_every == 0 {
            return Err(format!("{prefix}.eval_bound needs {prefix}.eval_every > 0"));
        }
        if self.eval_confirm_episodes > 0 && self.eval_bound.is_none() {
            return Err(format!("{prefix}.eval_confirm_episodes needs {prefix}.eval_bound"));
        }
        if self.keep_checkpoints && self.checkpoint_every == 0 {
            return Err(format!("{prefix}.keep_checkpoints needs {prefix}.checkpoint_every > 0"));
        }
        if self.eval_every > 0 && self.eval_episodes == 0 {
            return Err(format!("{prefix}.eval_episodes must be positive when {prefix}.eval_every > 0"));
        }
        for (k, v) in [("reward_bound", self.reward_bound), ("eval_bound", self.eval_bound)] {
            if v.is_some_and(|v| !v.is_finite()) {
                return Err(format!("{prefix}.{k} must be a finite number"));
            }
        }
        Ok(())
    }
}

/// What a run is: its env, length, seed and where its files go.
pub struct RunSpec<'a> {
    /// Environment id.
    pub env_id: &'a str,
    /// Environment kwargs.
    pub kwargs: &'a EnvKwargs,
    /// Training length in env steps.
    pub total_steps: u64,
    /// Master seed.
    pub seed: u64,
    /// Where checkpoints go (`None`: none are written).
    pub checkpoint_dir: Option<&'a Path>,
    /// Resume from this resume checkpoint.
    pub resume_from: Option<&'a Path>,
    /// Where periodic greedy-episode GIFs go; `None`: none are written.
    pub video_dir: Option<&'a Path>,
    /// The env kwargs of periodic evaluations and videos (an evaluation protocol's, e.g.
    /// whole Atari games without reward clipping: see [`Protocol`](crate::policy::Protocol)).
    pub eval_kwargs: &'a EnvKwargs,
    /// Exploration and step limit of periodic evaluations.
    pub eval_options: EvalOptions,
    /// Compute devices.
    pub devices: Devices,
}

impl<'a> RunSpec<'a> {
    /// A run of `total_steps` on `env_id` with `kwargs` (also for evaluations) on the CPU that
    /// writes no files: the form tests and benchmarks use; set the other fields as needed.
    pub fn in_memory(env_id: &'a str, kwargs: &'a EnvKwargs, total_steps: u64, seed: u64) -> Self {
        Self {
            env_id,
            kwargs,
            total_steps,
            seed,
            checkpoint_dir: None,
            resume_from: None,
            video_dir: None,
            eval_kwargs: kwargs,
            eval_options: EvalOptions::default(),
            devices: Devices::cpu(),
        }
    }

    /// The path of checkpoint `name` (`best`, `last`, `final`, `resume`), if checkpoints are on.
    pub fn checkpoint(&self, name: &str) -> Option<PathBuf> {
        self.checkpoint_dir.map(|d| d.join(format!("{name}.safetensors")))
    }

    /// The path of the kept policy checkpoint of env step `step` (`keep_checkpoints`).
    pub fn step_checkpoint(&self, step: u64) -> Option<PathBuf> {
        self.checkpoint(&step_checkpoint_name(step))
    }
}

/// The name of the kept policy checkpoint of env step `step`: `step-000100000` (nine digits,
/// so the files sort by step).
pub fn step_checkpoint_name(step: u64) -> String {
    format!("step-{step:09}")
}

/// The env step of a kept policy checkpoint's file name (`step-000100000.safetensors`).
pub fn step_of_checkpoint(file_name: &str) -> Option<u64> {
    let digits = file_name.strip_prefix("step-")?.strip_suffix(".safetensors")?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Why a run stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `total_steps` reached.
    TotalSteps,
    /// `reward_bound` or `eval_bound` reached.
    Solved,
    /// The observer asked to stop (Ctrl-C, disk full).
    Interrupted,
    /// `max_episodes` reached.
    MaxEpisodes,
    /// The run's training-time budget was spent (`deepq train --time-limit`); it can be resumed.
    TimeLimit,
}

impl StopReason {
    /// The name used in `summary.json`.
    pub fn name(&self) -> &'static str {
        match self {
            StopReason::TotalSteps => "total_steps",
            StopReason::Solved => "solved",
            StopReason::Interrupted => "interrupted",
            StopReason::MaxEpisodes => "max_episodes",
            StopReason::TimeLimit => "time_limit",
        }
    }
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Env steps taken (including those before a resume).
    pub env_steps: u64,
    /// Finished training episodes.
    pub episodes: u64,
    /// Gradient updates.
    pub updates: u64,
    /// Step at which a bound was reached.
    pub solved_at_step: Option<u64>,
    /// Why training stopped.
    pub stopped_by: StopReason,
    /// Best periodic-eval mean (or best 100-episode mean when there is no periodic eval).
    pub best_score: Option<f64>,
    /// The best checkpoint, if one was written.
    pub best_checkpoint: Option<PathBuf>,
    /// The final checkpoint, if written.
    pub final_checkpoint: Option<PathBuf>,
}

/// What the run control keeps across a resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ControlState {
    /// Best evaluation (or 100-episode) mean so far.
    pub best_score: Option<f64>,
    /// Whether `best.safetensors` holds the network of `best_score`.
    #[serde(default)]
    pub best_saved: bool,
    /// The last 100 training returns.
    pub window: EpisodeWindow,
    /// Seed of the next periodic evaluation's first episode.
    pub eval_seed: u64,
}

impl ControlState {
    /// The state of a fresh run with master seed `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            best_score: None,
            best_saved: false,
            window: EpisodeWindow::new(100),
            eval_seed: seed.wrapping_mul(100_000).wrapping_add(1_000_000), // wraps for huge seeds
        }
    }
}

/// The learning side as the run control sees it.
pub trait Trainee {
    /// A greedy policy of the current network (evaluations and videos).
    fn greedy_policy(&mut self) -> Box<dyn Policy + '_>;
    /// Writes the current network as a policy checkpoint (what `eval` and `play` load).
    fn save_policy(&mut self, path: &Path, step: u64) -> Result<(), AgentError>;
}

/// Periodic evaluation, best/last checkpoints, bounds, GIFs and stop reasons of one run.
pub struct RunControl<'a> {
    cfg: ControlConfig,
    spec: &'a RunSpec<'a>,
    observer: &'a mut dyn Observer,
    state: ControlState,
    eval_env: Option<Box<dyn Env>>,
    best_checkpoint: Option<PathBuf>,
    stop: Option<StopReason>,
    solved_at_step: Option<u64>,
}

impl<'a> RunControl<'a> {
    /// The control of a run; `state` continues a resumed one. Calls the observer's `begin`.
    pub fn new(
        cfg: &ControlConfig,
        spec: &'a RunSpec<'a>,
        observer: &'a mut dyn Observer,
        scalar_names: &[&'static str],
        state: Option<ControlState>,
    ) -> Result<Self, AgentError> {
        let state = state.unwrap_or_else(|| ControlState::new(spec.seed));
        let eval_env = if cfg.eval_every > 0 { Some(make_with(spec.env_id, spec.eval_kwargs)?) } else { None };
        // After a resume the best network of the earlier part of the run is still on disk.
        let best_checkpoint = spec.checkpoint("best").filter(|p| state.best_saved && p.exists());
        observer.begin(scalar_names, spec.total_steps);
        Ok(Self {
            cfg: cfg.clone(),
            spec,
            observer,
            state,
            eval_env,
            best_checkpoint,
            stop: None,
            solved_at_step: None,
        })
    }

    /// The state to save in a resume checkpoint.
    pub fn state(&self) -> &ControlState {
        &self.state
    }

    /// The observer (for the algorithm's own scalars).
    pub fn observer(&mut self) -> &mut dyn Observer {
        &mut *self.observer
    }

    /// Whether env step `step` is one of the run's evaluation or checkpoint steps (whether or
    /// not this run writes checkpoints): a step where the learner must be current.
    pub fn sync_due(&self, step: u64) -> bool {
        let at = |every: u64| every > 0 && step.is_multiple_of(every);
        at(self.cfg.eval_every) || at(self.cfg.checkpoint_every)
    }

    /// Whether the run must stop before the next step: the observer asked (Ctrl-C), the
    /// training-time budget is spent, a bound was reached, or the episode limit.
    pub fn should_stop(&mut self) -> bool {
        if self.stop.is_none() {
            if self.observer.stop_requested() {
                self.stop = Some(StopReason::Interrupted);
            } else if self.observer.time_limit_reached() {
                self.stop = Some(StopReason::TimeLimit);
            }
        }
        self.stop.is_some()
    }

    /// Records a finished training episode: logs it, updates the window (and, without periodic
    /// evaluation, the best checkpoint by the 100-episode mean), checks the reward bound and the
    /// episode limit, and records a GIF when one is due.
    pub fn end_episode(&mut self, rec: &EpisodeRecord, trainee: &mut dyn Trainee) -> Result<(), AgentError> {
        self.observer.on_episode(rec);
        self.state.window.push(rec.ret);
        let mean = self.state.window.mean();
        if self.cfg.eval_every == 0 && rec.episode >= 10 && self.state.best_score.is_none_or(|b| mean > b) {
            self.new_best(mean, rec.step, trainee)?;
        }
        if self.cfg.reward_bound.is_some_and(|b| self.state.window.is_full() && mean >= b) {
            self.solved(rec.step);
        }
        if let (Some(dir), true) =
            (self.spec.video_dir, self.cfg.video_every > 0 && rec.episode.is_multiple_of(self.cfg.video_every))
        {
            let path = dir.join(format!("episode-{:06}.gif", rec.episode));
            let seed = self.state.eval_seed;
            record_greedy_episode(self.spec, trainee.greedy_policy().as_mut(), &path, seed)?;
        }
        if self.cfg.max_episodes.is_some_and(|m| rec.episode >= m) && self.stop.is_none() {
            self.stop = Some(StopReason::MaxEpisodes);
        }
        Ok(())
    }

    /// After env step `step`: a periodic greedy evaluation when one is due (keeping the best
    /// checkpoint and checking the evaluation bound), and progress.
    pub fn after_step(&mut self, step: u64, trainee: &mut dyn Trainee) -> Result<(), AgentError> {
        if self.cfg.eval_every > 0 && step.is_multiple_of(self.cfg.eval_every) {
            let env = self.eval_env.as_mut().expect("an eval env when eval_every > 0");
            let (episodes, seed, opts) = (self.cfg.eval_episodes, self.state.eval_seed, self.spec.eval_options);
            let mut policy = trainee.greedy_policy();
            let mut r = evaluate_with(env.as_mut(), policy.as_mut(), episodes, seed, &opts)?;
            self.state.eval_seed = self.state.eval_seed.wrapping_add(episodes as u64);
            // More episodes when this evaluation could stop the run or replace the best network.
            let reaches_bound = self.cfg.eval_bound.is_some_and(|b| r.mean >= b);
            let beats_best = self.state.best_score.is_none_or(|b| r.mean > b);
            let bound_extra = if reaches_bound { self.cfg.eval_confirm_episodes } else { 0 };
            let best_extra = if beats_best { self.cfg.best_confirm_episodes } else { 0 };
            let extra = bound_extra.max(best_extra);
            if extra > 0 {
                let c = evaluate_with(env.as_mut(), policy.as_mut(), extra, self.state.eval_seed, &opts)?;
                self.state.eval_seed = self.state.eval_seed.wrapping_add(extra as u64);
                r = r.pooled(&c);
            }
            drop(policy);
            let score = r.mean;
            self.observer.on_scalar("eval/mean_return", score, step);
            self.observer.on_evaluation(step, &r);
            if self.state.best_score.is_none_or(|b| score > b) {
                self.new_best(score, step, trainee)?;
            }
            if self.cfg.eval_bound.is_some_and(|b| score >= b) {
                self.solved(step);
            }
        }
        Ok(())
    }

    /// Whether periodic `last` and resume checkpoints are due after env step `step`.
    pub fn checkpoint_due(&self, step: u64) -> bool {
        self.spec.checkpoint_dir.is_some()
            && self.cfg.checkpoint_every > 0
            && step.is_multiple_of(self.cfg.checkpoint_every)
    }

    /// Whether a bound or the episode limit ended the run (the loop breaks after this step).
    pub fn finished(&self) -> bool {
        matches!(self.stop, Some(StopReason::Solved | StopReason::MaxEpisodes))
    }

    /// The outcome, once the loop has ended at `env_steps`.
    pub fn finish(self, env_steps: u64, episodes: u64, updates: u64, final_checkpoint: Option<PathBuf>) -> Outcome {
        Outcome {
            env_steps,
            episodes,
            updates,
            solved_at_step: self.solved_at_step,
            stopped_by: self.stop.unwrap_or(StopReason::TotalSteps),
            best_score: self.state.best_score,
            best_checkpoint: self.best_checkpoint,
            final_checkpoint,
        }
    }

    fn new_best(&mut self, score: f64, step: u64, trainee: &mut dyn Trainee) -> Result<(), AgentError> {
        self.state.best_score = Some(score);
        if let Some(p) = self.spec.checkpoint("best") {
            trainee.save_policy(&p, step)?;
            self.state.best_saved = true;
            self.best_checkpoint = Some(p);
        }
        Ok(())
    }

    fn solved(&mut self, step: u64) {
        self.solved_at_step = Some(step);
        self.stop = Some(StopReason::Solved);
    }
}

/// Plays one greedy episode on a fresh env and writes its rendered frames as a GIF.
fn record_greedy_episode(
    spec: &RunSpec<'_>,
    policy: &mut dyn Policy,
    path: &Path,
    seed: u64,
) -> Result<(), AgentError> {
    let io =
        |e: std::io::Error| AgentError::Config(format!("cannot write the training video '{}': {e}", path.display()));
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut env = make_with(spec.env_id, spec.eval_kwargs)?;
    let mut recorder: Option<deepq_log::GifRecorder> = None;
    let mut failure: Option<AgentError> = None;
    play_episode(env.as_mut(), policy, Some(seed), &mut |env| {
        if failure.is_some() {
            return;
        }
        let frame = match env.render() {
            Ok(f) => f,
            Err(e) => {
                failure = Some(e.into());
                return;
            }
        };
        if recorder.is_none() {
            match deepq_log::GifRecorder::new(path, frame.width, frame.height, 30.0) {
                Ok(r) => recorder = Some(r),
                Err(e) => failure = Some(io(e)),
            }
        }
        if let Some(r) = recorder.as_mut() {
            if let Err(e) = r.push(&frame.data) {
                failure = Some(io(e));
            }
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    if let Some(r) = recorder {
        r.finish().map_err(io)?;
    }
    Ok(())
}
