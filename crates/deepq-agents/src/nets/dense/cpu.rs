//! f32 CPU kernels of a fully connected layer, `y = x W + b` with an optional ReLU fused in
//! (`x: [batch, d_in]`, `W: [d_in, d_out]` as burn's `Linear` stores it, `b: [d_out]`), and its
//! backward pass (weight, bias and, only when asked for, input gradients).
//!
//! Every product is one `gemm` call, split into two halves of its output (rows, or columns for
//! few-row inputs such as an action's forward pass) when it is large enough:
//! - a layer of an MLP-sized batch (`batch >= 32`, `d_in <= 1024`: the RL-Zoo, CleanRL and
//!   LunarLander networks) splits its products from 2^20 multiply-adds (`SECOND_CORE_MACS`,
//!   about 30 microseconds of one core) and hands the second half to `second_core`'s helper
//!   thread, below 2^25 (`HELPER_MAX_MACS`), else to rayon's pool;
//! - any other layer (a convolutional network's first fully connected layer, an action's
//!   forward pass) splits from 192^3 (`SPLIT_MACS`) on rayon's pool, whose threads the conv
//!   layers keep awake; it never wakes the helper, whose spinning would compete with them.
//!
//! How a product is split depends on its shape alone, never on the number of threads or on who
//! runs a half, and each output element is one dot product summed in the same order either way
//! (tested bit for bit), so results are reproducible.

use super::super::flex_kernels::gemm_f32;
use crate::second_core;

/// Multiply-adds from which a product that may not use the helper thread is split on rayon's
/// pool: burn's own threshold for a parallel matmul. Below it (about 0.1 ms of one core) a
/// rayon hand-off from the training loop's thread (not a pool thread) costs more than it saves:
/// the RL-Zoo CartPole training (64 x 256 x 256 products) took 1.2x as long with rayon splits
/// from 2^19.
const SPLIT_MACS: usize = 192 * 192 * 192;
/// Multiply-adds from which a product of an MLP-sized layer is split, its second half on the
/// helper thread of `second_core`, whose hand-off costs well under a microsecond while it is
/// awake: the RL-Zoo MLP update takes 0.69x the time of one thread (BENCHMARKS.md).
const SECOND_CORE_MACS: usize = 1 << 20;
/// Multiply-adds from which such a product goes to rayon's pool instead.
const HELPER_MAX_MACS: usize = 1 << 25;
/// Whether a layer's products may use the helper thread: a batch of at least this many rows...
const HELPER_MIN_BATCH: usize = 32;
/// ...and at most this many input features (a convolutional trunk's output is wider).
const HELPER_MAX_D_IN: usize = 1024;
/// Rows (or columns) each half needs at least for a split.
const MIN_SPLIT: usize = 16;

/// The shape of one fully connected layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DenseGeom {
    /// Rows of the input (samples).
    pub batch: usize,
    /// Input features.
    pub d_in: usize,
    /// Output features.
    pub d_out: usize,
}

/// A raw pointer that may cross to the pool's threads: each task writes its own disjoint part.
#[derive(Clone, Copy)]
struct SendPtr(*mut f32);
// SAFETY: the tasks of `matmul_split` write disjoint elements through it, and the vector it
// points into is owned by `matmul_split`, alive and unaliased until every task has returned.
unsafe impl Send for SendPtr {}
unsafe impl Sync for SendPtr {}

impl SendPtr {
    /// The pointer (a method, so that closures capture the whole `Send` wrapper).
    fn get(self) -> *mut f32 {
        self.0
    }
}

/// One operand of a product: elements and (row, column) strides.
type Operand<'a> = (&'a [f32], (usize, usize));

/// `lhs (m x k) * rhs (k x n)` as a new row-major `m x n` vector, split as the module docs say
/// (`helper`: the layer may use the helper thread).
fn matmul(helper: bool, m: usize, n: usize, k: usize, lhs: Operand, rhs: Operand) -> Vec<f32> {
    let macs = m * n * k;
    let split = match helper {
        true if macs >= HELPER_MAX_MACS => Split::Pool,
        true if macs >= SECOND_CORE_MACS => Split::SecondCore,
        false if macs >= SPLIT_MACS => Split::Pool,
        _ => Split::No,
    };
    matmul_split(split, m, n, k, lhs, rhs)
}

/// Whether a layer's products may use the helper thread (see the module docs).
fn helper_layer(g: &DenseGeom) -> bool {
    g.batch >= HELPER_MIN_BATCH && g.d_in <= HELPER_MAX_D_IN
}

/// Whether and where the second half of a product runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// One call on this thread.
    No,
    /// On the helper thread of `second_core` (or here, if it is busy).
    SecondCore,
    /// On rayon's pool.
    Pool,
}

