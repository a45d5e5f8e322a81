//! The DQN learner: the online and target networks, the optimizer, and the update rule with
//! its targets. Scalar heads regress `Q(s, a)` on `r + discount * V'(s')` (MSE or Huber);
//! distributional heads minimise the cross-entropy to the projected target distribution
//! (C51). Both weight each row by its importance weight under prioritized replay and return
//! the new priorities (|TD error| for scalar heads, the cross-entropy for C51, as in Rainbow).

use super::config::{DqnConfig, GradClip, OptimizerKind};
use super::td_loss::TdLoss;
use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::common::Devices;
use crate::nets::{
    load_params, load_params_with_ids, soft_update, with_path_ids, NetNoise, NetSpec, QNetwork, Support,
};
use crate::optim::FusedAdam;
use crate::replay::Batch;
use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::{GradientsParams, ModuleOptimizer, RmsPropConfig, SgdConfig};
use burn::prelude::*;
use burn::tensor::activation::{log_softmax, softmax};
use burn::tensor::{Bytes, Int};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::path::Path;

/// Statistics of one gradient update.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateStats {
    /// The loss (weighted by the importance weights under prioritized replay).
    pub loss: f32,
    /// Global L2 norm of the gradients before clipping.
    pub grad_norm: f32,
    /// Mean Q(s, a) of the batch.
    pub mean_q: f32,
    /// New priorities of the batch's rows (empty unless asked for).
    pub priorities: Vec<f32>,
}

/// The online network, its target, the optimizer and the update rule.
pub struct Learner {
    /// The network being trained (on the autodiff device).
    pub online: QNetwork,
    /// The target network (inference device).
    pub target: QNetwork,
    optim: ModuleOptimizer,
    cfg: DqnConfig,
    spec: NetSpec,
    devices: Devices,
    acting: Option<QNetwork>,
    /// Draws the noise of noisy layers (a stream of its own, so other draws are unchanged).
    pub noise_rng: ChaCha8Rng,
}

impl Learner {
    /// A fresh learner for `spec`; `noise_rng` draws the noise of noisy layers.
    pub fn new(spec: NetSpec, cfg: &DqnConfig, devices: Devices, noise_rng: ChaCha8Rng) -> Self {
        let online = with_path_ids(spec.init(&devices.train));
        let target = online.valid();
        let o = &cfg.optim;
        let optim = match o.optimizer {
            OptimizerKind::Adam => FusedAdam::new(o.eps as f32).init(),
            OptimizerKind::Rmsprop => {
                RmsPropConfig::new().with_alpha(0.99).with_momentum(0.0).with_epsilon(o.eps as f32).init()
            }
            OptimizerKind::Sgd => SgdConfig::new().init(),
        };
        Self { online, target, optim, cfg: cfg.clone(), spec, devices, acting: None, noise_rng }
    }

    /// The network's shape.
    pub fn spec(&self) -> &NetSpec {
        &self.spec
    }

    /// The inference copy of the online network (refreshed lazily after updates).
    pub fn acting(&mut self) -> &QNetwork {
        if self.acting.is_none() {
            self.acting = Some(self.online.valid());
        }
        self.acting.as_ref().expect("just set")
    }

    /// Q-values of `rows` encoded observations (`features` row after row, the result too) for
    /// acting: the inference copy, with one fresh noise sample when the network is noisy (that
    /// noise is the exploration).
    pub fn q_values(&mut self, features: &[f32], rows: usize) -> Vec<f32> {
        self.acting();
        let net = self.acting.as_ref().expect("set above");
        Self::q_values_of(net, features, rows, &mut self.noise_rng)
    }

    /// Q-values of `rows` encoded observations under an inference network `net`, with fresh
    /// noise from `noise_rng` when it is noisy.
    pub fn q_values_of(net: &QNetwork, features: &[f32], rows: usize, noise_rng: &mut ChaCha8Rng) -> Vec<f32> {
        let device = net.head.weight.val().device();
        let x = Tensor::<2>::from_data(TensorData::new(features.to_vec(), [rows, features.len() / rows]), &device);
        let noise = net.sample_noise(noise_rng);
        net.q_values(x, noise.as_ref()).into_data().try_into_vec_as::<f32>().expect("f32 q-values")
    }

