//! Training progress: an indicatif bar on a terminal, plain periodic lines otherwise (CI logs),
//! or nothing with `--quiet`.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressMode {
    /// A live bar (stderr is a terminal).
    Bar,
    /// A plain line every few seconds.
    Lines,
    /// Nothing.
    Quiet,
}

impl ProgressMode {
    /// Picks the bar on a terminal, lines otherwise, nothing when `quiet`.
    pub fn detect(quiet: bool) -> Self {
        if quiet {
            ProgressMode::Quiet
        } else if std::io::stderr().is_terminal() {
            ProgressMode::Bar
        } else {
            ProgressMode::Lines
        }
    }
}

/// Shows steps, steps per second, the recent mean return and the ETA.
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    total: u64,
    start: Instant,
    last_line: Instant,
    line_every: Duration,
}

impl Progress {
    /// A progress display for a run of `total` env steps.
    pub fn new(mode: ProgressMode, total: u64) -> Self {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {human_pos}/{human_len} steps {per_sec} ETA {eta} {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        let now = Instant::now();
        Self { mode, bar, total, start: now, last_line: now, line_every: Duration::from_secs(10) }
    }

    /// Updates the position and the recent mean return.
    pub fn update(&mut self, step: u64, recent_mean: Option<f64>, episodes: u64) {
        let msg = match recent_mean {
            Some(m) => format!("ep {episodes} mean100 {m:.2}"),
            None => format!("ep {episodes}"),
        };
        match self.mode {
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_position(step.min(self.total));
                    bar.set_message(msg);
                }
            }
            ProgressMode::Lines => {
                if self.last_line.elapsed() >= self.line_every {
                    self.last_line = Instant::now();
                    let secs = self.start.elapsed().as_secs_f64();
                    let sps = step as f64 / secs.max(1e-9);
                    eprintln!("[{secs:7.1}s] step {step}/{} ({sps:.0} steps/s) {msg}", self.total);
                }
            }
            ProgressMode::Quiet => {}
        }
    }

    /// Removes the bar.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// Prints a line without breaking the bar.
    pub fn println(&self, line: &str) {
        match (&self.bar, self.mode) {
            (Some(bar), _) => bar.println(line),
            (None, ProgressMode::Quiet) => {}
            (None, _) => eprintln!("{line}"),
        }
    }
}
