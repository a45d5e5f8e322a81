//! `deepq train`: resolve the config, create the run directory, train, checkpoint, evaluate,
//! and write the summary and plots. `--resume RUN_DIR` continues a killed or interrupted DQN
//! run (or, with `--set total_steps=N`, trains a finished one longer, its schedules pinned to
//! the steps they had); `--resume RUN_DIR
//! --force` restarts in place a run that stopped before its first checkpoint.

use crate::config::{self, resolve, validate, Algo, RunConfig};
use crate::logger::RunLogger;
use crate::progress::ProgressMode;
use crate::run_dir::{self, EvalSummary, RunLock, RunState, Summary};
use crate::Interrupted;
use anyhow::{anyhow, bail, Context, Result};
use deepq_agents::checkpoint;
use deepq_agents::common::{Outcome, RunSpec, StopReason};
use deepq_agents::dqn::{self, Devices, DqnRun};
use deepq_agents::pg_linear::{self, GreedyLogistic, PgLinearRun, SampledLogistic};
use deepq_agents::policy::{evaluate_with, Policy};
use deepq_agents::reinforce::{self, ReinforceRun};
use deepq_agents::schedule::EpsilonSchedule;
use deepq_agents::tabular;
use deepq_env::EnvKwargs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// What `deepq train` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct TrainArgs {
    /// Preset or config file (absent with `resume`).
    pub source: Option<String>,
    /// Seed override.
    pub seed: Option<u64>,
    /// Run directory.
    pub out: Option<PathBuf>,
    /// `--set` overrides (with `resume`, only `total_steps=N`).
    pub overrides: Vec<String>,
    /// No progress output.
    pub quiet: bool,
    /// Run directory to resume.
    pub resume: Option<PathBuf>,
    /// With `resume`: restart from scratch a run that stopped before its first checkpoint.
    pub force: bool,
    /// Stop cleanly once the run's training time (earlier sessions included) reaches this.
    pub time_limit: Option<Duration>,
}

/// A run ready to train: its config, its directory (locked) and where it starts from.
struct Prepared {
    config: RunConfig,
    dir: PathBuf,
    lock: RunLock,
    resume_from: Option<PathBuf>,
    resume_step: Option<u64>,
    /// The new `config.toml` of a resumed run given more steps, written when training begins.
    new_config: Option<Vec<u8>>,
    /// Temp files of killed writes, removed when training begins.
    stale_files: Vec<PathBuf>,
}

