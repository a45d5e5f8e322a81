//! [`RunLogger`]: the [`Observer`] that turns a training loop's events into the run directory's
//! `metrics.csv`, `times.csv`, `evaluations.csv`, TensorBoard events and PNG plots, and drives
//! the progress display.

use crate::progress::{Progress, ProgressMode};
use anyhow::{Context, Result};
use deepq_agents::observer::{EpisodeRecord, Observer, ProgressInfo};
use deepq_agents::policy::EvalResult;
use deepq_log::{plot_returns, plot_series, CsvLogger, TensorBoardWriter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Writes everything a run logs. Nothing is written before the training loop starts
/// ([`Observer::begin`]): a run that fails while loading (a bad resume checkpoint, say) leaves
/// its directory as it was.
pub struct RunLogger {
    dir: PathBuf,
    csv: Option<CsvLogger>,
    /// `times.csv`: when each episode ended, in seconds of training (summed over sessions).
    times: Option<CsvLogger>,
    /// `evaluations.csv`: one row per periodic evaluation (opened at the first one, or at the
    /// start of a resumed run that has the file).
    evaluations: Option<CsvLogger>,
    /// Training seconds of the sessions before this one (a resumed run).
    time_offset: f64,
    /// `(training seconds, score)` of every episode with a headline score, for the time plot.
    timed_scores: Vec<(f64, f64)>,
    tb: Option<TensorBoardWriter>,
    started: bool,
    deferred: Vec<Deferred>,
    progress: Progress,
    mode: ProgressMode,
    interrupted: Arc<AtomicBool>,
    scalar_names: Vec<&'static str>,
    returns: Vec<(u64, f64)>,
    /// Full-game scores of Atari runs (the `game_return` scalar), in order.
    game_returns: Vec<f64>,
    /// Full-game lengths of Atari runs (the `game_length` scalar), in order.
    game_lengths: Vec<f64>,
    /// The best 100-episode mean so far (of game scores on Atari), for the "best mean" line.
    best_mean: Option<f64>,
    /// The best mean last announced, and when (progress clock seconds).
    best_printed: Option<(f64, f64)>,
    episode_scalars: Vec<Vec<(f64, f64)>>,
    other_scalars: BTreeMap<String, Vec<(f64, f64)>>,
    last_step: u64,
    error: Option<String>,
    resume_step: Option<u64>,
    /// The run's training-time budget in seconds (`--time-limit`), over all its sessions.
    time_limit: Option<f64>,
    /// The earlier sessions' training time, when the caller knows it ([`Self::set_time_offset`]).
    time_offset_given: Option<f64>,
}

impl RunLogger {
    /// A logger for run directory `dir`; its files are opened when training begins.
    /// With `resume_step`, `metrics.csv` is continued: rows after that step (written after the
    /// checkpoint the run resumes from) are dropped, and the kept returns stay in the plots.
    /// `interrupted` is the Ctrl-C flag: training stops when it is set.
    pub fn create(
        dir: &Path,
        mode: ProgressMode,
        interrupted: Arc<AtomicBool>,
        resume_step: Option<u64>,
    ) -> Result<Self> {
        Ok(Self {
            dir: dir.to_path_buf(),
            csv: None,
            times: None,
            evaluations: None,
            time_offset: 0.0,
            timed_scores: Vec::new(),
            tb: None,
            started: false,
            deferred: Vec::new(),
            progress: Progress::new(mode, 0),
            mode,
            interrupted,
            scalar_names: Vec::new(),
            returns: Vec::new(),
            game_returns: Vec::new(),
            game_lengths: Vec::new(),
            best_mean: None,
            best_printed: None,
            episode_scalars: Vec::new(),
            other_scalars: BTreeMap::new(),
            last_step: 0,
            error: None,
            resume_step,
            time_limit: None,
            time_offset_given: None,
        })
    }

    /// Sets the training time of a resumed run's earlier sessions (what its clock continues
    /// from; without it, the time of the last kept row of `times.csv`).
    pub fn set_time_offset(&mut self, seconds: f64) {
        self.time_offset_given = Some(seconds);
    }

    /// Stops training cleanly once the run's training time (earlier sessions included) reaches
    /// `seconds`.
    pub fn set_time_limit(&mut self, seconds: f64) {
        self.time_limit = Some(seconds);
    }

    /// Seconds of training so far, the sessions before a resume included.
    pub fn training_seconds(&self) -> f64 {
        self.time_offset + self.progress.elapsed_secs()
    }

    /// Prints a status line (above the bar; nothing when quiet).
    pub fn say(&self, line: &str) {
        self.progress.println(line);
    }

    /// Whether Ctrl-C was pressed.
    pub fn interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    /// Mean return of the last 100 episodes.
    pub fn recent_mean(&self) -> Option<f64> {
        if self.returns.is_empty() {
            return None;
        }
        let tail = &self.returns[self.returns.len().saturating_sub(100)..];
        Some(tail.iter().map(|r| r.1).sum::<f64>() / tail.len() as f64)
    }

    /// Mean full-game score of the last 100 games (Atari runs only).
    pub fn recent_game_mean(&self) -> Option<f64> {
        let tail = &self.game_returns[self.game_returns.len().saturating_sub(100)..];
        (!tail.is_empty()).then(|| tail.iter().sum::<f64>() / tail.len() as f64)
    }

    /// The last training episodes' scores for `summary.json` (`None` before any episode).
    pub fn training_scores(&self) -> Option<crate::run_dir::TrainingScores> {
        let mean100 = |v: &[f64]| {
            let tail = &v[v.len().saturating_sub(100)..];
            (!tail.is_empty()).then(|| tail.iter().sum::<f64>() / tail.len() as f64)
        };
        let atari = self.game_index().is_some();
        Some(crate::run_dir::TrainingScores {
            episodes: self.returns.len() as u64,
            mean100_return: self.recent_mean()?,
            games: atari.then_some(self.game_returns.len() as u64),
            mean100_game_score: mean100(&self.game_returns),
            mean100_game_length: mean100(&self.game_lengths),
        })
    }

    /// The score part of the progress display.
    fn scores_text(&self) -> String {
        let mut text = format!("ep {}", self.returns.len());
        if let Some(m) = self.recent_mean() {
            text += &format!(" mean100 {m:.2}");
        }
        if let Some(g) = self.recent_game_mean() {
            text += &format!(" game100 {g:.2} ({} games)", self.game_returns.len());
        }
        text
    }

    /// Prints a line when the headline mean (of full games on Atari, else of training episodes)
    /// beats its best, once at least 10 episodes are in it (at most one line per 10 s).
    fn announce_best_mean(&mut self, step: u64) {
        let (mean, count, what) = match self.recent_game_mean() {
            Some(g) => (g, self.game_returns.len(), "game score"),
            None if self.game_index().is_some() => return,
            None => match self.recent_mean() {
                Some(m) => (m, self.returns.len(), "return"),
                None => return,
            },
        };
        if count < 10 {
            return;
        }
        if self.best_mean.is_some_and(|best| mean <= best) {
            return;
        }
        self.best_mean = Some(mean);
        // At most one line per 10 s: from the best last printed to the best now.
        let now = self.progress.elapsed_secs();
        match self.best_printed {
            None => self.best_printed = Some((mean, now)),
            Some((shown, at)) if now - at >= 10.0 => {
                self.best_printed = Some((mean, now));
                self.say(&format!("best mean {what} (last {}) {shown:.3} -> {mean:.3} at step {step}", count.min(100)));
            }
            Some(_) => {}
        }
    }

    /// The column of the full-game score among the episode scalars (Atari runs).
    fn game_index(&self) -> Option<usize> {
        self.scalar_names.iter().position(|n| *n == "game_return")
    }

    /// Writes `bytes` to `path` (atomically) when training begins, not before: for files that
    /// must stay as they are if the run fails to start (the config of a resumed run).
    pub fn write_on_start(&mut self, path: PathBuf, bytes: Vec<u8>) {
        self.deferred.push(Deferred::Write(path, bytes));
    }

    /// Removes `path` when training begins (the `summary.json` of a run that is continued, the
    /// temp files of killed writes).
    pub fn remove_on_start(&mut self, path: PathBuf) {
        self.deferred.push(Deferred::Remove(path));
    }

    /// Whether the training loop began (and the logs were opened).
    pub fn started(&self) -> bool {
        self.started
    }

    /// Records the first write error of the run; training stops at the next step.
    fn note_error(&mut self, what: &str, e: std::io::Error) {
        if self.error.is_none() {
            self.error = Some(io_error_line(what, &e));
        }
    }

    /// Flushes the logs and draws the plots; reports the first write error of the run.
    /// A run whose training never began writes nothing.
    pub fn finish(&mut self) -> Result<()> {
        self.progress.finish();
        if !self.started {
            return Ok(());
        }
        if let Some(csv) = &mut self.csv {
            if let Err(e) = csv.flush() {
                self.note_error("cannot write metrics.csv", e);
            }
        }
        if let Some(Err(e)) = self.times.as_mut().map(|t| t.flush()) {
            self.note_error("cannot write times.csv", e);
        }
        if let Some(Err(e)) = self.evaluations.as_mut().map(|t| t.flush()) {
            self.note_error("cannot write evaluations.csv", e);
        }
        if let Some(Err(e)) = self.tb.as_mut().map(|tb| tb.flush()) {
            self.note_error("cannot write TensorBoard events", e);
        }
        if let Some(e) = &self.error {
            anyhow::bail!("{e}");
        }
        let plots = self.dir.join("plots");
        plot_returns(plots.join("return.png"), "Episode return", &self.returns).context("cannot draw return.png")?;
        self.plot_score_vs_time(&plots.join("score_vs_time.png")).context("cannot draw score_vs_time.png")?;
        for (name, points) in self.scalar_names.iter().zip(&self.episode_scalars) {
            let finite: Vec<(f64, f64)> = points.iter().copied().filter(|p| p.1.is_finite()).collect();
            if !finite.is_empty() {
                plot_series(plots.join(format!("{name}.png")), name, "env step", name, &[(name, &finite)])
                    .with_context(|| format!("cannot draw {name}.png"))?;
            }
        }
        for (tag, points) in &self.other_scalars {
            let file = tag.replace('/', "_");
            plot_series(plots.join(format!("{file}.png")), tag, "env step", tag, &[(tag.as_str(), points)])
                .with_context(|| format!("cannot draw {file}.png"))?;
        }
        Ok(())
    }
}

impl RunLogger {
    /// The mean of the last 100 headline scores (whole games on Atari, else episode returns)
    /// against hours (or minutes) of training.
    fn plot_score_vs_time(&self, path: &Path) -> std::io::Result<()> {
        if self.timed_scores.is_empty() {
            return Ok(());
        }
        let scores: Vec<f64> = self.timed_scores.iter().map(|p| p.1).collect();
        let mean = deepq_log::moving_mean(&scores, 100);
        let last = self.timed_scores.last().map_or(0.0, |p| p.0);
        let (unit, div) = match last {
            t if t >= 7200.0 => ("hours", 3600.0),
            t if t >= 120.0 => ("minutes", 60.0),
            _ => ("seconds", 1.0),
        };
        let points: Vec<(f64, f64)> = self.timed_scores.iter().zip(&mean).map(|(p, m)| (p.0 / div, *m)).collect();
        let what = if self.game_index().is_some() { "game score" } else { "return" };
        let title = format!("Mean {what} of the last 100 against training time");
        plot_series(path, &title, &format!("training time ({unit})"), what, &[("mean of 100", &points)])
    }

    /// Opens `evaluations.csv`: continued after a resume (rows after the checkpoint dropped),
    /// else created.
    fn open_evaluations(&mut self) {
        self.evaluations = self.open_csv("evaluations.csv", &EVALUATION_COLUMNS);
    }

    /// Opens the run directory's CSV `name` with `columns`: continued after a resume (rows
    /// after the checkpoint dropped), else created. A failure is noted and gives `None`.
    fn open_csv(&mut self, name: &str, columns: &[&str]) -> Option<CsvLogger> {
        let path = self.dir.join(name);
        let opened = match self.resume_step {
            None => CsvLogger::create(&path, columns),
            Some(step) => CsvLogger::resume(&path, columns, step as f64),
        };
        match opened {
            Ok(csv) => Some(csv),
            Err(e) => {
                self.note_error(&format!("cannot open {name}"), e);
                None
            }
        }
    }

    /// Opens `times.csv` (continued after a resume: its kept rows give the earlier sessions' time).
    fn open_times(&mut self) {
        let path = self.dir.join("times.csv");
        self.times = self.open_csv("times.csv", &["step", "episode", "seconds"]);
        if self.resume_step.is_some() {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let seconds: Vec<f64> =
                text.lines().skip(1).filter_map(|l| l.rsplit(',').next()?.parse::<f64>().ok()).collect();
            self.time_offset = self.time_offset_given.unwrap_or_else(|| seconds.last().copied().unwrap_or(0.0));
            // The kept episodes' scores get their times; rows without a time or score are dropped.
            let reloaded = std::mem::take(&mut self.timed_scores);
            self.timed_scores = reloaded
                .into_iter()
                .zip(seconds)
                .map(|((_, score), t)| (t, score))
                .filter(|p| p.1.is_finite())
                .collect();
        }
    }
}

/// The columns of `evaluations.csv`: env step, seconds of training, then the evaluation's
/// mean, population standard deviation, lowest and highest return, episodes played and
/// episodes cut at the step cap.
const EVALUATION_COLUMNS: [&str; 8] = ["step", "seconds", "mean", "std", "min", "max", "episodes", "capped"];

/// A file operation held back until training begins.
enum Deferred {
    Write(PathBuf, Vec<u8>),
    Remove(PathBuf),
}

/// `what: cause` for a write error, saying plainly when the disk is full.
fn io_error_line(what: &str, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull => format!("{what}: no space left on device"),
        std::io::ErrorKind::QuotaExceeded => format!("{what}: disk quota exceeded"),
        _ => format!("{what}: {e}"),
    }
}

