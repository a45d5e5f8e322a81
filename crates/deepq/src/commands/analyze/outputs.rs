//! The files of an analysis: `values.csv`, `bias.json`, `values.png`, `value_over_time.png`,
//! `states/` (pictures) or `states.csv` (vector observations) and `report.md`.

use super::rollout::{observations_at, EpisodeInfo, Rollout, RolloutOptions, StepRow};
use crate::obs_picture;
use anyhow::{anyhow, Context as _, Result};
use deepq_agents::analysis::{phase, pick_states, value_bias, ValueBias};
use deepq_env::{Env, EnvKwargs, Obs};
use deepq_log::{atomic_write, plot_chart, write_json_atomic, write_labelled_png, Series, SeriesStyle};
use std::fmt::Write as _;
use std::path::Path;

/// What was analysed, for the report.
pub struct Context<'a> {
    /// Environment id.
    pub env_id: &'a str,
    /// Its kwargs (wrapper, clipping).
    pub kwargs: &'a EnvKwargs,
    /// The checkpoint file.
    pub checkpoint: &'a Path,
    /// How the episodes were played.
    pub opts: &'a RolloutOptions,
}

/// States picked per criterion.
const PER_KIND: usize = 3;

/// A group of chosen states: file-name prefix, title, and score (higher first unless `lowest`).
struct Kind {
    name: &'static str,
    title: &'static str,
    lowest: bool,
    score: fn(&StepRow) -> f64,
}

const KINDS: [Kind; 4] = [
    Kind { name: "q_spread_high", title: "highest Q-spread", lowest: false, score: |r| r.q_spread() },
    Kind { name: "q_spread_low", title: "lowest Q-spread", lowest: true, score: |r| r.q_spread() },
    Kind { name: "td_error", title: "largest |TD error|", lowest: false, score: |r| r.td_error.abs() },
    Kind { name: "value_gap", title: "largest |V_MC - V_agent|", lowest: false, score: |r| (r.v_mc - r.v_agent).abs() },
];

/// One chosen state.
struct Pick {
    kind: &'static Kind,
    rank: usize,
    row: usize,
    file: String,
}

/// Writes every output file into `dir` (which exists).
pub fn write_all(dir: &Path, env: &mut dyn Env, rollout: &Rollout, ctx: &Context<'_>) -> Result<()> {
    let rows = &rollout.rows;
    let n_actions = rows.first().map_or(0, |r| r.q.len());
    atomic_write(dir.join("values.csv"), values_csv(rows, n_actions).as_bytes()).context("cannot write values.csv")?;
    let v_agent: Vec<f64> = rows.iter().map(|r| r.v_agent).collect();
    let v_mc: Vec<f64> = rows.iter().map(|r| r.v_mc).collect();
    let bias = value_bias(&v_agent, &v_mc);
    let over = rows.iter().filter(|r| r.v_agent > r.v_mc).count();
    let json = serde_json::json!({
        "env_id": ctx.env_id,
        "checkpoint": ctx.checkpoint.display().to_string(),
        "gamma": ctx.opts.gamma,
        "epsilon": ctx.opts.epsilon,
        "seed": ctx.opts.seed,
        "episodes": rollout.episodes.len(),
        "states": bias.states,
        "mean_bias": finite(bias.mean),
        "median_bias": finite(bias.median),
        "pearson": bias.pearson,
        "mean_v_agent": finite(bias.mean_v_agent),
        "mean_v_mc": finite(bias.mean_v_mc),
        "overestimated_states": over,
        "underestimated_states": bias.states - over,
        "terminated_episodes": rollout.episodes.iter().filter(|e| e.terminated).count(),
        "episode_returns": rollout.episodes.iter().map(|e| e.raw_return).collect::<Vec<_>>(),
        "episode_trained_returns": rollout.episodes.iter().map(|e| e.trained_return).collect::<Vec<_>>(),
        "episode_lengths": rollout.episodes.iter().map(|e| e.len).collect::<Vec<_>>(),
    });
    write_json_atomic(dir.join("bias.json"), &json).context("cannot write bias.json")?;
    plot_values(dir, rows)?;
    plot_over_time(dir, rows, &rollout.episodes)?;
    let picks = pick_all(rows);
    let pictures = write_states(dir, env, rollout, &picks)?;
    let report = report(rollout, ctx, &bias, over, &picks, pictures);
    atomic_write(dir.join("report.md"), report.as_bytes()).context("cannot write report.md")?;
    Ok(())
}