/// Runs `deepq train`. The config (and, for `--resume`, the checkpoint) is checked before
/// anything is written; the run directory is locked while the run writes into it. A run
/// stopped by Ctrl-C writes its run directory, then returns [`Interrupted`].
pub fn run(args: TrainArgs) -> Result<()> {
    let interrupted = ctrl_c_flag();
    let prepared = match (&args.resume, &args.source) {
        (Some(dir), None) => prepare_resume(dir, &args)?,
        (None, Some(source)) => prepare_new(source, &args)?,
        (Some(_), Some(_)) => bail!("give either a preset/config to train or --resume RUN_DIR, not both"),
        (None, None) => {
            bail!("give a preset name or a config file to train (see `deepq presets`), or --resume RUN_DIR")
        }
    };
    let Prepared { config, dir, lock, resume_from, resume_step, new_config, stale_files } = prepared;
    let mut logger = RunLogger::create(&dir, ProgressMode::detect(args.quiet), interrupted.clone(), resume_step)?;
    // The training time of the sessions before this one: what the time limit and times.csv
    // continue from.
    let trained_before = resume_step.map_or(0.0, |step| run_dir::training_seconds(&dir, step));
    logger.set_time_offset(trained_before);
    if let Some(limit) = args.time_limit {
        if trained_before >= limit.as_secs_f64() {
            bail!(
                "'{}' has trained for {} already, which is the --time-limit {} or more; give a longer one",
                dir.display(),
                humantime::format_duration(Duration::from_secs(trained_before.round() as u64)),
                humantime::format_duration(limit)
            );
        }
        logger.set_time_limit(limit.as_secs_f64());
    }
    if resume_step.is_some() {
        // The summary of the run being continued no longer describes it once training resumes.
        logger.remove_on_start(dir.join("summary.json"));
    }
    if let Some(text) = new_config {
        logger.write_on_start(dir.join("config.toml"), text);
    }
    for f in stale_files {
        logger.remove_on_start(f);
    }
    let verb = if resume_step.is_some() { "resuming" } else { "training" };
    logger.say(&format!(
        "deepq: {verb} {} ({}) on {} -> {}",
        describe(&config),
        config.algo.name(),
        config.env_id,
        dir.display()
    ));
    let result = match config.algo {
        Algo::TabularQ => train_tabular(&config, &dir, &mut logger, &interrupted),
        Algo::Dqn => train_dqn(&config, &dir, &mut logger, resume_from.as_deref(), &interrupted),
        Algo::Reinforce => train_reinforce(&config, &dir, &mut logger, &interrupted),
        Algo::PgLinear => train_pg_linear(&config, &dir, &mut logger, &interrupted),
    };
    // The logs and plots are written even when training failed (e.g. a NaN loss), but not when
    // it never began (e.g. a checkpoint that does not fit): then the directory is left as it was.
    let finished = logger.finish();
    let mut summary = result?;
    summary.training = logger.training_scores();
    summary.training_seconds = trained_before + summary.wall_seconds;
    if let Some(from) = resume_step {
        // This session's speed: the steps before the resume took another session's time.
        summary.sps = summary.env_steps.saturating_sub(from) as f64 / summary.wall_seconds.max(1e-9);
    }
    finished?;
    run_dir::write_summary(&dir, &summary)?;
    plot_eval_histogram(&dir, &summary)?;
    report(&summary, &dir, args.quiet);
    if summary.stopped_by == StopReason::TimeLimit.name() && !args.quiet {
        let limit = humantime::format_duration(args.time_limit.unwrap_or_default());
        if dir.join("checkpoints").join("resume.safetensors").exists() {
            crate::say!(
                "deepq: stopped at the time limit ({limit}); continue the run with: deepq train --resume {} --time-limit LONGER",
                dir.display()
            );
        } else {
            crate::say!("deepq: stopped at the time limit ({limit})");
        }
    }
    drop(lock);
    if interrupted.load(Ordering::SeqCst) {
        let resumable = dir.join("checkpoints").join("resume.safetensors").exists();
        return Err(Interrupted { run_dir: dir, resumable }.into());
    }
    Ok(())
}

/// Resolves and checks a new run's config, then creates and locks its directory.
fn prepare_new(source: &str, args: &TrainArgs) -> Result<Prepared> {
    if args.force {
        bail!("--force restarts a run in place and goes with --resume RUN_DIR");
    }
    let config = resolve(source, &args.overrides, args.seed)?;
    check_env(&config)?;
    let dir = args.out.clone().unwrap_or_else(|| run_dir::default_dir(&config));
    let lock = run_dir::create(&dir)?;
    run_dir::write_config(&dir, &config)?;
    Ok(Prepared { config, dir, lock, resume_from: None, resume_step: None, new_config: None, stale_files: Vec::new() })
}

