//! Q-networks on burn: a trunk (optional convolutions with optional BatchNorm for image
//! observations, then hidden fully connected layers) and a head ([`QHead`]: scalar, dueling,
//! distributional or dueling-distributional), each fully connected layer optionally noisy
//! ([`noisy`]). [`params`] holds the parameter plumbing (named export, loading, Polyak
//! averaging) and [`distributional`] the C51 support and projection.

pub mod conv;
pub mod dense;
pub mod distributional;
mod flex_kernels;
pub mod noisy;
pub mod params;

pub use distributional::Support;
pub use params::{load_params, load_params_with_ids, named_params, param_ids, soft_update, with_path_ids};

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, softmax};
use noisy::{noisy_forward, LayerNoise, NoiseScale};
use rand::Rng;
use serde::{Deserialize, Serialize};

/// One convolution: `[output channels, kernel size, stride]` (square kernel, no padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvSpec(pub usize, pub usize, pub usize);

/// What the network's head computes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QHead {
    /// One linear layer of Q-values.
    Scalar,
    /// `Q = V + A - mean_a A` (Wang et al. 2016).
    Dueling,
    /// A categorical return distribution per action (C51).
    Distributional(Support),
    /// Dueling streams of atom logits: `logits = V + A - mean_a A`, per atom.
    DuelingDistributional(Support),
}

impl QHead {
    /// The support of a distributional head.
    pub fn support(&self) -> Option<Support> {
        match *self {
            QHead::Distributional(s) | QHead::DuelingDistributional(s) => Some(s),
            _ => None,
        }
    }
}

/// The shape of a Q-network (stored in checkpoints so `eval`/`play` can rebuild it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetSpec {
    /// Input features (the product of `input_shape` for image inputs).
    pub obs_dim: usize,
    /// Output Q-values (one per action).
    pub n_actions: usize,
    /// Hidden layer widths (ReLU after each).
    pub hidden: Vec<usize>,
    /// Dueling head: `Q = V + A - mean(A)`.
    pub dueling: bool,
    /// `[channels, height, width]` of image inputs (needed when `conv` is not empty).
    #[serde(default)]
    pub input_shape: Vec<usize>,
    /// Convolutions before the MLP, each followed by (BatchNorm and) ReLU.
    #[serde(default)]
    pub conv: Vec<ConvSpec>,
    /// BatchNorm after each convolution (the PyTorch DQN tutorial's network).
    #[serde(default)]
    pub batch_norm: bool,
    /// A categorical return distribution per action (C51) on this support; `None`: scalar Q.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distributional: Option<Support>,
    /// Noisy fully connected layers with this initial `sigma0` (`None`: ordinary layers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noisy_sigma0: Option<f64>,
}

impl NetSpec {
    /// An MLP spec.
    pub fn mlp(obs_dim: usize, n_actions: usize, hidden: &[usize], dueling: bool) -> Self {
        Self {
            obs_dim,
            n_actions,
            hidden: hidden.to_vec(),
            dueling,
            input_shape: vec![],
            conv: vec![],
            batch_norm: false,
            distributional: None,
            noisy_sigma0: None,
        }
    }

    /// The head this spec builds.
    pub fn head(&self) -> QHead {
        match (self.dueling, self.distributional) {
            (false, None) => QHead::Scalar,
            (true, None) => QHead::Dueling,
            (false, Some(s)) => QHead::Distributional(s),
            (true, Some(s)) => QHead::DuelingDistributional(s),
        }
    }

    /// Outputs per action (atoms of a distributional head, else 1).
    pub fn atoms(&self) -> usize {
        self.distributional.map_or(1, |s| s.atoms)
    }