/// A finite number, or JSON null.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// `values.csv`: one row per step.
fn values_csv(rows: &[StepRow], n_actions: usize) -> String {
    let mut s = String::from(
        "episode,t,action,reward,reward_trained,terminated,truncated,v_agent,v_mc,q_spread,v_next,td_error",
    );
    for a in 0..n_actions {
        let _ = write!(s, ",q{a}");
    }
    s.push('\n');
    for r in rows {
        let _ = write!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{},{}",
            r.episode,
            r.t,
            r.action,
            r.reward_raw,
            r.reward,
            u8::from(r.terminated),
            u8::from(r.truncated),
            r.v_agent,
            r.v_mc,
            r.q_spread(),
            r.v_next,
            r.td_error
        );
        for q in &r.q {
            let _ = write!(s, ",{q}");
        }
        s.push('\n');
    }
    s
}

/// `values.png`: V_agent against V_MC with the line x = y.
fn plot_values(dir: &Path, rows: &[StepRow]) -> Result<()> {
    let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.v_mc, r.v_agent)).collect();
    let all = points.iter().flat_map(|&(a, b)| [a, b]).filter(|v| v.is_finite());
    let (lo, hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let diagonal = if lo <= hi { vec![(lo, lo), (hi, hi)] } else { vec![] };
    let series = [
        Series { name: "states", points: &points, color: 0, style: SeriesStyle::Points },
        Series { name: "x = y (exact estimates)", points: &diagonal, color: 0, style: SeriesStyle::Reference },
    ];
    plot_chart(
        dir.join("values.png"),
        (800, 700),
        "State value estimates",
        "V_MC (discounted return that followed)",
        "V_agent = max_a Q(s, a)",
        &series,
    )
    .context("cannot write values.png")
}

/// `value_over_time.png`: V_agent and V_MC along each episode.
fn plot_over_time(dir: &Path, rows: &[StepRow], episodes: &[EpisodeInfo]) -> Result<()> {
    let mut agent: Vec<Vec<(f64, f64)>> = vec![Vec::new(); episodes.len()];
    let mut mc: Vec<Vec<(f64, f64)>> = vec![Vec::new(); episodes.len()];
    for r in rows {
        agent[r.episode].push((r.t as f64, r.v_agent));
        mc[r.episode].push((r.t as f64, r.v_mc));
    }
    let style = if episodes.len() > 3 { SeriesStyle::ThinLine } else { SeriesStyle::Line };
    let mut series = Vec::new();
    for (e, (a, m)) in agent.iter().zip(&mc).enumerate() {
        let first = e == 0;
        series.push(Series { name: if first { "V_agent" } else { "" }, points: a, color: 0, style });
        series.push(Series { name: if first { "V_MC" } else { "" }, points: m, color: 1, style });
    }
    let title = format!("Value along each episode ({} episodes)", episodes.len());
    plot_chart(dir.join("value_over_time.png"), (960, 600), &title, "step in episode", "value", &series)
        .context("cannot write value_over_time.png")
}

/// The states to show, per criterion, from different episodes where possible.
fn pick_all(rows: &[StepRow]) -> Vec<Pick> {
    let episode: Vec<usize> = rows.iter().map(|r| r.episode).collect();
    let mut picks = Vec::new();
    for kind in &KINDS {
        let score: Vec<f64> = rows.iter().map(kind.score).collect();
        for (rank, row) in pick_states(&score, &episode, PER_KIND, !kind.lowest).into_iter().enumerate() {
            let file = format!("{}_{}.png", kind.name, rank + 1);
            picks.push(Pick { kind, rank: rank + 1, row, file });
        }
    }
    picks
}

/// Formats Q-values as `[1.234, 2.000]`.
fn q_list(q: &[f64]) -> String {
    format!("[{}]", q.iter().map(|v| format!("{v:.3}")).collect::<Vec<_>>().join(", "))
}

