//! PNG line and scatter charts rendered in pure Rust (plotters bitmap backend + embedded
//! DejaVu Sans).

use std::io;
use std::ops::Range;
use std::path::Path;
use std::sync::OnceLock;

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::register_font;

use crate::atomic::atomic_write;
use crate::stats::moving_mean;
use crate::text_backend::TextBackend;

/// Width and height in pixels used by [`plot_series`] and [`plot_returns`].
pub const DEFAULT_PLOT_SIZE: (u32, u32) = (960, 600);

/// Number of episodes averaged by the moving-mean curve of [`plot_returns`].
pub const RETURNS_WINDOW: usize = 100;

/// Matplotlib's default ("tab10") colour cycle.
pub(crate) const PALETTE: [RGBColor; 10] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

const FONT: &str = "sans-serif";
const GRID: RGBColor = RGBColor(0xd9, 0xd9, 0xd9);
const FRAME: RGBColor = RGBColor(0x26, 0x26, 0x26);
const LEGEND_BORDER: RGBColor = RGBColor(0xcc, 0xcc, 0xcc);

/// One line of a chart: its legend name, points, colour, stroke width and how it is drawn.
struct Line<'a> {
    name: &'a str,
    points: Vec<(f64, f64)>,
    color: RGBAColor,
    width: u32,
    style: SeriesStyle,
}

/// How a [`Series`] of [`plot_chart`] is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeriesStyle {
    /// A solid line through the points, 2 pixels wide.
    Line,
    /// A solid line, 1 pixel wide and translucent (many overlaid series).
    ThinLine,
    /// Translucent dots, no line (a scatter plot).
    Points,
    /// A dashed grey line (a reference such as `x = y`).
    Reference,
    /// Large opaque dots, no line (a few published reference points).
    Marks,
    /// A translucent filled area (the spread of several seeds): the points outline it, the
    /// upper edge left to right, then the lower edge right to left.
    Band,
}

/// One named series of [`plot_chart`].
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Legend name; series with an empty name get no legend entry.
    pub name: &'a str,
    /// `(x, y)` points; non-finite ones are skipped.
    pub points: &'a [(f64, f64)],
    /// Index into matplotlib's colour cycle (ignored by [`SeriesStyle::Reference`]).
    pub color: usize,
    /// Line, thin line, dots, dashed reference line or reference marks.
    pub style: SeriesStyle,
}

/// Draws a chart of series in mixed styles (lines, scatter dots, a dashed reference line) and
/// saves it as a PNG of `size` pixels; otherwise like [`plot_series_sized`].
pub fn plot_chart(
    path: impl AsRef<Path>,
    size: (u32, u32),
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series<'_>],
) -> io::Result<()> {
    let lines: Vec<Line<'_>> = series
        .iter()
        .map(|s| {
            let base = PALETTE[s.color % PALETTE.len()];
            let (color, width) = match s.style {
                SeriesStyle::Line => (base.to_rgba(), 2),
                SeriesStyle::ThinLine => (base.mix(0.6), 1),
                SeriesStyle::Points => (base.mix(0.45), 3),
                SeriesStyle::Reference => (PALETTE[7].to_rgba(), 1),
                SeriesStyle::Marks => (base.to_rgba(), 5),
                SeriesStyle::Band => (base.mix(0.2), 1),
            };
            Line { name: s.name, points: s.points.to_vec(), color, width, style: s.style }
        })
        .collect();
    render_png(path.as_ref(), size, title, x_label, y_label, &lines)
}

/// Registers the embedded DejaVu Sans font with plotters once per process.
pub(crate) fn ensure_font() -> io::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, dejavu::sans::regular())
                .map_err(|_| "embedded DejaVu Sans font could not be parsed".to_string())
        })
        .clone()
        .map_err(io::Error::other)
}

pub(crate) fn plot_err<E: std::fmt::Display>(err: E) -> io::Error {
    io::Error::other(format!("plotting failed: {err}"))
}

