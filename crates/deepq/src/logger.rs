//! [`RunLogger`]: the [`Observer`] that turns a training loop's events into the run directory's
//! `metrics.csv`, TensorBoard events and PNG plots, and drives the progress display.

use crate::progress::{Progress, ProgressMode};
use anyhow::{Context, Result};
use deepq_agents::observer::{EpisodeRecord, Observer};
use deepq_log::{plot_returns, plot_series, CsvLogger, TensorBoardWriter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Writes everything a run logs.
pub struct RunLogger {
    dir: PathBuf,
    csv: Option<CsvLogger>,
    tb: TensorBoardWriter,
    progress: Progress,
    mode: ProgressMode,
    interrupted: Arc<AtomicBool>,
    scalar_names: Vec<&'static str>,
    returns: Vec<(u64, f64)>,
    episode_scalars: Vec<Vec<(f64, f64)>>,
    other_scalars: BTreeMap<String, Vec<(f64, f64)>>,
    last_step: u64,
    error: Option<String>,
    resume_step: Option<u64>,
}

impl RunLogger {
    /// Opens the writers of run directory `dir`.
    /// With `resume_step`, `metrics.csv` is continued: rows after that step (written after the
    /// checkpoint the run resumes from) are dropped, and the kept returns stay in the plots.
    pub fn create(
        dir: &Path,
        mode: ProgressMode,
        interrupted: Arc<AtomicBool>,
        resume_step: Option<u64>,
    ) -> Result<Self> {
        let tb = TensorBoardWriter::create(dir.join("tensorboard"))
            .with_context(|| format!("cannot create TensorBoard log in '{}'", dir.display()))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            csv: None,
            tb,
            progress: Progress::new(mode, 0),
            mode,
            interrupted,
            scalar_names: Vec::new(),
            returns: Vec::new(),
            episode_scalars: Vec::new(),
            other_scalars: BTreeMap::new(),
            last_step: 0,
            error: None,
            resume_step,
        })
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

    fn note_error(&mut self, what: &str, e: std::io::Error) {
        if self.error.is_none() {
            self.error = Some(format!("{what}: {e}"));
            self.interrupted.store(true, Ordering::SeqCst);
        }
    }

    /// Flushes the logs and draws the plots; reports the first write error of the run.
    pub fn finish(&mut self) -> Result<()> {
        self.progress.finish();
        if let Some(csv) = &mut self.csv {
            if let Err(e) = csv.flush() {
                self.note_error("cannot write metrics.csv", e);
            }
        }
        if let Err(e) = self.tb.flush() {
            self.note_error("cannot write TensorBoard events", e);
        }
        if let Some(e) = &self.error {
            anyhow::bail!("{e} (is the disk full?)");
        }
        let plots = self.dir.join("plots");
        plot_returns(plots.join("return.png"), "Episode return", &self.returns).context("cannot draw return.png")?;
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
        }
    }
}

impl Observer for RunLogger {
    fn begin(&mut self, scalar_names: &[&'static str], total_steps: u64) {
        self.scalar_names = scalar_names.to_vec();
        self.episode_scalars = vec![Vec::new(); scalar_names.len()];
        self.progress = Progress::new(self.mode, total_steps);
        let mut columns = vec!["step", "episode", "return", "length"];
        columns.extend(scalar_names);
        let path = self.dir.join("metrics.csv");
        let opened = match self.resume_step {
            None => CsvLogger::create(&path, &columns),
            Some(step) => CsvLogger::resume(&path, &columns, step as f64),
        };
        match opened {
            Ok(csv) => self.csv = Some(csv),
            Err(e) => self.note_error("cannot open metrics.csv", e),
        }
        if self.resume_step.is_some() {
            self.reload_history(&path);
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
        if let Err(e) = self.tb.scalars(&tb_values, step) {
            self.note_error("cannot write TensorBoard events", e);
        }
        for (series, v) in self.episode_scalars.iter_mut().zip(&rec.scalars) {
            series.push((rec.step as f64, *v));
        }
        self.last_step = rec.step;
        self.progress.update(rec.step, self.recent_mean(), rec.episode);
    }

    fn on_scalar(&mut self, tag: &str, value: f64, step: u64) {
        if let Err(e) = self.tb.scalar(tag, value, step as i64) {
            self.note_error("cannot write TensorBoard events", e);
        }
        self.other_scalars.entry(tag.to_string()).or_default().push((step as f64, value));
    }

    fn on_progress(&mut self, step: u64) {
        let episodes = self.returns.len() as u64;
        self.progress.update(step, self.recent_mean(), episodes);
    }

    fn stop_requested(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }
}
