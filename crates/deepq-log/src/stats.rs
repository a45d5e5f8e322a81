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

#[cfg(test)]
mod tests {
    use super::*;

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