    /// Q-values of one encoded observation with the mean weights (no noise).
    pub fn greedy_q_values(&mut self, features: &[f32]) -> Vec<f32> {
        let x = self.row(features);
        self.acting().forward(x).into_data().try_into_vec_as::<f32>().expect("f32 q-values")
    }

    fn row(&self, features: &[f32]) -> Tensor<2> {
        Tensor::<2>::from_data(TensorData::new(features.to_vec(), [1, features.len()]), &self.devices.infer)
    }

    fn noise_pair(&mut self) -> (Option<NetNoise>, Option<NetNoise>) {
        let online = self.online.sample_noise(&mut self.noise_rng);
        let target = self.target.sample_noise(&mut self.noise_rng);
        (online, target)
    }

    /// The greedy next actions `argmax_a Q(s', a)`: by the online network (Double DQN) or by the
    /// target network.
    fn next_actions(
        &mut self,
        next_obs: Tensor<2>,
        online_noise: Option<&NetNoise>,
        target_q: Option<Tensor<2>>,
    ) -> Tensor<2, Int> {
        match (self.cfg.double, target_q) {
            (false, Some(q)) => q.argmax(1),
            _ => {
                self.acting();
                self.online_greedy(next_obs, online_noise)
            }
        }
    }

    /// `argmax_a Q(s', a)` of the online network's inference copy, which must exist.
    fn online_greedy(&self, next_obs: Tensor<2>, online_noise: Option<&NetNoise>) -> Tensor<2, Int> {
        let acting = self.acting.as_ref().expect("the inference copy is made before");
        let noise = online_noise.map(|n| n.to_device(&self.devices.infer));
        acting.q_values(next_obs, noise.as_ref()).argmax(1)
    }

    /// The TD targets `r + discount * next_value` of a batch for scalar heads (no gradient).
    pub fn td_targets(&mut self, batch: &Batch) -> Vec<f32> {
        let (online_noise, target_noise) = self.noise_pair();
        self.td_targets_with(batch, online_noise.as_ref(), target_noise.as_ref())
    }

    fn td_targets_with(
        &mut self,
        batch: &Batch,
        online_noise: Option<&NetNoise>,
        target_noise: Option<&NetNoise>,
    ) -> Vec<f32> {
        self.acting();
        self.td_targets_shared(batch, online_noise, target_noise)
    }

    /// [`Self::td_targets_with`] once the inference copy exists (Double DQN needs it): a shared
    /// borrow, so it can run beside the online network's forward pass. The networks' Q-values
    /// come to the host once; the max (or the online network's argmax, first of equal values)
    /// and `r + discount * next_value` are a loop over the rows (a non-finite Q-value gives a
    /// non-finite target, so divergence still shows in the loss).
    fn td_targets_shared(
        &self,
        batch: &Batch,
        online_noise: Option<&NetNoise>,
        target_noise: Option<&NetNoise>,
    ) -> Vec<f32> {
        let b = batch.len();
        let d = self.spec.obs_dim;
        let dev = self.devices.infer.clone();
        let host = |q: Tensor<2>| q.into_data().try_into_vec_as::<f32>().expect("f32 q-values");
        let next_obs = Tensor::<2>::from_data(TensorData::new(batch.next_obs.clone(), [b, d]), &dev);
        let next_q = host(self.target.q_values(next_obs.clone(), target_noise));
        let online_q = self.cfg.double.then(|| {
            let acting = self.acting.as_ref().expect("the inference copy is made before");
            let noise = online_noise.map(|n| n.to_device(&self.devices.infer));
            host(acting.q_values(next_obs, noise.as_ref()))
        });
        let n = next_q.len() / b.max(1);
        (0..b)
            .map(|i| {
                let row = &next_q[i * n..][..n];
                let next_value = match &online_q {
                    Some(q) => row[first_argmax(&q[i * n..][..n])],
                    None => row.iter().copied().fold(f32::NEG_INFINITY, |m, v| if v > m || v.is_nan() { v } else { m }),
                };
                batch.rewards[i] + next_value * batch.discounts[i]
            })
            .collect()
    }

