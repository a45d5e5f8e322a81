//! A "valid" 2-D convolution (square kernel, one stride, no padding) with its bias and an
//! optional ReLU fused in, computed on burn's flex CPU backend by the kernels of [`cpu`], with a
//! handwritten backward pass for autodiff.
//!
//! Why: flex computes a convolution's weight gradient as a convolution of the input with the
//! output gradient (a large, strided im2col), its input gradient as a transposed convolution,
//! and allocates and transposes whole-batch buffers on every call; the update of the Nature DQN
//! CNN spent most of its time there. Here every pass is one im2col in a cache-sized scratch
//! buffer plus one `gemm` per group of samples, the bias and ReLU cost no extra pass, and the
//! gradient of an input that needs none (the observation) is never computed.
//!
//! The operation is a burn backend extension ([`ValidConvBackend`]) implemented for `Flex` and
//! `Autodiff<Flex>`; [`supports`] says when it applies (other devices keep burn's own
//! convolution).

pub mod cpu;

use super::flex_kernels::{autodiff_layer, contiguous, f32s, from_vec, BackwardKernel, FusedLayer};
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{backend_extension, Autodiff, Backend, Dispatch, DispatchDevice, Flex};
use burn::prelude::*;
use burn::tensor::DType;
use cpu::ConvGeom;

/// The fused convolution as a burn backend extension.
#[backend_extension(Flex, Autodiff)]
pub trait ValidConvBackend: Backend {
    /// `max(conv(x, weight) + bias, 0)` (without the max unless `relu`), stride `stride`, no
    /// padding; `x: [batch, c_in, h, w]`, `weight: [c_out, c_in, k, k]`, `bias: [c_out]`.
    fn conv2d_valid(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        stride: usize,
        relu: bool,
    ) -> FloatTensor<Self>;
}

/// Whether [`conv2d_valid`] runs on `device` (burn's flex CPU backend, with or without autodiff).
#[allow(unreachable_patterns)]
pub fn supports(device: &Device) -> bool {
    match device.as_dispatch() {
        DispatchDevice::Flex(_) => true,
        DispatchDevice::Autodiff(inner) => matches!(**inner, DispatchDevice::Flex(_)),
        _ => false,
    }
}

/// `max(conv(x, weight) + bias, 0)` (the max only when `relu`): a convolution with a square
/// kernel, stride `stride` on both axes, no padding. Only on f32 tensors of a device that
/// [`supports`] it.
pub fn conv2d_valid(x: Tensor<4>, weight: Tensor<4>, bias: Tensor<1>, stride: usize, relu: bool) -> Tensor<4> {
    Tensor::from_dispatch(<Dispatch as ValidConvBackend>::conv2d_valid(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
        stride,
        relu,
    ))
}

/// Whether the kernels compute these f32 tensors' convolution.
pub fn applies(x: &Tensor<4>, weight: &Tensor<4>, stride: usize) -> bool {
    let [_, c_in, h, w] = x.dims();
    let [_, wc, kh, kw] = weight.dims();
    x.dtype() == DType::F32
        && weight.dtype() == DType::F32
        && wc == c_in
        && kh == kw
        && stride > 0
        && h >= kh
        && w >= kw
        && supports(&x.device())
}

fn geometry(x: &FlexTensor, weight: &FlexTensor, stride: usize) -> ConvGeom {
    let xs = x.layout().shape();
    let ws = weight.layout().shape();
    assert_eq!((xs.num_dims(), ws.num_dims()), (4, 4), "conv2d_valid takes 4-d input and weight");
    assert_eq!(ws[1], xs[1], "conv2d_valid: weight input channels");
    assert_eq!(ws[2], ws[3], "conv2d_valid: square kernels only");
    ConvGeom { batch: xs[0], c_in: xs[1], h: xs[2], w: xs[3], c_out: ws[0], k: ws[2], s: stride }
}

impl ValidConvBackend for Flex {
    fn conv2d_valid(x: FlexTensor, weight: FlexTensor, bias: FlexTensor, stride: usize, relu: bool) -> FlexTensor {
        let (x, weight, bias) = (contiguous(x), contiguous(weight), contiguous(bias));
        let g = geometry(&x, &weight, stride);
        let y = cpu::forward(&g, f32s(&x), f32s(&weight), f32s(&bias), relu);
        from_vec(y, &[g.batch, g.c_out, g.oh(), g.ow()])
    }
}

impl FusedLayer for ConvGeom {
    const BACKWARD: BackwardKernel<Self> = cpu::backward;
    fn shapes(&self) -> [Vec<usize>; 3] {
        [vec![self.batch, self.c_in, self.h, self.w], vec![self.c_out, self.c_in, self.k, self.k], vec![self.c_out]]
    }
}

impl<C: CheckpointStrategy> ValidConvBackend for Autodiff<Flex, C> {
    fn conv2d_valid(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        stride: usize,
        relu: bool,
    ) -> FloatTensor<Self> {
        autodiff_layer::<C, _>(
            [x, weight, bias],
            relu,
            |x, weight| geometry(x, weight, stride),
            |x, weight, bias| Flex::conv2d_valid(x, weight, bias, stride, relu),
        )
    }
}

#[cfg(test)]
mod tests;
