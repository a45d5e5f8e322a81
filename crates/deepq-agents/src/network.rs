//! Q-networks on burn: optional convolutional layers (with optional BatchNorm) for image
//! observations, then an MLP with configurable hidden sizes and an optional dueling head,
//! plus the parameter plumbing every learner needs (named export for safetensors, loading,
//! Polyak averaging).

use crate::checkpoint::Tensor as StoredTensor;
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::{BatchNorm, BatchNormConfig, Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One convolution: `[output channels, kernel size, stride]` (square kernel, no padding).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConvSpec(pub usize, pub usize, pub usize);

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
        }
    }

    /// Checks that the convolutions fit the input, returning the flattened feature size.
    pub fn features(&self) -> Result<usize, String> {
        if self.conv.is_empty() {
            return Ok(self.obs_dim);
        }
        let [c, mut h, mut w] = self.input_shape[..] else {
            return Err(format!(
                "a convolutional network needs an image observation [channels, height, width], got shape {:?}",
                self.input_shape
            ));
        };
        if c * h * w != self.obs_dim {
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

    /// Builds a freshly initialised network on `device` (PyTorch's default init for linear
    /// layers: weights and biases uniform in `+-1/sqrt(fan_in)`). Panics if the spec is
    /// inconsistent; call [`NetSpec::features`] first to get an error instead.
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
        let hidden = sizes.windows(2).map(|w| LinearConfig::new(w[0], w[1]).init(device)).collect();
        let last = *sizes.last().expect("sizes has the input");
        QNetwork {
            convs,
            norms,
            input_shape: self.input_shape.clone(),
            hidden,
            head: LinearConfig::new(last, self.n_actions).init(device),
            value: self.dueling.then(|| LinearConfig::new(last, 1).init(device)),
        }
    }
}

/// A Q-network: optional convolutions (+BatchNorm), an MLP, and a plain or dueling head.
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
    /// Q-values, or advantages when dueling.
    pub head: Linear,
    /// State-value stream of a dueling network.
    pub value: Option<Linear>,
}

impl QNetwork {
    /// Q-values `[batch, n_actions]` of flattened observations `[batch, obs_dim]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let mut h = x;
        if !self.convs.is_empty() {
            let [batch, _] = h.dims();
            let [c, height, width] = self.input_shape[..] else { unreachable!("checked by NetSpec::features") };
            let mut img = h.reshape([batch, c, height, width]);
            for (i, conv) in self.convs.iter().enumerate() {
                img = conv_forward(conv, img);
                if let Some(norm) = self.norms.get(i) {
                    img = norm.forward(img);
                }
                img = relu(img);
            }
            h = img.flatten(1, 3);
        }
        for layer in &self.hidden {
            h = relu(layer.forward(h));
        }
        match &self.value {
            None => self.head.forward(h),
            Some(value) => dueling_combine(value.forward(h.clone()), self.head.forward(h)),
        }
    }
}

/// Input channels up to which burn flex switches to a direct convolution loop that is ~10x
/// slower than its im2col + gemm path for strided 5x5 kernels at batch sizes of 32-128.
const FLEX_SMALL_CHANNEL_LIMIT: usize = 4;
/// Output channels up to which that slow loop is chosen.
const FLEX_SMALL_CHANNEL_OUT_LIMIT: usize = 16;