impl RunLogger {
    /// Reads the kept rows of a resumed run back into the plot series.
    fn reload_history(&mut self, path: &Path) {
        let Ok(text) = std::fs::read_to_string(path) else { return };
        for line in text.lines().skip(1) {
            let cols: Vec<f64> = line.split(',').map(|c| c.parse::<f64>().unwrap_or(f64::NAN)).collect();
            if cols.len() < 4 {
                continue;
            }
            self.returns.push((cols[0] as u64, cols[2]));
            for (series, v) in self.episode_scalars.iter_mut().zip(&cols[4..]) {
                series.push((cols[0], *v));
            }
            let game = self.game_index().map(|i| cols.get(4 + i).copied().filter(|g| g.is_finite()));
            if let Some(Some(g)) = game {
                self.game_returns.push(g);
            }
            if let Some(l) = self.game_index().and_then(|i| cols.get(5 + i)).filter(|l| l.is_finite()) {
                self.game_lengths.push(*l);
            }
            // Matched with times.csv's rows (one per episode, same order) in `open_times`.
            self.timed_scores.push((f64::NAN, game.unwrap_or(Some(cols[2])).unwrap_or(f64::NAN)));
        }
    }
}

impl Observer for RunLogger {
    fn begin(&mut self, scalar_names: &[&'static str], total_steps: u64) {
        self.started = true;
        for op in std::mem::take(&mut self.deferred) {
            let (path, done) = match op {
                Deferred::Write(path, bytes) => {
                    let done = deepq_log::atomic_write(&path, &bytes);
                    (path, done)
                }
                Deferred::Remove(path) => {
                    let done = match std::fs::remove_file(&path) {
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                        other => other,
                    };
                    (path, done)
                }
            };
            if let Err(e) = done {
                let name = path.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned());
                self.note_error(&format!("cannot update {name}"), e);
            }
        }
        match TensorBoardWriter::create(self.dir.join("tensorboard")) {
            Ok(tb) => self.tb = Some(tb),
            Err(e) => self.note_error("cannot create the TensorBoard log", e),
        }
        self.scalar_names = scalar_names.to_vec();
        self.episode_scalars = vec![Vec::new(); scalar_names.len()];
        self.progress = Progress::new(self.mode, total_steps);
        let mut columns = vec!["step", "episode", "return", "length"];
        columns.extend(scalar_names);
        let path = self.dir.join("metrics.csv");
        self.csv = self.open_csv("metrics.csv", &columns);
        if self.resume_step.is_some() {
            self.reload_history(&path);
        }
        self.open_times();
        // A resumed run continues the file; a run restarted in place (`--force`) starts it anew.
        if self.dir.join("evaluations.csv").exists() {
            self.open_evaluations();
        }
    }

