//! `deepq curves`: learning curves of one or more run directories in one PNG, against env steps
//! or training time (seeds side by side, a run against a reference curve).

use anyhow::{bail, Context, Result};
use deepq_log::{Series, SeriesStyle};
use std::path::{Path, PathBuf};

/// What `deepq curves` was asked to do (also its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct CurvesArgs {
    /// Run directories (each with a metrics.csv).
    #[arg(required_unless_present = "group")]
    pub runs: Vec<PathBuf>,
    /// Runs of one configuration (its seeds), drawn as their mean with a shaded band from the
    /// lowest to the highest run at each point, over the range every run covers:
    /// `LABEL=RUN,RUN,...` (repeatable, one per configuration).
    #[arg(long, value_name = "LABEL=RUN,RUN...")]
    pub group: Vec<String>,
    /// The metrics.csv column to plot (default: `game_return` when the runs have it, the
    /// whole-game score of Atari runs, else `return`), or `eval`: the periodic evaluations'
    /// mean scores from evaluations.csv.
    #[arg(long)]
    pub y: Option<String>,
    /// Horizontal axis: `step` (env steps) or `time` (training time, from times.csv).
    #[arg(long, default_value = "step")]
    pub x: String,
    /// Points in the moving mean (default: 100 episodes; with `--y eval`, 1: each evaluation
    /// as it is).
    #[arg(long)]
    pub window: Option<usize>,
    /// The PNG to write (optional with `--passes`).
    #[arg(long, required_unless_present = "passes")]
    pub out: Option<PathBuf>,
    /// Levels of the moving mean, e.g. `--passes 0,10`: print a Markdown table of the env step
    /// and training time at which each run's mean of a full window first reached each level,
    /// with its last and best mean, and for each group the mean and worst of its runs.
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true, value_name = "Y,Y...")]
    pub passes: Vec<f64>,
    /// Chart title (default: what is plotted).
    #[arg(long)]
    pub title: Option<String>,
    /// Reference points to mark beside the runs (repeatable), such as a book's published
    /// numbers: a CSV whose header names its two columns, `step` (or `hours` with `--x time`)
    /// and the legend label, e.g. `step,the book's run`, then one `x,y` point per line.
    #[arg(long)]
    pub reference: Vec<PathBuf>,
}

/// One run's rows: env step, training seconds (if known) and the chosen column.
#[derive(Debug)]
struct RunCurve {
    label: String,
    points: Vec<(f64, Option<f64>, f64)>,
}