/// [`matmul`], split in two halves (when both have [`MIN_SPLIT`] rows or columns) as `split` says.
/// The result is written straight into a fresh allocation (not zeroed first: every element is
/// written by gemm, which does not read the destination of a product it does not accumulate).
fn matmul_split(split: Split, m: usize, n: usize, k: usize, lhs: Operand, rhs: Operand) -> Vec<f32> {
    let len = m * n;
    if len == 0 || k == 0 {
        return vec![0.0; len];
    }
    let ((a, (a_rs, a_cs)), (b, (b_rs, b_cs))) = (lhs, rhs);
    assert!((m - 1) * a_rs + (k - 1) * a_cs < a.len(), "gemm lhs out of bounds");
    assert!((k - 1) * b_rs + (n - 1) * b_cs < b.len(), "gemm rhs out of bounds");
    let mut dst = Vec::<f32>::with_capacity(len);
    let out = SendPtr(dst.spare_capacity_mut().as_mut_ptr().cast::<f32>());
    // Rows `r0..r0 + rows`, columns `c0..c0 + cols` of the product.
    let block = move |r0: usize, rows: usize, c0: usize, cols: usize| {
        // SAFETY: the asserts above keep every element read inside `a` and `b`, and every
        // element written lies within the m x n elements `dst` has room for (the block lies
        // within the product); blocks of one call are disjoint, and `dst` is a fresh allocation
        // that aliases neither operand.
        unsafe {
            gemm_f32(
                (rows, cols, k),
                out.get().add(r0 * n + c0),
                n,
                false,
                a.as_ptr().add(r0 * a_rs),
                (a_rs, a_cs),
                b.as_ptr().add(c0 * b_cs),
                (b_rs, b_cs),
            );
        }
    };
    let join = |first: &(dyn Fn() + Sync), second: &(dyn Fn() + Sync)| match split {
        Split::Pool => drop(rayon::join(first, second)),
        _ => drop(second_core::join(first, second)),
    };
    if split == Split::No {
        block(0, m, 0, n);
    } else if m >= 2 * MIN_SPLIT {
        let half = m.div_ceil(2);
        join(&|| block(0, half, 0, n), &|| block(half, m - half, 0, n));
    } else if n >= 2 * MIN_SPLIT {
        let half = n.div_ceil(2);
        join(&|| block(0, m, 0, half), &|| block(0, m, half, n - half));
    } else {
        block(0, m, 0, n);
    }
    // SAFETY: the blocks above cover all m x n elements, and gemm has written each of them.
    unsafe { dst.set_len(len) };
    dst
}

/// The forward pass: `y = x W + b`, then `max(y, 0)` when `relu`; returns `[batch, d_out]`.
pub fn forward(g: &DenseGeom, x: &[f32], weight: &[f32], bias: &[f32], relu: bool) -> Vec<f32> {
    let DenseGeom { batch, d_in, d_out } = *g;
    assert_eq!(x.len(), batch * d_in, "input size");
    assert_eq!(weight.len(), d_in * d_out, "weight size");
    assert_eq!(bias.len(), d_out, "bias size");
    let mut y = matmul(helper_layer(g), batch, d_out, d_in, (x, (d_in, 1)), (weight, (d_out, 1)));
    for row in y.chunks_exact_mut(d_out.max(1)) {
        for (v, &b) in row.iter_mut().zip(bias) {
            let z = *v + b;
            *v = if relu { z.max(0.0) } else { z };
        }
    }
    y
}

/// Gradients of [`forward`].
pub use super::super::flex_kernels::LayerGrads as Grads;

