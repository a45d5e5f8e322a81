//! The arithmetic of value analysis (`deepq analyze`): Monte-Carlo returns-to-go, one-step TD
//! errors, the bias of a network's value estimates against the returns it actually got, and
//! the choice of notable states to look at.

use serde::{Deserialize, Serialize};

/// Discounted returns-to-go of one episode: `G_t = r_t + gamma * G_{t+1}`, with `G_T = 0` after
/// the last reward. `V_MC(s_t)` is `G_t` (no bootstrap: a truncated episode's values near its
/// end are too low).
pub fn discounted_returns(rewards: &[f64], gamma: f64) -> Vec<f64> {
    let mut out = vec![0.0; rewards.len()];
    let mut g = 0.0;
    for (o, r) in out.iter_mut().zip(rewards).rev() {
        g = r + gamma * g;
        *o = g;
    }
    out
}

/// The one-step TD error of a transition: `r + gamma * V(s') * (1 - terminated) - Q(s, a)`,
/// with `V(s') = max_a' Q(s', a')` (the agent's own value of the next state; a truncated
/// transition bootstraps, as the learner does).
pub fn td_error(reward: f64, gamma: f64, v_next: f64, terminated: bool, q_taken: f64) -> f64 {
    let bootstrap = if terminated { 0.0 } else { gamma * v_next };
    reward + bootstrap - q_taken
}

/// `max_a Q(s, a)` (the greedy value), or NaN for no actions.
pub fn max_q(q: &[f64]) -> f64 {
    q.iter().copied().fold(f64::NAN, f64::max)
}

/// `max_a Q(s, a) - min_a Q(s, a)`: how much the choice of action matters to the network.
pub fn q_spread(q: &[f64]) -> f64 {
    max_q(q) - q.iter().copied().fold(f64::NAN, f64::min)
}

/// The first action with the largest Q-value.
pub fn argmax(q: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in q.iter().enumerate() {
        if *v > q[best] {
            best = i;
        }
    }
    best
}

/// How a network's value estimates compare with the returns that followed (`bias.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueBias {
    /// Mean of `V_agent - V_MC` (positive: overestimation).
    pub mean: f64,
    /// Median of `V_agent - V_MC`.
    pub median: f64,
    /// Pearson correlation of `V_agent` and `V_MC` (NaN, written as null, when either is constant).
    pub pearson: Option<f64>,
    /// Number of states compared.
    pub states: usize,
    /// Mean of `V_agent`.
    pub mean_v_agent: f64,
    /// Mean of `V_MC`.
    pub mean_v_mc: f64,
}

/// Compares `v_agent[i]` with `v_mc[i]` (equal lengths).
pub fn value_bias(v_agent: &[f64], v_mc: &[f64]) -> ValueBias {
    let n = v_agent.len().min(v_mc.len());
    let mut diff: Vec<f64> = v_agent.iter().zip(v_mc).map(|(a, m)| a - m).collect();
    let mean = |v: &[f64]| if v.is_empty() { f64::NAN } else { v.iter().sum::<f64>() / v.len() as f64 };
    let mean_diff = mean(&diff);
    diff.sort_by(f64::total_cmp);
    let median = match n {
        0 => f64::NAN,
        n if n % 2 == 1 => diff[n / 2],
        n => (diff[n / 2 - 1] + diff[n / 2]) / 2.0,
    };
    let pearson = pearson(&v_agent[..n], &v_mc[..n]);
    ValueBias {
        mean: mean_diff,
        median,
        pearson: pearson.is_finite().then_some(pearson),
        states: n,
        mean_v_agent: mean(&v_agent[..n]),
        mean_v_mc: mean(&v_mc[..n]),
    }
}

/// Pearson's correlation coefficient; NaN for fewer than two points or a constant series.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n < 2 {
        return f64::NAN;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

/// The `k` indices with the largest `score` (or the smallest, with `highest = false`), taking
/// each from a different episode (`episode[i]`) while there are enough episodes, then the next
/// best ones. Non-finite scores are never picked. Ties keep the earlier index.
pub fn pick_states(score: &[f64], episode: &[usize], k: usize, highest: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..score.len().min(episode.len())).filter(|&i| score[i].is_finite()).collect();
    order.sort_by(|&a, &b| {
        let o = score[a].total_cmp(&score[b]);
        if highest {
            o.reverse()
        } else {
            o
        }
    });
    let mut picked: Vec<usize> = Vec::with_capacity(k);
    for &i in &order {
        if picked.len() == k {
            break;
        }
        if !picked.iter().any(|&p| episode[p] == episode[i]) {
            picked.push(i);
        }
    }
    for &i in &order {
        if picked.len() == k {
            break;
        }
        if !picked.contains(&i) {
            picked.push(i);
        }
    }
    picked
}

