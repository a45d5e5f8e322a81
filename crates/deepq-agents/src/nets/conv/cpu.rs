//! f32 CPU kernels of a "valid" 2-D convolution (square kernel, one stride, no padding, no
//! dilation, one group) on NCHW tensors, with the bias and an optional ReLU fused in, and its
//! backward pass (weight, bias and, only when asked for, input gradients).
//!
//! Every kernel works on groups of a few samples: the group's input patches are unfolded into a
//! `[c_in * k * k, n * oh * ow]` matrix (im2col) in a per-thread scratch buffer that stays in
//! cache, one `gemm` call multiplies it with the weight, and a single pass writes the result
//! (bias + ReLU) to its NCHW place. Groups run in parallel on rayon's pool; each `gemm` call
//! is single-threaded, so no call waits on another thread. Nothing is allocated per call
//! except the output tensors and a few weight-sized partial sums.
//!
//! Results do not depend on the number of threads: the weight and bias gradients are summed
//! over a fixed partition of the batch (`PARTS`), in a fixed order.

use rayon::prelude::*;
use std::cell::RefCell;

/// Columns of the im2col matrix per `gemm` call: samples are grouped until a group has about
/// this many output positions (one sample per group when a sample alone has more).
const TARGET_COLS: usize = 256;
/// The batch is split into at most this many parts for the weight and bias gradients; each
/// part accumulates its own sums, which are added in order (deterministic for any thread count).
const PARTS: usize = 8;

/// The shape of one convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvGeom {
    /// Samples.
    pub batch: usize,
    /// Input channels.
    pub c_in: usize,
    /// Input height.
    pub h: usize,
    /// Input width.
    pub w: usize,
    /// Output channels.
    pub c_out: usize,
    /// Kernel size (square).
    pub k: usize,
    /// Stride (both axes).
    pub s: usize,
}

impl ConvGeom {
    /// Output height.
    pub fn oh(&self) -> usize {
        (self.h - self.k) / self.s + 1
    }

    /// Output width.
    pub fn ow(&self) -> usize {
        (self.w - self.k) / self.s + 1
    }

    /// Output positions per sample and channel.
    pub fn p(&self) -> usize {
        self.oh() * self.ow()
    }

    /// Rows of the im2col matrix (`c_in * k * k`, the weight's row length).
    pub fn kdim(&self) -> usize {
        self.c_in * self.k * self.k
    }

    /// Elements of one input sample.
    pub fn in_len(&self) -> usize {
        self.c_in * self.h * self.w
    }

    /// Elements of one output sample.
    pub fn out_len(&self) -> usize {
        self.c_out * self.p()
    }

    /// Samples per group.
    fn group(&self) -> usize {
        TARGET_COLS.div_ceil(self.p()).clamp(1, self.batch.max(1))
    }

    /// Whether the shape is one these kernels compute.
    pub fn is_valid(&self) -> bool {
        self.batch > 0
            && self.c_in > 0
            && self.c_out > 0
            && self.k > 0
            && self.s > 0
            && self.h >= self.k
            && self.w >= self.k
    }
}

thread_local! {
    static SCRATCH: RefCell<Vec<f32>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with two scratch buffers of `a` and `b` elements (contents unspecified) from this
/// thread's reusable buffer.
fn with_scratch<R>(a: usize, b: usize, f: impl FnOnce(&mut [f32], &mut [f32]) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < a + b {
                buf.resize(a + b, 0.0);
            }
            let (x, y) = buf.split_at_mut(a);
            f(x, &mut y[..b])
        }
        // Re-entered on this thread (not done by these kernels): use a fresh buffer.
        Err(_) => {
            let mut buf = vec![0.0f32; a + b];
            let (x, y) = buf.split_at_mut(a);
            f(x, y)
        }
    })
}