/// Checks a run directory to resume (or, with `--force`, to restart) and locks it.
fn prepare_resume(dir: &Path, args: &TrainArgs) -> Result<Prepared> {
    let d = dir.display();
    let more_steps = resume_total_steps(args)?;
    let mut config =
        config::load_file(&dir.join("config.toml")).with_context(|| format!("'{d}' is not a deepq run directory"))?;
    // A run in progress is reported as such, not by what its files look like half-way.
    run_dir::check_not_in_use(dir)?;
    let old_total = config.total_steps;
    if let Some(n) = more_steps {
        if n <= old_total {
            bail!("--set total_steps={n} must be larger than the run's total_steps ({old_total}) to train it further");
        }
        config.total_steps = n;
        pin_schedules(&mut config, old_total);
    }
    validate(&config)?;
    check_env(&config)?;
    let state = run_dir::state(dir);
    let ckpt = dir.join("checkpoints").join("resume.safetensors");
    if args.force {
        if state != RunState::Unfinished {
            bail!("'{d}' has a summary.json; --force only restarts a run that stopped before its first checkpoint");
        }
        if ckpt.exists() {
            bail!("'{d}' has a checkpoint to continue from; resume it without --force (deepq train --resume {d})");
        }
        if more_steps.is_some() {
            bail!("--force restarts the run as configured; it takes no --set");
        }
        let lock = RunLock::acquire(dir)?;
        // Under the lock: the run may have moved on since it was looked at.
        if run_dir::state(dir) != RunState::Unfinished || ckpt.exists() {
            bail!("'{d}' changed while deepq was looking at it; run the command again");
        }
        run_dir::clear_outputs(dir)?;
        for f in run_dir::stale_temp_files(dir) {
            std::fs::remove_file(&f).with_context(|| format!("cannot remove '{}'", f.display()))?;
        }
        run_dir::prepare(dir)?;
        return Ok(Prepared {
            config,
            dir: dir.to_path_buf(),
            lock,
            resume_from: None,
            resume_step: None,
            new_config: None,
            stale_files: Vec::new(),
        });
    }
    if !ckpt.exists() {
        match (state, config.algo) {
            (RunState::Unfinished, _) => bail!(
                "'{d}' has no checkpoints/resume.safetensors to resume from (it stopped before its first checkpoint); restart it from scratch with: deepq train --resume {d} --force"
            ),
            (_, Algo::Dqn) => bail!("'{d}' has no checkpoints/resume.safetensors to resume from"),
            (_, algo) => bail!(
                "'{d}' has no checkpoints/resume.safetensors to resume from ({} runs cannot be resumed)",
                algo.name()
            ),
        }
    }
    if state == RunState::Finished && more_steps.is_none() {
        bail!(
            "'{d}' is a finished run (summary.json); to train it further, give more steps: deepq train --resume {d} --set total_steps=N (N > {old_total})"
        );
    }
    // Read the checkpoint before locking or writing anything: a bad one leaves the run as it was.
    let ck = checkpoint::load(&ckpt)?;
    let step = ck.meta("deepq.step", &ckpt)?;
    let resume_step = step.parse::<u64>().map_err(|_| anyhow!("'{}' has a bad step '{step}'", ckpt.display()))?;
    let lock = RunLock::acquire(dir)?;
    let stale_files = run_dir::stale_temp_files(dir);
    if !stale_files.is_empty() && !args.quiet {
        crate::say!("deepq: removing {} temporary file(s) left by an interrupted write in '{d}'", stale_files.len());
    }
    let new_config = match more_steps {
        Some(_) => Some(run_dir::config_text(dir, &config)?.into_bytes()),
        None => None,
    };
    Ok(Prepared {
        config,
        dir: dir.to_path_buf(),
        lock,
        resume_from: Some(ckpt),
        resume_step: Some(resume_step),
        new_config,
        stale_files,
    })
}

/// Keeps the schedules a run was trained with when `--set total_steps=N` trains it longer: a
/// linear epsilon decaying over a `fraction` of the run and prioritized replay's beta annealed
/// over the whole run (`beta_steps = 0`) are pinned to the step counts of the old total, so
/// the continuation goes on from where they were rather than stretching them over the new total
/// (which would raise epsilon or lower beta again mid-run). The pinned values are written to the
/// run's `config.toml`.
fn pin_schedules(config: &mut RunConfig, old_total: u64) {
    let Some(dqn) = config.dqn.as_mut() else { return };
    if let EpsilonSchedule::Linear { fraction, steps, .. } = &mut dqn.exploration {
        if *steps == 0 && *fraction > 0.0 {
            *steps = (*fraction * old_total as f64).round().max(1.0) as u64;
        }
    }
    if dqn.replay.prioritized && dqn.replay.beta_steps == 0 {
        dqn.replay.beta_steps = old_total;
    }
}