/// The observations of the picked states, replayed episode by episode.
fn picked_observations(env: &mut dyn Env, rollout: &Rollout, picks: &[Pick]) -> Result<Vec<Obs>> {
    let mut out: Vec<Option<Obs>> = vec![None; picks.len()];
    let mut start = 0;
    for (e, info) in rollout.episodes.iter().enumerate() {
        let rows = &rollout.rows[start..start + info.len];
        let mine: Vec<usize> = (0..picks.len()).filter(|&i| rollout.rows[picks[i].row].episode == e).collect();
        if !mine.is_empty() {
            let wanted: Vec<usize> = mine.iter().map(|&i| rollout.rows[picks[i].row].t).collect();
            for (i, obs) in mine.into_iter().zip(observations_at(env, info, rows, &wanted)?) {
                out[i] = Some(obs);
            }
        }
        start += info.len;
    }
    out.into_iter().map(|o| o.ok_or_else(|| anyhow!("a chosen state was not replayed"))).collect()
}

/// Writes `states/*.png` for image observations (returns true) or `states.csv` (false).
fn write_states(dir: &Path, env: &mut dyn Env, rollout: &Rollout, picks: &[Pick]) -> Result<bool> {
    let observations = picked_observations(env, rollout, picks)?;
    let space = env.observation_space().clone();
    let images = observations.first().and_then(|o| obs_picture::panels(&space, o)).is_some();
    if images {
        let states = dir.join("states");
        std::fs::create_dir_all(&states).with_context(|| format!("cannot create '{}'", states.display()))?;
        for (pick, obs) in picks.iter().zip(&observations) {
            let panels = obs_picture::panels(&space, obs).ok_or_else(|| anyhow!("an observation is not an image"))?;
            let r = &rollout.rows[pick.row];
            let info = &rollout.episodes[r.episode];
            let captions = vec![
                format!(
                    "{} #{}: episode {} (seed {}), step {} of {} ({})",
                    pick.kind.title,
                    pick.rank,
                    r.episode,
                    info.seed,
                    r.t,
                    info.len,
                    phase(r.t, info.len)
                ),
                format!("Q = {}, action taken {}", q_list(&r.q), r.action),
                format!(
                    "V_agent {:.3}, V_MC {:.3}, TD error {:.3}, Q-spread {:.3}, reward {}{}",
                    r.v_agent,
                    r.v_mc,
                    r.td_error,
                    r.q_spread(),
                    r.reward,
                    if r.reward_raw != r.reward { format!(" (raw {})", r.reward_raw) } else { String::new() }
                ),
                format!("the observation's {} stacked frame(s), left to right in observation order", panels.len()),
            ];
            let path = states.join(&pick.file);
            write_labelled_png(&path, &obs_picture::strip(&panels), &captions)
                .with_context(|| format!("cannot write '{}'", path.display()))?;
        }
        return Ok(true);
    }
    let dim = space.flat_dim();
    let n_actions = rollout.rows.first().map_or(0, |r| r.q.len());
    let mut s = String::from("kind,rank,episode,t,phase,action,v_agent,v_mc,td_error,q_spread");
    for a in 0..n_actions {
        let _ = write!(s, ",q{a}");
    }
    for i in 0..dim {
        let _ = write!(s, ",obs{i}");
    }
    s.push('\n');
    let mut features = vec![0.0f32; dim];
    for (pick, obs) in picks.iter().zip(&observations) {
        let r = &rollout.rows[pick.row];
        let len = rollout.episodes[r.episode].len;
        let _ = write!(
            s,
            "{},{},{},{},{},{},{},{},{},{}",
            pick.kind.name,
            pick.rank,
            r.episode,
            r.t,
            phase(r.t, len),
            r.action,
            r.v_agent,
            r.v_mc,
            r.td_error,
            r.q_spread()
        );
        for q in &r.q {
            let _ = write!(s, ",{q}");
        }
        obs.write_f32(&mut features);
        for v in &features {
            let _ = write!(s, ",{v}");
        }
        s.push('\n');
    }
    atomic_write(dir.join("states.csv"), s.as_bytes()).context("cannot write states.csv")?;
    Ok(false)
}

