//! burn's Adam, computed in one pass per parameter on the CPU.
//!
//! burn's `Adam` updates a parameter with about fourteen whole-tensor operations (each a pass
//! over memory with a buffer of its own, all on the calling thread). For the Nature CNN's 1.7M
//! parameters that is 8-9 ms of a 50 ms update on an AVX2 core. [`FusedAdam`] computes the same
//! floating-point operations in the same order, element by element, in one pass that updates
//! the parameter and both moments in place, and splits large parameters in two (64k-128k
//! elements, the second half on `crate::second_core`'s helper thread) or across the rayon pool.
//! Its results are bit-identical to burn's `Adam` (tested) and it keeps burn's state type, so
//! optimizer checkpoints are unchanged. On other devices, other dtypes or with AMSGrad/weight
//! decay, it hands the step to burn's `Adam`.

use crate::nets::conv::supports;
use burn::optim::{Adam, AdamConfig, AdamState, AdaptiveMomentumState, LearningRate, ModuleOptimizer, Optimizer};
use burn::prelude::*;
use burn::tensor::DType;
use rayon::prelude::*;

/// Elements per task when a parameter is split across the pool (a parameter smaller than two
/// of these is not: a pool hand-off costs more than it saves).
const CHUNK: usize = 1 << 16;
/// Elements from which a parameter too small for the pool is updated in two halves, the second
/// on `second_core`'s helper thread: an MLP 256-256's hidden weight, but none of the Nature
/// CNN's convolution weights (its update keeps rayon's threads busy, and a spinning helper
/// would compete with them).
const SECOND_CORE_ELEMENTS: usize = 1 << 16;

/// Adam (Kingma & Ba, 2015) with burn's update rule and state; see the module docs.
#[derive(Clone)]
pub struct FusedAdam {
    beta_1: f32,
    beta_2: f32,
    epsilon: f32,
    /// burn's own Adam with the same settings, for the steps the fused pass does not take.
    reference: Adam,
}

impl FusedAdam {
    /// Adam with betas 0.9 and 0.999 (burn's defaults) and `epsilon`.
    pub fn new(epsilon: f32) -> Self {
        let (beta_1, beta_2) = (0.9, 0.999);
        let reference = AdamConfig::new().with_beta_1(beta_1).with_beta_2(beta_2).with_epsilon(epsilon).build();
        Self { beta_1, beta_2, epsilon, reference }
    }

    /// The module optimizer applying it to every parameter.
    pub fn init(self) -> ModuleOptimizer {
        ModuleOptimizer::from(self)
    }

    /// The step's scalars, computed exactly as burn's `Adam` computes them.
    fn coefficients(&self, time: usize, lr: LearningRate) -> Coefficients {
        let time = time as i32;
        let bias_correction2_sqrt = (1.0 - self.beta_2.powi(time)).sqrt();
        Coefficients {
            beta_1: self.beta_1,
            beta_2: self.beta_2,
            one_minus_beta_1: 1.0 - self.beta_1,
            one_minus_beta_2: 1.0 - self.beta_2,
            combined: bias_correction2_sqrt / (1.0 - self.beta_1.powi(time)),
            epsilon: self.epsilon * bias_correction2_sqrt,
            lr: lr as f32,
        }
    }
}

/// The scalars of one Adam step.
#[derive(Clone, Copy, Debug)]
struct Coefficients {
    beta_1: f32,
    beta_2: f32,
    one_minus_beta_1: f32,
    one_minus_beta_2: f32,
    /// `sqrt(1 - beta_2^t) / (1 - beta_1^t)`.
    combined: f32,
    /// `epsilon * sqrt(1 - beta_2^t)`.
    epsilon: f32,
    lr: f32,
}

/// Whether the fused pass computes this step (f32 tensors of one shape on burn's flex CPU
/// backend; anything else, a restored state of another shape included, goes to burn's Adam).
fn applies<const D: usize>(tensor: &Tensor<D>, grad: &Tensor<D>, state: Option<&AdamState<D>>) -> bool {
    tensor.dtype() == DType::F32
        && grad.dtype() == DType::F32
        && tensor.shape() == grad.shape()
        && supports(&tensor.device())
        && state.is_none_or(|s| {
            s.momentum.max_moment_2.is_none()
                && [&s.momentum.moment_1, &s.momentum.moment_2]
                    .iter()
                    .all(|m| m.dtype() == DType::F32 && m.shape() == tensor.shape())
        })
}

/// A tensor's f32 elements, moved out without a copy when nothing else holds them.
fn into_f32s<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec::<f32>().expect("an f32 tensor")
}

impl Optimizer for FusedAdam {
    type State<const D: usize> = AdamState<D>;

    fn step<const D: usize>(
        &self,
        lr: LearningRate,
        tensor: Tensor<D>,
        grad: Tensor<D>,
        state: Option<AdamState<D>>,
    ) -> (Tensor<D>, Option<AdamState<D>>) {
        if !applies(&tensor, &grad, state.as_ref()) {
            return self.reference.step(lr, tensor, grad, state);
        }
        let (device, shape) = (tensor.device(), tensor.shape());
        let grad = grad.into_data();
        let grad = grad.as_slice::<f32>().expect("an f32 gradient");
        let mut param = into_f32s(tensor);
        let (time, mut m, mut v, first) = match state {
            Some(s) => (s.momentum.time + 1, into_f32s(s.momentum.moment_1), into_f32s(s.momentum.moment_2), false),
            None => (1, vec![0.0; grad.len()], vec![0.0; grad.len()], true),
        };
        let c = self.coefficients(time, lr);
        if param.len() < SECOND_CORE_ELEMENTS {
            update(&c, first, &mut param, grad, &mut m, &mut v);
        } else if param.len() < 2 * CHUNK {
            let half = param.len() / 2;
            let (p0, p1) = param.split_at_mut(half);
            let (g0, g1) = grad.split_at(half);
            let (m0, m1) = m.split_at_mut(half);
            let (v0, v1) = v.split_at_mut(half);
            crate::second_core::join(|| update(&c, first, p0, g0, m0, v0), || update(&c, first, p1, g1, m1, v1));
        } else {
            param
                .par_chunks_mut(CHUNK)
                .zip(grad.par_chunks(CHUNK))
                .zip(m.par_chunks_mut(CHUNK))
                .zip(v.par_chunks_mut(CHUNK))
                .for_each(|(((p, g), m), v)| update(&c, first, p, g, m, v));
        }
        let tensor_of = |values: Vec<f32>| Tensor::<D>::from_data(TensorData::new(values, shape.clone()), &device);
        let momentum =
            AdaptiveMomentumState { time, moment_1: tensor_of(m), moment_2: tensor_of(v), max_moment_2: None };
        (tensor_of(param), Some(AdamState { momentum }))
    }