/// Runs `deepq curves`.
pub fn run(args: CurvesArgs) -> Result<()> {
    if args.x != "step" && args.x != "time" {
        bail!("--x must be `step` or `time`, got '{}'", args.x);
    }
    let groups = args.group.iter().map(|g| parse_group(g)).collect::<Result<Vec<_>>>()?;
    let every_run = || args.runs.iter().chain(groups.iter().flat_map(|g| &g.1));
    let y = match &args.y {
        Some(y) => y.clone(),
        None if every_run().all(|r| header(r).is_ok_and(|h| h.iter().any(|c| c == "game_return"))) => {
            "game_return".into()
        }
        None => "return".into(),
    };
    let evals = y == EVAL;
    let window = args.window.unwrap_or(if evals { 1 } else { 100 });
    if window == 0 || window > 1_000_000 {
        bail!("--window must be between 1 and 1000000, got {window}");
    }
    let load_run = |r: &PathBuf| if evals { load_evaluations(r) } else { load(r, &y) };
    let curves = args.runs.iter().map(load_run).collect::<Result<Vec<_>>>()?;
    let group_curves = groups
        .iter()
        .map(|(label, runs)| Ok((label, runs.iter().map(load_run).collect::<Result<Vec<_>>>()?)))
        .collect::<Result<Vec<_>>>()?;
    let by_time = args.x == "time";
    let longest = curves
        .iter()
        .chain(group_curves.iter().flat_map(|g| &g.1))
        .flat_map(|c| c.points.iter().filter_map(|p| p.1))
        .fold(0.0, f64::max);
    let (unit, div) = match longest {
        t if t >= 7200.0 => ("hours", 3600.0),
        t if t >= 120.0 => ("minutes", 60.0),
        _ => ("seconds", 1.0),
    };
    if !args.passes.is_empty() {
        if let Some(bad) = args.passes.iter().find(|p| !p.is_finite()) {
            bail!("--passes takes finite numbers, got {bad}");
        }
        let singles: Vec<&RunCurve> = curves.iter().collect();
        let grouped: Vec<(&str, Vec<&RunCurve>)> =
            group_curves.iter().map(|(label, runs)| (label.as_str(), runs.iter().collect())).collect();
        let unit = TimeUnit { name: unit, div };
        print!("{}", passes_table(&singles, &grouped, window, &args.passes, &unit));
    }
    let Some(out) = &args.out else { return Ok(()) };
    let axis = Axis { window, by_time, div, evals };
    let series =
        curves.iter().map(|c| Ok((c.label.clone(), axis.smoothed(c)?))).collect::<Result<Vec<(String, Vec<_>)>>>()?;
    let mut bands = Vec::new();
    for (label, runs) in &group_curves {
        let smoothed = runs.iter().map(|c| axis.smoothed(c)).collect::<Result<Vec<_>>>()?;
        let Some(b) = deepq_log::seed_band(&smoothed, BAND_POINTS) else {
            let what = if by_time { "training time" } else { "env steps" };
            bail!("the runs of group '{label}' share no range of {what} to average over");
        };
        let mean = b.x.iter().copied().zip(b.mean).collect();
        let outline = b.x.iter().copied().zip(b.max).chain(b.x.iter().copied().zip(b.min).rev()).collect();
        let runs = match runs.len() {
            1 => "1 run".to_string(),
            n => format!("{n} runs"),
        };
        bands.push(GroupLines {
            mean_name: format!("{label}: mean of {runs}"),
            mean,
            spread_name: format!("{label}: lowest to highest run"),
            outline,
        });
    }
    let references = args.reference.iter().map(|r| load_reference(r, by_time, div)).collect::<Result<Vec<_>>>()?;
    let mut chart: Vec<Series<'_>> = Vec::new();
    // Every band first, so no band tints another group's mean line.
    for (i, g) in bands.iter().enumerate() {
        chart.push(Series { name: &g.spread_name, points: &g.outline, color: i, style: SeriesStyle::Band });
    }
    for (i, g) in bands.iter().enumerate() {
        chart.push(Series { name: &g.mean_name, points: &g.mean, color: i, style: SeriesStyle::Line });
    }
    let mut color = bands.len();
    for (name, points) in &series {
        chart.push(Series { name, points, color, style: SeriesStyle::Line });
        color += 1;
    }
    for (name, points) in &references {
        chart.push(Series { name, points, color, style: SeriesStyle::Marks });
        color += 1;
    }
    let x_label = if by_time { format!("training time ({unit})") } else { "env steps".to_string() };
    let (default_title, y_label) = match (evals, window) {
        (true, 1) => ("Periodic evaluations, mean score".to_string(), "evaluation mean score"),
        (true, w) => (format!("Periodic evaluations, mean of the last {w}"), "evaluation mean score"),
        (false, w) => (format!("{y}, mean of the last {w}"), y.as_str()),
    };
    let title = args.title.clone().unwrap_or(default_title);
    deepq_log::plot_chart(out, deepq_log::DEFAULT_PLOT_SIZE, &title, &x_label, y_label, &chart)
        .with_context(|| format!("cannot write '{}'", out.display()))?;
    crate::say!("deepq: wrote {}", out.display());
    Ok(())
}

/// The unit training times are shown in: its name and seconds per unit.
struct TimeUnit {
    name: &'static str,
    div: f64,
}

/// Where one run's moving mean stands: its last and best full-window means and, for each
/// `--passes` level, the (env step, training seconds) at which it first reached it.
struct Passes {
    last: f64,
    best: Option<f64>,
    reached: Vec<Option<(f64, Option<f64>)>>,
}

impl Passes {
    fn of(c: &RunCurve, window: usize, levels: &[f64]) -> Passes {
        let values: Vec<f64> = c.points.iter().map(|p| p.2).collect();
        let means = deepq_log::moving_mean(&values, window);
        let full = means.get(window.max(1) - 1..).unwrap_or(&[]);
        let reached = levels
            .iter()
            .map(|&y| deepq_log::first_full_window_reaching(&values, window, y).map(|i| (c.points[i].0, c.points[i].1)))
            .collect();
        Passes { last: means.last().copied().unwrap_or(f64::NAN), best: full.iter().copied().reduce(f64::max), reached }
    }
}

