//! A sum tree: leaf priorities with their prefix sums in a complete binary tree, so setting a
//! priority and finding the leaf where a running sum crosses a value both take `O(log n)`
//! (the data structure of proportional prioritized replay, Schaul et al. 2016, appendix B.2.1).

/// Non-negative leaf values with `O(log n)` updates, total and prefix-sum search.
#[derive(Debug, Clone, PartialEq)]
pub struct SumTree {
    /// Leaves in the tree (a power of two, at least the capacity).
    leaves: usize,
    capacity: usize,
    /// `nodes[1]` is the root, node `i` has children `2i` and `2i + 1`, leaf `j` is node
    /// `leaves + j`; `nodes[0]` is unused.
    nodes: Vec<f64>,
}

impl SumTree {
    /// A tree of `capacity` leaves, all zero.
    pub fn new(capacity: usize) -> Self {
        assert!(capacity > 0, "a sum tree needs at least one leaf");
        let leaves = capacity.next_power_of_two();
        Self { leaves, capacity, nodes: vec![0.0; 2 * leaves] }
    }

    /// Number of leaves that can hold a value.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Sum of all leaves.
    pub fn total(&self) -> f64 {
        self.nodes[1]
    }

    /// The value of leaf `i`.
    pub fn get(&self, i: usize) -> f64 {
        self.nodes[self.leaves + i]
    }

    /// Sets leaf `i` to `value` (finite, `>= 0`) and updates the sums above it.
    pub fn set(&mut self, i: usize, value: f64) {
        assert!(i < self.capacity, "leaf {i} is outside the tree (capacity {})", self.capacity);
        assert!(value >= 0.0 && value.is_finite(), "sum-tree values must be finite and >= 0, got {value}");
        let mut node = self.leaves + i;
        self.nodes[node] = value;
        while node > 1 {
            node /= 2;
            self.nodes[node] = self.nodes[2 * node] + self.nodes[2 * node + 1];
        }
    }

    /// The leaf `i` whose cumulative range `[sum(leaves before i), sum(leaves up to i))`
    /// contains `value`; values outside `[0, total)` are clamped into it. Leaves of value 0 are
    /// never returned while the total is positive.
    pub fn find_prefix(&self, value: f64) -> usize {
        let mut node = 1;
        let mut rest = value.clamp(0.0, self.total());
        while node < self.leaves {
            let left = 2 * node;
            // Go right when the value is past the left subtree, or the left one is empty
            // (rounding can leave `rest` a hair above a subtree's sum).
            if rest >= self.nodes[left] && self.nodes[left + 1] > 0.0 || self.nodes[left] <= 0.0 {
                rest = (rest - self.nodes[left]).max(0.0);
                node = left + 1;
            } else {
                node = left;
            }
        }
        (node - self.leaves).min(self.capacity - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_and_updates() {
        let mut t = SumTree::new(5);
        assert_eq!(t.total(), 0.0);
        for (i, v) in [1.0, 2.0, 3.0, 4.0, 5.0].into_iter().enumerate() {
            t.set(i, v);
        }
        assert_eq!(t.total(), 15.0);
        t.set(2, 0.5);
        assert_eq!(t.total(), 12.5);
        assert_eq!(t.get(2), 0.5);
    }

    #[test]
    fn prefix_search_finds_the_leaf_whose_range_holds_the_value() {
        let mut t = SumTree::new(4);
        for (i, v) in [1.0, 0.0, 2.0, 3.0].into_iter().enumerate() {
            t.set(i, v);
        }
        // Cumulative ranges: leaf 0 [0, 1), leaf 1 empty, leaf 2 [1, 3), leaf 3 [3, 6).
        let cases = [(0.0, 0), (0.999, 0), (1.0, 2), (2.5, 2), (2.999, 2), (3.0, 3), (5.999, 3), (6.0, 3), (-1.0, 0)];
        for (v, leaf) in cases {
            assert_eq!(t.find_prefix(v), leaf, "value {v}");
        }
    }

    #[test]
    fn empty_leaves_are_never_found() {
        let mut t = SumTree::new(7);
        t.set(3, 1.0);
        for k in 0..=100 {
            assert_eq!(t.find_prefix(k as f64 / 100.0), 3);
        }
        // A value a hair above the total after many updates.
        t.set(6, 0.1 + 0.2);
        assert_eq!(t.find_prefix(t.total() + 1e-12), 6);
    }

    #[test]
    fn matches_a_linear_scan_on_random_trees() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for n in [1usize, 2, 3, 10, 33] {
            let mut t = SumTree::new(n);
            let mut vals = vec![0.0; n];
            for _ in 0..200 {
                let i = rng.random_range(0..n);
                let v = if rng.random::<f64>() < 0.2 { 0.0 } else { rng.random::<f64>() * 10.0 };
                t.set(i, v);
                vals[i] = v;
                let total: f64 = vals.iter().sum();
                assert!((t.total() - total).abs() < 1e-9);
                if total > 0.0 {
                    let x = rng.random::<f64>() * total;
                    let mut acc = 0.0;
                    let expected = vals.iter().position(|v| {
                        acc += v;
                        x < acc
                    });
                    let got = t.find_prefix(x);
                    if let Some(e) = expected {
                        // Exact ties at a boundary may round either way; the leaf must hold mass.
                        assert!(got == e || vals[got] > 0.0 && (acc - x).abs() < 1e-9, "n {n} x {x}: {got} vs {e}");
                    }
                    assert!(vals[got] > 0.0);
                }
            }
        }
    }
}