    fn to_device<const D: usize>(state: AdamState<D>, device: &Device) -> AdamState<D> {
        Adam::to_device(state, device)
    }
}

/// One Adam step over matching slices, with burn's operations in burn's order (separate
/// multiplies and adds, no fused multiply-add, so the results are bit-identical). `first`: the
/// moments start here (burn sets them to the first terms rather than adding to zero).
fn update(c: &Coefficients, first: bool, param: &mut [f32], grad: &[f32], m: &mut [f32], v: &mut [f32]) {
    for (((p, &g), m), v) in param.iter_mut().zip(grad).zip(m.iter_mut()).zip(v.iter_mut()) {
        if first {
            *m = g * c.one_minus_beta_1;
            *v = (g * g) * c.one_minus_beta_2;
        } else {
            *m = *m * c.beta_1 + g * c.one_minus_beta_1;
            *v = *v * c.beta_2 + (g * g) * c.one_minus_beta_2;
        }
        let step = (*m * c.combined) / (v.sqrt() + c.epsilon);
        *p -= step * c.lr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dqn::learner::sorted_burnpack;
    use burn::module::{Module, Param};
    use burn::optim::GradientsParams;
    use burn::tensor::Distribution;

    #[derive(Module, Debug)]
    struct Two {
        small: Param<Tensor<2>>,
        medium: Param<Tensor<1>>,
        large: Param<Tensor<1>>,
    }

    fn model(device: &Device) -> Two {
        Two {
            small: Param::from_tensor(Tensor::random([7, 5], Distribution::Normal(0.0, 1.0), device)),
            medium: Param::from_tensor(Tensor::random(
                [SECOND_CORE_ELEMENTS + 9],
                Distribution::Normal(0.0, 1.0),
                device,
            )),
            large: Param::from_tensor(Tensor::random([3 * CHUNK + 17], Distribution::Normal(0.0, 1.0), device)),
        }
    }

    fn grads(m: &Two, round: usize) -> GradientsParams {
        let scale = 1.0 + round as f32;
        let loss = m.small.val().powi_scalar(3).sum() * scale
            + (m.medium.val().cos() * m.medium.val()).sum()
            + (m.large.val().sin() * m.large.val()).sum();
        GradientsParams::from_grads(loss.backward(), m)
    }

    fn bits(t: Tensor<1>) -> Vec<u32> {
        t.into_data().try_into_vec::<f32>().unwrap().into_iter().map(f32::to_bits).collect()
    }

    /// The fused pass takes burn's flex CPU tensors (the test below would pass vacuously if
    /// every step fell back to burn's Adam).
    #[test]
    fn the_fused_pass_applies_to_flex_f32_tensors() {
        let t = Tensor::<1>::zeros([3], &Device::default());
        assert!(applies(&t, &t, None));
        assert!(!applies(&t, &t.clone().cast(DType::F64), None));
        let state = |len: usize| {
            let m = Tensor::<1>::zeros([len], &Device::default());
            AdamState {
                momentum: AdaptiveMomentumState { time: 1, moment_1: m.clone(), moment_2: m, max_moment_2: None },
            }
        };
        assert!(applies(&t, &t, Some(&state(3))));
        assert!(!applies(&t, &t, Some(&state(2))), "moments of another shape go to burn's Adam");
    }

    /// Six steps of the fused pass (small parameter on the calling thread, medium one in two
    /// halves, the second on the helper thread, large one split across the pool)
    /// equal six steps of burn's Adam bit for bit, and the checkpointed state does too.
    #[test]
    fn fused_adam_is_bit_identical_to_burns_adam() {
        let device = Device::default().autodiff();
        let start = model(&device);
        let initial = bits(start.large.val());
        let (mut ours, mut theirs) = (start.clone(), start);
        let mut fused = FusedAdam::new(1e-8).init();
        let mut reference = AdamConfig::new().with_epsilon(1e-8).init();
        for round in 0..6 {
            let lr = 1e-3 * (1.0 + round as f64);
            ours = fused.step(lr, ours.clone(), grads(&ours, round));
            theirs = reference.step(lr, theirs.clone(), grads(&theirs, round));
        }
        assert_eq!(bits(ours.small.val().flatten(0, 1)), bits(theirs.small.val().flatten(0, 1)));
        assert_eq!(bits(ours.medium.val()), bits(theirs.medium.val()));
        assert_eq!(bits(ours.large.val()), bits(theirs.large.val()));
        assert_ne!(bits(ours.large.val()), initial, "the parameters moved");
        let canonical = |o: &ModuleOptimizer| sorted_burnpack(o.into_bytes().unwrap()).unwrap();
        assert!(canonical(&fused) == canonical(&reference), "optimizer state records differ");
    }
}