/// The `--passes` table (Markdown): a row per single run, a row per run of each group, and a
/// row per group with the mean and worst of its runs.
fn passes_table(
    singles: &[&RunCurve],
    groups: &[(&str, Vec<&RunCurve>)],
    window: usize,
    levels: &[f64],
    unit: &TimeUnit,
) -> String {
    let mut out = format!("| run | episodes | env steps | last mean of {window} | best mean of {window} |");
    for y in levels {
        out += &format!(" mean of {window} >= {y} |");
    }
    out += &format!("\n|---|---|---|---|---|{}\n", "---|".repeat(levels.len()));
    let mut row = |label: &str, c: &RunCurve, p: &Passes| {
        let best = p.best.map_or("(window not full)".to_string(), |b| format!("{b:.2}"));
        let last = c.points.last().map_or(0.0, |l| l.0);
        out += &format!("| {label} | {} | {} | {:.2} | {best} |", c.points.len(), thousands(last), p.last);
        for r in &p.reached {
            out += &format!(" {} |", r.map_or("not reached".to_string(), |(step, t)| at(step, t, unit)));
        }
        out += "\n";
    };
    for c in singles {
        row(&c.label, c, &Passes::of(c, window, levels));
    }
    let mut summaries = Vec::new();
    for (label, runs) in groups {
        let passes: Vec<Passes> = runs.iter().map(|c| Passes::of(c, window, levels)).collect();
        for (c, p) in runs.iter().zip(&passes) {
            row(&format!("{label}: {}", c.label), c, p);
        }
        summaries.push(group_row(label, &passes, levels.len(), unit));
    }
    for s in summaries {
        out += &s;
    }
    out
}

/// A group's summary row: the mean and worst of its runs' last means and of the steps at which
/// they reached each level (or how many reached it, when not all did).
fn group_row(label: &str, passes: &[Passes], levels: usize, unit: &TimeUnit) -> String {
    let n = passes.len();
    let lasts: Vec<f64> = passes.iter().map(|p| p.last).collect();
    let mean_last = lasts.iter().sum::<f64>() / n as f64;
    let worst_last = lasts.iter().copied().fold(f64::INFINITY, f64::min);
    let runs = if n == 1 { "1 run".to_string() } else { format!("{n} runs") };
    let mut out = format!("| **{label}** ({runs}: mean, worst) | | | {mean_last:.2}, {worst_last:.2} | |");
    for i in 0..levels {
        let hits: Vec<(f64, Option<f64>)> = passes.iter().filter_map(|p| p.reached[i]).collect();
        if hits.len() < n {
            out += &format!(" {} of {n} runs |", hits.len());
            continue;
        }
        let mean_step = hits.iter().map(|h| h.0).sum::<f64>() / n as f64;
        let mean_time = hits.iter().map(|h| h.1).sum::<Option<f64>>().map(|t| t / n as f64);
        let worst = hits.iter().copied().fold((f64::NEG_INFINITY, None), |w, h| if h.0 > w.0 { h } else { w });
        out += &format!(" {}; worst {} |", at(mean_step, mean_time, unit), at(worst.0, worst.1, unit));
    }
    out + "\n"
}

/// `474,312 (1.53 h)`: an env step and, when known, the training time then.
fn at(step: f64, seconds: Option<f64>, unit: &TimeUnit) -> String {
    let time = match (seconds, unit.name) {
        (Some(t), "hours") => format!(" ({:.2} h)", t / unit.div),
        (Some(t), "minutes") => format!(" ({:.1} min)", t / unit.div),
        (Some(t), _) => format!(" ({t:.1} s)"),
        (None, _) => String::new(),
    };
    format!("{}{time}", thousands(step))
}

/// A step count with thousands separators: `1,300,000`.
fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.round().max(0.0));
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A group's two chart entries: the mean of its runs and the band they span.
struct GroupLines {
    mean_name: String,
    mean: Vec<(f64, f64)>,
    spread_name: String,
    /// The band's outline: the highest run left to right, then the lowest right to left.
    outline: Vec<(f64, f64)>,
}

/// Grid points of a group's mean and band.
const BAND_POINTS: usize = 400;

/// How a run's rows become a chart line: the moving mean's window and the horizontal axis.
struct Axis {
    window: usize,
    by_time: bool,
    /// Seconds per unit of the time axis.
    div: f64,
    evals: bool,
}

impl Axis {
    /// The moving mean of `c`'s values against env steps or training time.
    fn smoothed(&self, c: &RunCurve) -> Result<Vec<(f64, f64)>> {
        let values: Vec<f64> = c.points.iter().map(|p| p.2).collect();
        let mean = deepq_log::moving_mean(&values, self.window);
        let points: Vec<(f64, f64)> = c
            .points
            .iter()
            .zip(mean)
            .filter_map(|(p, m)| if self.by_time { p.1.map(|t| (t / self.div, m)) } else { Some((p.0, m)) })
            .collect();
        if points.is_empty() {
            let file = if self.evals { "evaluations.csv" } else { "times.csv" };
            bail!("run '{}' has no training times ({file}); plot it with --x step", c.label);
        }
        Ok(points)
    }
}

