//! The fused layer against burn's own (`Linear::forward` then ReLU): forward values and the
//! input, weight and bias gradients, for layer shapes of the networks deepq trains.

use super::*;
use burn::nn::{Linear, LinearConfig};
use burn::tensor::activation::relu;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn wave(shape: [usize; 2], seed: f32, device: &Device) -> Tensor<2> {
    let n = shape[0] * shape[1];
    let v: Vec<f32> = (0..n).map(|i| ((i as f32 * 0.377 + seed).sin() * 3.1).fract()).collect();
    Tensor::<2>::from_data(TensorData::new(v, shape), device)
}

/// Largest absolute difference, relative to the largest magnitude of `want` (at least 1).
fn rel_diff(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    got.iter().zip(want).fold(0.0f32, |m, (a, b)| m.max((a - b).abs())) / scale
}

#[test]
fn matches_burns_linear_and_its_gradients() {
    let device = Device::flex().autodiff();
    // (batch, d_in, d_out): CartPole MLPs, RL-Zoo's 256-256, the Nature CNN's 3136-512 at a
    // batch and at one observation, a dueling value head.
    for (batch, d_in, d_out) in
        [(64, 4, 256), (64, 256, 256), (128, 120, 84), (32, 3136, 512), (1, 3136, 512), (32, 512, 1)]
    {
        let layer: Linear = LinearConfig::new(d_in, d_out).init(&device);
        for input_grad in [false, true] {
            let x = wave([batch, d_in], d_in as f32, &device);
            let x = if input_grad { x.require_grad() } else { x };
            let (w, b) = (layer.weight.val(), layer.bias.as_ref().unwrap().val());
            assert!(applies(&x, &w, &b));
            for fused_relu in [true, false] {
                let what = format!("{batch}x{d_in} -> {d_out}, relu {fused_relu}, input gradient {input_grad}");
                let fast = dense(x.clone(), w.clone(), b.clone(), fused_relu);
                let plain = layer.forward(x.clone());
                let plain = if fused_relu { relu(plain) } else { plain };
                let d = rel_diff(&values(fast.clone()), &values(plain.clone()));
                assert!(d < 1e-5, "{what}: forward differs by {d}");
                let r = wave([batch, d_out], 7.0, &device).detach();
                let g_fast = (fast * r.clone()).sum().backward();
                let g_plain = (plain * r).sum().backward();
                let dw = rel_diff(
                    &values(layer.weight.grad(&g_fast).unwrap()),
                    &values(layer.weight.grad(&g_plain).unwrap()),
                );
                assert!(dw < 1e-5, "{what}: weight gradient differs by {dw}");
                let bias = layer.bias.as_ref().unwrap();
                let db = rel_diff(&values(bias.grad(&g_fast).unwrap()), &values(bias.grad(&g_plain).unwrap()));
                assert!(db < 1e-5, "{what}: bias gradient differs by {db}");
                if input_grad {
                    let dx = rel_diff(&values(x.grad(&g_fast).unwrap()), &values(x.grad(&g_plain).unwrap()));
                    assert!(dx < 1e-5, "{what}: input gradient differs by {dx}");
                } else {
                    assert!(x.grad(&g_fast).is_none(), "{what}: the observation got a gradient");
                }
            }
        }
    }
}

#[test]
fn runs_without_autodiff() {
    let device = Device::flex();
    let layer: Linear = LinearConfig::new(8, 3).init(&device);
    let x = wave([2, 8], 1.0, &device);
    let (w, b) = (layer.weight.val(), layer.bias.as_ref().unwrap().val());
    let d = rel_diff(&values(dense(x.clone(), w, b, false)), &values(layer.forward(x)));
    assert!(d < 1e-6, "forward differs by {d}");
}