/// The `total_steps=N` of `--resume RUN_DIR --set total_steps=N`, the one override a resume
/// takes; `None` without it.
fn resume_total_steps(args: &TrainArgs) -> Result<Option<u64>> {
    const USAGE: &str =
        "--resume continues a run as configured: it takes no --seed or --out, and no --set except total_steps=N (to train longer)";
    if args.seed.is_some() || args.out.is_some() {
        bail!(USAGE);
    }
    let mut total = None;
    for ov in &args.overrides {
        match ov.split_once('=') {
            Some((key, value)) if key.trim() == "total_steps" => {
                let n = value
                    .trim()
                    .parse::<u64>()
                    .map_err(|_| anyhow!("--set total_steps: expected a positive integer, got '{}'", value.trim()))?;
                total = Some(n);
            }
            _ => bail!(USAGE),
        }
    }
    Ok(total)
}

/// Makes the run's environment once, so a bad env kwarg or a missing ROM fails before the run
/// directory is created.
fn check_env(c: &RunConfig) -> Result<()> {
    deepq_env::make_with(&c.env_id, &c.env)?;
    Ok(())
}

fn describe(c: &RunConfig) -> String {
    if c.preset.is_empty() {
        "config".into()
    } else {
        format!("preset '{}'", c.preset)
    }
}

/// The process's stop flag, cleared. The first Ctrl-C or SIGTERM (what `kill`, `timeout`,
/// `docker stop` and batch schedulers send) sets it: training stops cleanly after the current
/// step and the run directory is written, resume checkpoint included. A second one exits at once
/// with [`EXIT_INTERRUPTED`](crate::EXIT_INTERRUPTED), releasing the run directory's lock.
/// SIGHUP keeps its default, so `nohup deepq train ...` outlives its terminal.
fn ctrl_c_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    let flag = FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let f = flag.clone();
        let on_stop_request = move |what: &str| {
            if f.swap(true, Ordering::SeqCst) {
                run_dir::release_all_locks();
                std::process::exit(i32::from(crate::EXIT_INTERRUPTED));
            }
            // Evaluations inside the learning loops stop too.
            deepq_agents::util::request_stop();
            crate::say!(
                "deepq: {what}: stopping after this step and writing the run directory ({what} again to quit at once)"
            );
        };
        let on_term = on_stop_request.clone();
        // If another handler is installed already (a program embedding deepq), Ctrl-C keeps its
        // behaviour and the flag stays clear.
        let _ = ctrlc::set_handler(move || on_stop_request("Ctrl-C"));
        watch_sigterm(on_term);
        flag
    });
    flag.store(false, Ordering::SeqCst);
    deepq_agents::util::clear_stop();
    flag.clone()
}

/// Runs `on_term("SIGTERM")` on a watcher thread each time the process receives SIGTERM.
#[cfg(unix)]
fn watch_sigterm(on_term: impl Fn(&str) + Send + 'static) {
    let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM]) else {
        return; // SIGTERM then ends the process at once, as it does by default.
    };
    let _ = std::thread::Builder::new().name("sigterm".into()).spawn(move || {
        for _ in signals.forever() {
            on_term("SIGTERM");
        }
    });
}

