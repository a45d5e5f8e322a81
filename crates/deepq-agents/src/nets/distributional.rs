//! Categorical (C51) value distributions (Bellemare et al. 2017, "A Distributional Perspective on
//! Reinforcement Learning"): the return of each action is a distribution over `atoms` fixed
//! values `z_j = v_min + j (v_max - v_min) / (atoms - 1)`, and `Q(s, a) = sum_j z_j p_j(s, a)`.

use serde::{Deserialize, Serialize};

/// The support `z_0 < ... < z_{N-1}` of a categorical distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Support {
    /// Number of atoms `N` (at least 2).
    pub atoms: usize,
    /// The smallest atom.
    pub v_min: f32,
    /// The largest atom.
    pub v_max: f32,
}

impl Support {
    /// Spacing between atoms.
    pub fn delta(&self) -> f32 {
        (self.v_max - self.v_min) / (self.atoms - 1) as f32
    }

    /// The atom values.
    pub fn values(&self) -> Vec<f32> {
        (0..self.atoms).map(|j| self.v_min + j as f32 * self.delta()).collect()
    }

    /// Checks `atoms >= 2` and `v_min < v_max`, both finite.
    pub fn validate(&self) -> Result<(), String> {
        if self.atoms < 2 || self.atoms > 10_000 {
            return Err(format!("atoms must be in 2..=10000, got {}", self.atoms));
        }
        if !(self.v_min.is_finite() && self.v_max.is_finite() && self.v_min < self.v_max) {
            return Err(format!("v_min must be below v_max (both finite), got {} and {}", self.v_min, self.v_max));
        }
        Ok(())
    }

    /// Projects the target distributions `r + discount * z` (with probabilities `next_probs`,
    /// `rows x atoms`) back onto the support (the paper's Algorithm 1): each shifted atom is
    /// clipped to `[v_min, v_max]` and its mass split between the two nearest atoms in proportion
    /// to closeness. A discount of 0 (terminal) puts all mass at `r`.
    pub fn project(&self, next_probs: &[f32], rewards: &[f32], discounts: &[f32]) -> Vec<f32> {
        let n = self.atoms;
        let (dz, z) = (self.delta(), self.values());
        let mut out = vec![0.0f32; next_probs.len()];
        for (row, (p, m)) in next_probs.chunks_exact(n).zip(out.chunks_exact_mut(n)).enumerate() {
            let (r, d) = (rewards[row], discounts[row]);
            for j in 0..n {
                let tz = (r + d * z[j]).clamp(self.v_min, self.v_max);
                let b = ((tz - self.v_min) / dz).clamp(0.0, (n - 1) as f32);
                let (l, u) = (b.floor() as usize, b.ceil() as usize);
                if l == u {
                    m[l] += p[j];
                } else {
                    m[l] += p[j] * (u as f32 - b);
                    m[u] += p[j] * (b - l as f32);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(atoms: usize, lo: f32, hi: f32) -> Support {
        Support { atoms, v_min: lo, v_max: hi }
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6)
    }

    #[test]
    fn atoms_are_evenly_spaced() {
        assert_eq!(s(5, -2.0, 2.0).values(), vec![-2.0, -1.0, 0.0, 1.0, 2.0]);
        assert_eq!(s(51, -10.0, 10.0).delta(), 0.4);
        assert!(s(1, 0.0, 1.0).validate().is_err());
        assert!(s(3, 1.0, 1.0).validate().is_err());
    }

    #[test]
    fn projection_of_hand_computed_cases() {
        let sup = s(5, -2.0, 2.0); // atoms -2, -1, 0, 1, 2
                                   // Reward 0.5, discount 1: every atom shifts by 0.5 and splits evenly between neighbours;
                                   // the top atom 2.5 is clipped to 2.
        let p = [0.2, 0.2, 0.2, 0.2, 0.2];
        let m = sup.project(&p, &[0.5], &[1.0]);
        assert!(close(&m, &[0.1, 0.2, 0.2, 0.2, 0.3]), "{m:?}");
        // Discount 0.5, reward 0: z -> [-1, -0.5, 0, 0.5, 1].
        let m = sup.project(&[0.0, 0.0, 0.0, 0.0, 1.0], &[0.0], &[0.5]);
        assert!(close(&m, &[0.0, 0.0, 0.0, 1.0, 0.0]), "{m:?}");
        let m = sup.project(&[0.0, 1.0, 0.0, 0.0, 0.0], &[0.0], &[0.5]);
        assert!(close(&m, &[0.0, 0.5, 0.5, 0.0, 0.0]), "{m:?}");
    }

    #[test]
    fn atoms_outside_the_support_are_clipped_to_its_ends() {
        let sup = s(3, 0.0, 1.0);
        // Reward 10: everything lands on v_max; reward -10: on v_min.
        assert!(close(&sup.project(&[0.3, 0.3, 0.4], &[10.0], &[0.9]), &[0.0, 0.0, 1.0]));
        assert!(close(&sup.project(&[0.3, 0.3, 0.4], &[-10.0], &[0.9]), &[1.0, 0.0, 0.0]));
    }

    #[test]
    fn terminal_states_put_all_mass_at_the_reward() {
        let sup = s(5, -2.0, 2.0);
        // Discount 0: the next distribution is ignored; r = 0.25 splits 0.75 / 0.25 between 0 and 1.
        let m = sup.project(&[0.1, 0.2, 0.3, 0.2, 0.2], &[0.25], &[0.0]);
        assert!(close(&m, &[0.0, 0.0, 0.75, 0.25, 0.0]), "{m:?}");
        // Exactly on an atom: all mass there.
        let m = sup.project(&[0.5, 0.0, 0.0, 0.0, 0.5], &[-1.0], &[0.0]);
        assert!(close(&m, &[0.0, 1.0, 0.0, 0.0, 0.0]), "{m:?}");
    }

    #[test]
    fn projection_keeps_total_mass_and_rows_apart() {
        let sup = s(51, -10.0, 10.0);
        // Mass on atoms 20..=30 (values -2..=2): shifting by 1.3 stays inside the support.
        let p: Vec<f32> = (0..102).map(|i| if (20..=30).contains(&(i % 51)) { 1.0 / 11.0 } else { 0.0 }).collect();
        let m = sup.project(&p, &[1.3, -0.7], &[0.99, 0.0]);
        for row in m.chunks(51) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
        // The expectation moves by the reward and the discount: E[m] = r + d E[p] (no clipping).
        let z = sup.values();
        let e = |q: &[f32]| q.iter().zip(&z).map(|(a, b)| a * b).sum::<f32>();
        assert!((e(&m[..51]) - (1.3 + 0.99 * e(&p[..51]))).abs() < 1e-3);
        assert!((e(&m[51..]) + 0.7).abs() < 1e-5);
    }
}
