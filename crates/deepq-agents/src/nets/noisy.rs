//! Noisy linear layers with factorised Gaussian noise (Fortunato et al. 2018, "Noisy Networks for
//! Exploration"): `y = x (W_mu + W_sigma . eps_w) + b_mu + b_sigma . eps_b`, with
//! `eps_w[i][j] = f(e_in[i]) f(e_out[j])`, `eps_b = f(e_out)` and `f(x) = sign(x) sqrt(|x|)`
//! for independent standard normal `e_in`, `e_out`. The means are the layer's ordinary
//! [`Linear`] weights (initialised uniform in `+-1/sqrt(fan_in)`, the paper's choice), the
//! sigmas start at `sigma0 / sqrt(fan_in)`.
//!
//! The noise is an input of the forward pass, not state of the module: the learner samples
//! fresh noise for acting and for each update, and evaluation passes none (the mean weights).

use burn::module::{Module, Param};
use burn::nn::Linear;
use burn::prelude::*;
use rand::Rng;
use rand_distr::StandardNormal;

/// The learnable noise scales of one noisy linear layer (burn's `[in, out]` weight layout).
#[derive(Module, Debug)]
pub struct NoiseScale {
    /// `W_sigma`, `[in, out]`.
    pub weight: Param<Tensor<2>>,
    /// `b_sigma`, `[out]`.
    pub bias: Param<Tensor<1>>,
}

impl NoiseScale {
    /// Scales for a layer of `fan_in` inputs and `fan_out` outputs, all `sigma0 / sqrt(fan_in)`.
    pub fn new(fan_in: usize, fan_out: usize, sigma0: f64, device: &Device) -> Self {
        let v = sigma0 / (fan_in as f64).sqrt();
        Self {
            weight: Param::from_tensor(Tensor::<2>::full([fan_in, fan_out], v, device)),
            bias: Param::from_tensor(Tensor::<1>::full([fan_out], v, device)),
        }
    }

    /// `[in, out]` of the layer.
    pub fn dims(&self) -> [usize; 2] {
        self.weight.dims()
    }
}

/// One factorised noise sample of a layer: `f(e_in)` and `f(e_out)`.
#[derive(Debug, Clone)]
pub struct LayerNoise {
    /// `f(e_in)`, `[in]`.
    pub input: Tensor<1>,
    /// `f(e_out)`, `[out]`.
    pub output: Tensor<1>,
}

/// `f(x) = sign(x) sqrt(|x|)`, the paper's scaling of factorised noise.
pub fn scale_noise(x: f32) -> f32 {
    x.signum() * x.abs().sqrt()
}

impl LayerNoise {
    /// The same sample on another device.
    pub fn to_device(&self, device: &Device) -> Self {
        Self { input: self.input.clone().to_device(device), output: self.output.clone().to_device(device) }
    }

    /// A fresh sample for a layer of `[fan_in, fan_out]`, on `device`.
    pub fn sample<R: Rng>(dims: [usize; 2], rng: &mut R, device: &Device) -> Self {
        let mut draw = |n: usize| -> Vec<f32> { (0..n).map(|_| scale_noise(rng.sample(StandardNormal))).collect() };
        let (i, o) = (draw(dims[0]), draw(dims[1]));
        Self {
            input: Tensor::<1>::from_data(TensorData::new(i, [dims[0]]), device),
            output: Tensor::<1>::from_data(TensorData::new(o, [dims[1]]), device),
        }
    }
}

/// `linear(x)` with the factorised noise `noise` scaled by `scale` added to its weights and bias.
/// Computed without forming the `[in, out]` noise matrix:
/// `x W_eps = ((x . f(e_in)) W_sigma) . f(e_out)`.
pub fn noisy_forward(linear: &Linear, scale: &NoiseScale, noise: &LayerNoise, x: Tensor<2>) -> Tensor<2> {
    let mean = linear.forward(x.clone());
    let fin = noise.input.clone().unsqueeze_dim::<2>(0);
    let fout = noise.output.clone().unsqueeze_dim::<2>(0);
    let perturb = (x * fin).matmul(scale.weight.val()) * fout.clone();
    let bias = (scale.bias.val().unsqueeze_dim::<2>(0)) * fout;
    mean + perturb + bias
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::nn::LinearConfig;

    #[test]
    fn factorised_forward_equals_the_explicit_noisy_weights() {
        let d = Device::flex();
        let linear = LinearConfig::new(3, 2).init(&d);
        let scale = NoiseScale::new(3, 2, 0.5, &d);
        let mut rng = crate::util::rng_for(0, 0);
        let noise = LayerNoise::sample([3, 2], &mut rng, &d);
        let x = Tensor::<2>::from_data(TensorData::new(vec![0.5f32, -1.0, 2.0, 1.5, 0.0, -0.5], [2, 3]), &d);
        let got: Vec<f32> =
            noisy_forward(&linear, &scale, &noise, x.clone()).into_data().try_into_vec_as::<f32>().unwrap();
        // Explicit: W = W_mu + W_sigma . outer(f_in, f_out), b = b_mu + b_sigma . f_out.
        let fin: Vec<f32> = noise.input.into_data().try_into_vec_as::<f32>().unwrap();
        let fout: Vec<f32> = noise.output.into_data().try_into_vec_as::<f32>().unwrap();
        let wmu: Vec<f32> = linear.weight.val().into_data().try_into_vec_as::<f32>().unwrap();
        let bmu: Vec<f32> = linear.bias.as_ref().unwrap().val().into_data().try_into_vec_as::<f32>().unwrap();
        let sig = 0.5 / 3f32.sqrt();
        let xs: Vec<f32> = x.into_data().try_into_vec_as::<f32>().unwrap();
        for row in 0..2 {
            for j in 0..2 {
                let mut y = bmu[j] + sig * fout[j];
                for i in 0..3 {
                    y += xs[row * 3 + i] * (wmu[i * 2 + j] + sig * fin[i] * fout[j]);
                }
                assert!((got[row * 2 + j] - y).abs() < 1e-5, "{got:?} vs {y}");
            }
        }
    }

    #[test]
    fn sigma_starts_at_sigma0_over_sqrt_fan_in_and_noise_is_scaled() {
        let d = Device::flex();
        let s = NoiseScale::new(16, 4, 0.5, &d);
        let w: Vec<f32> = s.weight.val().into_data().try_into_vec_as::<f32>().unwrap();
        assert!(w.iter().all(|v| (v - 0.125).abs() < 1e-7));
        assert_eq!(scale_noise(4.0), 2.0);
        assert_eq!(scale_noise(-0.25), -0.5);
        // The sampled factors have the distribution of sign(e) sqrt|e|: E[f^2] = E|e| = sqrt(2/pi).
        let mut rng = crate::util::rng_for(1, 0);
        let n = LayerNoise::sample([20_000, 1], &mut rng, &d);
        let v: Vec<f32> = n.input.into_data().try_into_vec_as::<f32>().unwrap();
        let m2 = v.iter().map(|x| (x * x) as f64).sum::<f64>() / v.len() as f64;
        assert!((m2 - (2.0 / std::f64::consts::PI).sqrt()).abs() < 0.02, "E[f^2] = {m2}");
    }
}