#[cfg(not(unix))]
fn watch_sigterm(_on_term: impl Fn(&str) + Send + 'static) {}

fn train_tabular(c: &RunConfig, dir: &Path, logger: &mut RunLogger, stop: &AtomicBool) -> Result<Summary> {
    let cfg = c.tabular.as_ref().ok_or_else(|| anyhow!("missing [tabular] table"))?;
    let start = Instant::now();
    let out = tabular::train(&c.env_id, &c.env, cfg, c.total_steps, c.seed, logger)?;
    let wall = start.elapsed().as_secs_f64();
    let ckpt = dir.join("checkpoints").join("final.safetensors");
    tabular::save_q_table(&ckpt, &out.q, &c.env_id, &c.env).context("cannot save the Q-table")?;
    if let Some(at) = out.solved_at_step {
        logger.say(&format!(
            "Solved in {at} iterations! (test reward {:.3} > {})",
            out.best_test_reward,
            cfg.solve_threshold.unwrap_or(f64::NAN)
        ));
    }
    let eval = final_eval(c, &mut out.q.clone(), "checkpoints/final.safetensors", stop)?;
    let stopped_by = if logger.interrupted() {
        StopReason::Interrupted.name()
    } else if out.solved_at_step.is_some() {
        StopReason::Solved.name()
    } else if out.env_steps < c.total_steps {
        // The loop ends early only when asked to: Ctrl-C, a solve or the time limit.
        StopReason::TimeLimit.name()
    } else {
        StopReason::TotalSteps.name()
    };
    Ok(Summary {
        threshold: cfg.solve_threshold,
        solved: out.solved_at_step.is_some(),
        solved_at_step: out.solved_at_step,
        stopped_by: stopped_by.into(),
        eval,
        ..counts(c, out.env_steps, out.episodes, out.env_steps, wall)
    })
}

fn train_dqn(
    c: &RunConfig,
    dir: &Path,
    logger: &mut RunLogger,
    resume_from: Option<&Path>,
    stop: &AtomicBool,
) -> Result<Summary> {
    let cfg = c.dqn.as_ref().ok_or_else(|| anyhow!("missing [dqn] table"))?;
    let ckpt_dir = dir.join("checkpoints");
    let video_dir = dir.join("videos");
    let eval_kwargs = periodic_eval_kwargs(c);
    let run = DqnRun { spec: run_spec(c, &eval_kwargs, &ckpt_dir, resume_from, Some(&video_dir))?, cfg };
    let start = Instant::now();
    let out = dqn::train(&run, logger)?;
    network_summary(c, &ckpt_dir, &out, cfg.run.eval_bound.or(cfg.run.reward_bound), start, stop)
}

fn train_reinforce(c: &RunConfig, dir: &Path, logger: &mut RunLogger, stop: &AtomicBool) -> Result<Summary> {
    let cfg = c.reinforce.as_ref().ok_or_else(|| anyhow!("missing [reinforce] table"))?;
    let ckpt_dir = dir.join("checkpoints");
    let eval_kwargs = periodic_eval_kwargs(c);
    let run = ReinforceRun { spec: run_spec(c, &eval_kwargs, &ckpt_dir, None, None)?, cfg };
    let start = Instant::now();
    let out = reinforce::train(&run, logger)?;
    network_summary(c, &ckpt_dir, &out, cfg.reward_bound, start, stop)
}

/// Trains the linear logistic policy, then evaluates its final parameters twice on the same
/// episode seeds: greedily (`eval`, what `deepq eval RUN_DIR` reproduces) and with sampled
/// actions (`eval_sampled`, the UCLA project's protocol).
fn train_pg_linear(c: &RunConfig, dir: &Path, logger: &mut RunLogger, stop: &AtomicBool) -> Result<Summary> {
    let cfg = c.pg_linear.as_ref().ok_or_else(|| anyhow!("missing [pg_linear] table"))?;
    let ckpt_dir = dir.join("checkpoints");
    let eval_kwargs = periodic_eval_kwargs(c);
    let run = PgLinearRun { spec: run_spec(c, &eval_kwargs, &ckpt_dir, None, None)?, cfg };
    let start = Instant::now();
    let pg_linear::Trained { outcome: out, policy } = pg_linear::train(&run, logger)?;
    let wall = start.elapsed().as_secs_f64();
    let label = "checkpoints/final.safetensors";
    let eval = final_eval(c, &mut GreedyLogistic::new(policy.clone()), label, stop)?;
    let sampled = final_eval(c, &mut SampledLogistic::new(policy, c.eval.seed), label, stop)?;
    let threshold = cfg.reward_bound.or_else(|| deepq_env::registry::spec(&c.env_id).ok()?.reward_threshold);
    let solved = out.solved_at_step.is_some() || matches!((&eval, threshold), (Some(e), Some(t)) if e.mean >= t);
    Ok(Summary {
        threshold,
        solved,
        solved_at_step: out.solved_at_step,
        stopped_by: out.stopped_by.name().into(),
        eval,
        eval_sampled: sampled.map(EvalSummary::sampled),
        ..counts(c, out.env_steps, out.episodes, out.updates, wall)
    })
}

/// Draws `plots/eval_hist.png`: the returns of the final evaluation(s), when there was one.
fn plot_eval_histogram(dir: &Path, s: &Summary) -> Result<()> {
    let named = |e: &EvalSummary| format!("{} (mean {:.1})", e.actions, e.mean);
    let evals: Vec<(String, &[f64])> =
        [&s.eval_sampled, &s.eval].into_iter().flatten().map(|e| (named(e), e.returns.as_slice())).collect();
    if evals.is_empty() {
        return Ok(());
    }
    let samples: Vec<(&str, &[f64])> = evals.iter().map(|(n, r)| (n.as_str(), *r)).collect();
    let episodes = s.eval.as_ref().or(s.eval_sampled.as_ref()).map_or(0, |e| e.episodes);
    let title = format!("{}: returns of the {episodes} final evaluation episodes", s.env_id);
    deepq_log::plot_histogram(dir.join("plots").join("eval_hist.png"), &title, "episode return", &samples, 20)
        .context("cannot draw eval_hist.png")
}

/// The env kwargs of a run's final evaluation (its protocol's: whole unclipped games for Atari
/// stacks).
fn eval_kwargs(c: &RunConfig) -> EnvKwargs {
    c.eval.protocol.env_kwargs(&c.env_id, &c.env)
}

/// The env kwargs of a run's periodic evaluations (`eval.periodic_protocol`, else as the final).
fn periodic_eval_kwargs(c: &RunConfig) -> EnvKwargs {
    c.eval.periodic().protocol.env_kwargs(&c.env_id, &c.env)
}

/// The run description every network algorithm takes.
fn run_spec<'a>(
    c: &'a RunConfig,
    eval_kwargs: &'a EnvKwargs,
    ckpt_dir: &'a Path,
    resume_from: Option<&'a Path>,
    video_dir: Option<&'a Path>,
) -> Result<RunSpec<'a>> {
    Ok(RunSpec {
        eval_kwargs,
        eval_options: c.eval.periodic().options(&c.env_id, &c.env),
        env_id: &c.env_id,
        kwargs: &c.env,
        total_steps: c.total_steps,
        seed: c.seed,
        checkpoint_dir: Some(ckpt_dir),
        resume_from,
        video_dir,
        devices: Devices::by_name(&c.device).map_err(|e| anyhow!("{e}"))?,
    })
}