/// Draws a line chart of one or more named series and saves it as a PNG of
/// [`DEFAULT_PLOT_SIZE`]. See [`plot_series_sized`].
pub fn plot_series(
    path: impl AsRef<Path>,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(&str, &[(f64, f64)])],
) -> io::Result<()> {
    plot_series_sized(path, DEFAULT_PLOT_SIZE, title, x_label, y_label, series)
}

/// Draws a line chart of one or more named `(x, y)` series and saves it as a PNG of
/// `size = (width, height)` pixels.
///
/// The chart has a title, axis labels, a light grid, a frame and (when there is more than
/// one series, or one with a non-empty name) a legend. Series use matplotlib's default
/// colour cycle. Non-finite points are skipped. Axis ranges cover all points with a 5% margin;
/// empty input still produces a valid (empty) chart. The file is written with
/// [`atomic_write`](crate::atomic_write).
pub fn plot_series_sized(
    path: impl AsRef<Path>,
    size: (u32, u32),
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[(&str, &[(f64, f64)])],
) -> io::Result<()> {
    let lines: Vec<Line<'_>> = series
        .iter()
        .enumerate()
        .map(|(i, (name, points))| Line {
            name,
            points: points.to_vec(),
            color: PALETTE[i % PALETTE.len()].to_rgba(),
            width: 2,
            style: SeriesStyle::Line,
        })
        .collect();
    render_png(path.as_ref(), size, title, x_label, y_label, &lines)
}

/// Plots episode returns against environment steps, with their trailing
/// [`RETURNS_WINDOW`]-episode moving mean, at [`DEFAULT_PLOT_SIZE`]. See
/// [`plot_returns_sized`].
pub fn plot_returns(path: impl AsRef<Path>, title: &str, episodes: &[(u64, f64)]) -> io::Result<()> {
    plot_returns_sized(path, DEFAULT_PLOT_SIZE, title, episodes)
}

/// Plots episode returns and their moving mean as a PNG of `size` pixels.
///
/// `episodes` holds, in episode order, `(env step at which the episode ended, return)`. The
/// raw returns are drawn as a thin translucent line and the mean of the last
/// [`RETURNS_WINDOW`] episodes (fewer for the first ones, see
/// [`moving_mean`](crate::moving_mean)) as a thick line on top.
pub fn plot_returns_sized(
    path: impl AsRef<Path>,
    size: (u32, u32),
    title: &str,
    episodes: &[(u64, f64)],
) -> io::Result<()> {
    let returns: Vec<f64> = episodes.iter().map(|&(_, r)| r).collect();
    let mean = moving_mean(&returns, RETURNS_WINDOW);
    let raw_points = episodes.iter().map(|&(s, r)| (s as f64, r)).collect();
    let mean_points = episodes.iter().zip(&mean).map(|(&(s, _), &m)| (s as f64, m)).collect();
    let mean_name = format!("mean of last {RETURNS_WINDOW} episodes");
    let lines = [
        Line {
            name: "episode return",
            points: raw_points,
            color: PALETTE[0].mix(0.45),
            width: 1,
            style: SeriesStyle::Line,
        },
        Line { name: &mean_name, points: mean_points, color: PALETTE[1].to_rgba(), width: 3, style: SeriesStyle::Line },
    ];
    render_png(path.as_ref(), size, title, "environment step", "episode return", &lines)
}

/// Values beyond this magnitude are treated like non-finite ones (skipped): a range that
/// wide would overflow the axis arithmetic.
const MAX_PLOTTED_MAGNITUDE: f64 = 1e150;

/// Finite data range of the given points, padded like matplotlib's default 5% margins.
pub(crate) fn padded_range(values: impl Iterator<Item = f64>) -> Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite() && v.abs() < MAX_PLOTTED_MAGNITUDE)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return 0.0..1.0;
    }
    if lo == hi {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.05 };
        return (lo - pad)..(hi + pad);
    }
    let pad = (hi - lo) * 0.05;
    (lo - pad)..(hi + pad)
}

