//! The fused convolution against burn's own (`Conv2d::forward` then ReLU): forward values and
//! the input, weight and bias gradients, for the layers of the networks deepq trains.

use super::*;
use crate::bench::{homework_cnn_spec, nature_cnn_spec, tutorial_cnn_spec};
use crate::nets::{ConvSpec, NetSpec};
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::tensor::activation::relu;

fn values<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_into_vec_as::<f32>().unwrap()
}

fn wave<const D: usize>(shape: [usize; D], seed: f32, device: &Device) -> Tensor<D> {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|i| ((i as f32 * 0.377 + seed).sin() * 3.1).fract()).collect();
    Tensor::<1>::from_data(TensorData::new(v, [n]), device).reshape(shape)
}

/// Largest absolute difference, relative to the largest magnitude of `want` (at least 1).
fn rel_diff(got: &[f32], want: &[f32]) -> f32 {
    assert_eq!(got.len(), want.len());
    let scale = want.iter().fold(1.0f32, |m, v| m.max(v.abs()));
    got.iter().zip(want).fold(0.0f32, |m, (a, b)| m.max((a - b).abs())) / scale
}

/// Each convolution of `spec`, on its input shape with `batch` samples: forward values and
/// gradients of the fused operation against burn's, with and without the ReLU.
fn check_layers(spec: &NetSpec, batch: usize) {
    let device = Device::flex().autodiff();
    let [mut c, mut h, mut w] = spec.input_shape[..] else { panic!("an image spec") };
    for (layer, ConvSpec(out, k, s)) in spec.conv.iter().copied().enumerate() {
        let conv: Conv2d = Conv2dConfig::new([c, out], [k, k]).with_stride([s, s]).init(&device);
        // The first layer's input is the observation (no gradient); later ones need theirs.
        let x = wave([batch, c, h, w], layer as f32, &device);
        let x = if layer > 0 { x.require_grad() } else { x };
        assert!(applies(&x, &conv.weight.val(), s));
        for fused_relu in [true, false] {
            let bias = conv.bias.as_ref().unwrap().val();
            let fast = conv2d_valid(x.clone(), conv.weight.val(), bias, s, fused_relu);
            let plain = conv.forward(x.clone());
            let plain = if fused_relu { relu(plain) } else { plain };
            assert_eq!(fast.dims(), plain.dims());
            let what = format!("layer {layer} ({c}x{h}x{w} -> {out}x{k}x{k}/{s}), relu {fused_relu}");
            let d = rel_diff(&values(fast.clone()), &values(plain.clone()));
            assert!(d < 1e-5, "{what}: forward differs by {d}");
            // A loss that weighs every output differently.
            let r = wave(fast.dims(), 7.0, &device).detach();
            let g_fast = (fast * r.clone()).sum().backward();
            let g_plain = (plain * r).sum().backward();
            let dw =
                rel_diff(&values(conv.weight.grad(&g_fast).unwrap()), &values(conv.weight.grad(&g_plain).unwrap()));
            assert!(dw < 1e-5, "{what}: weight gradient differs by {dw}");
            let b = conv.bias.as_ref().unwrap();
            let db = rel_diff(&values(b.grad(&g_fast).unwrap()), &values(b.grad(&g_plain).unwrap()));
            assert!(db < 1e-5, "{what}: bias gradient differs by {db}");
            if layer > 0 {
                let dx = rel_diff(&values(x.grad(&g_fast).unwrap()), &values(x.grad(&g_plain).unwrap()));
                assert!(dx < 1e-5, "{what}: input gradient differs by {dx}");
            } else {
                assert!(x.grad(&g_fast).is_none(), "the observation has no gradient");
            }
        }
        c = out;
        h = (h - k) / s + 1;
        w = (w - k) / s + 1;
    }
}

#[test]
fn nature_cnn_layers_match_burn() {
    check_layers(&nature_cnn_spec(6), 3);
}

#[test]
fn homework_cnn_layers_match_burn() {
    check_layers(&homework_cnn_spec(4), 3);
}

#[test]
fn cartpole_pixel_cnn_layers_match_burn() {
    check_layers(&tutorial_cnn_spec(3, vec![], true), 2);
    check_layers(&tutorial_cnn_spec(2, vec![64], false), 2);
}

#[test]
fn inference_device_matches_the_autodiff_one() {
    let train = Device::flex().autodiff();
    let conv: Conv2d = Conv2dConfig::new([4, 8], [4, 4]).with_stride([2, 2]).init(&train);
    let x = wave([2, 4, 10, 10], 0.3, &train);
    let trained = values(conv2d_valid(x.clone(), conv.weight.val(), conv.bias.as_ref().unwrap().val(), 2, true));
    let infer = conv.valid();
    let x = wave([2, 4, 10, 10], 0.3, &Device::flex());
    assert!(supports(&Device::flex()) && supports(&train));
    let plain = values(conv2d_valid(x, infer.weight.val(), infer.bias.as_ref().unwrap().val(), 2, true));
    assert_eq!(trained, plain);
}

/// The whole network (fused convolutions and ReLUs in the trunk) against the same network
/// computed with burn's convolutions, with gradients of every parameter.
#[test]
fn nature_cnn_network_and_gradients_match_burn() {
    let device = Device::flex().autodiff();
    let spec = nature_cnn_spec(6);
    let net = spec.init(&device);
    let batch = 2;
    let x = wave([batch, spec.obs_dim], 0.9, &device).abs();
    let fast = net.forward(x.clone());
    let mut img = x.reshape([batch, 4, 84, 84]);
    for conv in &net.convs {
        img = relu(conv.forward(img));
    }
    let mut h = img.flatten(1, 3);
    for l in &net.hidden {
        h = relu(l.forward(h));
    }
    let plain = net.head.forward(h);
    let d = rel_diff(&values(fast.clone()), &values(plain.clone()));
    assert!(d < 1e-5, "Q-values differ by {d}");
    let g_fast = (fast * wave([batch, 6], 2.0, &device).detach()).sum().backward();
    let g_plain = (plain * wave([batch, 6], 2.0, &device).detach()).sum().backward();
    for (i, conv) in net.convs.iter().enumerate() {
        let dw = rel_diff(&values(conv.weight.grad(&g_fast).unwrap()), &values(conv.weight.grad(&g_plain).unwrap()));
        assert!(dw < 1e-4, "conv {i} weight gradient differs by {dw}");
        let b = conv.bias.as_ref().unwrap();
        let db = rel_diff(&values(b.grad(&g_fast).unwrap()), &values(b.grad(&g_plain).unwrap()));
        assert!(db < 1e-4, "conv {i} bias gradient differs by {db}");
    }
    let dw =
        rel_diff(&values(net.head.weight.grad(&g_fast).unwrap()), &values(net.head.weight.grad(&g_plain).unwrap()));
    assert!(dw < 1e-5, "head weight gradient differs by {dw}");
}