    /// The projected target distributions (`batch x atoms`, row-major) of a distributional head:
    /// the target network's distribution of the greedy next action (chosen by the online
    /// network with Double DQN), shifted by `r + discount * z` and projected onto the support.
    pub fn target_distribution(&mut self, batch: &Batch) -> Vec<f32> {
        let (online_noise, target_noise) = self.noise_pair();
        self.target_distribution_with(batch, online_noise.as_ref(), target_noise.as_ref())
    }

    fn target_distribution_with(
        &mut self,
        batch: &Batch,
        online_noise: Option<&NetNoise>,
        target_noise: Option<&NetNoise>,
    ) -> Vec<f32> {
        let support = self.support();
        let (b, n, d) = (batch.len(), support.atoms, self.spec.obs_dim);
        let dev = self.devices.infer.clone();
        let next_obs = Tensor::<2>::from_data(TensorData::new(batch.next_obs.clone(), [b, d]), &dev);
        let probs = softmax(self.target.logits(next_obs.clone(), target_noise), 2);
        let target_q = (!self.cfg.double).then(|| {
            let z = Tensor::<1>::from_data(TensorData::new(support.values(), [n]), &dev).reshape([1, 1, n]);
            let [_, a, _] = probs.dims();
            (probs.clone() * z).sum_dim(2).reshape([b, a])
        });
        let best = self.next_actions(next_obs, online_noise, target_q);
        let idx = best.reshape([b, 1, 1]).repeat_dim(2, n);
        let next: Vec<f32> = probs.gather(1, idx).into_data().try_into_vec_as::<f32>().expect("f32 probabilities");
        support.project(&next, &batch.rewards, &batch.discounts)
    }

    fn support(&self) -> Support {
        self.spec.distributional.expect("a distributional head")
    }

