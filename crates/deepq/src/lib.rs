//! deepq as a library: everything behind the `deepq` command line.
//!
//! The binary only parses its arguments and calls into this crate, so other programs can do
//! what it does:
//!
//! - [`config`]: presets, TOML config files and `--set key=value` overrides, resolved into a
//!   checked [`config::RunConfig`];
//! - [`run_dir`]: the run directory (location, ownership lock, `config.toml`, `summary.json`);
//! - [`logger`]: the training observer that writes `metrics.csv`, TensorBoard events and plots;
//! - [`progress`]: the progress bar or progress lines;
//! - [`commands`]: one module per subcommand (`train`, `eval`, `play`, `analyze`, `show-obs`,
//!   `bench`, `presets`/`envs`);
//! - [`obs_picture`]: image observations as pictures (stacked frames side by side).
//!
//! Errors are [`anyhow::Error`]s meant to be shown as one line ([`error_line`]); [`exit_code`]
//! maps them to the binary's exit status ([`EXIT_ERROR`], [`EXIT_USAGE`], [`EXIT_INTERRUPTED`]).
#![warn(missing_docs)]

use std::fmt;
use std::path::PathBuf;

/// `eprintln!` that never panics: a message line whose stderr is gone (`deepq train ... 2>&1 |
/// tee log` after `tee` was stopped) is dropped, and the training goes on writing its run
/// directory instead of dying in the middle of a checkpoint.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

pub mod commands;
pub mod config;
pub mod logger;
pub mod obs_picture;
pub mod progress;
pub mod run_dir;

/// Registers the optional environment providers compiled in (the Atari games with the `atari`
/// feature). Call once before resolving configs or making environments.
pub fn init() {
    #[cfg(feature = "atari")]
    deepq_atari::register();
}

/// Exit status of a user error (bad input, unreadable file, failed run).
pub const EXIT_ERROR: u8 = 1;

/// Exit status of a command line that does not parse (unknown option, missing or malformed
/// argument); clap exits with it.
pub const EXIT_USAGE: u8 = 2;

/// Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// The most episodes one evaluation or test may play (`eval.episodes`, `tabular.test_episodes`,
/// `deepq eval --episodes`, ...): larger values are rejected up front instead of running for
/// days or exhausting memory.
pub const MAX_EPISODES: usize = 1_000_000;

/// The largest seed: seeds are written to `config.toml`, and TOML integers are signed 64-bit.
pub const MAX_SEED: u64 = i64::MAX as u64;

/// Parses a `--seed` value: an integer from 0 to [`MAX_SEED`].
pub fn parse_seed(s: &str) -> Result<u64, String> {
    let seed: u64 = s.trim().parse().map_err(|_| format!("expected a seed from 0 to {MAX_SEED}"))?;
    if seed > MAX_SEED {
        return Err(format!("seeds are at most {MAX_SEED} (config files store them as TOML integers)"));
    }
    Ok(seed)
}

/// Parses a `--time-limit` value: a positive duration such as `3h`, `90m`, `1h30m` or `45s`.
pub fn parse_time_limit(s: &str) -> Result<std::time::Duration, String> {
    let d = humantime::parse_duration(s.trim())
        .map_err(|_| format!("expected a duration such as 3h, 90m, 1h30m or 45s, got '{}'", s.trim()))?;
    if d.is_zero() {
        return Err("the time limit must be longer than zero".into());
    }
    Ok(d)
}

/// The error of a training run stopped by Ctrl-C after its run directory was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    /// The run directory.
    pub run_dir: PathBuf,
    /// Whether `deepq train --resume` can continue the run (it has a resume checkpoint).
    pub resumable: bool,
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dir = self.run_dir.display();
        write!(f, "interrupted; the run directory is written: {dir}")?;
        if self.resumable {
            write!(f, " (continue it with: deepq train --resume {dir})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Interrupted {}

/// The message of an error as one line: its causes joined with `: `, leaving out a cause that
/// the message before it already quotes (errors that print their source and also return it),
/// newlines removed.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string().split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// The exit status for an error returned by a command: [`EXIT_INTERRUPTED`] for
/// [`Interrupted`], else [`EXIT_ERROR`].
pub fn exit_code(e: &anyhow::Error) -> u8 {
    if e.downcast_ref::<Interrupted>().is_some() {
        EXIT_INTERRUPTED
    } else {
        EXIT_ERROR
    }
}

/// Prints an error returned by a command on one stderr line (`error: ...`, or `deepq: ...` for
/// a run stopped by Ctrl-C) and returns the exit status.
pub fn report_error(e: &anyhow::Error) -> u8 {
    match e.downcast_ref::<Interrupted>() {
        Some(i) => say!("deepq: {i}"),
        None => say!("error: {}", error_line(e)),
    }
    exit_code(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_that_quotes_its_source_is_shown_once() {
        // A checkpoint error prints its I/O error and also returns it as its source: before,
        // the line read "cannot access checkpoint '...': <cause>: <cause>".
        let dir = std::env::temp_dir().join(format!("deepq-no-such-dir-{}", std::process::id()));
        let path = dir.join("x.safetensors");
        let e = deepq_agents::checkpoint::save(&path, &[], &Default::default()).unwrap_err();
        let e = anyhow::Error::new(e).context("cannot save the Q-table");
        let line = error_line(&e);
        let cause = std::io::Error::from(std::io::ErrorKind::NotFound).to_string();
        assert!(line.starts_with("cannot save the Q-table: cannot access checkpoint"), "{line}");
        assert_eq!(line.matches("os error 2").count(), 1, "{line} ({cause})");
    }

    #[test]
    fn seeds_fit_a_toml_integer() {
        assert_eq!(parse_seed("0"), Ok(0));
        assert_eq!(parse_seed("9223372036854775807"), Ok(MAX_SEED));
        let e = parse_seed("18446744073709551615").unwrap_err();
        assert!(e.contains("at most 9223372036854775807"), "{e}");
        assert!(parse_seed("-1").is_err());
    }

    #[test]
    fn time_limits_are_positive_durations() {
        use std::time::Duration;
        assert_eq!(parse_time_limit("3h"), Ok(Duration::from_secs(3 * 3600)));
        assert_eq!(parse_time_limit("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_time_limit(" 90m "), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_time_limit("45s"), Ok(Duration::from_secs(45)));
        assert!(parse_time_limit("0s").unwrap_err().contains("longer than zero"));
        for bad in ["3", "three hours", "-1h", ""] {
            let e = parse_time_limit(bad).unwrap_err();
            assert!(e.contains("expected a duration"), "{bad}: {e}");
        }
    }

    #[test]
    fn interrupted_runs_exit_with_130() {
        let e = anyhow::Error::new(Interrupted { run_dir: "runs/x".into(), resumable: true });
        assert_eq!(exit_code(&e), 130);
        assert!(e.to_string().contains("deepq train --resume runs/x"));
        assert_eq!(exit_code(&anyhow::anyhow!("bad")), 1);
    }
}