/// `conv.forward(img)`, computed through the gemm path for few-channel inputs (RGB screens):
/// the input and the weight are zero-padded to `FLEX_SMALL_CHANNEL_LIMIT + 1` channels, which
/// leaves the result and the weight gradient unchanged (the extra channels are zeros).
/// Measured on the tutorial CNN update (3x40x90, batch 128): 250 ms -> 200 ms (BENCHMARKS.md).
fn conv_forward(conv: &Conv2d, img: Tensor<4>) -> Tensor<4> {
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

/// Every float parameter of `module`: its dotted path, its id and, when `with_values`, its
/// values as a stored tensor.
fn collect_params<M: Module>(module: &M, with_values: bool) -> Vec<(String, u64, Option<StoredTensor>)> {
    struct Collect {
        path: Vec<String>,
        with_values: bool,
        out: Vec<(String, u64, Option<StoredTensor>)>,
    }
    impl ModuleVisitor for Collect {
        fn enter_module(&mut self, name: &str, _container: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let stored = self.with_values.then(|| {
                let t = param.val();
                let shape = t.dims().to_vec();
                let values: Vec<f32> = t.into_data().try_into_vec_as::<f32>().expect("f32 data");
                StoredTensor::f32(shape, &values)
            });
            self.out.push((self.path.join("."), param.id.val(), stored));
        }
    }
    let mut c = Collect { path: Vec::new(), with_values, out: Vec::new() };
    module.visit(&mut c);
    c.out
}

/// The [`ParamId`](burn::module::ParamId) of every float parameter by its dotted path (optimizer
/// state is keyed by these ids, so a resumed run restores them).
pub fn param_ids<M: Module>(module: &M) -> Vec<(String, u64)> {
    collect_params(module, false).into_iter().map(|(path, id, _)| (path, id)).collect()
}

/// Every float parameter of `module` by its dotted path (`hidden.0.weight`, `head.bias`, ...),
/// as stored tensors (f32, burn's layout: linear weights are `[in, out]`).
pub fn named_params<M: Module>(module: &M) -> Vec<(String, StoredTensor)> {
    collect_params(module, true).into_iter().map(|(path, _, t)| (path, t.expect("values collected"))).collect()
}

/// Replaces every float parameter of `module` with the stored tensor of the same path
/// (`prefix` + path). Errors name a missing tensor or a shape mismatch.
pub fn load_params<M: Module>(module: M, tensors: &HashMap<String, StoredTensor>, prefix: &str) -> Result<M, String> {
    load_params_with_ids(module, tensors, prefix, None)
}

/// Like [`load_params`], and when `ids` is given also restores each parameter's id (by path).
pub fn load_params_with_ids<M: Module>(
    module: M,
    tensors: &HashMap<String, StoredTensor>,
    prefix: &str,
    ids: Option<&HashMap<String, u64>>,
) -> Result<M, String> {
    struct Load<'a> {
        path: Vec<String>,
        prefix: &'a str,
        tensors: &'a HashMap<String, StoredTensor>,
        ids: Option<&'a HashMap<String, u64>>,
        error: Option<String>,
    }
    impl ModuleMapper for Load<'_> {
        fn enter_module(&mut self, name: &str, _container: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container: &str) {
            self.path.pop();
        }
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let name = format!("{}{}", self.prefix, self.path.join("."));
            let Some(stored) = self.tensors.get(&name) else {
                self.error.get_or_insert(format!("tensor '{name}' is missing"));
                return param;
            };
            let expected = param.val().dims().to_vec();
            if stored.shape != expected {
                self.error.get_or_insert(format!(
                    "tensor '{name}' has shape {:?} but the network expects {:?} (different architecture?)",
                    stored.shape, expected
                ));
                return param;
            }
            let values = stored.to_f32();
            let restored_id = self.ids.and_then(|ids| ids.get(&self.path.join(".")).copied());
            let (id, old, mapper) = param.consume();
            let t = Tensor::<D>::from_data(TensorData::new(values, expected), &old.device());
            let t = if old.is_require_grad() { t.require_grad() } else { t };
            let id = restored_id.map(ParamId::from).unwrap_or(id);
            Param::from_mapped_value(id, t, mapper)
        }
    }
    let mut loader = Load { path: Vec::new(), prefix, tensors, ids, error: None };
    let module = module.map(&mut loader);
    match loader.error {
        Some(e) => Err(e),
        None => Ok(module),
    }
}

/// Polyak averaging: `target <- tau * online + (1 - tau) * target`, parameter by parameter.
/// `online` must have the same architecture (typically `online_model.valid()`).
pub fn soft_update<M: Module>(target: M, online: &M, tau: f64) -> M {
    struct Flatten {
        out: Vec<Tensor<1>>,
    }
    impl ModuleVisitor for Flatten {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.out.push(param.val().flatten(0, D - 1));
        }
    }
    struct Blend {
        sources: std::vec::IntoIter<Tensor<1>>,
        tau: f64,
    }
    impl ModuleMapper for Blend {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let src = self.sources.next().expect("online and target have the same parameters");
            let tau = self.tau;
            param.map(|t| {
                let shape = t.dims();
                t.mul_scalar(1.0 - tau) + src.reshape(shape).mul_scalar(tau)
            })
        }
    }
    let mut flat = Flatten { out: Vec::new() };
    online.visit(&mut flat);
    target.map(&mut Blend { sources: flat.out.into_iter(), tau })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let fast = conv_forward(&conv, x.clone());
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