    /// One gradient step on `batch`; with `want_priorities`, the rows' new priorities.
    pub fn update(&mut self, batch: &Batch, want_priorities: bool) -> UpdateStats {
        let (online_noise, target_noise) = self.noise_pair();
        let b = batch.len();
        let d = self.spec.obs_dim;
        let dev = self.devices.train.clone();
        let weighted = batch.is_weighted();
        let weights = || Tensor::<1>::from_data(TensorData::new(batch.weights.clone(), [b]), &dev);
        // `objective` is what is backpropagated; `host_loss` the loss when computed on the host.
        let (objective, host_loss, mean_q, priorities) = if self.spec.distributional.is_some() {
            let support = self.support();
            let n = support.atoms;
            let target = self.target_distribution_with(batch, online_noise.as_ref(), target_noise.as_ref());
            let obs = Tensor::<2>::from_data(TensorData::new(batch.obs.clone(), [b, d]), &dev);
            let idx: Vec<i64> = batch.actions.iter().flat_map(|&a| std::iter::repeat_n(a, n)).collect();
            let idx = Tensor::<3, Int>::from_data(TensorData::new(idx, [b, 1, n]), &dev);
            let online_noise = online_noise.map(|x| x.to_device(&dev));
            let chosen = self.online.logits(obs, online_noise.as_ref()).gather(1, idx).reshape([b, n]);
            let log_p = log_softmax(chosen, 1);
            let z = Tensor::<1>::from_data(TensorData::new(support.values(), [n]), &dev).reshape([1, n]);
            let mean_q = (log_p.clone().detach().exp() * z).sum_dim(1).mean().into_scalar::<f32>();
            let m = Tensor::<2>::from_data(TensorData::new(target, [b, n]), &dev);
            let ce = (m * log_p).sum_dim(1).reshape([b]).neg();
            let priorities = if want_priorities {
                ce.clone().detach().into_data().try_into_vec_as::<f32>().expect("f32")
            } else {
                Vec::new()
            };
            let loss = if weighted { (ce * weights()).mean() } else { ce.mean() };
            (loss, None, mean_q, priorities)
        } else {
            // The targets (target network, and the online copy for Double DQN) and the online
            // forward pass are independent: for large enough networks they run side by side,
            // so one fills the other's single-threaded stretches. Each computes exactly what it
            // would alone.
            self.acting();
            let this = &*self;
            let targets = || this.td_targets_shared(batch, online_noise.as_ref(), target_noise.as_ref());
            let online = || {
                let obs = Tensor::<2>::from_data(TensorData::new(batch.obs.clone(), [b, d]), &dev);
                let online_noise = online_noise.as_ref().map(|x| x.to_device(&dev));
                this.online.q_values(obs, online_noise.as_ref())
            };
            let (targets, q_all) =
                if side_by_side(&this.spec) { rayon::join(targets, online) } else { (targets(), online()) };
            // The loss and its gradient with respect to the Q-values on the host (`td_loss`),
            // then `sum(Q * G)` with `G` that gradient as the objective: its gradient with
            // respect to `Q` is `G`, so the network's gradients are the loss's.
            let [_, n_actions] = q_all.dims();
            let q_host = q_all.clone().detach().into_data().try_into_vec_as::<f32>().expect("f32 q-values");
            let weights = weighted.then_some(&batch.weights[..]);
            let td = TdLoss::new(&q_host, n_actions, &batch.actions, &targets, weights, self.cfg.optim.loss);
            let grad = Tensor::<2>::from_data(TensorData::new(td.grad, [b, n_actions]), &dev);
            let priorities = if want_priorities { td.abs_errors } else { Vec::new() };
            ((q_all * grad).sum(), Some(td.loss), td.mean_q, priorities)
        };
        let mut grads = GradientsParams::from_grads(objective.backward(), &self.online);
        let loss = host_loss.unwrap_or_else(|| objective.into_scalar::<f32>());
        let o = &self.cfg.optim;
        let grad_norm = clip_gradients(&mut grads, &self.online, o.grad_clip, o.grad_clip_value as f32);
        if loss.is_finite() && grad_norm.is_finite() {
            // The inference copy shares the online weights and the step updates weights that
            // nothing else holds in place, so the copy goes first and the network is moved
            // out (the target, whose tensors are shared rather than copied, stands in briefly).
            self.acting = None;
            let online = std::mem::replace(&mut self.online, self.target.clone());
            self.online = self.optim.step(o.lr, online, grads);
        }
        UpdateStats { loss, grad_norm, mean_q, priorities }
    }

    /// Hard copy (`tau = 1`) or Polyak averaging of the online weights into the target.
    pub fn update_target(&mut self, tau: f64) {
        if tau >= 1.0 {
            self.target = self.online.valid();
        } else {
            let online = self.acting().clone();
            self.target = soft_update(self.target.clone(), &online, tau);
        }
    }

    /// Optimizer state as bytes (for resume): burn's burnpack record with its tensors in name
    /// order, so the same state always gives the same bytes.
    pub fn optimizer_bytes(&self) -> Result<Vec<u8>, String> {
        let bytes = self.optim.into_bytes().map_err(|e| format!("{e:?}"))?;
        sorted_burnpack(bytes).map_err(|e| format!("{e:?}"))
    }