/// Picks the plot corner whose neighbourhood holds the fewest data points, like
/// matplotlib's `loc="best"` (restricted to the four corners). Ties prefer upper left.
fn best_legend_corner(lines: &[Line<'_>], x_range: &Range<f64>, y_range: &Range<f64>) -> SeriesLabelPosition {
    // Fractions of the axes a legend box of a few entries roughly covers.
    const BOX_W: f64 = 0.4;
    const BOX_H: f64 = 0.1;
    let box_h = BOX_H * (lines.len().max(1) as f64).sqrt() + 0.05;
    let corners = [
        (SeriesLabelPosition::UpperLeft, false, true),
        (SeriesLabelPosition::UpperRight, true, true),
        (SeriesLabelPosition::LowerRight, true, false),
        (SeriesLabelPosition::LowerLeft, false, false),
    ];
    let mut counts = [0usize; 4];
    let (xw, yh) = (x_range.end - x_range.start, y_range.end - y_range.start);
    for line in lines {
        for &(x, y) in &line.points {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            let fx = (x - x_range.start) / xw;
            let fy = (y - y_range.start) / yh;
            for (count, &(_, right, top)) in counts.iter_mut().zip(&corners) {
                let in_x = if right { fx >= 1.0 - BOX_W } else { fx <= BOX_W };
                let in_y = if top { fy >= 1.0 - box_h } else { fy <= box_h };
                if in_x && in_y {
                    *count += 1;
                }
            }
        }
    }
    let best = (0..4).min_by_key(|&i| counts[i]).unwrap_or(0);
    corners[best].0.clone()
}

/// Number of decimals that distinguishes ticks spaced about `span / 8` apart.
fn tick_decimals(span: f64) -> usize {
    let spacing = span / 8.0;
    if !(spacing.is_finite() && spacing > 0.0) {
        return 0;
    }
    let d = (-spacing.log10()).ceil();
    d.clamp(0.0, 8.0) as usize
}

/// Formats a tick value compactly: large magnitudes get `k` / `M` / `G` suffixes, others
/// print with `decimals` digits after the point and trailing zeros trimmed.
fn format_tick(v: f64, decimals: usize) -> String {
    let a = v.abs();
    let (scaled, suffix, decimals) = if a >= 1e9 {
        (v / 1e9, "G", decimals + 9)
    } else if a >= 1e6 {
        (v / 1e6, "M", decimals + 6)
    } else if a >= 1e4 {
        (v / 1e3, "k", decimals + 3)
    } else {
        (v, "", decimals)
    };
    let mut s = format!("{scaled:.decimals$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    if s == "-0" {
        s = "0".to_string();
    }
    format!("{s}{suffix}")
}

/// Renders `lines` into an RGB buffer and saves it as a PNG.
fn render_png(
    path: &Path,
    size: (u32, u32),
    title: &str,
    x_label: &str,
    y_label: &str,
    lines: &[Line<'_>],
) -> io::Result<()> {
    render_with(path, size, |root| draw_chart(root, title, x_label, y_label, lines))
}

/// The drawing area every chart is drawn on.
pub(crate) type Root<'a> = DrawingArea<TextBackend<'a>, Shift>;

/// A chart with `f64` axes on a [`Root`].
pub(crate) type Chart<'a, 'b> = ChartContext<'a, TextBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Renders a chart drawn by `draw` into an RGB buffer of `size` pixels and saves it as a PNG
/// (atomically).
pub(crate) fn render_with(
    path: &Path,
    size: (u32, u32),
    draw: impl FnOnce(&Root<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let (width, height) = size;
    if width < 64 || height < 64 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("plot size {width}x{height} is too small (minimum 64x64)"),
        ));
    }
    ensure_font()?;
    let mut buf = vec![0u8; width as usize * height as usize * 3];
    {
        let root = TextBackend::new(BitMapBackend::with_buffer(&mut buf, size)).into_drawing_area();
        root.fill(&WHITE).map_err(plot_err)?;
        draw(&root)?;
        root.present().map_err(plot_err)?;
    }
    let png = encode_png(&buf, width, height)?;
    atomic_write(path, &png)
}