    /// Checks that the convolutions fit the input, returning the flattened feature size.
    pub fn features(&self) -> Result<usize, String> {
        if self.n_actions == 0 || self.obs_dim == 0 {
            return Err(format!("a network needs inputs and actions, got {} and {}", self.obs_dim, self.n_actions));
        }
        if self.hidden.contains(&0) {
            return Err("hidden layer sizes must be positive".into());
        }
        if let Some(s) = self.distributional {
            s.validate()?;
        }
        if let Some(s) = self.noisy_sigma0 {
            if !(s >= 0.0 && s.is_finite()) {
                return Err(format!("noisy sigma0 must be a finite number >= 0, got {s}"));
            }
        }
        if self.conv.is_empty() {
            return Ok(self.obs_dim);
        }
        let [c, mut h, mut w] = self.input_shape[..] else {
            return Err(format!(
                "a convolutional network needs an image observation [channels, height, width], got shape {:?}",
                self.input_shape
            ));
        };
        if c.checked_mul(h).and_then(|x| x.checked_mul(w)) != Some(self.obs_dim) {
            return Err(format!("input shape {:?} does not have {} elements", self.input_shape, self.obs_dim));
        }
        let mut channels = c;
        for (i, ConvSpec(out, k, s)) in self.conv.iter().copied().enumerate() {
            if out == 0 || k == 0 || s == 0 {
                return Err(format!("convolution {i} has a zero channel count, kernel or stride"));
            }
            if h < k || w < k {
                return Err(format!("convolution {i} (kernel {k}) does not fit its {h}x{w} input"));
            }
            h = (h - k) / s + 1;
            w = (w - k) / s + 1;
            channels = out;
        }
        Ok(channels * h * w)
    }

    /// The number of weights of the fully connected layers (the hidden layers and the head,
    /// doubled for noisy layers), which is where a mistyped width makes a network too large to
    /// allocate; the convolutions' few weights are left out.
    pub fn dense_params(&self) -> Result<u128, String> {
        let mut inputs = self.features()? as u128;
        let mut params = 0u128;
        for &h in &self.hidden {
            params += (inputs + 1) * h as u128;
            inputs = h as u128;
        }
        let outputs = (self.n_actions * self.atoms()) as u128 + if self.dueling { self.atoms() as u128 } else { 0 };
        params += (inputs + 1) * outputs;
        Ok(if self.noisy_sigma0.is_some() { 2 * params } else { params })
    }

    /// Builds a freshly initialised network on `device` (PyTorch's default init for linear
    /// layers: weights and biases uniform in `+-1/sqrt(fan_in)`; noise scales
    /// `sigma0 / sqrt(fan_in)`). Panics if the spec is inconsistent; call [`NetSpec::features`]
    /// first to get an error instead.
    pub fn init(&self, device: &Device) -> QNetwork {
        let features = self.features().expect("a consistent network spec");
        let mut in_channels = self.input_shape.first().copied().unwrap_or(0);
        let mut convs = Vec::new();
        let mut norms = Vec::new();
        for ConvSpec(out, k, s) in self.conv.iter().copied() {
            convs.push(Conv2dConfig::new([in_channels, out], [k, k]).with_stride([s, s]).init(device));
            if self.batch_norm {
                norms.push(BatchNormConfig::new(out).init(device));
            }
            in_channels = out;
        }
        let mut sizes = vec![features];
        sizes.extend(&self.hidden);
        let hidden: Vec<Linear> = sizes.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect();
        let last = *sizes.last().expect("sizes has the input");
        let atoms = self.atoms();
        let head = LinearConfig::new(last, self.n_actions * atoms).init(device);
        let value = self.dueling.then(|| LinearConfig::new(last, atoms).init(device));
        let noise = self.noisy_sigma0.map(|sigma0| {
            let scale = |l: &Linear| {
                let [i, o] = l.weight.dims();
                NoiseScale::new(i, o, sigma0, device)
            };
            NoiseScales {
                hidden: hidden.iter().map(scale).collect(),
                head: scale(&head),
                value: value.as_ref().map(scale),
            }
        });
        let support = self.distributional.map(|s| s.values()).unwrap_or_default();
        QNetwork { convs, norms, input_shape: self.input_shape.clone(), hidden, head, value, noise, atoms, support }
    }
}