/// Parses a `--group LABEL=RUN,RUN,...` value.
fn parse_group(text: &str) -> Result<(String, Vec<PathBuf>)> {
    let Some((label, runs)) = text.split_once('=') else {
        bail!("--group '{text}': expected LABEL=RUN,RUN,... (a legend label, then the run directories)");
    };
    let runs: Vec<PathBuf> = runs.split(',').map(str::trim).filter(|r| !r.is_empty()).map(PathBuf::from).collect();
    if label.trim().is_empty() || runs.is_empty() {
        bail!("--group '{text}': expected LABEL=RUN,RUN,... (a legend label, then the run directories)");
    }
    Ok((label.trim().to_string(), runs))
}

/// The `--y` value that plots the periodic evaluations.
const EVAL: &str = "eval";

/// The columns of a run's metrics.csv.
fn header(run: &Path) -> Result<Vec<String>> {
    let text = read(&run.join("metrics.csv"))?;
    Ok(text.lines().next().unwrap_or("").split(',').map(str::to_string).collect())
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read '{}'", path.display()))
}

/// Reads column `y` of `run/metrics.csv` (rows where it is a finite number) and the training
/// time of each episode from `run/times.csv` when there is one.
fn load(run: &Path, y: &str) -> Result<RunCurve> {
    let text = read(&run.join("metrics.csv"))?;
    let mut lines = text.lines();
    let columns: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let Some(col) = columns.iter().position(|c| *c == y) else {
        bail!("'{}' has no column '{y}'; it has: {}", run.join("metrics.csv").display(), columns.join(", "));
    };
    let times: Vec<f64> = std::fs::read_to_string(run.join("times.csv"))
        .map(|t| t.lines().skip(1).filter_map(|l| l.rsplit(',').next()?.parse().ok()).collect())
        .unwrap_or_default();
    let mut points = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let step = cells.first().and_then(|c| c.parse::<f64>().ok());
        let value = cells.get(col).and_then(|c| c.parse::<f64>().ok()).filter(|v| v.is_finite());
        if let (Some(step), Some(value)) = (step, value) {
            points.push((step, times.get(i).copied(), value));
        }
    }
    if points.is_empty() {
        bail!("'{}' has no values in column '{y}'", run.join("metrics.csv").display());
    }
    Ok(RunCurve { label: run_label(run), points })
}

/// Reads the periodic evaluations of `run/evaluations.csv`: env step, training seconds, mean.
fn load_evaluations(run: &Path) -> Result<RunCurve> {
    let path = run.join("evaluations.csv");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!("cannot read '{}' (runs write it when they evaluate periodically: `eval_every`)", path.display())
    })?;
    let mut lines = text.lines();
    let columns: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
    let column = |name: &str| columns.iter().position(|c| *c == name);
    let (Some(step), Some(seconds), Some(mean)) = (column("step"), column("seconds"), column("mean")) else {
        bail!("'{}' lacks a step, seconds or mean column", path.display());
    };
    let mut points = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let number = |i: usize| cells.get(i).and_then(|c| c.parse::<f64>().ok()).filter(|v| v.is_finite());
        if let (Some(x), Some(y)) = (number(step), number(mean)) {
            points.push((x, number(seconds), y));
        }
    }
    if points.is_empty() {
        bail!("'{}' has no evaluations yet", path.display());
    }
    Ok(RunCurve { label: run_label(run), points })
}