/// Pixel sizes scaled to the chart's height (the styles are designed for 600 pixels).
#[derive(Clone, Copy)]
pub(crate) struct Scale(f64);

impl Scale {
    /// The scale of `root`.
    pub(crate) fn of(root: &Root<'_>) -> Self {
        Self((f64::from(root.dim_in_pixel().1) / 600.0).clamp(0.5, 4.0))
    }
    /// `v` design pixels as whole pixels (at least 1).
    pub(crate) fn px(self, v: f64) -> u32 {
        (v * self.0).round().max(1.0) as u32
    }
    /// `v` design pixels (a font size).
    pub(crate) fn fpx(self, v: f64) -> f64 {
        v * self.0
    }
}

/// Builds a chart with the house style on `root`: title, axis labels, light grid, compact
/// ticks and a closed frame over `x_range` x `y_range`.
pub(crate) fn styled_chart<'a, 'b>(
    root: &'a Root<'b>,
    title: &str,
    x_label: &str,
    y_label: &str,
    x_range: Range<f64>,
    y_range: Range<f64>,
) -> io::Result<Chart<'a, 'b>> {
    let s = Scale::of(root);
    let x_dec = tick_decimals(x_range.end - x_range.start);
    let y_dec = tick_decimals(y_range.end - y_range.start);
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, s.fpx(22.0)).into_font().color(&BLACK))
        .margin_top(s.px(12.0))
        .margin_bottom(s.px(12.0))
        .margin_left(s.px(12.0))
        .margin_right(s.px(24.0))
        .x_label_area_size(s.px(52.0))
        .y_label_area_size(s.px(78.0))
        .build_cartesian_2d(x_range.clone(), y_range.clone())
        .map_err(plot_err)?;

    let x_fmt = |v: &f64| format_tick(*v, x_dec);
    let y_fmt = |v: &f64| format_tick(*v, y_dec);
    chart
        .configure_mesh()
        .x_labels(9)
        .y_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style((FONT, s.fpx(17.0)).into_font().color(&BLACK))
        .label_style((FONT, s.fpx(14.0)).into_font().color(&FRAME))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(FRAME.stroke_width(1))
        .set_all_tick_mark_size(s.px(5.0))
        .draw()
        .map_err(plot_err)?;

    // Close the frame on the top and right, like matplotlib's axes spines.
    let (x0, x1, y0, y1) = (x_range.start, x_range.end, y_range.start, y_range.end);
    chart
        .draw_series(std::iter::once(PathElement::new(vec![(x0, y1), (x1, y1), (x1, y0)], FRAME.stroke_width(1))))
        .map_err(plot_err)?;
    Ok(chart)
}

/// Draws the legend of the labelled series of `chart` at `position`.
pub(crate) fn draw_legend<'a, 'b: 'a>(
    chart: &mut Chart<'a, 'b>,
    position: SeriesLabelPosition,
    s: Scale,
) -> io::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .margin(s.px(10.0))
        .legend_area_size(s.px(30.0))
        .label_font((FONT, s.fpx(14.0)).into_font().color(&BLACK))
        .background_style(WHITE.mix(0.85))
        .border_style(LEGEND_BORDER)
        .draw()
        .map_err(plot_err)
}