    /// Restores online/target weights (with their parameter ids) and the optimizer state.
    pub fn restore(&mut self, ck: &Checkpoint, path: &Path) -> Result<(), CheckpointError> {
        let mismatch = |reason: String| CheckpointError::Mismatch { path: path.display().to_string(), reason };
        let ids: HashMap<String, u64> = serde_json::from_str(ck.meta("deepq.param_ids", path)?)
            .map_err(|e| mismatch(format!("bad param ids: {e}")))?;
        self.online = load_params_with_ids(self.spec.init(&self.devices.train), &ck.tensors, "online.", Some(&ids))
            .map_err(mismatch)?;
        self.target = load_params(self.spec.init(&self.devices.infer), &ck.tensors, "target.").map_err(mismatch)?;
        let optim_bytes = ck.tensor("optimizer", path)?.bytes.clone();
        self.optim = self
            .optim
            .clone()
            .from_bytes(Bytes::from_bytes_vec(optim_bytes))
            .map_err(|e| mismatch(format!("optimizer state: {e:?}")))?;
        self.acting = None;
        Ok(())
    }

    #[cfg(test)]
    pub(crate) fn devices(&self) -> &Devices {
        &self.devices
    }

    #[cfg(test)]
    pub(crate) fn reset_acting(&mut self) {
        self.acting = None;
    }
}

/// Rewrites burnpack bytes with their tensors in name order. burn lays out an optimizer
/// record's tensors in the iteration order of a hash map (its per-parameter state), which
/// differs between processes; the scalars and metadata are ordered maps already.
pub(crate) fn sorted_burnpack(bytes: Bytes) -> Result<Vec<u8>, burn_pack::Error> {
    let reader = burn_pack::Reader::from_bytes(bytes)?;
    let (scalars, metadata) = (reader.scalars().clone(), reader.metadata().clone());
    let mut tensors = reader.into_tensors()?;
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let mut writer = burn_pack::Writer::new(tensors);
    for (key, value) in &scalars {
        writer = writer.with_scalar(key, *value);
    }
    for (key, value) in &metadata {
        writer = writer.with_metadata(key, value);
    }
    Ok(writer.into_bytes()?.to_vec())
}

/// The index of the largest value, the first of equal ones (a NaN counts as the largest, so
/// that a diverged network's target is NaN too).
fn first_argmax(q: &[f32]) -> usize {
    let mut best = 0;
    for (i, &v) in q.iter().enumerate().skip(1) {
        if v > q[best] || (v.is_nan() && !q[best].is_nan()) {
            best = i;
        }
    }
    best
}

/// Whether [`Learner::update`] computes the TD targets beside the online forward pass on
/// rayon's pool: for convolutional networks. A fully connected network's products are split
/// in halves instead (`nets::dense::cpu`), which keeps both cores busy with a cheaper hand-off.
fn side_by_side(spec: &NetSpec) -> bool {
    !spec.conv.is_empty()
}

/// Computes the global L2 norm of the gradients (returned, before clipping) and clips them
/// in place by value or by global norm.
pub fn clip_gradients(grads: &mut GradientsParams, model: &QNetwork, mode: GradClip, value: f32) -> f32 {
    struct Norm<'a> {
        grads: &'a GradientsParams,
        squares: Vec<f32>,
    }
    impl ModuleVisitor for Norm<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(g) = self.grads.get::<D>(param.id) {
                self.squares.push(g.powi_scalar(2).sum().into_scalar::<f32>());
            }
        }
    }
    struct Scale<'a> {
        grads: &'a mut GradientsParams,
        mode: GradClip,
        factor: f32,
        value: f32,
    }
    impl ModuleVisitor for Scale<'_> {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            if let Some(g) = self.grads.remove::<D>(param.id) {
                let g = match self.mode {
                    GradClip::Value => g.clamp(-self.value, self.value),
                    _ => g.mul_scalar(self.factor),
                };
                self.grads.register(param.id, g);
            }
        }
    }
    let mut norm = Norm { grads, squares: Vec::new() };
    model.visit(&mut norm);
    let total = norm.squares.iter().sum::<f32>().sqrt();
    let factor = value / (total + 1e-6);
    let needs = match mode {
        GradClip::None => false,
        GradClip::Value => true,
        GradClip::Norm => factor < 1.0,
    };
    if needs {
        model.visit(&mut Scale { grads, mode, factor, value });
    }
    total
}
