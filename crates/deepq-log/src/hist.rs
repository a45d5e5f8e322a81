//! PNG histograms in the style of the line charts of [`plot`](crate::plot_series): the
//! distribution of evaluation returns, one bar colour per named sample.

use std::io;
use std::path::Path;

use plotters::prelude::*;

use crate::plot::{draw_legend, padded_range, render_with, styled_chart, Scale, PALETTE};

/// Shared bins of one or more samples: `edges` has `bins + 1` increasing values and
/// `counts[s][b]` is the number of finite values of sample `s` in bin `b` (the last bin
/// includes its upper edge).
#[derive(Debug, Clone, PartialEq)]
pub struct Bins {
    /// Bin edges, increasing.
    pub edges: Vec<f64>,
    /// Counts per sample, then per bin.
    pub counts: Vec<Vec<usize>>,
}

/// Bins `samples` into `bins` equal-width bins spanning the finite values of all of them.
/// When every value is the same (or there are none) there is one bin of width 1 around it.
pub fn histogram_bins(samples: &[&[f64]], bins: usize) -> Bins {
    let finite = || samples.iter().flat_map(|s| s.iter().copied()).filter(|v| v.is_finite());
    let lo = finite().fold(f64::INFINITY, f64::min);
    let hi = finite().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi, bins) = match (lo, hi) {
        (lo, hi) if lo > hi => (-0.5, 0.5, 1),
        (lo, hi) if lo == hi => (lo - 0.5, hi + 0.5, 1),
        (lo, hi) => (lo, hi, bins.max(1)),
    };
    let width = (hi - lo) / bins as f64;
    let edges = (0..=bins).map(|i| if i == bins { hi } else { lo + width * i as f64 }).collect();
    let counts = samples
        .iter()
        .map(|sample| {
            let mut c = vec![0usize; bins];
            for v in sample.iter().copied().filter(|v| v.is_finite()) {
                let b = (((v - lo) / width).floor() as usize).min(bins - 1);
                c[b] += 1;
            }
            c
        })
        .collect();
    Bins { edges, counts }
}

/// Draws a histogram of one or more named samples (e.g. the returns of a sampled and of a
/// greedy evaluation) with `bins` shared bins and saves it as a PNG of `size` pixels. Each
/// bin holds one bar per sample, side by side, in matplotlib's colour cycle; samples with a
/// name get a legend entry. Non-finite values are left out. Written with
/// [`atomic_write`](crate::atomic_write).
pub fn plot_histogram_sized(
    path: impl AsRef<Path>,
    size: (u32, u32),
    title: &str,
    x_label: &str,
    samples: &[(&str, &[f64])],
    bins: usize,
) -> io::Result<()> {
    let values: Vec<&[f64]> = samples.iter().map(|s| s.1).collect();
    let h = histogram_bins(&values, bins);
    let x_range = padded_range(h.edges.iter().copied());
    let top = h.counts.iter().flatten().copied().max().unwrap_or(0).max(1) as f64;
    let y_range = 0.0..top * 1.08;
    render_with(path.as_ref(), size, |root| {
        let s = Scale::of(root);
        let mut chart = styled_chart(root, title, x_label, "episodes", x_range, y_range)?;
        let n = samples.len().max(1) as f64;
        let mut any_named = false;
        for (i, ((name, _), counts)) in samples.iter().zip(&h.counts).enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let bars = h.edges.windows(2).zip(counts).filter(|(_, &c)| c > 0).map(|(e, &c)| {
                let w = (e[1] - e[0]) / n;
                let x0 = e[0] + w * i as f64;
                Rectangle::new([(x0, 0.0), (x0 + w, c as f64)], color.mix(0.8).filled())
            });
            let anno = chart.draw_series(bars).map_err(crate::plot::plot_err)?;
            if !name.is_empty() {
                any_named = true;
                let side = s.fpx(10.0) as i32;
                anno.label(*name).legend(move |(x, y)| {
                    Rectangle::new([(x, y - side / 2), (x + 2 * side, y + side / 2)], color.mix(0.8).filled())
                });
            }
        }
        if any_named {
            draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, s)?;
        }
        Ok(())
    })
}

/// [`plot_histogram_sized`] at [`DEFAULT_PLOT_SIZE`](crate::DEFAULT_PLOT_SIZE).
pub fn plot_histogram(
    path: impl AsRef<Path>,
    title: &str,
    x_label: &str,
    samples: &[(&str, &[f64])],
    bins: usize,
) -> io::Result<()> {
    plot_histogram_sized(path, crate::DEFAULT_PLOT_SIZE, title, x_label, samples, bins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_count_every_finite_value_once() {
        let a = [0.0, 1.0, 2.0, 3.0, 4.0, f64::NAN];
        let b = [4.0, 4.0];
        let h = histogram_bins(&[&a, &b], 4);
        assert_eq!(h.edges, vec![0.0, 1.0, 2.0, 3.0, 4.0]);
        // The top edge belongs to the last bin.
        assert_eq!(h.counts, vec![vec![1, 1, 1, 2], vec![0, 0, 0, 2]]);
        let h = histogram_bins(&[&[200.0, 200.0]], 10);
        assert_eq!((h.edges, h.counts), (vec![199.5, 200.5], vec![vec![2]]));
        assert_eq!(histogram_bins(&[&[]], 5).counts, vec![vec![0]]);
    }

    #[test]
    fn histogram_is_a_png_with_the_series_colours() {
        let path = std::env::temp_dir().join(format!("deepq-log-hist-{}.png", std::process::id()));
        let sampled: Vec<f64> = (0..100).map(|i| 120.0 + ((i * 37) % 80) as f64).collect();
        let greedy = vec![200.0; 100];
        plot_histogram_sized(
            &path,
            (640, 400),
            "Evaluation returns",
            "return",
            &[("sampled", &sampled), ("greedy", &greedy)],
            20,
        )
        .unwrap();
        let decoder = png::Decoder::new(io::BufReader::new(std::fs::File::open(&path).unwrap()));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (640, 400));
        assert!(buf.chunks(3).any(|p| p != [255, 255, 255]));
        plot_histogram(&path, "empty", "return", &[("", &[])], 10).unwrap();
        std::fs::remove_file(&path).unwrap();
    }
}
