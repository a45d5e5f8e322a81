//! How a training loop reports progress: the CLI implements [`Observer`] to write CSV,
//! TensorBoard and the progress bar; tests use [`NullObserver`] or [`RecordingObserver`].

use crate::policy::EvalResult;

/// One finished training episode.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeRecord {
    /// Total env steps taken when the episode ended.
    pub step: u64,
    /// 1-based episode number.
    pub episode: u64,
    /// Undiscounted return.
    pub ret: f64,
    /// Length in steps.
    pub length: u64,
    /// Algorithm scalars (epsilon, loss, ...), in the order of [`Observer::begin`]'s names.
    pub scalars: Vec<f64>,
}

/// What a training loop is doing, for the progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Acting only: the replay memory is filling before learning starts.
    Filling,
    /// Acting and learning.
    Learning,
}

/// A snapshot of a training loop's counters, sent every few hundred env steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressInfo {
    /// Env steps taken (in the whole run, including before a resume).
    pub step: u64,
    /// Gradient updates made (in the whole run).
    pub updates: u64,
    /// The current exploration rate, when the algorithm has one.
    pub epsilon: Option<f64>,
    /// What the loop is doing.
    pub phase: Phase,
}

impl ProgressInfo {
    /// A snapshot of a loop that learns from its first step and has no exploration rate.
    pub fn learning(step: u64, updates: u64) -> Self {
        Self { step, updates, epsilon: None, phase: Phase::Learning }
    }
}

/// Receives a training run's events.
pub trait Observer {
    /// Called once before training with the names of the per-episode algorithm scalars.
    fn begin(&mut self, _scalar_names: &[&'static str], _total_steps: u64) {}
    /// Called after every training episode.
    fn on_episode(&mut self, _rec: &EpisodeRecord) {}
    /// Called for scalars that are not per-episode (periodic evaluations, test rewards).
    fn on_scalar(&mut self, _tag: &str, _value: f64, _step: u64) {}
    /// Called after each periodic evaluation at env step `step`, with every episode it played
    /// (confirmation episodes included): `eval.mean` is the score the run kept.
    fn on_evaluation(&mut self, _step: u64, _eval: &EvalResult) {}
    /// Called every few hundred env steps so a progress bar can move.
    fn on_progress(&mut self, _info: &ProgressInfo) {}
    /// Polled by the loop: `true` asks it to stop cleanly (Ctrl-C).
    fn stop_requested(&self) -> bool {
        false
    }
    /// Polled by the loop: `true` stops it cleanly because the run's training-time budget
    /// (`deepq train --time-limit`) is spent.
    fn time_limit_reached(&self) -> bool {
        false
    }
}

/// An observer that ignores everything.
pub struct NullObserver;

impl Observer for NullObserver {}

/// An observer that keeps everything in memory (tests, benchmarks).
#[derive(Default, Debug)]
pub struct RecordingObserver {
    /// Scalar names given to `begin`.
    pub scalar_names: Vec<&'static str>,
    /// Every episode.
    pub episodes: Vec<EpisodeRecord>,
    /// Every `(tag, value, step)` scalar.
    pub scalars: Vec<(String, f64, u64)>,
    /// Every periodic evaluation, with its env step.
    pub evaluations: Vec<(u64, EvalResult)>,
}

impl Observer for RecordingObserver {
    fn begin(&mut self, names: &[&'static str], _total: u64) {
        self.scalar_names = names.to_vec();
    }
    fn on_episode(&mut self, rec: &EpisodeRecord) {
        self.episodes.push(rec.clone());
    }
    fn on_scalar(&mut self, tag: &str, value: f64, step: u64) {
        self.scalars.push((tag.to_string(), value, step));
    }
    fn on_evaluation(&mut self, step: u64, eval: &EvalResult) {
        self.evaluations.push((step, eval.clone()));
    }
}
