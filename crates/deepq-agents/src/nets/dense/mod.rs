//! A fully connected layer (`x W + b`, optionally followed by a ReLU) computed on burn's flex
//! CPU backend by the kernels of [`cpu`], with a handwritten backward pass for autodiff.
//!
//! Why: burn's `Linear` then ReLU is a matmul, a broadcast bias add and a ReLU, each a pass
//! with its own buffer, and its backward computes the gradient of the network's input too.
//! Here the bias and ReLU cost no extra pass and the gradient of an input that needs none
//! (the observation) is never computed: the RL-Zoo CartPole training (`cartpole-zoo`, MLP
//! 256-256) runs about 10% faster (BENCHMARKS.md, "Speed").
//!
//! The operation is a burn backend extension ([`DenseBackend`]) implemented for `Flex` and
//! `Autodiff<Flex>`; [`applies`] says when it runs (other devices keep burn's `Linear`).

pub mod cpu;

use super::flex_kernels::{autodiff_layer, contiguous, f32s, from_vec, BackwardKernel, FusedLayer};
use crate::nets::conv::supports;
use burn::backend::autodiff::checkpoint::strategy::CheckpointStrategy;
use burn::backend::flex::FlexTensor;
use burn::backend::tensor::FloatTensor;
use burn::backend::{backend_extension, Autodiff, Backend, Dispatch, Flex};
use burn::prelude::*;
use burn::tensor::DType;
use cpu::DenseGeom;

/// The fused fully connected layer as a burn backend extension.
#[backend_extension(Flex, Autodiff)]
pub trait DenseBackend: Backend {
    /// `max(x weight + bias, 0)` (without the max unless `relu`); `x: [batch, d_in]`,
    /// `weight: [d_in, d_out]`, `bias: [d_out]`.
    fn dense(x: FloatTensor<Self>, weight: FloatTensor<Self>, bias: FloatTensor<Self>, relu: bool)
        -> FloatTensor<Self>;
}

/// `max(x weight + bias, 0)` (the max only when `relu`): burn's `Linear` layout (`weight` is
/// `[d_in, d_out]`). Only on f32 tensors of a device that [`applies`] accepts.
pub fn dense(x: Tensor<2>, weight: Tensor<2>, bias: Tensor<1>, relu: bool) -> Tensor<2> {
    Tensor::from_dispatch(<Dispatch as DenseBackend>::dense(
        x.into_dispatch(),
        weight.into_dispatch(),
        bias.into_dispatch(),
        relu,
    ))
}

/// Whether the kernels compute this f32 layer (burn's flex CPU backend, matching shapes).
pub fn applies(x: &Tensor<2>, weight: &Tensor<2>, bias: &Tensor<1>) -> bool {
    let [_, d_in] = x.dims();
    let [w_in, d_out] = weight.dims();
    x.dtype() == DType::F32
        && weight.dtype() == DType::F32
        && bias.dtype() == DType::F32
        && w_in == d_in
        && bias.dims() == [d_out]
        && supports(&x.device())
}

fn geometry(x: &FlexTensor, weight: &FlexTensor) -> DenseGeom {
    let xs = x.layout().shape();
    let ws = weight.layout().shape();
    assert_eq!((xs.num_dims(), ws.num_dims()), (2, 2), "dense takes a 2-d input and weight");
    assert_eq!(ws[0], xs[1], "dense: weight input features");
    DenseGeom { batch: xs[0], d_in: xs[1], d_out: ws[1] }
}

impl DenseBackend for Flex {
    fn dense(x: FlexTensor, weight: FlexTensor, bias: FlexTensor, relu: bool) -> FlexTensor {
        let (x, weight, bias) = (contiguous(x), contiguous(weight), contiguous(bias));
        let g = geometry(&x, &weight);
        let y = cpu::forward(&g, f32s(&x), f32s(&weight), f32s(&bias), relu);
        from_vec(y, &[g.batch, g.d_out])
    }
}

impl FusedLayer for DenseGeom {
    const BACKWARD: BackwardKernel<Self> = cpu::backward;
    fn shapes(&self) -> [Vec<usize>; 3] {
        [vec![self.batch, self.d_in], vec![self.d_in, self.d_out], vec![self.d_out]]
    }
}

impl<C: CheckpointStrategy> DenseBackend for Autodiff<Flex, C> {
    fn dense(
        x: FloatTensor<Self>,
        weight: FloatTensor<Self>,
        bias: FloatTensor<Self>,
        relu: bool,
    ) -> FloatTensor<Self> {
        autodiff_layer::<C, _>([x, weight, bias], relu, geometry, |x, weight, bias| Flex::dense(x, weight, bias, relu))
    }
}

#[cfg(test)]
mod tests;