/// `dst (m x n) = [dst +] lhs (m x k) * rhs (k x n)`, single-threaded; strides are
/// (row, column) in elements.
#[allow(clippy::too_many_arguments)]
fn matmul(
    m: usize,
    n: usize,
    k: usize,
    dst: &mut [f32],
    dst_rs: usize,
    accumulate: bool,
    lhs: &[f32],
    (lhs_rs, lhs_cs): (usize, usize),
    rhs: &[f32],
    (rhs_rs, rhs_cs): (usize, usize),
) {
    if m == 0 || n == 0 {
        return;
    }
    assert!((m - 1) * dst_rs + n <= dst.len(), "gemm destination out of bounds");
    if k > 0 {
        assert!((m - 1) * lhs_rs + (k - 1) * lhs_cs < lhs.len(), "gemm lhs out of bounds");
        assert!((k - 1) * rhs_rs + (n - 1) * rhs_cs < rhs.len(), "gemm rhs out of bounds");
    }
    // SAFETY: the asserts above keep every element gemm reads or writes inside the slices, and
    // `dst` does not alias `lhs` or `rhs` (a `&mut` and two `&` borrows).
    unsafe {
        gemm::gemm(
            m,
            n,
            k,
            dst.as_mut_ptr(),
            1,
            dst_rs as isize,
            accumulate,
            lhs.as_ptr(),
            lhs_cs as isize,
            lhs_rs as isize,
            rhs.as_ptr(),
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

/// Unfolds samples `b0..b0 + n` of `x` into `cols` (`[kdim, n * p]`, row-major).
fn im2col(g: &ConvGeom, x: &[f32], b0: usize, n: usize, cols: &mut [f32]) {
    match g.s {
        1 => im2col_s::<1>(g, x, b0, n, cols),
        2 => im2col_s::<2>(g, x, b0, n, cols),
        4 => im2col_s::<4>(g, x, b0, n, cols),
        _ => im2col_s::<0>(g, x, b0, n, cols),
    }
}

/// [`im2col`] for a stride known at compile time (`S = 0`: read `g.s`).
#[inline(always)]
fn im2col_s<const S: usize>(g: &ConvGeom, x: &[f32], b0: usize, n: usize, cols: &mut [f32]) {
    let s = if S == 0 { g.s } else { S };
    let (k, w, oh, ow, p) = (g.k, g.w, g.oh(), g.ow(), g.p());
    let gp = n * p;
    let plane = g.h * w;
    for c in 0..g.c_in {
        for ki in 0..k {
            for j in 0..n {
                let src = &x[(b0 + j) * g.in_len() + c * plane..][..plane];
                for oy in 0..oh {
                    let srow = &src[(oy * s + ki) * w..][..w];
                    for kj in 0..k {
                        let row = (c * k + ki) * k + kj;
                        let dst = &mut cols[row * gp + j * p + oy * ow..][..ow];
                        if s == 1 {
                            dst.copy_from_slice(&srow[kj..kj + ow]);
                        } else {
                            let src = &srow[kj..];
                            for (o, d) in dst.iter_mut().enumerate() {
                                *d = src[o * s];
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Adds `cols` (`[kdim, n * p]`) back onto the input positions they were unfolded from, in `dx`
/// (the `n` samples of the group, NCHW; zero before the first call).
fn col2im(g: &ConvGeom, cols: &[f32], n: usize, dx: &mut [f32]) {
    let s = g.s;
    let (k, w, oh, ow, p) = (g.k, g.w, g.oh(), g.ow(), g.p());
    let gp = n * p;
    let plane = g.h * w;
    for j in 0..n {
        for c in 0..g.c_in {
            let dst = &mut dx[j * g.in_len() + c * plane..][..plane];
            for ki in 0..k {
                for oy in 0..oh {
                    let drow = &mut dst[(oy * s + ki) * w..][..w];
                    for kj in 0..k {
                        let row = (c * k + ki) * k + kj;
                        let src = &cols[row * gp + j * p + oy * ow..][..ow];
                        if s == 1 {
                            for (d, v) in drow[kj..kj + ow].iter_mut().zip(src) {
                                *d += v;
                            }
                        } else {
                            for (o, v) in src.iter().enumerate() {
                                drow[kj + o * s] += v;
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The forward pass: `y = conv(x, weight) + bias`, then `max(y, 0)` when `relu`.
/// `x`: `[batch, c_in, h, w]`; `weight`: `[c_out, c_in, k, k]`; `bias`: `[c_out]`; returns
/// `[batch, c_out, oh, ow]`.
pub fn forward(g: &ConvGeom, x: &[f32], weight: &[f32], bias: &[f32], relu: bool) -> Vec<f32> {
    assert!(g.is_valid(), "unsupported convolution {g:?}");
    assert_eq!(x.len(), g.batch * g.in_len(), "input size");
    assert_eq!(weight.len(), g.c_out * g.kdim(), "weight size");
    assert_eq!(bias.len(), g.c_out, "bias size");
    let (p, kdim, co) = (g.p(), g.kdim(), g.c_out);
    let group = g.group();
    let mut out = vec![0.0f32; g.batch * g.out_len()];
    out.par_chunks_mut(group * g.out_len()).enumerate().for_each(|(gi, out)| {
        let b0 = gi * group;
        let n = out.len() / g.out_len();
        let gp = n * p;
        with_scratch(kdim * gp, if n > 1 { co * gp } else { 0 }, |cols, tmp| {
            im2col(g, x, b0, n, cols);
            if n == 1 {
                matmul(co, p, kdim, out, p, false, weight, (kdim, 1), cols, (gp, 1));
                for (row, &b) in out.chunks_exact_mut(p).zip(bias) {
                    bias_act(row, b, relu);
                }
            } else {
                matmul(co, gp, kdim, tmp, gp, false, weight, (kdim, 1), cols, (gp, 1));
                for j in 0..n {
                    for (o, &b) in bias.iter().enumerate() {
                        let dst = &mut out[(j * co + o) * p..][..p];
                        dst.copy_from_slice(&tmp[o * gp + j * p..][..p]);
                        bias_act(dst, b, relu);
                    }
                }
            }
        });
    });
    out
}

#[inline(always)]
fn bias_act(row: &mut [f32], b: f32, relu: bool) {
    if relu {
        for v in row {
            *v = (*v + b).max(0.0);
        }
    } else {
        for v in row {
            *v += b;
        }
    }
}

/// Gradients of [`forward`].
pub struct Grads {
    /// `d loss / d x` (`None` unless asked for).
    pub x: Option<Vec<f32>>,
    /// `d loss / d weight`.
    pub weight: Vec<f32>,
    /// `d loss / d bias`.
    pub bias: Vec<f32>,
}

/// The backward pass of [`forward`] given the output gradient `dy`; `y` is the forward output,
/// needed (for the ReLU mask) only when `relu`. The input gradient is computed only when
/// `want_x` (the first layer's input, the observation, needs none).
pub fn backward(g: &ConvGeom, x: &[f32], weight: &[f32], y: Option<&[f32]>, dy: &[f32], want_x: bool) -> Grads {
    assert!(g.is_valid(), "unsupported convolution {g:?}");
    assert_eq!(x.len(), g.batch * g.in_len(), "input size");
    assert_eq!(dy.len(), g.batch * g.out_len(), "output gradient size");
    if let Some(y) = y {
        assert_eq!(y.len(), dy.len(), "output size");
    }
    let (p, kdim, co) = (g.p(), g.kdim(), g.c_out);
    let group = g.group();
    let n_groups = g.batch.div_ceil(group);
    let parts = n_groups.min(PARTS);
    let mut dx = if want_x { Some(vec![0.0f32; g.batch * g.in_len()]) } else { None };

    // One group: its output gradient (ReLU mask applied) into `dz` ([c_out, n * p]), the bias
    // gradient, the weight gradient, and (with `dx`) the input gradient.
    let group_step = |gi: usize, dw: &mut [f32], db: &mut [f32], dx: Option<&mut [f32]>| {
        let b0 = gi * group;
        let n = group.min(g.batch - b0);
        let gp = n * p;
        with_scratch(kdim * gp, co * gp, |cols, dz| {
            for j in 0..n {
                for o in 0..co {
                    let at = ((b0 + j) * co + o) * p;
                    let src = &dy[at..at + p];
                    let dst = &mut dz[o * gp + j * p..][..p];
                    match y {
                        Some(y) => {
                            for ((d, &v), &out) in dst.iter_mut().zip(src).zip(&y[at..at + p]) {
                                *d = if out > 0.0 { v } else { 0.0 };
                            }
                        }
                        None => dst.copy_from_slice(src),
                    }
                    db[o] += dst.iter().sum::<f32>();
                }
            }
            im2col(g, x, b0, n, cols);
            // dW (c_out x kdim) += dz (c_out x gp) * cols^T (gp x kdim).
            matmul(co, kdim, gp, dw, kdim, true, dz, (gp, 1), cols, (1, gp));
            if let Some(dx) = dx {
                // dcols (kdim x gp) = W^T (kdim x c_out) * dz (c_out x gp), over `cols`.
                matmul(kdim, gp, co, cols, gp, false, weight, (1, kdim), dz, (gp, 1));
                col2im(g, cols, n, dx);
            }
        });
    };

    // Parts are contiguous runs of groups; part `i` holds groups `bounds[i]..bounds[i + 1]`.
    let bounds: Vec<usize> = (0..=parts).map(|i| i * n_groups / parts).collect();
    let mut partial = vec![0.0f32; parts * (co * kdim + co)];
    let per_part = co * kdim + co;
    match dx.as_mut() {
        Some(dx) => {
            // Split dx along the same parts so each part owns its samples' input gradient.
            let mut rest: &mut [f32] = dx;
            let mut dx_parts = Vec::with_capacity(parts);
            for i in 0..parts {
                let samples = (bounds[i + 1] * group).min(g.batch) - bounds[i] * group;
                let (head, tail) = rest.split_at_mut(samples * g.in_len());
                dx_parts.push(head);
                rest = tail;
            }
            partial.par_chunks_mut(per_part).zip(dx_parts).enumerate().for_each(|(i, (acc, dxp))| {
                let (dw, db) = acc.split_at_mut(co * kdim);
                let mut off = 0;
                for gi in bounds[i]..bounds[i + 1] {
                    let n = group.min(g.batch - gi * group);
                    let len = n * g.in_len();
                    group_step(gi, dw, db, Some(&mut dxp[off..off + len]));
                    off += len;
                }
            });
        }
        None => {
            partial.par_chunks_mut(per_part).enumerate().for_each(|(i, acc)| {
                let (dw, db) = acc.split_at_mut(co * kdim);
                for gi in bounds[i]..bounds[i + 1] {
                    group_step(gi, dw, db, None);
                }
            });
        }
    }
    let mut sums = partial.chunks_exact(per_part);
    let mut total = sums.next().expect("at least one part").to_vec();
    for part in sums {
        for (t, v) in total.iter_mut().zip(part) {
            *t += v;
        }
    }
    let bias = total.split_off(co * kdim);
    Grads { x: dx, weight: total, bias }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The convolution by its definition, in f64.
    fn naive(g: &ConvGeom, x: &[f32], w: &[f32], b: &[f32]) -> Vec<f64> {
        let (oh, ow) = (g.oh(), g.ow());
        let mut out = vec![0.0f64; g.batch * g.out_len()];
        for n in 0..g.batch {
            for o in 0..g.c_out {
                for y in 0..oh {
                    for xo in 0..ow {
                        let mut acc = b[o] as f64;
                        for c in 0..g.c_in {
                            for ki in 0..g.k {
                                for kj in 0..g.k {
                                    let xv = x[((n * g.c_in + c) * g.h + y * g.s + ki) * g.w + xo * g.s + kj];
                                    let wv = w[((o * g.c_in + c) * g.k + ki) * g.k + kj];
                                    acc += xv as f64 * wv as f64;
                                }
                            }
                        }
                        out[((n * g.c_out + o) * oh + y) * ow + xo] = acc;
                    }
                }
            }
        }
        out
    }

    fn data(n: usize, seed: f32) -> Vec<f32> {
        (0..n).map(|i| ((i as f32 * 0.731 + seed).sin() * 1.7).fract()).collect()
    }

    fn geoms() -> Vec<ConvGeom> {
        let g = |batch, c_in, h, w, c_out, k, s| ConvGeom { batch, c_in, h, w, c_out, k, s };
        vec![
            g(3, 4, 20, 20, 8, 8, 4),
            g(5, 6, 9, 9, 7, 4, 2),
            g(4, 5, 7, 7, 6, 3, 1),
            g(2, 3, 11, 13, 16, 5, 2),
            g(3, 2, 10, 10, 3, 3, 3),
            g(1, 1, 4, 4, 1, 4, 1),
        ]
    }

    #[test]
    fn forward_matches_the_definition() {
        for g in geoms() {
            let x = data(g.batch * g.in_len(), 0.1);
            let w = data(g.c_out * g.kdim(), 0.2);
            let b = data(g.c_out, 0.3);
            let want = naive(&g, &x, &w, &b);
            for relu in [false, true] {
                let got = forward(&g, &x, &w, &b, relu);
                for (a, e) in got.iter().zip(&want) {
                    let e = if relu { e.max(0.0) } else { *e };
                    assert!((*a as f64 - e).abs() < 1e-4, "{g:?}: {a} vs {e}");
                }
            }
        }
    }

    #[test]
    fn backward_matches_the_definition() {
        for g in geoms() {
            let x = data(g.batch * g.in_len(), 0.4);
            let w = data(g.c_out * g.kdim(), 0.5);
            let b = data(g.c_out, 0.6);
            let dy = data(g.batch * g.out_len(), 0.7);
            for relu in [false, true] {
                let y = forward(&g, &x, &w, &b, relu);
                let grads = backward(&g, &x, &w, relu.then_some(&y[..]), &dy, true);
                // The masked output gradient, then the gradients by their definitions.
                let dz: Vec<f64> =
                    dy.iter().zip(&y).map(|(&d, &v)| if relu && v <= 0.0 { 0.0 } else { d as f64 }).collect();
                let (oh, ow) = (g.oh(), g.ow());
                let mut dw = vec![0.0f64; w.len()];
                let mut dx = vec![0.0f64; x.len()];
                let mut db = vec![0.0f64; g.c_out];
                for n in 0..g.batch {
                    for o in 0..g.c_out {
                        for yy in 0..oh {
                            for xo in 0..ow {
                                let d = dz[((n * g.c_out + o) * oh + yy) * ow + xo];
                                db[o] += d;
                                for c in 0..g.c_in {
                                    for ki in 0..g.k {
                                        for kj in 0..g.k {
                                            let xi = ((n * g.c_in + c) * g.h + yy * g.s + ki) * g.w + xo * g.s + kj;
                                            let wi = ((o * g.c_in + c) * g.k + ki) * g.k + kj;
                                            dw[wi] += d * x[xi] as f64;
                                            dx[xi] += d * w[wi] as f64;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                let close = |a: &[f32], e: &[f64], what: &str| {
                    for (a, e) in a.iter().zip(e) {
                        assert!((*a as f64 - e).abs() < 1e-3 * (1.0 + e.abs()), "{g:?} {what}: {a} vs {e}");
                    }
                };
                close(&grads.weight, &dw, "weight");
                close(&grads.bias, &db, "bias");
                close(grads.x.as_ref().unwrap(), &dx, "input");
                let no_x = backward(&g, &x, &w, relu.then_some(&y[..]), &dy, false);
                assert!(no_x.x.is_none());
                assert_eq!(no_x.weight, grads.weight, "the input gradient must not change the others");
            }
        }
    }

    #[test]
    fn results_do_not_depend_on_the_thread_count() {
        let g = ConvGeom { batch: 32, c_in: 4, h: 36, w: 36, c_out: 8, k: 8, s: 4 };
        let x = data(g.batch * g.in_len(), 0.8);
        let w = data(g.c_out * g.kdim(), 0.9);
        let b = data(g.c_out, 1.0);
        let dy = data(g.batch * g.out_len(), 1.1);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                let y = forward(&g, &x, &w, &b, true);
                let gr = backward(&g, &x, &w, Some(&y), &dy, true);
                (y, gr.weight, gr.bias, gr.x.unwrap())
            })
        };
        assert!(run(1) == run(3));
    }
}