/// The summary of a network run: its counters and the final evaluation of its best (else final)
/// checkpoint.
fn network_summary(
    c: &RunConfig,
    ckpt_dir: &Path,
    out: &Outcome,
    bound: Option<f64>,
    start: Instant,
    stop: &AtomicBool,
) -> Result<Summary> {
    let wall = start.elapsed().as_secs_f64();
    let (eval, threshold, solved) =
        evaluate_network_run(c, ckpt_dir, &out.best_checkpoint, bound, out.solved_at_step, stop)?;
    Ok(Summary {
        threshold,
        solved,
        solved_at_step: out.solved_at_step,
        stopped_by: out.stopped_by.name().into(),
        eval,
        ..counts(c, out.env_steps, out.episodes, out.updates, wall)
    })
}

/// The final evaluation of a network run: the best checkpoint when there is one (as SB3's
/// EvalCallback keeps), else the final one. Returns the evaluation, the return threshold
/// (`bound`, else the env's registered one) and whether the run counts as solved.
fn evaluate_network_run(
    c: &RunConfig,
    ckpt_dir: &Path,
    best: &Option<PathBuf>,
    bound: Option<f64>,
    solved_at_step: Option<u64>,
    stop: &AtomicBool,
) -> Result<(Option<EvalSummary>, Option<f64>, bool)> {
    let (path, label) = match best {
        Some(p) if p.exists() => (p.clone(), "checkpoints/best.safetensors"),
        _ => (ckpt_dir.join("final.safetensors"), "checkpoints/final.safetensors"),
    };
    let (mut policy, env_id, kwargs) = crate::commands::policy_loader::load_policy(&path)?;
    if env_id != c.env_id || kwargs != c.env {
        bail!(
            "'{}' was trained on {env_id} {}, but this run is {} {}; it is not this run's checkpoint",
            path.display(),
            serde_json::to_string(&kwargs).unwrap_or_default(),
            c.env_id,
            serde_json::to_string(&c.env).unwrap_or_default()
        );
    }
    let eval = final_eval(c, policy.as_mut(), label, stop)?;
    let threshold = bound.or_else(|| deepq_env::registry::spec(&c.env_id).ok()?.reward_threshold);
    let solved = solved_at_step.is_some() || matches!((&eval, threshold), (Some(e), Some(t)) if e.mean >= t);
    Ok((eval, threshold, solved))
}