fn draw_chart(root: &Root<'_>, title: &str, x_label: &str, y_label: &str, lines: &[Line<'_>]) -> io::Result<()> {
    let s = Scale::of(root);
    let x_range = padded_range(lines.iter().flat_map(|l| l.points.iter().map(|p| p.0)));
    let y_range = padded_range(lines.iter().flat_map(|l| l.points.iter().map(|p| p.1)));
    let mut chart = styled_chart(root, title, x_label, y_label, x_range.clone(), y_range.clone())?;

    let mut any_named = false;
    for line in lines {
        let pts = line.points.iter().copied().filter(|(x, y)| {
            x.is_finite() && y.is_finite() && x.abs() < MAX_PLOTTED_MAGNITUDE && y.abs() < MAX_PLOTTED_MAGNITUDE
        });
        let style = line.color.stroke_width(s.px(f64::from(line.width)));
        let legend_style = line.color.stroke_width(s.px(f64::from(line.width.max(2))));
        let seg = s.fpx(24.0) as i32;
        let anno = match line.style {
            SeriesStyle::Points | SeriesStyle::Marks => {
                let radius = s.px(f64::from(line.width));
                let fill = line.color.filled();
                chart.draw_series(pts.map(|p| Circle::new(p, radius, fill))).map_err(plot_err)?
            }
            SeriesStyle::Reference => {
                let (dash, gap) = (s.px(8.0), s.px(5.0));
                chart.draw_series(DashedLineSeries::new(pts, dash, gap, style)).map_err(plot_err)?
            }
            SeriesStyle::Line | SeriesStyle::ThinLine => {
                chart.draw_series(LineSeries::new(pts, style)).map_err(plot_err)?
            }
            SeriesStyle::Band => {
                // An outline with a point dropped would join the wrong edges: no band then.
                let outline: Vec<(f64, f64)> = pts.collect();
                let whole = outline.len() == line.points.len();
                let polygon = whole.then(|| Polygon::new(outline, line.color.filled()));
                chart.draw_series(polygon).map_err(plot_err)?
            }
        };
        if !line.name.is_empty() {
            any_named = true;
            if line.style == SeriesStyle::Band {
                let fill = line.color.filled();
                let half = s.fpx(6.0) as i32;
                anno.label(line.name).legend(move |(x, y)| Rectangle::new([(x, y - half), (x + seg, y + half)], fill));
            } else if matches!(line.style, SeriesStyle::Points | SeriesStyle::Marks) {
                let (radius, fill) = (s.px(f64::from(line.width.max(4))), line.color.filled());
                anno.label(line.name).legend(move |(x, y)| Circle::new((x + seg / 2, y), radius, fill));
            } else {
                anno.label(line.name).legend(move |(x, y)| PathElement::new(vec![(x, y), (x + seg, y)], legend_style));
            }
        }
    }

    if any_named && (lines.len() > 1 || !lines[0].name.is_empty()) {
        draw_legend(&mut chart, best_legend_corner(lines, &x_range, &y_range), s)?;
    }
    Ok(())
}

