//! Small numeric helpers for logging.

/// Trailing moving average: element `i` is the mean of `values[i + 1 - window ..= i]`.
///
/// The first `window - 1` outputs average over the values seen so far (like pandas'
/// `rolling(window, min_periods=1).mean()`), so the output always has the same length as the
/// input. A `window` of 0 is treated as 1 (the output equals the input). If a window contains a
/// NaN or infinite value the corresponding output follows IEEE arithmetic (NaN / ±inf) but
/// later windows that no longer contain it are unaffected.
pub fn moving_mean(values: &[f64], window: usize) -> Vec<f64> {
    let window = window.max(1);
    let mut out = Vec::with_capacity(values.len());
    // Running sum of the finite values in the window plus a count of non-finite ones, so a
    // single NaN/inf does not poison every later window.
    let mut sum = 0.0f64;
    let mut non_finite = 0usize;
    for (i, &v) in values.iter().enumerate() {
        if v.is_finite() {
            sum += v;
        } else {
            non_finite += 1;
        }
        if i >= window {
            let old = values[i - window];
            if old.is_finite() {
                sum -= old;
            } else {
                non_finite -= 1;
            }
        }
        let start = (i + 1).saturating_sub(window);
        let n = (i + 1 - start) as f64;
        if non_finite > 0 {
            out.push(values[start..=i].iter().sum::<f64>() / n);
        } else {
            // Re-sum exactly every `window` steps to stop rounding error from drifting.
            if i % window == window - 1 {
                sum = values[start..=i].iter().sum();
            }
            out.push(sum / n);
        }
    }
    out
}

/// The index of the first value at which the trailing mean of a full `window` values (this
/// value and the `window - 1` before it) is at least `threshold`, or `None` if it never is.
///
/// A window that is not full yet never counts, so one lucky early episode is not a crossing
/// (the measure behind "steps until the mean of the last 20 games passed 0"). A `window` of 0
/// is treated as 1.
pub fn first_full_window_reaching(values: &[f64], window: usize, threshold: f64) -> Option<usize> {
    let window = window.max(1);
    moving_mean(values, window).iter().enumerate().skip(window - 1).find(|(_, m)| **m >= threshold).map(|(i, _)| i)
}

/// Several runs' curves (seeds of one configuration) summarised on a common horizontal grid:
/// at each `x`, the mean, lowest and highest of the runs' values.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedBand {
    /// The grid: evenly spaced over the range every run covers.
    pub x: Vec<f64>,
    /// The mean of the runs at each `x`.
    pub mean: Vec<f64>,
    /// The lowest run at each `x` (the worst seed there).
    pub min: Vec<f64>,
    /// The highest run at each `x`.
    pub max: Vec<f64>,
}

/// Summarises `curves` (each a run's `(x, y)` points, `x` increasing) on `points` grid points
/// over the range that every curve covers, reading each curve between its points by linear
/// interpolation. `None` when there is no curve or the curves share no range.
pub fn seed_band(curves: &[Vec<(f64, f64)>], points: usize) -> Option<SeedBand> {
    let first = curves.iter().map(|c| c.first().map(|p| p.0)).collect::<Option<Vec<f64>>>()?;
    let last = curves.iter().map(|c| c.last().map(|p| p.0)).collect::<Option<Vec<f64>>>()?;
    let lo = first.into_iter().fold(f64::NEG_INFINITY, f64::max);
    let hi = last.into_iter().fold(f64::INFINITY, f64::min);
    if curves.is_empty() || !(lo.is_finite() && hi.is_finite()) || lo > hi {
        return None;
    }
    let n = if lo == hi { 1 } else { points.max(2) };
    let x: Vec<f64> = (0..n).map(|i| if n == 1 { lo } else { lo + (hi - lo) * i as f64 / (n - 1) as f64 }).collect();
    let mut band = SeedBand { x: x.clone(), mean: Vec::new(), min: Vec::new(), max: Vec::new() };
    for &at in &x {
        let ys: Vec<f64> = curves.iter().map(|c| interpolate(c, at)).collect();
        band.mean.push(ys.iter().sum::<f64>() / ys.len() as f64);
        band.min.push(ys.iter().copied().fold(f64::INFINITY, f64::min));
        band.max.push(ys.iter().copied().fold(f64::NEG_INFINITY, f64::max));
    }
    Some(band)
}

