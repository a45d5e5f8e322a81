//! Observation and action spaces (Gymnasium's `Discrete` and `Box`).

use serde::{Deserialize, Serialize};

/// Element type of a `Box` space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Dtype {
    /// 32-bit float (Gymnasium `np.float32`).
    F32,
    /// Unsigned byte (images, Atari RAM).
    U8,
}

/// A Gymnasium space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Space {
    /// Integers `0..n`.
    Discrete {
        /// Number of values.
        n: usize,
    },
    /// A box of `shape` with per-element bounds (flattened, row-major).
    Box {
        /// Tensor shape of one observation.
        shape: Vec<usize>,
        /// Lower bounds, one per element.
        low: Vec<f32>,
        /// Upper bounds, one per element.
        high: Vec<f32>,
        /// Element type.
        dtype: Dtype,
    },
}

impl Space {
    /// Number of discrete values, or `None` for a box.
    pub fn n(&self) -> Option<usize> {
        match self {
            Space::Discrete { n } => Some(*n),
            Space::Box { .. } => None,
        }
    }

    /// Shape of one element: `[]` for a discrete space.
    pub fn shape(&self) -> &[usize] {
        match self {
            Space::Discrete { .. } => &[],
            Space::Box { shape, .. } => shape,
        }
    }

    /// Number of scalars in one element (1 for a discrete space).
    pub fn flat_dim(&self) -> usize {
        match self {
            Space::Discrete { .. } => 1,
            Space::Box { shape, .. } => shape.iter().product(),
        }
    }

    /// Whether `action` is a member of this (discrete) space.
    pub fn contains_action(&self, action: usize) -> bool {
        matches!(self, Space::Discrete { n } if action < *n)
    }

    /// A short human description, like Gymnasium's repr: `Discrete(2)`, `Box(-inf, inf, (4,), f32)`.
    pub fn describe(&self) -> String {
        match self {
            Space::Discrete { n } => format!("Discrete({n})"),
            Space::Box { shape, dtype, .. } => {
                let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
                format!("Box({}, {:?})", dims.join("x"), dtype)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discrete_contains_only_its_range() {
        let s = Space::Discrete { n: 3 };
        assert!(s.contains_action(0) && s.contains_action(2));
        assert!(!s.contains_action(3));
        assert_eq!(s.flat_dim(), 1);
        assert_eq!(s.describe(), "Discrete(3)");
    }

    #[test]
    fn box_flat_dim_is_product_of_shape() {
        let s = Space::Box { shape: vec![3, 4], low: vec![0.0; 12], high: vec![1.0; 12], dtype: Dtype::U8 };
        assert_eq!(s.flat_dim(), 12);
        assert!(!s.contains_action(0));
    }
}