    fn on_episode(&mut self, rec: &EpisodeRecord) {
        self.returns.push((rec.step, rec.ret));
        if let Some(csv) = &mut self.csv {
            let mut values: Vec<deepq_log::CsvValue> =
                vec![rec.step.into(), rec.episode.into(), rec.ret.into(), rec.length.into()];
            values.extend(rec.scalars.iter().map(|v| deepq_log::CsvValue::from(*v)));
            if let Err(e) = csv.row(&values) {
                self.note_error("cannot write metrics.csv", e);
            }
        }
        let step = rec.step as i64;
        let mut tb_values: Vec<(&str, f64)> = vec![("episode/return", rec.ret), ("episode/length", rec.length as f64)];
        for (name, v) in self.scalar_names.iter().zip(&rec.scalars) {
            if v.is_finite() {
                tb_values.push((name, *v));
            }
        }
        if let Some(m) = self.recent_mean() {
            tb_values.push(("episode/return_mean100", m));
        }
        if let Some(l) = self.game_index().and_then(|i| rec.scalars.get(i + 1)).filter(|l| l.is_finite()) {
            self.game_lengths.push(*l);
        }
        if let Some(g) = self.game_index().and_then(|i| rec.scalars.get(i)).filter(|g| g.is_finite()) {
            self.game_returns.push(*g);
            if let Some(m) = self.recent_game_mean() {
                tb_values.push(("episode/game_return_mean100", m));
            }
        }
        // Lapan's speed scalars: the measured throughput when the episode ended.
        if let Some(sps) = self.progress.steps_per_sec() {
            tb_values.push(("perf/steps_per_sec", sps));
        }
        if let Some(ups) = self.progress.updates_per_sec() {
            tb_values.push(("perf/updates_per_sec", ups));
        }
        if let Some(Err(e)) = self.tb.as_mut().map(|tb| tb.scalars(&tb_values, step)) {
            self.note_error("cannot write TensorBoard events", e);
        }
        for (series, v) in self.episode_scalars.iter_mut().zip(&rec.scalars) {
            series.push((rec.step as f64, *v));
        }
        let seconds = self.training_seconds();
        if let Some(csv) = &mut self.times {
            if let Err(e) = csv.row(&[rec.step as f64, rec.episode as f64, seconds]) {
                self.note_error("cannot write times.csv", e);
            }
        }
        let headline = match self.game_index() {
            Some(i) => rec.scalars.get(i).copied().filter(|g| g.is_finite()),
            None => Some(rec.ret),
        };
        if let Some(score) = headline {
            self.timed_scores.push((seconds, score));
        }
        self.last_step = rec.step;
        self.announce_best_mean(rec.step);
        let scores = self.scores_text();
        self.progress.set_scores(rec.step, scores);
    }

