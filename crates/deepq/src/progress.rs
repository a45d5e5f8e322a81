//! Training progress: an indicatif bar on a terminal, plain periodic lines otherwise (CI logs),
//! or nothing with `--quiet`.
//!
//! The rate and the ETA are measured over a sliding window of recent wall time ([`RateMeter`]),
//! never as "steps since the start / time since the start": that average is wrong after a
//! resume (the steps of the earlier session count, its time does not), while the replay fills
//! (acting only is many times faster than learning) and after the run's speed changes.

use deepq_agents::observer::{Phase, ProgressInfo};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::VecDeque;
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

/// Where the progress display reads the time: the real clock, or a fake one in tests.
pub trait Clock {
    /// Time since the clock was made.
    fn elapsed(&self) -> Duration;
}

/// The wall clock.
pub struct WallClock(Instant);

impl WallClock {
    /// A clock that starts now.
    pub fn start() -> Self {
        Self(Instant::now())
    }
}

impl Clock for WallClock {
    fn elapsed(&self) -> Duration {
        self.0.elapsed()
    }
}

/// One reading of the counters: `(seconds, env steps, updates)`.
type Sample = (f64, u64, u64);

/// Env steps and updates per second over the last `window` of wall time.
#[derive(Debug, Clone)]
pub struct RateMeter {
    window: f64,
    /// Oldest first.
    samples: VecDeque<Sample>,
}

impl RateMeter {
    /// A meter averaging over `window`.
    pub fn new(window: Duration) -> Self {
        Self { window: window.as_secs_f64(), samples: VecDeque::new() }
    }

    /// Records the counters at time `t` (seconds on any monotonic clock).
    pub fn record(&mut self, t: f64, steps: u64, updates: u64) {
        self.samples.push_back((t, steps, updates));
        // Keep one sample at or before the window's start, so the rate spans the whole window.
        while self.samples.len() > 2 && self.samples[1].0 <= t - self.window {
            self.samples.pop_front();
        }
    }

    /// Forgets the history (the loop changed phase, so the old rate says nothing).
    pub fn reset(&mut self) {
        self.samples.clear();
    }

    fn span(&self) -> Option<(f64, &Sample, &Sample)> {
        let (first, last) = (self.samples.front()?, self.samples.back()?);
        let dt = last.0 - first.0;
        // Less than a second of history is too little to quote a rate.
        (dt >= 1.0).then_some((dt, first, last))
    }

    /// Env steps per second, once at least a second of history is known.
    pub fn steps_per_sec(&self) -> Option<f64> {
        self.span().map(|(dt, a, b)| b.1.saturating_sub(a.1) as f64 / dt)
    }

    /// Gradient updates per second, once at least a second of history is known.
    pub fn updates_per_sec(&self) -> Option<f64> {
        self.span().map(|(dt, a, b)| b.2.saturating_sub(a.2) as f64 / dt)
    }
}

/// `1h02m`, `3m05s`, `42s`.
pub fn format_duration(secs: f64) -> String {
    if !secs.is_finite() || secs < 0.0 {
        return "?".into();
    }
    let s = secs.round() as u64;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m{s:02}s"),
        (h, m, _) => format!("{h}h{m:02}m"),
    }
}

/// Shows the step, the phase, the measured rates, the ETA, epsilon and the recent scores.
pub struct Progress {
    mode: ProgressMode,
    bar: Option<ProgressBar>,
    total: u64,
    clock: Box<dyn Clock>,
    next_line: f64,
    line_every: f64,
    meter: RateMeter,
    last: ProgressInfo,
    scores: String,
}

impl Progress {
    /// A progress display for a run of `total` env steps, on the wall clock.
    pub fn new(mode: ProgressMode, total: u64) -> Self {
        Self::with_clock(mode, total, Box::new(WallClock::start()))
    }

    /// A progress display reading time from `clock`.
    pub fn with_clock(mode: ProgressMode, total: u64, clock: Box<dyn Clock>) -> Self {
        let bar = (mode == ProgressMode::Bar).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {human_pos}/{human_len} steps {msg}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Self {
            mode,
            bar,
            total,
            clock,
            next_line: 10.0,
            line_every: 10.0,
            meter: RateMeter::new(Duration::from_secs(30)),
            last: ProgressInfo::learning(0, 0),
            scores: String::new(),
        }
    }

    /// Records the loop's counters.
    pub fn update(&mut self, info: &ProgressInfo) {
        if info.phase != self.last.phase {
            self.meter.reset();
        }
        self.meter.record(self.clock.elapsed().as_secs_f64(), info.step, info.updates);
        self.last = *info;
        self.show();
    }

    /// Sets the score part of the display (`ep 34 mean100 -20.26`) and moves to `step`.
    pub fn set_scores(&mut self, step: u64, scores: String) {
        self.scores = scores;
        if step > self.last.step {
            self.last.step = step;
        }
        self.show();
    }

    /// Seconds on the display's clock.
    pub fn elapsed_secs(&self) -> f64 {
        self.clock.elapsed().as_secs_f64()
    }

    /// The measured env steps per second, if known.
    pub fn steps_per_sec(&self) -> Option<f64> {
        self.meter.steps_per_sec()
    }

    /// The measured updates per second, if known.
    pub fn updates_per_sec(&self) -> Option<f64> {
        self.meter.updates_per_sec()
    }