/// The noise scales of a noisy network's fully connected layers.
#[derive(Module, Debug)]
pub struct NoiseScales {
    /// One per hidden layer.
    pub hidden: Vec<NoiseScale>,
    /// The head (Q-values, advantages or atom logits).
    pub head: NoiseScale,
    /// The value stream of a dueling head.
    pub value: Option<NoiseScale>,
}

/// One noise sample for every noisy layer of a network (see [`QNetwork::sample_noise`]).
#[derive(Debug, Clone)]
pub struct NetNoise {
    hidden: Vec<LayerNoise>,
    head: LayerNoise,
    value: Option<LayerNoise>,
}

impl NetNoise {
    /// The same sample on another device (the inference copy of an autodiff network).
    pub fn to_device(&self, device: &Device) -> Self {
        Self {
            hidden: self.hidden.iter().map(|n| n.to_device(device)).collect(),
            head: self.head.to_device(device),
            value: self.value.as_ref().map(|n| n.to_device(device)),
        }
    }
}

/// A Q-network: optional convolutions (+BatchNorm), an MLP, and one of the [`QHead`]s.
#[derive(Module, Debug)]
pub struct QNetwork {
    /// Convolutions (empty for an MLP).
    pub convs: Vec<Conv2d>,
    /// BatchNorm after each convolution (empty without BatchNorm).
    pub norms: Vec<BatchNorm>,
    /// `[channels, height, width]` of image inputs.
    pub input_shape: Vec<usize>,
    /// Hidden layers, each followed by ReLU.
    pub hidden: Vec<Linear>,
    /// Q-values, advantages, or atom logits (`n_actions * atoms` outputs).
    pub head: Linear,
    /// State-value stream of a dueling network (`atoms` outputs).
    pub value: Option<Linear>,
    /// Noise scales of a noisy network.
    pub noise: Option<NoiseScales>,
    /// Atoms per action (1 for scalar heads).
    pub atoms: usize,
    /// Atom values of a distributional head (empty otherwise).
    pub support: Vec<f32>,
}