    fn on_scalar(&mut self, tag: &str, value: f64, step: u64) {
        if let Some(Err(e)) = self.tb.as_mut().map(|tb| tb.scalar(tag, value, step as i64)) {
            self.note_error("cannot write TensorBoard events", e);
        }
        self.other_scalars.entry(tag.to_string()).or_default().push((step as f64, value));
    }

    fn on_evaluation(&mut self, step: u64, eval: &EvalResult) {
        if self.evaluations.is_none() && self.error.is_none() {
            self.open_evaluations();
        }
        let seconds = self.training_seconds();
        let row =
            [step as f64, seconds, eval.mean, eval.std, eval.min, eval.max, eval.episodes as f64, eval.capped as f64];
        if let Some(Err(e)) = self.evaluations.as_mut().map(|csv| csv.row(&row)) {
            self.note_error("cannot write evaluations.csv", e);
        }
    }

    fn on_progress(&mut self, info: &ProgressInfo) {
        self.progress.update(info);
    }

    fn stop_requested(&self) -> bool {
        self.error.is_some() || self.interrupted.load(Ordering::SeqCst)
    }

    fn time_limit_reached(&self) -> bool {
        self.started && self.time_limit.is_some_and(|limit| self.training_seconds() >= limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn episode(step: u64, episode: u64, ret: f64) -> EpisodeRecord {
        EpisodeRecord { step, episode, ret, length: 10, scalars: vec![] }
    }

    /// An empty run directory (with `plots/`) for test `name`.
    fn fresh_run_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("deepq-logger-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("plots")).unwrap();
        dir
    }

    /// The rows of CSV `file` in `dir`, whose header must be `header`.
    fn csv_rows(dir: &Path, file: &str, header: &str) -> Vec<Vec<f64>> {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(text.lines().next(), Some(header));
        text.lines().skip(1).map(|l| l.split(',').map(|c| c.parse().unwrap()).collect()).collect()
    }

    #[test]
    fn episode_times_continue_across_a_resume() {
        let dir = fresh_run_dir("times");
        let flag = Arc::new(AtomicBool::new(false));
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag.clone(), None).unwrap();
        logger.begin(&[], 100);
        for i in 1..=3 {
            logger.on_episode(&episode(10 * i, i, i as f64));
        }
        logger.finish().unwrap();
        let rows = |dir: &Path| csv_rows(dir, "times.csv", "step,episode,seconds");
        let first = rows(&dir);
        assert_eq!(first.iter().map(|r| r[0]).collect::<Vec<_>>(), [10.0, 20.0, 30.0]);
        assert!(first.windows(2).all(|w| w[1][2] >= w[0][2]), "times grow: {first:?}");
        assert!(dir.join("plots/score_vs_time.png").exists());
        // Resumed from the checkpoint at step 20: the row of step 30 is dropped, and the new
        // episodes' times start from the kept rows' last time.
        let kept = first[1][2];
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag, Some(20)).unwrap();
        logger.begin(&[], 100);
        logger.on_episode(&episode(40, 3, 5.0));
        assert_eq!(logger.timed_scores.len(), 3, "two kept episodes and the new one");
        logger.finish().unwrap();
        let second = rows(&dir);
        assert_eq!(second.iter().map(|r| r[0]).collect::<Vec<_>>(), [10.0, 20.0, 40.0]);
        assert!(second[2][2] >= kept, "{second:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn evaluation(mean: f64, episodes: usize) -> EvalResult {
        EvalResult {
            episodes,
            mean,
            std: 0.5,
            min: mean - 1.0,
            max: mean + 1.0,
            mean_length: 10.0,
            seed: 0,
            returns: vec![mean; episodes],
            capped: 0,
            interrupted: false,
        }
    }

    #[test]
    fn evaluations_are_written_and_continue_across_a_resume() {
        let dir = fresh_run_dir("evals");
        let flag = Arc::new(AtomicBool::new(false));
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag.clone(), None).unwrap();
        logger.begin(&[], 100);
        assert!(!dir.join("evaluations.csv").exists(), "no file before the first evaluation");
        for (step, mean) in [(10, 1.0), (20, 2.5), (30, 4.0)] {
            logger.on_evaluation(step, &evaluation(mean, 5));
        }
        logger.finish().unwrap();
        let rows = |dir: &Path| csv_rows(dir, "evaluations.csv", "step,seconds,mean,std,min,max,episodes,capped");
        let first = rows(&dir);
        assert_eq!(first.len(), 3);
        assert_eq!(first[1][0], 20.0);
        assert_eq!(first[1][2..], [2.5, 0.5, 1.5, 3.5, 5.0, 0.0]);
        // Resumed from step 20: the evaluation at 30 belongs to the abandoned stretch.
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag.clone(), Some(20)).unwrap();
        logger.begin(&[], 100);
        logger.on_evaluation(40, &evaluation(7.0, 5));
        logger.finish().unwrap();
        let second = rows(&dir);
        assert_eq!(second.iter().map(|r| r[0]).collect::<Vec<_>>(), [10.0, 20.0, 40.0]);
        // A run restarted from scratch in the same directory starts the file anew.
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag, None).unwrap();
        logger.begin(&[], 100);
        logger.finish().unwrap();
        assert!(rows(&dir).is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_full_disk_is_one_plain_line() {
        let dir = std::env::temp_dir().join(format!("deepq-logger-full-{}", std::process::id()));
        let flag = Arc::new(AtomicBool::new(false));
        let mut logger = RunLogger::create(&dir, ProgressMode::Quiet, flag.clone(), None).unwrap();
        logger.started = true;
        logger.note_error("cannot write metrics.csv", std::io::Error::from_raw_os_error(28));
        logger.note_error("cannot write TensorBoard events", std::io::Error::from_raw_os_error(28));
        assert!(logger.stop_requested(), "a write error stops training");
        assert!(!flag.load(Ordering::SeqCst), "a write error is not a Ctrl-C");
        let e = logger.finish().unwrap_err().to_string();
        assert_eq!(e, "cannot write metrics.csv: no space left on device");
        assert!(!dir.exists(), "nothing was written");
    }

    #[test]
    fn a_logger_whose_training_never_began_writes_nothing() {
        let dir = std::env::temp_dir().join(format!("deepq-logger-unstarted-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("plots")).unwrap();
        let mut logger =
            RunLogger::create(&dir, ProgressMode::Quiet, Arc::new(AtomicBool::new(false)), Some(10)).unwrap();
        logger.write_on_start(dir.join("config.toml"), b"x".to_vec());
        logger.remove_on_start(dir.join("summary.json"));
        std::fs::write(dir.join("summary.json"), "{}").unwrap();
        logger.finish().unwrap();
        let mut names: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        assert_eq!(names, ["plots", "summary.json"]);
        assert_eq!(std::fs::read_dir(dir.join("plots")).unwrap().count(), 0);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