/// The backward pass of [`forward`] given the output gradient `dy`; `y` is the forward output,
/// needed (for the ReLU mask) only when `relu`. The input gradient is computed only when
/// `want_x` (a network's input, the observation, needs none).
pub fn backward(g: &DenseGeom, x: &[f32], weight: &[f32], y: Option<&[f32]>, dy: &[f32], want_x: bool) -> Grads {
    let DenseGeom { batch, d_in, d_out } = *g;
    assert_eq!(x.len(), batch * d_in, "input size");
    assert_eq!(weight.len(), d_in * d_out, "weight size");
    assert_eq!(dy.len(), batch * d_out, "output gradient size");
    // The gradient at the pre-activation: dy where the output is positive (with the ReLU).
    let masked;
    let dz: &[f32] = match y {
        Some(y) => {
            assert_eq!(y.len(), dy.len(), "output size");
            masked = dy.iter().zip(y).map(|(&d, &v)| if v > 0.0 { d } else { 0.0 }).collect::<Vec<f32>>();
            &masked
        }
        None => dy,
    };
    let mut bias = vec![0.0f32; d_out];
    for row in dz.chunks_exact(d_out.max(1)) {
        for (s, v) in bias.iter_mut().zip(row) {
            *s += v;
        }
    }
    // dW (d_in x d_out) = x^T (d_in x batch) * dz (batch x d_out).
    let dw = matmul(helper_layer(g), d_in, d_out, batch, (x, (1, d_in)), (dz, (d_out, 1)));
    let dx = want_x.then(|| {
        // dx (batch x d_in) = dz (batch x d_out) * W^T (d_out x d_in).
        matmul(helper_layer(g), batch, d_in, d_out, (dz, (d_out, 1)), (weight, (1, d_out)))
    });
    Grads { x: dx, weight: dw, bias }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wave(n: usize, seed: f32) -> Vec<f32> {
        (0..n).map(|i| ((i as f32 * 0.377 + seed).sin() * 3.1).fract()).collect()
    }

    /// `x W + b` by its definition, in f64.
    fn naive(g: &DenseGeom, x: &[f32], w: &[f32], b: &[f32]) -> Vec<f64> {
        let mut y = vec![0.0f64; g.batch * g.d_out];
        for r in 0..g.batch {
            for o in 0..g.d_out {
                let dot: f64 = (0..g.d_in).map(|i| x[r * g.d_in + i] as f64 * w[i * g.d_out + o] as f64).sum();
                y[r * g.d_out + o] = dot + b[o] as f64;
            }
        }
        y
    }

    /// Shapes below the split, and split by rows and by columns (few rows).
    const SHAPES: [DenseGeom; 5] = [
        DenseGeom { batch: 5, d_in: 7, d_out: 3 },
        DenseGeom { batch: 64, d_in: 256, d_out: 256 },
        DenseGeom { batch: 1, d_in: 3136, d_out: 512 },
        DenseGeom { batch: 41, d_in: 600, d_out: 300 },
        DenseGeom { batch: 4, d_in: 3000, d_out: 700 },
    ];

    #[test]
    fn forward_matches_the_definition() {
        for g in SHAPES {
            let (x, w, b) = (wave(g.batch * g.d_in, 0.1), wave(g.d_in * g.d_out, 0.2), wave(g.d_out, 0.3));
            let want = naive(&g, &x, &w, &b);
            for relu in [false, true] {
                let got = forward(&g, &x, &w, &b, relu);
                for (i, (&a, &e)) in got.iter().zip(&want).enumerate() {
                    let e = if relu { e.max(0.0) } else { e };
                    assert!((a as f64 - e).abs() < 1e-4 * (1.0 + e.abs()), "{g:?} relu {relu} [{i}]: {a} vs {e}");
                }
            }
        }
    }

    #[test]
    fn gradients_match_the_definition() {
        for g in SHAPES {
            let (x, w, b) = (wave(g.batch * g.d_in, 0.4), wave(g.d_in * g.d_out, 0.5), wave(g.d_out, 0.6));
            let dy = wave(g.batch * g.d_out, 0.7);
            let y = forward(&g, &x, &w, &b, true);
            let got = backward(&g, &x, &w, Some(&y), &dy, true);
            let dz: Vec<f64> = dy.iter().zip(&y).map(|(&d, &v)| if v > 0.0 { d as f64 } else { 0.0 }).collect();
            let close = |a: f32, e: f64, what: &str| {
                assert!((a as f64 - e).abs() < 1e-4 * (1.0 + e.abs()), "{g:?} {what}: {a} vs {e}");
            };
            for o in 0..g.d_out {
                close(got.bias[o], (0..g.batch).map(|r| dz[r * g.d_out + o]).sum(), "bias");
                for i in 0..g.d_in {
                    let e = (0..g.batch).map(|r| x[r * g.d_in + i] as f64 * dz[r * g.d_out + o]).sum();
                    close(got.weight[i * g.d_out + o], e, "weight");
                }
            }
            let dx = got.x.expect("asked for");
            for r in 0..g.batch {
                for i in 0..g.d_in {
                    let e = (0..g.d_out).map(|o| dz[r * g.d_out + o] * w[i * g.d_out + o] as f64).sum();
                    close(dx[r * g.d_in + i], e, "input");
                }
            }
            assert!(backward(&g, &x, &w, None, &dy, false).x.is_none());
        }
    }

    #[test]
    fn only_mlp_sized_layers_use_the_helper_thread() {
        // RL-Zoo's and LunarLander's hidden layers do; the Nature CNN's first fully connected
        // layer (behind rayon's convolutions) and a single action's forward pass do not.
        assert!(helper_layer(&DenseGeom { batch: 64, d_in: 256, d_out: 256 }));
        assert!(helper_layer(&DenseGeom { batch: 128, d_in: 120, d_out: 84 }));
        assert!(!helper_layer(&DenseGeom { batch: 32, d_in: 3136, d_out: 512 }));
        assert!(!helper_layer(&DenseGeom { batch: 1, d_in: 256, d_out: 256 }));
    }

    #[test]
    fn a_split_product_equals_the_unsplit_one_bit_for_bit() {
        // Each output element is one dot product either way: splitting changes no bit.
        let (m, n, k) = (64, 256, 256);
        let (a, b) = (wave(m * k, 0.8), wave(k * n, 0.9));
        for split in [Split::SecondCore, Split::Pool] {
            let halves = matmul_split(split, m, n, k, (&a, (k, 1)), (&b, (n, 1)));
            let whole = matmul_split(Split::No, m, n, k, (&a, (k, 1)), (&b, (n, 1)));
            assert_eq!(halves, whole, "{split:?}");
            // Split by columns (too few rows to split by rows).
            let halves = matmul_split(split, 8, n, k, (&a, (k, 1)), (&b, (n, 1)));
            let whole = matmul_split(Split::No, 8, n, k, (&a, (k, 1)), (&b, (n, 1)));
            assert_eq!(halves, whole, "{split:?}");
        }
    }
}