impl QNetwork {
    /// Q-values `[batch, n_actions]` of flattened observations `[batch, obs_dim]`, with the mean
    /// weights of noisy layers (evaluation, `deepq eval`/`play`). For a distributional head, the
    /// expectation of each action's distribution.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.q_values(x, None)
    }

    /// Whether the fully connected layers are noisy.
    pub fn is_noisy(&self) -> bool {
        self.noise.is_some()
    }

    /// Whether the head is distributional.
    pub fn is_distributional(&self) -> bool {
        self.atoms > 1
    }

    /// A fresh noise sample for every noisy layer (`None` for an ordinary network).
    pub fn sample_noise<R: Rng>(&self, rng: &mut R) -> Option<NetNoise> {
        let scales = self.noise.as_ref()?;
        let device = self.head.weight.val().device();
        let mut draw = |s: &NoiseScale| LayerNoise::sample(s.dims(), rng, &device);
        Some(NetNoise {
            hidden: scales.hidden.iter().map(&mut draw).collect(),
            head: draw(&scales.head),
            value: scales.value.as_ref().map(&mut draw),
        })
    }

    /// Q-values `[batch, n_actions]` with the given noise sample (`None`: mean weights).
    pub fn q_values(&self, x: Tensor<2>, noise: Option<&NetNoise>) -> Tensor<2> {
        if self.atoms == 1 {
            let h = self.trunk(x, noise);
            let head = self.fc(&self.head, |s| &s.head, |n| &n.head, noise, h.clone(), false);
            return match &self.value {
                None => head,
                Some(value) => dueling_combine(self.value_stream(value, noise, h), head),
            };
        }
        let probs = softmax(self.logits(x, noise), 2);
        let [b, a, n] = probs.dims();
        let z = Tensor::<1>::from_data(TensorData::new(self.support.clone(), [n]), &probs.device()).reshape([1, 1, n]);
        (probs * z).sum_dim(2).reshape([b, a])
    }

    /// Atom logits `[batch, n_actions, atoms]` of a distributional head (softmax over the last
    /// axis gives the probabilities). Panics for scalar heads.
    pub fn logits(&self, x: Tensor<2>, noise: Option<&NetNoise>) -> Tensor<3> {
        assert!(self.atoms > 1, "logits need a distributional head");
        let h = self.trunk(x, noise);
        let [b, _] = h.dims();
        let n = self.atoms;
        let adv = self.fc(&self.head, |s| &s.head, |n| &n.head, noise, h.clone(), false);
        let actions = adv.dims()[1] / n;
        let adv = adv.reshape([b, actions, n]);
        match &self.value {
            None => adv,
            Some(value) => {
                let v = self.value_stream(value, noise, h);
                let mean = adv.clone().mean_dim(1);
                v.reshape([b, 1, n]) + adv - mean
            }
        }
    }

    /// The state-value stream of a dueling head.
    fn value_stream(&self, value: &Linear, noise: Option<&NetNoise>, h: Tensor<2>) -> Tensor<2> {
        fn scale(s: &NoiseScales) -> &NoiseScale {
            s.value.as_ref().expect("a noisy dueling network has value noise scales")
        }
        fn sample(n: &NetNoise) -> &LayerNoise {
            n.value.as_ref().expect("a noise sample of a dueling network has value noise")
        }
        self.fc(value, scale, sample, noise, h, false)
    }

    /// The features after the convolutions and hidden layers.
    fn trunk(&self, x: Tensor<2>, noise: Option<&NetNoise>) -> Tensor<2> {
        let mut h = x;
        if !self.convs.is_empty() {
            let [batch, _] = h.dims();
            let [c, height, width] = self.input_shape[..] else { unreachable!("checked by NetSpec::features") };
            let mut img = h.reshape([batch, c, height, width]);
            for (i, conv) in self.convs.iter().enumerate() {
                img = match self.norms.get(i) {
                    Some(norm) => relu(norm.forward(conv_forward(conv, img, false))),
                    None => conv_forward(conv, img, true),
                };
            }
            h = img.flatten(1, 3);
        }
        for (i, layer) in self.hidden.iter().enumerate() {
            h = self.fc(layer, |s| &s.hidden[i], |n| &n.hidden[i], noise, h, true);
        }
        h
    }

    /// One fully connected layer (followed by a ReLU when `relu`), noisy when the network is
    /// noisy and noise is given.
    #[allow(clippy::too_many_arguments)]
    fn fc(
        &self,
        layer: &Linear,
        scale: impl Fn(&NoiseScales) -> &NoiseScale,
        sample: impl Fn(&NetNoise) -> &LayerNoise,
        noise: Option<&NetNoise>,
        x: Tensor<2>,
        relu: bool,
    ) -> Tensor<2> {
        let out = match (&self.noise, noise) {
            (Some(scales), Some(n)) => noisy_forward(layer, scale(scales), sample(n), x),
            _ => return linear_forward(layer, x, relu),
        };
        relu_if(out, relu)
    }
}

/// Input channels up to which burn flex switches to a direct convolution loop that is ~10x
/// slower than its im2col + gemm path for strided 5x5 kernels at batch sizes of 32-128.
const FLEX_SMALL_CHANNEL_LIMIT: usize = 4;
/// Output channels up to which that slow loop is chosen.
const FLEX_SMALL_CHANNEL_OUT_LIMIT: usize = 16;

/// `max(x, 0)` when `relu`, else `x`.
fn relu_if<const D: usize>(x: Tensor<D>, relu: bool) -> Tensor<D> {
    if relu {
        burn::tensor::activation::relu(x)
    } else {
        x
    }
}

