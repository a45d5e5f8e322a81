//! The TD loss of scalar heads, computed on the host from the batch's Q-values, with its
//! gradient with respect to those Q-values in closed form.
//!
//! Why: built from burn's tensor ops the loss is a dozen small operations (gather, subtract,
//! abs, clamp, square, scale, add, mean, and each one's backward step), each of which pays
//! autodiff's bookkeeping and an allocation; for the small MLPs of CartPole that bookkeeping
//! is a visible part of an update. Here the learner downloads the `[batch, actions]`
//! Q-values once, this module computes the loss, the TD errors and `d loss / d Q`, and the
//! learner backpropagates `sum(Q * G)` with `G` that gradient held constant: its gradient with
//! respect to `Q` is exactly `G`, so the network's gradients are those of the loss itself.

use super::config::LossKind;

/// The loss of one batch and its gradient with respect to the Q-values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TdLoss {
    /// `mean_i w_i * l(Q(s_i, a_i) - y_i)`, with `l` the squared error or Huber (delta 1) and
    /// `w_i` the importance weights (1 without them).
    pub loss: f32,
    /// The mean of `Q(s_i, a_i)` over the batch.
    pub mean_q: f32,
    /// `|Q(s_i, a_i) - y_i|` per row (the new priorities under prioritized replay).
    pub abs_errors: Vec<f32>,
    /// `d loss / d Q(s_i, a)`, `[batch, actions]` row-major: `w_i * l'(TD error) / batch` at the
    /// taken action, zero elsewhere.
    pub grad: Vec<f32>,
}

impl TdLoss {
    /// The loss of Q-values `q_all` (`[batch, n_actions]` row-major) for the taken `actions` and
    /// the TD `targets`, weighted by `weights` when given.
    pub(crate) fn new(
        q_all: &[f32],
        n_actions: usize,
        actions: &[i64],
        targets: &[f32],
        weights: Option<&[f32]>,
        kind: LossKind,
    ) -> Self {
        let b = targets.len();
        assert_eq!(actions.len(), b, "one action per row");
        assert_eq!(q_all.len(), b * n_actions, "Q-values of shape [batch, actions]");
        if let Some(w) = weights {
            assert_eq!(w.len(), b, "one importance weight per row");
        }
        let inv_b = 1.0 / b.max(1) as f32;
        let mut grad = vec![0.0f32; q_all.len()];
        let mut abs_errors = Vec::with_capacity(b);
        let (mut loss, mut sum_q) = (0.0f32, 0.0f32);
        for (i, (&a, &y)) in actions.iter().zip(targets).enumerate() {
            let a = usize::try_from(a).ok().filter(|&a| a < n_actions).expect("an action within the head's range");
            let q = q_all[i * n_actions + a];
            let diff = q - y;
            let (value, slope) = match kind {
                LossKind::Mse => (diff * diff, 2.0 * diff),
                LossKind::Huber => {
                    let quadratic = diff.abs().min(1.0);
                    (0.5 * quadratic * quadratic + (diff.abs() - quadratic), diff.clamp(-1.0, 1.0))
                }
            };
            let w = weights.map_or(1.0, |w| w[i]);
            loss += w * value;
            sum_q += q;
            abs_errors.push(diff.abs());
            grad[i * n_actions + a] = w * slope * inv_b;
        }
        Self { loss: loss * inv_b, mean_q: sum_q * inv_b, abs_errors, grad }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The loss by its definition, in f64: squared error, or Huber with delta 1
    /// (`0.5 d^2` for `|d| <= 1`, `|d| - 0.5` beyond).
    fn loss_f64(q: &[f64], n: usize, actions: &[i64], y: &[f32], w: &[f32], kind: LossKind) -> f64 {
        let rows = y.len();
        (0..rows)
            .map(|i| {
                let d = q[i * n + actions[i] as usize] - y[i] as f64;
                let l = match kind {
                    LossKind::Mse => d * d,
                    LossKind::Huber if d.abs() <= 1.0 => 0.5 * d * d,
                    LossKind::Huber => d.abs() - 0.5,
                };
                w[i] as f64 * l
            })
            .sum::<f64>()
            / rows as f64
    }

    fn case() -> (Vec<f32>, Vec<i64>, Vec<f32>, Vec<f32>) {
        // TD errors on both sides of Huber's kink: -2.5, -0.3, 5.7, -0.6, 6.5.
        let q = vec![1.0, 2.0, 0.5, -1.0, 3.0, 0.0, 0.2, 0.7, 2.5, 0.0];
        let actions = vec![0, 1, 0, 1, 0];
        let y = vec![3.5, -0.7, -2.7, 1.3, -4.0];
        let w = vec![1.0, 0.5, 0.25, 2.0, 0.1];
        (q, actions, y, w)
    }

    #[test]
    fn loss_errors_and_mean_q_match_their_definitions() {
        let (q, actions, y, w) = case();
        let q64: Vec<f64> = q.iter().map(|&v| v as f64).collect();
        for kind in [LossKind::Mse, LossKind::Huber] {
            for weights in [None, Some(&w[..])] {
                let ones = vec![1.0; y.len()];
                let td = TdLoss::new(&q, 2, &actions, &y, weights, kind);
                let want = loss_f64(&q64, 2, &actions, &y, weights.unwrap_or(&ones), kind);
                assert!((td.loss as f64 - want).abs() < 1e-5 * (1.0 + want.abs()), "{kind:?}: {} vs {want}", td.loss);
                let errors: Vec<f32> =
                    actions.iter().zip(&y).enumerate().map(|(i, (&a, &t))| (q[i * 2 + a as usize] - t).abs()).collect();
                assert_eq!(td.abs_errors, errors);
                // Q(s_i, a_i): 1.0, -1.0, 3.0, 0.7, 2.5.
                assert!((td.mean_q - 6.2 / 5.0).abs() < 1e-6, "{}", td.mean_q);
            }
        }
    }

    /// The gradient against central differences of the f64 loss, at every Q-value (the
    /// actions not taken included, whose gradient must be zero).
    #[test]
    fn the_gradient_matches_finite_differences() {
        let (q, actions, y, w) = case();
        for kind in [LossKind::Mse, LossKind::Huber] {
            let td = TdLoss::new(&q, 2, &actions, &y, Some(&w), kind);
            for j in 0..q.len() {
                let at = |h: f64| {
                    let mut q64: Vec<f64> = q.iter().map(|&v| v as f64).collect();
                    q64[j] += h;
                    loss_f64(&q64, 2, &actions, &y, &w, kind)
                };
                let numeric = (at(1e-6) - at(-1e-6)) / 2e-6;
                assert!((td.grad[j] as f64 - numeric).abs() < 1e-4, "{kind:?} dQ[{j}]: {} vs {numeric}", td.grad[j]);
            }
        }
    }

    #[test]
    fn a_non_finite_q_value_makes_a_non_finite_loss() {
        let td = TdLoss::new(&[f32::NAN, 0.0], 2, &[0], &[1.0], None, LossKind::Huber);
        assert!(!td.loss.is_finite());
    }
}