/// The value of the piecewise-linear curve `c` (increasing `x`) at `at`, within its range; at
/// repeated `x` values the last point counts.
fn interpolate(c: &[(f64, f64)], at: f64) -> f64 {
    let i = c.partition_point(|p| p.0 <= at);
    match (i.checked_sub(1).map(|j| c[j]), c.get(i)) {
        (Some((x0, y0)), Some(&(x1, y1))) if x1 > x0 => y0 + (y1 - y0) * (at - x0) / (x1 - x0),
        (Some((_, y0)), _) => y0,
        (None, Some(&(_, y1))) => y1,
        (None, None) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_bands_cover_the_shared_range_with_mean_min_and_max() {
        let a = vec![(0.0, 0.0), (10.0, 10.0)];
        let b = vec![(2.0, 4.0), (6.0, 0.0), (12.0, 6.0)];
        let band = seed_band(&[a.clone(), b], 3).unwrap();
        assert_eq!(band.x, vec![2.0, 6.0, 10.0], "from the latest start to the earliest end");
        // a: 2, 6, 10; b: 4, 0, 4.
        assert_eq!(band.mean, vec![3.0, 3.0, 7.0]);
        assert_eq!(band.min, vec![2.0, 0.0, 4.0]);
        assert_eq!(band.max, vec![4.0, 6.0, 10.0]);
        // One curve: its own values, mean = min = max.
        let one = seed_band(std::slice::from_ref(&a), 2).unwrap();
        assert_eq!((one.mean.clone(), one.min.clone(), one.max), (vec![0.0, 10.0], one.mean, one.min));
        // Curves that do not overlap, or none, give no band.
        assert_eq!(seed_band(&[a, vec![(11.0, 1.0), (12.0, 2.0)]], 5), None);
        assert_eq!(seed_band(&[], 5), None);
        assert_eq!(seed_band(&[vec![]], 5), None);
    }

    #[test]
    fn interpolation_takes_the_last_of_repeated_steps() {
        let c = [(0.0, 1.0), (5.0, 2.0), (5.0, 4.0), (10.0, 4.0)];
        assert_eq!(interpolate(&c, 5.0), 4.0);
        assert_eq!(interpolate(&c, 2.5), 1.5);
        assert_eq!(interpolate(&c, 7.5), 4.0);
        assert_eq!(interpolate(&c, 10.0), 4.0);
    }

    fn naive(values: &[f64], window: usize) -> Vec<f64> {
        (0..values.len())
            .map(|i| {
                let start = (i + 1).saturating_sub(window.max(1));
                let s = &values[start..=i];
                s.iter().sum::<f64>() / s.len() as f64
            })
            .collect()
    }

    #[test]
    fn crossings_need_a_full_window() {
        // Trailing means of 2: -, 3, 5, 2, 6 (the first window is not full).
        let v = [10.0, -4.0, 14.0, -10.0, 22.0];
        assert_eq!(first_full_window_reaching(&v, 2, 5.0), Some(2));
        assert_eq!(first_full_window_reaching(&v, 2, 6.0), Some(4));
        assert_eq!(first_full_window_reaching(&v, 2, 2.5), Some(1), "at least, not above");
        assert_eq!(first_full_window_reaching(&v, 2, 7.0), None);
        // The lucky first value alone reaches 10, but its window of 2 is not full.
        assert_eq!(first_full_window_reaching(&v, 2, 10.0), None);
        assert_eq!(first_full_window_reaching(&v, 1, 10.0), Some(0));
        assert_eq!(first_full_window_reaching(&v, 0, 10.0), Some(0), "0 is 1");
        assert_eq!(first_full_window_reaching(&v, 6, -100.0), None, "never a full window");
        assert_eq!(first_full_window_reaching(&[], 1, 0.0), None);
    }

    #[test]
    fn small_example() {
        let m = moving_mean(&[1.0, 2.0, 3.0, 4.0, 5.0], 3);
        assert_eq!(m, vec![1.0, 1.5, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn edge_cases() {
        assert!(moving_mean(&[], 5).is_empty());
        assert_eq!(moving_mean(&[4.0, 8.0], 0), vec![4.0, 8.0]);
        assert_eq!(moving_mean(&[4.0, 8.0], 1), vec![4.0, 8.0]);
        assert_eq!(moving_mean(&[4.0, 8.0], 100), vec![4.0, 6.0]);
    }

    #[test]
    fn matches_naive_on_long_series() {
        let values: Vec<f64> = (0..5000).map(|i| ((i * 7919) % 1000) as f64 * 0.37 - 100.0).collect();
        for window in [1, 2, 7, 100, 4999, 6000] {
            let fast = moving_mean(&values, window);
            let slow = naive(&values, window);
            for (a, b) in fast.iter().zip(&slow) {
                assert!((a - b).abs() < 1e-9, "window {window}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn nan_only_affects_windows_containing_it() {
        let m = moving_mean(&[1.0, f64::NAN, 3.0, 5.0, 7.0], 2);
        assert_eq!(m[0], 1.0);
        assert!(m[1].is_nan());
        assert!(m[2].is_nan());
        assert_eq!(m[3], 4.0);
        assert_eq!(m[4], 6.0);
    }
}