/// The legend label of a run: its directory's name.
fn run_label(run: &Path) -> String {
    run.file_name().map_or_else(|| run.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// Reads a reference curve (see [`CurvesArgs::reference`]): its legend label and points, the
/// x values in the chart's unit (`hours` are divided down to it with `div`, seconds per unit).
fn load_reference(path: &Path, by_time: bool, div: f64) -> Result<(String, Vec<(f64, f64)>)> {
    let text = read(path)?;
    // (line number, text) of the non-blank lines, so errors name the file's own line numbers.
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let header = lines.next().map_or("", |(_, l)| l);
    let Some((x_name, label)) = header.split_once(',') else {
        bail!("reference '{}': the first line must name the two columns, e.g. `step,Book`", path.display());
    };
    let scale = match (x_name.trim(), by_time) {
        ("step", false) => 1.0,
        ("hours", true) => 3600.0 / div,
        (x, _) => {
            let want = if by_time { "hours" } else { "step" };
            bail!("reference '{}': its first column is '{x}', the chart needs '{want}' (see --x)", path.display())
        }
    };
    let mut points = Vec::new();
    for (number, line) in lines {
        let parsed = line
            .split_once(',')
            .and_then(|(x, y)| Some((x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?)));
        let Some((x, y)) = parsed.filter(|(x, y)| x.is_finite() && y.is_finite()) else {
            bail!("reference '{}', line {}: expected two numbers `x,y`, got '{line}'", path.display(), number);
        };
        points.push((x * scale, y));
    }
    if points.is_empty() {
        bail!("reference '{}' has no points", path.display());
    }
    Ok((label.trim().to_string(), points))
}

#[cfg(test)]
mod tests {
    use super::{load_evaluations, load_reference, passes_table, thousands, RunCurve, TimeUnit};

    #[test]
    fn passes_tables_give_first_full_window_crossings_and_group_summaries() {
        let run = |label: &str, ys: &[f64]| RunCurve {
            label: label.into(),
            points: ys
                .iter()
                .enumerate()
                .map(|(i, &y)| (1000.0 * (i + 1) as f64, Some(3600.0 * i as f64), y))
                .collect(),
        };
        // Means of 2: -, 0, 10, 20 and -, -5, 0, 5.
        let a = run("a", &[-10.0, 10.0, 10.0, 30.0]);
        let b = run("b", &[-10.0, 0.0, 0.0, 10.0]);
        let unit = TimeUnit { name: "hours", div: 3600.0 };
        let table = passes_table(&[&a], &[("cfg", vec![&a, &b])], 2, &[0.0, 10.0], &unit);
        let rows: Vec<&str> = table.lines().collect();
        assert_eq!(
            rows[0],
            "| run | episodes | env steps | last mean of 2 | best mean of 2 | mean of 2 >= 0 | mean of 2 >= 10 |"
        );
        assert_eq!(rows[2], "| a | 4 | 4,000 | 20.00 | 20.00 | 2,000 (1.00 h) | 3,000 (2.00 h) |");
        assert_eq!(rows[3], rows[2].replacen("| a |", "| cfg: a |", 1));
        assert_eq!(rows[4], "| cfg: b | 4 | 4,000 | 5.00 | 5.00 | 3,000 (2.00 h) | not reached |");
        assert_eq!(rows[5], "| **cfg** (2 runs: mean, worst) | | | 12.50, 5.00 | | 2,500 (1.50 h); worst 3,000 (2.00 h) | 1 of 2 runs |");
        assert_eq!(rows.len(), 6);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_300_000.4), "1,300,000");
    }

    #[test]
    fn evaluation_files_without_columns_or_rows_are_one_line_errors() {
        let run = std::env::temp_dir().join(format!("deepq-curves-evals-{}", std::process::id()));
        std::fs::create_dir_all(&run).unwrap();
        let file = run.join("evaluations.csv");
        std::fs::write(&file, "step,seconds,mean\n10,1.5,3\nbad row\n20,2.5,4\n").unwrap();
        let c = load_evaluations(&run).unwrap();
        assert_eq!(c.points, vec![(10.0, Some(1.5), 3.0), (20.0, Some(2.5), 4.0)], "unreadable rows are skipped");
        std::fs::write(&file, "step,mean\n10,3\n").unwrap();
        assert!(load_evaluations(&run).unwrap_err().to_string().contains("lacks a step, seconds or mean column"));
        std::fs::write(&file, "step,seconds,mean\n").unwrap();
        assert!(load_evaluations(&run).unwrap_err().to_string().contains("has no evaluations yet"));
        let _ = std::fs::remove_dir_all(&run);
    }

    #[test]
    fn reference_hours_are_scaled_to_the_charts_time_unit() {
        let path = std::env::temp_dir().join(format!("deepq-reference-{}.csv", std::process::id()));
        std::fs::write(&path, "hours,book\n0.5,-20\n2,19.5\n").unwrap();
        // A chart in minutes (60 s per unit): 0.5 h is 30 minutes.
        let (label, points) = load_reference(&path, true, 60.0).unwrap();
        assert_eq!(label, "book");
        assert_eq!(points, vec![(30.0, -20.0), (120.0, 19.5)]);
        assert!(load_reference(&path, false, 1.0).is_err(), "hours on a chart against env steps");
        std::fs::write(&path, "step,book\n").unwrap();
        assert!(load_reference(&path, false, 1.0).unwrap_err().to_string().contains("no points"));
        std::fs::write(&path, "step only\n1,2\n").unwrap();
        assert!(load_reference(&path, false, 1.0).unwrap_err().to_string().contains("must name the two columns"));
        let _ = std::fs::remove_file(&path);
    }
}