    /// The status after the step counter: phase, rates, ETA, epsilon and scores.
    pub fn status(&self) -> String {
        let mut parts = Vec::new();
        parts.push(match self.last.phase {
            Phase::Filling => "filling replay".to_string(),
            Phase::Learning => "learning".to_string(),
        });
        match self.meter.steps_per_sec() {
            Some(sps) => {
                parts.push(format!("{sps:.0} steps/s"));
                if self.last.phase == Phase::Learning {
                    if let Some(ups) = self.meter.updates_per_sec() {
                        parts.push(format!("{ups:.1} updates/s"));
                    }
                    let left = self.total.saturating_sub(self.last.step) as f64;
                    let eta = if sps > 0.0 { format_duration(left / sps) } else { "?".into() };
                    parts.push(format!("ETA {eta}"));
                }
            }
            None => parts.push("measuring speed".into()),
        }
        if let Some(eps) = self.last.epsilon {
            parts.push(format!("eps {eps:.3}"));
        }
        if !self.scores.is_empty() {
            parts.push(self.scores.clone());
        }
        parts.join(" | ")
    }

    fn show(&mut self) {
        match self.mode {
            ProgressMode::Bar => {
                if let Some(bar) = &self.bar {
                    bar.set_position(self.last.step.min(self.total));
                    bar.set_message(self.status());
                }
            }
            ProgressMode::Lines => {
                let now = self.clock.elapsed().as_secs_f64();
                if now >= self.next_line {
                    self.next_line = now + self.line_every;
                    crate::say!("[{now:7.1}s] step {}/{} | {}", self.last.step, self.total, self.status());
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
            (None, _) => crate::say!("{line}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A clock the test moves by hand.
    struct FakeClock(Rc<Cell<f64>>);

    impl Clock for FakeClock {
        fn elapsed(&self) -> Duration {
            Duration::from_secs_f64(self.0.get())
        }
    }

    fn fake(total: u64) -> (Progress, Rc<Cell<f64>>) {
        let now = Rc::new(Cell::new(0.0));
        (Progress::with_clock(ProgressMode::Quiet, total, Box::new(FakeClock(now.clone()))), now)
    }

    fn info(step: u64, updates: u64, phase: Phase) -> ProgressInfo {
        ProgressInfo { step, updates, epsilon: Some(0.5), phase }
    }

    #[test]
    fn the_rate_follows_the_recent_speed_not_the_average_since_the_start() {
        let (mut p, now) = fake(1_000_000);
        // Two minutes at 1,000 steps/s, then a minute at 10 steps/s with one update per 4 steps.
        let mut step = 0;
        for t in 0..=120 {
            now.set(t as f64);
            p.update(&info(step, step / 4, Phase::Learning));
            step += 1000;
        }
        step -= 1000;
        for t in 121..=180 {
            now.set(t as f64);
            step += 10;
            p.update(&info(step, step / 4, Phase::Learning));
        }
        let sps = p.steps_per_sec().unwrap();
        assert!((sps - 10.0).abs() < 1e-9, "recent rate 10 steps/s, got {sps}");
        let ups = p.updates_per_sec().unwrap();
        assert!((ups - 2.5).abs() < 0.1, "updates/s {ups}");
        let status = p.status();
        let eta = format_duration((1_000_000 - step) as f64 / 10.0);
        assert!(status.contains(&format!("ETA {eta}")), "{status}");
        assert!(status.contains("10 steps/s") && status.contains("learning") && status.contains("eps 0.500"));
    }

    #[test]
    fn a_resumed_run_does_not_count_the_steps_of_its_earlier_session() {
        let (mut p, now) = fake(2_000_000);
        // Resumed at step 1,000,000; then 8 steps/s.
        for t in 0..=60 {
            now.set(t as f64);
            p.update(&info(1_000_000 + 8 * t, 2 * t, Phase::Learning));
        }
        assert!((p.steps_per_sec().unwrap() - 8.0).abs() < 1e-9);
        assert!(
            p.status().contains(&format!("ETA {}", format_duration((1_000_000.0 - 480.0) / 8.0))),
            "{}",
            p.status()
        );
    }

    #[test]
    fn filling_the_replay_is_measured_apart_from_learning_and_has_no_eta() {
        let (mut p, now) = fake(100_000);
        for t in 0..=20 {
            now.set(t as f64);
            p.update(&info(1000 * t, 0, Phase::Filling));
        }
        let status = p.status();
        assert!(status.starts_with("filling replay | 1000 steps/s"), "{status}");
        assert!(!status.contains("ETA"), "{status}");
        // Learning starts: the filling speed is forgotten.
        now.set(21.0);
        p.update(&info(20_050, 10, Phase::Learning));
        assert_eq!(p.steps_per_sec(), None, "one learning sample is not a rate");
        assert!(p.status().contains("measuring speed"));
        now.set(31.0);
        p.update(&info(20_550, 135, Phase::Learning));
        assert!((p.steps_per_sec().unwrap() - 50.0).abs() < 1e-9);
        assert!((p.updates_per_sec().unwrap() - 12.5).abs() < 1e-9);
    }

    #[test]
    fn a_stall_shows_up_within_the_window() {
        let mut m = RateMeter::new(Duration::from_secs(30));
        for t in 0..=100 {
            m.record(t as f64, 100 * t, 0);
        }
        // Nothing moves for a minute (a long evaluation, a stuck env).
        for t in 101..=160 {
            m.record(t as f64, 10_000, 0);
        }
        assert_eq!(m.steps_per_sec(), Some(0.0));
    }

    #[test]
    fn durations_read_like_a_clock() {
        assert_eq!(format_duration(42.0), "42s");
        assert_eq!(format_duration(185.0), "3m05s");
        assert_eq!(format_duration(3.0 * 3600.0 + 120.0), "3h02m");
        assert_eq!(format_duration(f64::INFINITY), "?");
    }
}
