//! What REINFORCE subtracts from the returns-to-go before weighting the log-probabilities:
//! nothing, the batch's own statistics (normalisation), or a learned state value `V(s)`.

use crate::nets::{NetSpec, QNetwork};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The baseline of REINFORCE (`reinforce.baseline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// The raw returns-to-go `G_t`.
    None,
    /// The batch's returns shifted and scaled to mean 0 and standard deviation 1.
    #[default]
    Normalize,
    /// `G_t - V(s_t)` with a separate MLP `V` fitted to the returns by mean squared error.
    Value,
}

const NAMES: &[&str] = &["none", "normalize", "value"];

/// Reads `"none" | "normalize" | "value"`, and the booleans of the former key
/// `normalize_returns` (true: `normalize`, false: `none`) so older configs still load.
impl<'de> Deserialize<'de> for Baseline {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Baseline;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("one of \"none\", \"normalize\", \"value\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Baseline, E> {
                Ok(if v { Baseline::Normalize } else { Baseline::None })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Baseline, E> {
                match v {
                    "none" => Ok(Baseline::None),
                    "normalize" => Ok(Baseline::Normalize),
                    "value" => Ok(Baseline::Value),
                    other => Err(E::unknown_variant(other, NAMES)),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A learned state-value baseline: an MLP `V(s)` with one output, trained by Adam on the mean
/// squared error to the returns-to-go, with its own learning rate.
pub struct ValueBaseline {
    /// Always `Some` between calls (taken by the optimiser step).
    net: Option<QNetwork>,
    optim: ModuleOptimizer,
    lr: f64,
    obs_dim: usize,
}

impl ValueBaseline {
    /// A fresh `V` for `obs_dim` features with `hidden` layers, initialised on `train` (an
    /// autodiff device).
    pub fn new(obs_dim: usize, hidden: &[usize], lr: f64, train: &Device) -> Self {
        let net = NetSpec::mlp(obs_dim, 1, hidden, false).init(train);
        Self { net: Some(net), optim: AdamConfig::new().init(), lr, obs_dim }
    }

    /// `V(s)` of each row of `features` (`n * obs_dim` values), computed on `device`
    /// (without gradients).
    pub fn predict(&self, features: &[f32], device: &Device) -> Vec<f32> {
        let n = features.len() / self.obs_dim;
        let x = Tensor::<2>::from_data(TensorData::new(features.to_vec(), [n, self.obs_dim]), device);
        self.net().valid().forward(x).into_data().try_into_vec_as::<f32>().expect("f32 values")
    }

    /// One Adam step on `mean((V(s) - target)^2)` over the rows of `features`, on `train`;
    /// returns the loss before the step.
    pub fn fit(&mut self, features: &[f32], targets: &[f32], train: &Device) -> f64 {
        let n = targets.len();
        let x = Tensor::<2>::from_data(TensorData::new(features.to_vec(), [n, self.obs_dim]), train);
        let y = Tensor::<1>::from_data(TensorData::new(targets.to_vec(), [n]), train);
        let v = self.net().forward(x).squeeze_dim::<1>(1);
        let loss = (v - y).powi_scalar(2).mean();
        let grads = GradientsParams::from_grads(loss.backward(), self.net());
        let value = loss.into_scalar::<f32>() as f64;
        let net = self.net.take().expect("the value network");
        self.net = Some(self.optim.step(self.lr, net, grads));
        value
    }

    fn net(&self) -> &QNetwork {
        self.net.as_ref().expect("the value network")
    }
}

/// `targets[i] - values[i]`: the advantages under a value baseline.
pub fn advantages(targets: &[f32], values: &[f32]) -> Vec<f32> {
    targets.iter().zip(values).map(|(g, v)| g - v).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::Devices;
    use crate::util::rng_for;
    use rand::Rng;

    fn variance(v: &[f32]) -> f32 {
        let mean = v.iter().sum::<f32>() / v.len() as f32;
        v.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / v.len() as f32
    }

    #[test]
    fn baseline_names_and_the_former_boolean_key() {
        #[derive(Deserialize)]
        struct T {
            b: Baseline,
        }
        let parse = |s: &str| serde_json::from_str::<T>(s).map(|t| t.b);
        assert_eq!(parse(r#"{"b": "value"}"#).unwrap(), Baseline::Value);
        assert_eq!(parse(r#"{"b": "none"}"#).unwrap(), Baseline::None);
        assert_eq!(parse(r#"{"b": true}"#).unwrap(), Baseline::Normalize);
        assert_eq!(parse(r#"{"b": false}"#).unwrap(), Baseline::None);
        assert_eq!(serde_json::to_string(&Baseline::Value).unwrap(), "\"value\"");
        let e = parse(r#"{"b": "critic"}"#).unwrap_err().to_string();
        assert!(e.contains("unknown variant `critic`, expected one of `none`, `normalize`, `value`"), "{e}");
    }

    #[test]
    fn value_baseline_learns_a_constant_return() {
        let dev = Devices::cpu();
        dev.train.seed(0);
        let mut v = ValueBaseline::new(3, &[16], 0.05, &dev.train);
        let mut rng = rng_for(0, 0);
        let x: Vec<f32> = (0..64 * 3).map(|_| rng.random_range(-1.0..1.0)).collect();
        let g = vec![7.0f32; 64];
        for _ in 0..300 {
            v.fit(&x, &g, &dev.train);
        }
        let pred = v.predict(&x, &dev.infer);
        let worst = pred.iter().map(|p| (p - 7.0).abs()).fold(0.0f32, f32::max);
        assert!(worst < 0.1, "V should be 7 everywhere, worst error {worst}");
    }

    #[test]
    fn value_baseline_reduces_the_advantage_variance() {
        // Returns that depend on the state: G = 10 + 4 x0 + small noise.
        let dev = Devices::cpu();
        dev.train.seed(1);
        let mut v = ValueBaseline::new(2, &[32], 0.01, &dev.train);
        let mut rng = rng_for(1, 0);
        let x: Vec<f32> = (0..256 * 2).map(|_| rng.random_range(-1.0..1.0)).collect();
        let g: Vec<f32> = x.chunks(2).map(|s| 10.0 + 4.0 * s[0] + rng.random_range(-0.1..0.1)).collect();
        for _ in 0..500 {
            v.fit(&x, &g, &dev.train);
        }
        let a = advantages(&g, &v.predict(&x, &dev.infer));
        let (before, after) = (variance(&g), variance(&a));
        assert!(after < 0.05 * before, "advantage variance {after} vs return variance {before}");
    }
}
