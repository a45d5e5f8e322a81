//! The window of the last episodes' returns (Lapan's and Gymnasium's "mean of the last 100").

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The returns of the last `size` episodes and their mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeWindow {
    size: usize,
    returns: VecDeque<f64>,
}

impl Default for EpisodeWindow {
    fn default() -> Self {
        Self::new(100)
    }
}

impl EpisodeWindow {
    /// An empty window of `size` episodes.
    pub fn new(size: usize) -> Self {
        Self { size: size.max(1), returns: VecDeque::new() }
    }

    /// Adds a finished episode's return, dropping the oldest beyond the window.
    pub fn push(&mut self, ret: f64) {
        self.returns.push_back(ret);
        if self.returns.len() > self.size {
            self.returns.pop_front();
        }
    }

    /// Episodes in the window.
    pub fn len(&self) -> usize {
        self.returns.len()
    }

    /// Whether no episode has finished.
    pub fn is_empty(&self) -> bool {
        self.returns.is_empty()
    }

    /// Whether the window holds `size` episodes.
    pub fn is_full(&self) -> bool {
        self.returns.len() >= self.size
    }

    /// Mean return of the window (NaN when empty).
    pub fn mean(&self) -> f64 {
        self.returns.iter().sum::<f64>() / self.returns.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_episodes() {
        let mut w = EpisodeWindow::new(3);
        assert!(w.mean().is_nan());
        for r in [1.0, 2.0, 3.0, 10.0] {
            w.push(r);
        }
        assert_eq!(w.len(), 3);
        assert!(w.is_full());
        assert_eq!(w.mean(), 5.0);
    }
}