/// Where step `t` of an episode of `len` steps lies: `"beginning"` (first third), `"middle"`
/// or `"end"` (last third).
pub fn phase(t: usize, len: usize) -> &'static str {
    let len = len.max(1);
    if 3 * t < len {
        "beginning"
    } else if 3 * t < 2 * len {
        "middle"
    } else {
        "end"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn monte_carlo_returns_by_hand() {
        // CartPole-like: 1 per step. G = 1 + 0.5 + 0.25, 1 + 0.5, 1.
        assert!(close(&discounted_returns(&[1.0, 1.0, 1.0], 0.5), &[1.75, 1.5, 1.0]));
        // gamma = 1: plain sums to the end.
        assert!(close(&discounted_returns(&[0.0, 0.0, 1.0, -1.0], 1.0), &[0.0, 0.0, 0.0, -1.0]));
        // gamma = 0: the immediate reward.
        assert!(close(&discounted_returns(&[3.0, -2.0, 5.0], 0.0), &[3.0, -2.0, 5.0]));
        // A sparse reward at the end, gamma 0.9: 0.9^3, 0.9^2, 0.9, 1.
        assert!(close(&discounted_returns(&[0.0, 0.0, 0.0, 1.0], 0.9), &[0.729, 0.81, 0.9, 1.0]));
        // The return of step 0 of CartPole's 500 steps at 0.99: (1 - 0.99^500) / 0.01.
        let g = discounted_returns(&[1.0; 500], 0.99);
        assert!((g[0] - (1.0 - 0.99f64.powi(500)) / 0.01).abs() < 1e-9);
        assert!(discounted_returns(&[], 0.99).is_empty());
    }

    #[test]
    fn td_errors_on_a_toy_q_table() {
        // Two states, two actions: Q(s0) = [1, 2], Q(s1) = [0.5, 3].
        let q = [[1.0, 2.0], [0.5, 3.0]];
        let gamma = 0.9;
        // s0 --a1, r=1--> s1 (not terminal): 1 + 0.9 * 3 - 2 = 1.7.
        let d = td_error(1.0, gamma, max_q(&q[1]), false, q[0][1]);
        assert!((d - 1.7).abs() < 1e-12, "{d}");
        // s1 --a0, r=-1--> terminal: -1 - 0.5 = -1.5 (no bootstrap).
        assert!((td_error(-1.0, gamma, max_q(&q[0]), true, q[1][0]) + 1.5).abs() < 1e-12);
        // A truncated transition bootstraps: 0 + 0.9 * 2 - 1 = 0.8.
        assert!((td_error(0.0, gamma, max_q(&q[0]), false, q[0][0]) - 0.8).abs() < 1e-12);
        assert_eq!(q_spread(&q[1]), 2.5);
        assert_eq!(argmax(&q[1]), 1);
        assert_eq!(argmax(&[2.0, 2.0]), 0);
    }

    #[test]
    fn bias_and_correlation() {
        let b = value_bias(&[2.0, 3.0, 4.0, 10.0], &[1.0, 2.0, 3.0, 4.0]);
        assert_eq!((b.mean, b.median, b.states), (2.25, 1.0, 4));
        assert!((b.pearson.unwrap() - pearson(&[2.0, 3.0, 4.0, 10.0], &[1.0, 2.0, 3.0, 4.0])).abs() < 1e-15);
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]) - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
        assert_eq!(value_bias(&[1.0, 1.0], &[0.0, 2.0]).pearson, None);
        assert_eq!(value_bias(&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0]).median, 2.0);
    }

    #[test]
    fn picks_prefer_different_episodes() {
        let score = [9.0, 8.0, 7.0, 1.0, 0.5, f64::NAN];
        let episode = [0, 0, 0, 1, 2, 2];
        assert_eq!(pick_states(&score, &episode, 3, true), vec![0, 3, 4]);
        assert_eq!(pick_states(&score, &episode, 4, true), vec![0, 3, 4, 1]);
        assert_eq!(pick_states(&score, &episode, 2, false), vec![4, 3]);
        assert_eq!(pick_states(&score, &episode, 9, true).len(), 5);
        assert_eq!((phase(0, 9), phase(3, 9), phase(8, 9)), ("beginning", "middle", "end"));
    }
}