/// Encodes an 8-bit RGB buffer as PNG bytes.
pub(crate) fn encode_png(rgb: &[u8], width: u32, height: u32) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(io::Error::other)?;
        writer.write_image_data(rgb).map_err(io::Error::other)?;
        writer.finish().map_err(io::Error::other)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(path: &Path) -> (png::OutputInfo, Vec<u8>) {
        let decoder = png::Decoder::new(io::BufReader::new(std::fs::File::open(path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        buf.truncate(info.buffer_size());
        (info, buf)
    }

    fn temp_png(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("deepq-log-plot-{name}-{}.png", std::process::id()))
    }

    #[test]
    fn series_plot_is_a_png_of_the_requested_size() {
        let path = temp_png("series");
        let a: Vec<(f64, f64)> = (0..200).map(|i| (i as f64, (i as f64 / 20.0).sin())).collect();
        let b: Vec<(f64, f64)> = (0..200).map(|i| (i as f64, (i as f64 / 30.0).cos())).collect();
        plot_series_sized(&path, (640, 480), "Test chart", "x", "y", &[("sin", &a), ("cos", &b)]).unwrap();
        let (info, buf) = decode(&path);
        assert_eq!((info.width, info.height), (640, 480));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        // Something other than the white background was drawn, including the first series'
        // colour.
        assert!(buf.chunks(3).any(|p| p != [255, 255, 255]));
        assert!(buf.chunks(3).any(|p| p == [0x1f, 0x77, 0xb4]));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn returns_plot_handles_short_empty_and_nan_input() {
        let path = temp_png("returns");
        let episodes: Vec<(u64, f64)> =
            (0..300).map(|i| (i * 137, (i as f64).sqrt() * 10.0 + ((i * 31) % 17) as f64)).collect();
        plot_returns(&path, "CartPole-v1 returns", &episodes).unwrap();
        let (info, _) = decode(&path);
        assert_eq!((info.width, info.height), DEFAULT_PLOT_SIZE);

        plot_returns_sized(&path, (320, 200), "empty", &[]).unwrap();
        assert_eq!(decode(&path).0.width, 320);
        plot_returns_sized(&path, (320, 200), "one", &[(5, 1.0)]).unwrap();
        plot_series_sized(&path, (320, 200), "nan", "x", "y", &[("", &[(0.0, f64::NAN)])]).unwrap();
        assert!(plot_series_sized(&path, (10, 10), "tiny", "x", "y", &[]).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn chart_draws_dots_and_a_reference_line() {
        let path = temp_png("chart");
        let dots: Vec<(f64, f64)> = (0..50).map(|i| (i as f64, i as f64 * 0.8 + 3.0)).collect();
        let diagonal = [(0.0, 0.0), (50.0, 50.0)];
        let series = [
            Series { name: "states", points: &dots, color: 0, style: SeriesStyle::Points },
            Series { name: "x = y", points: &diagonal, color: 0, style: SeriesStyle::Reference },
        ];
        plot_chart(&path, (480, 360), "State value estimates", "V_MC", "V_agent", &series).unwrap();
        let (info, buf) = decode(&path);
        assert_eq!((info.width, info.height), (480, 360));
        // The reference line is matplotlib's grey.
        assert!(buf.chunks(3).any(|p| p == [0x7f, 0x7f, 0x7f]));
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_band_is_a_translucent_area_in_its_series_colour() {
        let path = temp_png("band");
        let mean = [(0.0, 1.0), (10.0, 5.0)];
        let band = [(0.0, 2.0), (10.0, 8.0), (10.0, 2.0), (0.0, 0.0)];
        let series = [
            Series { name: "mean", points: &mean, color: 1, style: SeriesStyle::Line },
            Series { name: "", points: &band, color: 1, style: SeriesStyle::Band },
        ];
        plot_chart(&path, (480, 360), "band", "x", "y", &series).unwrap();
        let (_, buf) = decode(&path);
        // Orange (ff7f0e) at 20% over white.
        let tint = |c: u8| (255.0 - 0.2 * (255.0 - f64::from(c))).round() as u8;
        let fill = [tint(0xff), tint(0x7f), tint(0x0e)];
        let near = |p: &[u8]| p.iter().zip(&fill).all(|(a, b)| a.abs_diff(*b) <= 2);
        assert!(buf.chunks(3).filter(|p| near(p)).count() > 1000, "the band is filled");
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn tick_formatting() {
        assert_eq!(format_tick(0.0, 0), "0");
        assert_eq!(format_tick(-0.0001, 2), "0");
        assert_eq!(format_tick(150.0, 0), "150");
        assert_eq!(format_tick(0.25, 2), "0.25");
        assert_eq!(format_tick(0.5, 2), "0.5");
        assert_eq!(format_tick(250_000.0, 0), "250k");
        assert_eq!(format_tick(1_500_000.0, 0), "1.5M");
        assert_eq!(tick_decimals(1000.0), 0);
        assert_eq!(tick_decimals(1.0), 1);
        assert_eq!(tick_decimals(0.08), 2);
    }

    #[test]
    fn ranges_are_padded() {
        assert_eq!(padded_range([0.0, 10.0].into_iter()), -0.5..10.5);
        assert_eq!(padded_range(std::iter::empty()), 0.0..1.0);
        assert_eq!(padded_range([0.0].into_iter()), -1.0..1.0);
        assert_eq!(padded_range([f64::NAN, 2.0].into_iter()), 1.9..2.1);
        // Sentinels like f64::MIN are skipped instead of overflowing the axis (this once hung).
        assert_eq!(padded_range([f64::MIN, 2.0, f64::MAX].into_iter()), 1.9..2.1);
    }
}