/// `report.md`: the numbers and links to the pictures.
fn report(
    rollout: &Rollout,
    ctx: &Context<'_>,
    bias: &ValueBias,
    over: usize,
    picks: &[Pick],
    pictures: bool,
) -> String {
    let o = ctx.opts;
    let fmt = |x: f64| if x.is_finite() { format!("{x:.3}") } else { "n/a".into() };
    let mut s = String::new();
    let wrapper = ctx.kwargs.wrapper.as_deref().map(|w| format!(" (wrapper `{w}`)")).unwrap_or_default();
    let _ = writeln!(s, "# Value analysis: {}{wrapper}\n", ctx.env_id);
    let policy = if o.epsilon > 0.0 { format!("epsilon-greedy (epsilon {})", o.epsilon) } else { "greedy".into() };
    let _ = writeln!(
        s,
        "Checkpoint `{}`, {} episodes played {policy} on the training env (seeds {} to {}), gamma {}. \
         `V_agent = max_a Q(s, a)` is the network's estimate; `V_MC` is the discounted return of the \
         trained rewards that actually followed, to the episode's end.\n",
        ctx.checkpoint.display(),
        rollout.episodes.len(),
        o.seed,
        o.seed.wrapping_add(rollout.episodes.len().saturating_sub(1) as u64),
        o.gamma
    );
    let raw: Vec<f64> = rollout.episodes.iter().map(|e| e.raw_return).collect();
    let trained: Vec<f64> = rollout.episodes.iter().map(|e| e.trained_return).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    let lengths: Vec<f64> = rollout.episodes.iter().map(|e| e.len as f64).collect();
    let cut = rollout.episodes.iter().filter(|e| !e.terminated).count();
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| states | {} |", bias.states);
    let _ = writeln!(s, "| mean return (raw rewards) | {} |", fmt(mean(&raw)));
    if raw != trained {
        let _ = writeln!(s, "| mean return (as trained, clipped) | {} |", fmt(mean(&trained)));
    }
    let _ = writeln!(s, "| mean episode length | {} |", fmt(mean(&lengths)));
    let _ = writeln!(s, "| episodes cut before a terminal state | {cut} |");
    let _ = writeln!(s, "| mean V_agent - V_MC | {} |", fmt(bias.mean));
    let _ = writeln!(s, "| median V_agent - V_MC | {} |", fmt(bias.median));
    let _ = writeln!(s, "| Pearson correlation of V_agent and V_MC | {} |", bias.pearson.map_or("n/a".into(), fmt));
    let _ = writeln!(s, "| states overestimated (V_agent > V_MC) | {over} of {} |", bias.states);
    let verdict = match (bias.mean, bias.median) {
        (m, d) if m > 0.0 && d > 0.0 => "The network overestimates the values of the states it visits.",
        (m, d) if m < 0.0 && d < 0.0 => "The network underestimates the values of the states it visits.",
        _ => "The network's estimates are not biased in one direction.",
    };
    let _ = writeln!(s, "\n{verdict}");
    if cut > 0 {
        let _ = writeln!(
            s,
            "Cut episodes end without a terminal state, so V_MC is too low near their ends (it stops \
             at the cut); TD errors there bootstrap from the network."
        );
    }
    let _ = writeln!(s, "\n![State value estimates](values.png)\n\n![Value along each episode](value_over_time.png)\n");
    let _ = writeln!(
        s,
        "Per-step numbers are in `values.csv` (TD error = r + gamma * V(s') * (1 - terminated) - Q(s, a)) \
         and the summary in `bias.json`.\n"
    );
    let _ = writeln!(s, "## Notable states\n");
    if !pictures {
        let _ = writeln!(s, "The observations are vectors: the states' values are the rows of `states.csv`.\n");
    }
    let _ = writeln!(s, "| state | episode | step | where | Q | V_agent | V_MC | TD error | Q-spread |");
    let _ = writeln!(s, "|---|---|---|---|---|---|---|---|---|");
    for p in picks {
        let r = &rollout.rows[p.row];
        let len = rollout.episodes[r.episode].len;
        let name = format!("{} #{}", p.kind.title, p.rank);
        let name = if pictures { format!("[{name}](states/{})", p.file) } else { name };
        let _ = writeln!(
            s,
            "| {name} | {} | {} of {len} | {} | {} | {} | {} | {} | {} |",
            r.episode,
            r.t,
            phase(r.t, len),
            q_list(&r.q),
            fmt(r.v_agent),
            fmt(r.v_mc),
            fmt(r.td_error),
            fmt(r.q_spread())
        );
    }
    if pictures {
        let _ = writeln!(s);
        for p in picks {
            let _ = writeln!(s, "![{} #{}](states/{})", p.kind.title, p.rank, p.file);
        }
    }
    s
}
