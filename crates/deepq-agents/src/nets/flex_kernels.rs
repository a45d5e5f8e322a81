//! What deepq's own CPU kernels (the fused convolution of [`super::conv`] and fully connected
//! layer of [`super::dense`]) share: moving burn flex tensors to and from f32 slices, the
//! autodiff plumbing of a fused layer (its backward step), and one single-threaded f32 `gemm`
//! call.

use burn::backend::autodiff::checkpoint::base::Checkpointer;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::ops::{Backward, Ops, OpsKind};
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{Autodiff, Flex};
use burn::prelude::*;
use burn::tensor::DType;
use std::fmt::Debug;
use std::marker::PhantomData;

/// The primitive as a contiguous f32 tensor (the kernels compute f32 only).
pub(crate) fn contiguous(t: FlexTensor) -> FlexTensor {
    assert_eq!(t.dtype(), DType::F32, "deepq's CPU kernels compute f32 tensors");
    if t.as_slice::<f32>().is_some() {
        t
    } else {
        t.to_contiguous()
    }
}

/// The elements of a contiguous f32 tensor.
pub(crate) fn f32s(t: &FlexTensor) -> &[f32] {
    t.as_slice::<f32>().expect("a contiguous f32 tensor")
}

/// A flex tensor of `shape` holding `values` (row-major).
pub(crate) fn from_vec(values: Vec<f32>, shape: &[usize]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape.to_vec()))
}

/// The gradients of a fused layer's backward pass.
pub struct LayerGrads {
    /// `d loss / d x` (`None` unless asked for).
    pub x: Option<Vec<f32>>,
    /// `d loss / d weight` (the weight's layout).
    pub weight: Vec<f32>,
    /// `d loss / d bias`.
    pub bias: Vec<f32>,
}

/// A layer's backward kernel: `(layer, x, weight, y, dy, want_x)`, where `y` is the forward
/// output (given only when the ReLU is fused: its mask), `dy` the output gradient, and the
/// input gradient is computed only when `want_x`.
pub(crate) type BackwardKernel<L> = fn(&L, &[f32], &[f32], Option<&[f32]>, &[f32], bool) -> LayerGrads;

/// A fused layer's shape and backward kernel: what [`FusedBackward`] needs.
pub(crate) trait FusedLayer: Copy + Debug + Send + Sync + 'static {
    /// Computes the gradients.
    const BACKWARD: BackwardKernel<Self>;
    /// The shapes of the input, the weight and the bias.
    fn shapes(&self) -> [Vec<usize>; 3];
}

/// The backward step of a fused layer `L`; it keeps the input, the weight, the output when the
/// ReLU is fused, and the layer's shape.
#[derive(Debug)]
pub(crate) struct FusedBackward<L>(PhantomData<L>);

impl<L: FusedLayer> Backward<Flex, 3> for FusedBackward<L> {
    type State = (FlexTensor, FlexTensor, Option<FlexTensor>, L);

    fn backward(self, ops: Ops<Self::State, 3>, grads: &mut Gradients, _checkpointer: &mut Checkpointer) {
        let [node_x, node_weight, node_bias] = ops.parents;
        let dy = contiguous(grads.consume::<Flex>(&ops.node));
        let (x, weight, y, layer) = ops.state;
        let r = L::BACKWARD(&layer, f32s(&x), f32s(&weight), y.as_ref().map(f32s), f32s(&dy), node_x.is_some());
        let ids = [node_x, node_weight, node_bias].map(|node| node.map(|n| n.id));
        for ((id, value), shape) in ids.into_iter().zip([r.x, Some(r.weight), Some(r.bias)]).zip(layer.shapes()) {
            if let (Some(id), Some(value)) = (id, value) {
                grads.register::<Flex>(id, from_vec(value, &shape));
            }
        }
    }
}

/// A fused layer on the autodiff backend: `forward(x, weight, bias)` computes it on flex and,
/// when autodiff tracks the call, [`FusedBackward`] keeps what its backward step needs (`layer`
/// gives the shape; the output is kept for the ReLU mask when `relu`).
pub(crate) fn autodiff_layer<C: CheckpointStrategy, L: FusedLayer>(
    [x, weight, bias]: [FloatTensor<Autodiff<Flex, C>>; 3],
    relu: bool,
    layer: impl FnOnce(&FlexTensor, &FlexTensor) -> L,
    forward: impl FnOnce(FlexTensor, FlexTensor, FlexTensor) -> FlexTensor,
) -> FloatTensor<Autodiff<Flex, C>> {
    let prep =
        FusedBackward::<L>(PhantomData).prepare::<C>([x.node(), weight.node(), bias.node()]).compute_bound().stateful();
    let (x, weight, bias) =
        (contiguous(x.into_primitive()), contiguous(weight.into_primitive()), contiguous(bias.into_primitive()));
    match prep {
        OpsKind::Tracked(prep) => {
            let shape = layer(&x, &weight);
            let y = forward(x.clone(), weight.clone(), bias);
            prep.finish((x, weight, relu.then(|| y.clone()), shape), y)
        }
        OpsKind::UnTracked(prep) => prep.finish(forward(x, weight, bias)),
    }
}

/// `dst (m x n) = [dst +] lhs (m x k) * rhs (k x n)` on the calling thread; strides are
/// (row, column) in elements, `dst`'s column stride is 1.
///
/// # Safety
/// Every element `dst + i * dst_rs + j` (`i < m`, `j < n`) must be valid for writes, every
/// `lhs + i * lhs_rs + p * lhs_cs` and `rhs + p * rhs_rs + j * rhs_cs` (`p < k`) valid for
/// reads, and the written elements must not overlap the read ones or be accessed elsewhere
/// during the call.
#[allow(clippy::too_many_arguments)]
pub(crate) unsafe fn gemm_f32(
    (m, n, k): (usize, usize, usize),
    dst: *mut f32,
    dst_rs: usize,
    accumulate: bool,
    lhs: *const f32,
    (lhs_rs, lhs_cs): (usize, usize),
    rhs: *const f32,
    (rhs_rs, rhs_cs): (usize, usize),
) {
    // SAFETY: the caller's contract covers every element gemm reads and writes.
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst,
            1,
            dst_rs as isize,
            accumulate,
            lhs,
            lhs_cs as isize,
            lhs_rs as isize,
            rhs,
            rhs_cs as isize,
            rhs_rs as isize,
            1.0,
            1.0,
            false,
            false,
            false,
            gemm::Parallelism::None,
        );
    }
}