/// `layer.forward(x)`, followed by a ReLU when `relu`: on the CPU (burn's flex backend) the
/// fused [`dense::dense`] (bias and ReLU in one pass, large products on both cores, no
/// gradient for the observation; BENCHMARKS.md, "Speed"), elsewhere burn's.
fn linear_forward(layer: &Linear, x: Tensor<2>, relu: bool) -> Tensor<2> {
    if let Some(bias) = &layer.bias {
        let (weight, bias) = (layer.weight.val(), bias.val());
        if dense::applies(&x, &weight, &bias) {
            return dense::dense(x, weight, bias, relu);
        }
    }
    let out = layer.forward(x);
    relu_if(out, relu)
}

/// `conv.forward(img)`, followed by a ReLU when `relu`.
///
/// On the CPU (burn's flex backend, with or without autodiff) the convolutions of these
/// networks (square kernel, no padding, bias) run as [`conv::conv2d_valid`]: im2col + gemm per
/// group of samples with the bias and ReLU fused in, and a handwritten backward pass that skips
/// the observation's gradient (BENCHMARKS.md, "Speed"). Elsewhere burn's convolution runs,
/// with few-channel inputs (RGB screens) zero-padded to `FLEX_SMALL_CHANNEL_LIMIT + 1`
/// channels, which leaves the result and the weight gradient unchanged and avoids flex's slow
/// direct loop.
fn conv_forward(conv: &Conv2d, img: Tensor<4>, relu: bool) -> Tensor<4> {
    let [_, _, kh, kw] = conv.weight.dims();
    let stride = conv.stride[0];
    let fused = conv.groups == 1
        && conv.stride[1] == stride
        && conv.dilation == [1, 1]
        && kh == kw
        && matches!(conv.padding, burn::nn::PaddingConfig2d::Valid)
        && conv.bias.is_some()
        && conv::applies(&img, &conv.weight.val(), stride);
    if fused {
        let bias = conv.bias.as_ref().expect("checked above").val();
        return conv::conv2d_valid(img, conv.weight.val(), bias, stride, relu);
    }
    let out = burn_conv_forward(conv, img);
    relu_if(out, relu)
}

/// `conv.forward(img)` by burn, routing few-channel inputs around flex's slow direct loop.
fn burn_conv_forward(conv: &Conv2d, img: Tensor<4>) -> Tensor<4> {
    let [batch, channels, height, width] = img.dims();
    let [out_channels, ..] = conv.weight.dims();
    let slow_path = conv.groups == 1
        && channels <= FLEX_SMALL_CHANNEL_LIMIT
        && out_channels <= FLEX_SMALL_CHANNEL_OUT_LIMIT
        && matches!(conv.padding, burn::nn::PaddingConfig2d::Valid);
    if !slow_path {
        return conv.forward(img);
    }
    let extra = FLEX_SMALL_CHANNEL_LIMIT + 1 - channels;
    let device = img.device();
    let [_, _, kh, kw] = conv.weight.dims();
    let img = Tensor::cat(vec![img, Tensor::zeros([batch, extra, height, width], &device)], 1);
    let weight = Tensor::cat(vec![conv.weight.val(), Tensor::zeros([out_channels, extra, kh, kw], &device)], 1);
    let options = burn::tensor::ops::ConvOptions::new(conv.stride, [0, 0], conv.dilation, 1);
    burn::tensor::module::conv2d(img, weight, conv.bias.as_ref().map(|b| b.val()), options)
}