/// The summary fields every algorithm fills the same way (the rest are overwritten).
fn counts(c: &RunConfig, env_steps: u64, episodes: u64, updates: u64, wall: f64) -> Summary {
    Summary {
        env_id: c.env_id.clone(),
        algo: c.algo.name().into(),
        preset: c.preset.clone(),
        seed: c.seed,
        env_steps,
        episodes,
        updates,
        wall_seconds: wall,
        training_seconds: wall,
        sps: env_steps as f64 / wall.max(1e-9),
        threshold: None,
        solved: false,
        solved_at_step: None,
        stopped_by: String::new(),
        eval: None,
        eval_sampled: None,
        training: None,
    }
}

/// Greedy evaluation on a fresh env with the config's eval seed (episode `i` uses `seed + i`,
/// as [`deepq_agents::policy::evaluate`] does, so `deepq eval RUN_DIR` reproduces it). Ctrl-C
/// (`stop`) ends it early: the episodes played so far are kept (none: no evaluation).
fn final_eval(
    c: &RunConfig,
    policy: &mut dyn Policy,
    checkpoint: &str,
    stop: &AtomicBool,
) -> Result<Option<EvalSummary>> {
    if c.eval.episodes == 0 {
        return Ok(None);
    }
    if stop.load(Ordering::SeqCst) {
        return Ok(None);
    }
    let protocol = c.eval.protocol_for(&c.env_id, &c.env);
    let mut env = deepq_env::make_with(&c.env_id, &eval_kwargs(c))?;
    let episodes = protocol.episodes().unwrap_or(c.eval.episodes);
    let opts = c.eval.options(&c.env_id, &c.env);
    // Stops between (and within) episodes at a Ctrl-C (`deepq_agents::util::request_stop`).
    let r = evaluate_with(env.as_mut(), policy, episodes, c.eval.seed, &opts)?;
    if r.episodes == 0 {
        return Ok(None);
    }
    Ok(Some(EvalSummary::from_result(&r, checkpoint).with_protocol(protocol, &opts)))
}

fn report(s: &Summary, dir: &Path, quiet: bool) {
    if quiet {
        return;
    }
    let solved = match s.solved_at_step {
        Some(at) => format!("solved at step {at}"),
        None if s.solved => "solved (final evaluation above the threshold)".into(),
        None => "not solved".into(),
    };
    let eval = s
        .eval
        .as_ref()
        .map_or(String::new(), |e| format!(", greedy eval {:.3} +- {:.3} over {} episodes", e.mean, e.std, e.episodes));
    crate::say!(
        "deepq: {} steps, {} episodes in {:.1}s ({:.0} steps/s), {solved}{eval}; run directory: {}",
        s.env_steps,
        s.episodes,
        s.wall_seconds,
        s.sps,
        dir.display()
    );
}
