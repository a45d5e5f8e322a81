//! What deepq's own CPU kernels (the fused convolution of [`super::conv`] and fully connected
//! layer of [`super::dense`]) share: moving burn flex tensors to and from f32 slices, and one
//! single-threaded f32 `gemm` call.

use burn::backend::autodiff::grads::Gradients;
use burn::backend::autodiff::NodeId;
use burn::backend::flex::FlexTensor;
use burn::backend::Flex;
use burn::prelude::*;
use burn::tensor::DType;

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

/// A fused layer's gradients, each with its shape: input (when computed), weight, bias.
pub(crate) type LayerGrads<'a> = [(Option<Vec<f32>>, &'a [usize]); 3];

/// Registers the gradients of a fused layer's parents (input, weight, bias) that autodiff
/// tracks (`ids`) and that were computed.
pub(crate) fn register_grads(grads: &mut Gradients, ids: [Option<NodeId>; 3], values: LayerGrads) {
    for (id, (value, shape)) in ids.into_iter().zip(values) {
        if let (Some(id), Some(value)) = (id, value) {
            grads.register::<Flex>(id, from_vec(value, shape));
        }
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