/// Dueling aggregation: `Q = V + A - mean_a(A)` with `V: [batch, 1]`, `A: [batch, n_actions]`.
pub fn dueling_combine(value: Tensor<2>, advantage: Tensor<2>) -> Tensor<2> {
    let mean = advantage.clone().mean_dim(1);
    value + advantage - mean
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn device() -> Device {
        Device::flex()
    }

    fn values(t: Tensor<2>) -> Vec<f32> {
        t.into_data().try_into_vec_as::<f32>().unwrap()
    }

    #[test]
    fn padded_few_channel_convolution_matches_the_plain_one_with_gradients() {
        let d = device().autodiff();
        let conv = Conv2dConfig::new([3, 16], [5, 5]).with_stride([2, 2]).init(&d);
        let n = 2 * 3 * 11 * 13;
        let x = Tensor::<1>::from_data(TensorData::new((0..n).map(|i| (i as f32 * 0.37).sin()).collect(), [n]), &d)
            .reshape([2, 3, 11, 13]);
        let fast = burn_conv_forward(&conv, x.clone());
        let plain = conv.forward(x);
        assert_eq!(fast.dims(), [2, 16, 4, 5]);
        let diff = (fast.clone() - plain.clone()).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-5, "forward differs by {diff}");
        let g_fast = conv.weight.grad(&(fast * 0.5).sum().backward()).unwrap();
        let g_plain = conv.weight.grad(&(plain * 0.5).sum().backward()).unwrap();
        assert_eq!(g_fast.dims(), [16, 3, 5, 5]);
        let gdiff = (g_fast - g_plain).abs().max().into_scalar::<f32>();
        assert!(gdiff < 1e-4, "weight gradient differs by {gdiff}");
    }

    #[test]
    fn dueling_aggregation_subtracts_the_mean_advantage() {
        let d = device();
        let v = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, -2.0], [2, 1]), &d);
        let a = Tensor::<2>::from_data(TensorData::new(vec![1.0f32, 2.0, 3.0, 0.0, 0.0, 6.0], [2, 3]), &d);
        let q = values(dueling_combine(v, a));
        // Row 0: V=1, mean(A)=2 -> [0, 1, 2]; row 1: V=-2, mean(A)=2 -> [-4, -4, 2].
        assert_eq!(q, vec![0.0, 1.0, 2.0, -4.0, -4.0, 2.0]);
    }

    #[test]
    fn network_shapes_and_dueling_identity() {
        let d = device();
        let spec = NetSpec::mlp(4, 3, &[16, 8], true);
        let net = spec.init(&d);
        let x = Tensor::<2>::from_data(TensorData::new(vec![0.1f32; 20], [5, 4]), &d);
        let q = net.forward(x.clone());
        assert_eq!(q.dims(), [5, 3]);
        // mean_a Q(s, a) equals V(s) for a dueling network.
        let mut h = x;
        for l in &net.hidden {
            h = relu(l.forward(h));
        }
        let v = values(net.value.as_ref().unwrap().forward(h));
        let q = values(net.forward(Tensor::from_data(TensorData::new(vec![0.1f32; 20], [5, 4]), &d)));
        for row in 0..5 {
            let mean = q[row * 3..row * 3 + 3].iter().sum::<f32>() / 3.0;
            assert!((mean - v[row]).abs() < 1e-5);
        }
    }

    #[test]
    fn params_roundtrip_by_name_and_reject_other_architectures() {
        let d = device();
        let spec = NetSpec::mlp(4, 2, &[8], false);
        let a = spec.init(&d);
        let b = spec.init(&d);
        let named: HashMap<_, _> = named_params(&a).into_iter().collect();
        let names: Vec<&String> = {
            let mut n: Vec<_> = named.keys().collect();
            n.sort();
            n
        };
        assert_eq!(names, vec!["head.bias", "head.weight", "hidden.0.bias", "hidden.0.weight"]);
        let b = load_params(b, &named, "").unwrap();
        let x = Tensor::<2>::from_data(TensorData::new(vec![0.3f32, -0.2, 0.5, 1.0], [1, 4]), &d);
        assert_eq!(values(a.forward(x.clone())), values(b.forward(x)));
        let other = NetSpec { hidden: vec![16], ..spec.clone() }.init(&d);
        let e = load_params(other, &named, "").unwrap_err();
        assert!(e.contains("shape"), "{e}");
    }

    #[test]
    fn soft_update_blends_parameters() {
        let d = device();
        let spec = NetSpec::mlp(2, 2, &[], false);
        let online = spec.init(&d);
        let target = spec.init(&d);
        let before: HashMap<_, _> = named_params(&target).into_iter().collect();
        let src: HashMap<_, _> = named_params(&online).into_iter().collect();
        let blended = soft_update(target, &online, 0.25);
        for (name, t) in named_params(&blended) {
            let expect: Vec<f32> =
                before[&name].to_f32().iter().zip(src[&name].to_f32()).map(|(t0, s)| 0.75 * t0 + 0.25 * s).collect();
            for (x, y) in t.to_f32().iter().zip(expect) {
                assert!((x - y).abs() < 1e-6, "{name}: {x} vs {y}");
            }
        }
        // tau = 1 is a hard copy.
        let copy = soft_update(blended, &online, 1.0);
        let copied: HashMap<_, _> = named_params(&copy).into_iter().collect();
        for (name, t) in &src {
            assert_eq!(copied[name].to_f32(), t.to_f32());
        }
    }

    fn image_spec(input: [usize; 3], conv: Vec<ConvSpec>, batch_norm: bool) -> NetSpec {
        NetSpec {
            obs_dim: input.iter().product(),
            n_actions: 4,
            hidden: vec![16],
            dueling: false,
            input_shape: input.to_vec(),
            conv,
            batch_norm,
            distributional: None,
            noisy_sigma0: None,
        }
    }

    #[test]
    fn nature_cnn_flattens_to_3136_features() {
        let spec = image_spec([4, 84, 84], vec![ConvSpec(32, 8, 4), ConvSpec(64, 4, 2), ConvSpec(64, 3, 1)], false);
        assert_eq!(spec.features().unwrap(), 64 * 7 * 7);
        let net = spec.init(&device());
        let x = Tensor::<2>::zeros([2, 4 * 84 * 84], &device());
        assert_eq!(net.forward(x).dims(), [2, 4]);
        // The tutorial's network on its 3x40x90 screens.
        let tutorial = image_spec([3, 40, 90], vec![ConvSpec(16, 5, 2), ConvSpec(32, 5, 2), ConvSpec(32, 5, 2)], true);
        assert_eq!(tutorial.features().unwrap(), 32 * 2 * 8);
        let e = image_spec([3, 4, 4], vec![ConvSpec(16, 5, 2)], false).features().unwrap_err();
        assert!(e.contains("does not fit"), "{e}");
        let e = NetSpec { input_shape: vec![], ..spec }.features().unwrap_err();
        assert!(e.contains("image observation"), "{e}");
    }

    #[test]
    fn batch_norm_uses_batch_statistics_in_training_and_running_ones_when_acting() {
        let train_dev = device().autodiff();
        let spec = image_spec([1, 6, 6], vec![ConvSpec(2, 3, 1)], true);
        let net = spec.init(&train_dev);
        let data: Vec<f32> = (0..72).map(|i| (i as f32 * 0.37).sin() * 3.0 + 2.0).collect();
        let x = |dev: &Device| Tensor::<2>::from_data(TensorData::new(data.clone(), [2, 36]), dev);
        // Acting (inference copy) before any training forward: running stats are mean 0, var 1.
        let before = values(net.valid().forward(x(&device())));
        // A training forward normalises with the batch's statistics and moves the running ones.
        let trained = values(net.forward(x(&train_dev)));
        assert_ne!(before, trained, "training mode must use batch statistics");
        let after = values(net.valid().forward(x(&device())));
        assert_ne!(before, after, "the training forward must update the running statistics");
        // Inference is deterministic per sample: a batch of one gives the same row as a batch of two.
        let single = Tensor::<2>::from_data(TensorData::new(data[..36].to_vec(), [1, 36]), &device());
        let one = values(net.valid().forward(single));
        for (a, b) in one.iter().zip(&after[..4]) {
            assert!((a - b).abs() < 1e-5);
        }
        // Running statistics are saved with the parameters.
        let names: Vec<String> = named_params(&net).into_iter().map(|(n, _)| n).collect();
        assert!(names.iter().any(|n| n.ends_with("running_mean")), "{names:?}");
    }
}
