//! f32 CPU kernels of a "valid" 2-D convolution (square kernel, one stride, no padding, no
//! dilation, one group) on NCHW tensors, with the bias and an optional ReLU fused in, and its
//! backward pass (weight, bias and, only when asked for, input gradients).
//!
//! How: a strided input is first split into its `s * s` phase planes (`x[c, y, x]` goes to plane
//! `(c, y % s, x % s)` at `(y / s, x / s)`), after which every kernel offset `(ki, kj)` reads one
//! plane at a fixed shift. Outputs are computed on an "extended" grid as wide as a phase plane
//! (`wp` columns per output row instead of `ow`; the extra columns are discarded), so each row of
//! the unfolded input (im2col, `[c_in * k * k, n * ext]` for a group of `n` samples) is a single
//! contiguous copy, and the gradient's fold back (col2im) a single contiguous add. One `gemm`
//! call per group multiplies the unfolded input with the weight; a single pass then writes the
//! valid columns (bias + ReLU) to their NCHW place. Scratch buffers are per thread and reused;
//! nothing is allocated per call except the output tensors and weight-sized partial sums.
//!
//! Groups of samples run in parallel on rayon's pool; each `gemm` call is single-threaded, so no
//! call waits on another thread. Results do not depend on the number of threads: the weight and
//! bias gradients are summed over a fixed partition of the batch (`PARTS`), in a fixed order.

use super::super::flex_kernels::gemm_f32;
use rayon::prelude::*;
use std::cell::RefCell;

/// Columns of the unfolded input per `gemm` call: samples are grouped until a group has about
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

    /// Rows of the unfolded input (`c_in * k * k`, the weight's row length).
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

    /// Height of a phase plane.
    fn hp(&self) -> usize {
        self.h.div_ceil(self.s)
    }

    /// Width of a phase plane (and of a row of the extended output grid).
    fn wp(&self) -> usize {
        self.w.div_ceil(self.s)
    }

    /// Elements of one sample's phase planes (`c_in * s * s` planes of `hp * wp`).
    fn split_len(&self) -> usize {
        self.c_in * self.s * self.s * self.hp() * self.wp()
    }

    /// Columns of one sample on the extended grid: `oh - 1` rows of `wp`, then `ow`.
    fn ext(&self) -> usize {
        (self.oh() - 1) * self.wp() + self.ow()
    }

    /// Samples per group: about [`TARGET_COLS`] columns each, adjusted (within half to twice
    /// that) to the nearest size that splits the batch into an even number of equal groups
    /// where one exists. The groups run in parallel, and with two threads an odd count leaves
    /// one idle for a group's time: the Nature CNN's third layer had 7 groups of 5 samples at
    /// batch 32, now 8 of 4. Depends on the shape alone, never on the number of threads.
    fn group(&self) -> usize {
        let batch = self.batch.max(1);
        let g0 = TARGET_COLS.div_ceil(self.ext()).clamp(1, batch);
        let even_split =
            |g: usize| (1..=batch).contains(&g) && batch.is_multiple_of(g) && (batch / g).is_multiple_of(2);
        (0..=g0).flat_map(|d| [g0 + d, g0.saturating_sub(d)]).find(|&g| even_split(g)).unwrap_or(g0)
    }

    /// Whether the forward pass sums shifted products over stacked phase planes instead of
    /// unfolding the input (see [`forward_shifted`]): kernels a whole number of strides wide,
    /// stride above 1, one sample per group. Measured (`conv_kernel_speed`, 5 alternating
    /// runs): the Nature CNN's conv1 forward 0.85x the time; its conv2 (4 samples per group, so
    /// 9% more columns, and four products of depth 128 instead of one of 512) 1.3x, so groups of
    /// several samples keep im2col.
    fn shifted(&self) -> bool {
        self.s > 1 && self.k.is_multiple_of(self.s) && self.group() == 1
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

/// Runs `f` with four scratch buffers of the given lengths (contents unspecified) carved from
/// this thread's reusable buffer.
fn with_scratch<R>(lens: [usize; 4], f: impl FnOnce([&mut [f32]; 4]) -> R) -> R {
    let total: usize = lens.iter().sum();
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            if buf.len() < total {
                buf.resize(total, 0.0);
            }
            f(carve(&mut buf, lens))
        }
        // Re-entered on this thread (not done by these kernels): use a fresh buffer.
        Err(_) => f(carve(&mut vec![0.0f32; total], lens)),
    })
}

fn carve(buf: &mut [f32], lens: [usize; 4]) -> [&mut [f32]; 4] {
    let (a, rest) = buf.split_at_mut(lens[0]);
    let (b, rest) = rest.split_at_mut(lens[1]);
    let (c, rest) = rest.split_at_mut(lens[2]);
    [a, b, c, &mut rest[..lens[3]]]
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
        gemm_f32(
            (m, n, k),
            dst.as_mut_ptr(),
            dst_rs,
            accumulate,
            lhs.as_ptr(),
            (lhs_rs, lhs_cs),
            rhs.as_ptr(),
            (rhs_rs, rhs_cs),
        );
    }
}

/// Splits one sample (`[c_in, h, w]`) into its phase planes (`[c_in, s, s, hp, wp]`), plane
/// `(c, y % s, x % s)` starting `stride` elements after the one before it (`hp * wp`: the
/// sample's planes one after the other); plane positions past the input's edge are set to zero.
fn phase_split(g: &ConvGeom, x: &[f32], xs: &mut [f32], stride: usize) {
    match g.s {
        2 => phase_split_s::<2>(g, x, xs, stride),
        4 => phase_split_s::<4>(g, x, xs, stride),
        _ => phase_split_s::<0>(g, x, xs, stride),
    }
}

#[inline(always)]
fn phase_split_s<const S: usize>(g: &ConvGeom, x: &[f32], xs: &mut [f32], stride: usize) {
    let s = if S == 0 { g.s } else { S };
    let (h, w, hp, wp) = (g.h, g.w, g.hp(), g.wp());
    let full = w / s;
    for c in 0..g.c_in {
        let src = &x[c * h * w..][..h * w];
        for yp in 0..hp {
            for qy in 0..s {
                let y = yp * s + qy;
                let plane_row = |qx: usize| ((c * s + qy) * s + qx) * stride + yp * wp;
                if y >= h {
                    for qx in 0..s {
                        xs[plane_row(qx)..][..wp].fill(0.0);
                    }
                    continue;
                }
                let row = &src[y * w..][..w];
                if S > 0 {
                    // One pass over the row, `S` consecutive inputs to the `S` planes' rows: the
                    // compiler sees fixed lengths and drops the bounds checks.
                    for qx in 0..S {
                        let d = &mut xs[plane_row(qx)..][..full];
                        for (v, chunk) in d.iter_mut().zip(row.chunks_exact(S)) {
                            *v = chunk[qx];
                        }
                    }
                } else {
                    for qx in 0..s {
                        let d = &mut xs[plane_row(qx)..][..full];
                        for (xp, v) in d.iter_mut().enumerate() {
                            *v = row[xp * s + qx];
                        }
                    }
                }
                // The plane columns past the last whole stride: the input's last columns, then zeros.
                for qx in 0..s {
                    let d = &mut xs[plane_row(qx)..][..wp];
                    for (xp, v) in d.iter_mut().enumerate().skip(full) {
                        *v = row.get(xp * s + qx).copied().unwrap_or(0.0);
                    }
                }
            }
        }
    }
}

/// Adds phase planes (`[c_in, s, s, hp, wp]`) back onto one sample's positions (`[c_in, h, w]`).
fn phase_merge_add(g: &ConvGeom, xs: &[f32], x: &mut [f32]) {
    let s = g.s;
    let (h, w, hp, wp) = (g.h, g.w, g.hp(), g.wp());
    let plane = hp * wp;
    for c in 0..g.c_in {
        let src = &xs[c * s * s * plane..][..s * s * plane];
        let dst = &mut x[c * h * w..][..h * w];
        for y in 0..h {
            let (yp, qy) = (y / s, y % s);
            let row = &mut dst[y * w..][..w];
            for qx in 0..s {
                let p = &src[(qy * s + qx) * plane + yp * wp..][..wp];
                for (xp, v) in p.iter().enumerate() {
                    if let Some(d) = row.get_mut(xp * s + qx) {
                        *d += v;
                    }
                }
            }
        }
    }
}

/// The phase planes (or, for stride 1, the sample itself) of sample `j` of a group.
fn planes<'a>(g: &ConvGeom, x: &'a [f32], xs: &'a [f32], b0: usize, j: usize) -> &'a [f32] {
    if g.s == 1 {
        &x[(b0 + j) * g.in_len()..][..g.in_len()]
    } else {
        &xs[j * g.split_len()..][..g.split_len()]
    }
}

/// Where row `(c, ki, kj)` of the unfolded input starts in a sample's phase planes.
#[inline]
fn row_offset(g: &ConvGeom, c: usize, ki: usize, kj: usize) -> usize {
    let (s, wp) = (g.s, g.wp());
    let plane = g.hp() * wp;
    ((c * s + ki % s) * s + kj % s) * plane + (ki / s) * wp + kj / s
}

/// Unfolds samples `b0..b0 + n` into `cols` (`[kdim, n * ext]`): phase split (into `xs`)
/// for strides above 1, then one contiguous copy per row and sample.
fn im2col(g: &ConvGeom, x: &[f32], b0: usize, n: usize, xs: &mut [f32], cols: &mut [f32]) {
    if g.s > 1 {
        for j in 0..n {
            let plane = g.hp() * g.wp();
            phase_split(
                g,
                &x[(b0 + j) * g.in_len()..][..g.in_len()],
                &mut xs[j * g.split_len()..][..g.split_len()],
                plane,
            );
        }
    }
    let (k, ext) = (g.k, g.ext());
    let gp = n * ext;
    for j in 0..n {
        let src = planes(g, x, xs, b0, j);
        for c in 0..g.c_in {
            for ki in 0..k {
                for kj in 0..k {
                    let row = (c * k + ki) * k + kj;
                    let at = row_offset(g, c, ki, kj);
                    cols[row * gp + j * ext..][..ext].copy_from_slice(&src[at..at + ext]);
                }
            }
        }
    }
}

/// The input gradient of the samples of a group (`dx`, `[n, c_in, h, w]`, overwritten) from the
/// unfolded gradient `dcols` (`[kdim, n * ext]`, zero in the extended grid's extra columns);
/// `dxs` is scratch for the phase planes.
fn col2im(g: &ConvGeom, dcols: &[f32], n: usize, dxs: &mut [f32], dx: &mut [f32]) {
    let (k, ext) = (g.k, g.ext());
    let gp = n * ext;
    dx.fill(0.0);
    for j in 0..n {
        let dst: &mut [f32] = if g.s == 1 {
            &mut dx[j * g.in_len()..][..g.in_len()]
        } else {
            let d = &mut dxs[..g.split_len()];
            d.fill(0.0);
            d
        };
        for c in 0..g.c_in {
            for ki in 0..k {
                for kj in 0..k {
                    let row = (c * k + ki) * k + kj;
                    let at = row_offset(g, c, ki, kj);
                    for (d, v) in dst[at..at + ext].iter_mut().zip(&dcols[row * gp + j * ext..][..ext]) {
                        *d += v;
                    }
                }
            }
        }
        if g.s > 1 {
            phase_merge_add(g, &dxs[..g.split_len()], &mut dx[j * g.in_len()..][..g.in_len()]);
        }
    }
}

/// Scratch lengths for a group of `n`: phase planes, unfolded input, extended output.
fn scratch_lens(g: &ConvGeom, n: usize) -> (usize, usize, usize) {
    let xs = if g.s > 1 { n * g.split_len() } else { 0 };
    (xs, g.kdim() * n * g.ext(), g.c_out * n * g.ext())
}

/// The forward pass: `y = conv(x, weight) + bias`, then `max(y, 0)` when `relu`.
/// `x`: `[batch, c_in, h, w]`; `weight`: `[c_out, c_in, k, k]`; `bias`: `[c_out]`; returns
/// `[batch, c_out, oh, ow]`.
pub fn forward(g: &ConvGeom, x: &[f32], weight: &[f32], bias: &[f32], relu: bool) -> Vec<f32> {
    assert!(g.is_valid(), "unsupported convolution {g:?}");
    assert_eq!(x.len(), g.batch * g.in_len(), "input size");
    assert_eq!(weight.len(), g.c_out * g.kdim(), "weight size");
    assert_eq!(bias.len(), g.c_out, "bias size");
    if g.shifted() {
        return forward_shifted(g, x, weight, bias, relu);
    }
    let (p, kdim, co, ext, wp, ow) = (g.p(), g.kdim(), g.c_out, g.ext(), g.wp(), g.ow());
    let group = g.group();
    let mut out = vec![0.0f32; g.batch * g.out_len()];
    out.par_chunks_mut(group * g.out_len()).enumerate().for_each(|(gi, out)| {
        let b0 = gi * group;
        let n = out.len() / g.out_len();
        let gp = n * ext;
        let (xs_len, cols_len, tmp_len) = scratch_lens(g, n);
        with_scratch([xs_len, cols_len, tmp_len, 0], |[xs, cols, tmp, _]| {
            im2col(g, x, b0, n, xs, cols);
            matmul(co, gp, kdim, tmp, gp, false, weight, (kdim, 1), cols, (gp, 1));
            for j in 0..n {
                for (o, &b) in bias.iter().enumerate() {
                    let dst = &mut out[(j * co + o) * p..][..p];
                    let src = &tmp[o * gp + j * ext..][..ext];
                    for (d, s) in dst.chunks_exact_mut(ow).zip(src.chunks(wp)) {
                        bias_act(d, &s[..ow], b, relu);
                    }
                }
            }
        });
    });
    out
}

/// [`forward`] for [`ConvGeom::shifted`] shapes, without unfolding the input.
///
/// A kernel `q` strides wide splits into `q * q` blocks of `s * s` offsets; block `(qi, qj)`
/// reads every phase plane at the fixed shift `qi * wp + qj`. With the planes of a group's
/// samples stacked (`[c_in, s, s, n, hp, wp]`: sample `j` of a plane `j * hp * wp` in), the
/// block's input is a `[c_in * s * s, columns]` matrix at that shift in the plane buffer itself,
/// so the output is `q * q` accumulated products (`weight` regrouped by block) and nothing is
/// copied but the phase split. The columns are the stacked grid (`(n - 1) * hp * wp + ext`;
/// those outside a sample's output are discarded; with one sample, im2col's `ext`), and
/// im2col's copy (`k * k / (s * s)` times the input: 16x for the Nature CNN's conv1) is gone. (The stacked layout takes groups of any size; [`ConvGeom::shifted`] says
/// where it is used.)
fn forward_shifted(g: &ConvGeom, x: &[f32], weight: &[f32], bias: &[f32], relu: bool) -> Vec<f32> {
    let (p, co, wp, ow, s) = (g.p(), g.c_out, g.wp(), g.ow(), g.s);
    let (q, rows, plane) = (g.k / s, g.c_in * s * s, g.hp() * wp);
    // Block (qi, qj) of the weight as a [c_out, c_in * s * s] matrix, rows in phase-plane order.
    let mut blocks = vec![0.0f32; g.c_out * g.kdim()];
    for (b, block) in blocks.chunks_exact_mut(co * rows).enumerate() {
        let (qi, qj) = (b / q, b % q);
        for (o, dst) in block.chunks_exact_mut(rows).enumerate() {
            for (r, d) in dst.iter_mut().enumerate() {
                let (c, py, px) = (r / (s * s), r / s % s, r % s);
                *d = weight[((o * g.c_in + c) * g.k + qi * s + py) * g.k + qj * s + px];
            }
        }
    }
    let group = g.group();
    let mut out = vec![0.0f32; g.batch * g.out_len()];
    out.par_chunks_mut(group * g.out_len()).enumerate().for_each(|(gi, out)| {
        let b0 = gi * group;
        let n = out.len() / g.out_len();
        let (stride, cols) = (n * plane, (n - 1) * plane + g.ext());
        with_scratch([rows * stride, co * cols, 0, 0], |[xs, tmp, _, _]| {
            for j in 0..n {
                phase_split(g, &x[(b0 + j) * g.in_len()..][..g.in_len()], &mut xs[j * plane..], stride);
            }
            for (b, block) in blocks.chunks_exact(co * rows).enumerate() {
                let shift = (b / q) * wp + b % q;
                matmul(co, cols, rows, tmp, cols, b > 0, block, (rows, 1), &xs[shift..], (stride, 1));
            }
            for j in 0..n {
                for (o, &b) in bias.iter().enumerate() {
                    let dst = &mut out[(j * co + o) * p..][..p];
                    let src = &tmp[o * cols + j * plane..];
                    for (d, row) in dst.chunks_exact_mut(ow).zip(src.chunks(wp)) {
                        bias_act(d, &row[..ow], b, relu);
                    }
                }
            }
        });
    });
    out
}

#[inline(always)]
fn bias_act(dst: &mut [f32], src: &[f32], b: f32, relu: bool) {
    if relu {
        for (d, v) in dst.iter_mut().zip(src) {
            *d = (v + b).max(0.0);
        }
    } else {
        for (d, v) in dst.iter_mut().zip(src) {
            *d = v + b;
        }
    }
}

/// Gradients of [`forward`].
pub use super::super::flex_kernels::LayerGrads as Grads;

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
    let (p, kdim, co, ext, wp, ow) = (g.p(), g.kdim(), g.c_out, g.ext(), g.wp(), g.ow());
    let group = g.group();
    let n_groups = g.batch.div_ceil(group);
    let parts = n_groups.min(PARTS);
    let mut dx = if want_x { Some(vec![0.0f32; g.batch * g.in_len()]) } else { None };

    // One group: its output gradient (ReLU mask applied) on the extended grid in `dz`
    // ([c_out, n * ext], zero in the extra columns), the bias gradient, the weight gradient,
    // and (with `dx`) the input gradient.
    let group_step = |gi: usize, dw: &mut [f32], db: &mut [f32], dx: Option<&mut [f32]>| {
        let b0 = gi * group;
        let n = group.min(g.batch - b0);
        let gp = n * ext;
        let (xs_len, cols_len, dz_len) = scratch_lens(g, n);
        with_scratch([xs_len, cols_len, dz_len, 0], |[xs, cols, dz, _]| {
            for j in 0..n {
                for o in 0..co {
                    let at = ((b0 + j) * co + o) * p;
                    let dst = &mut dz[o * gp + j * ext..][..ext];
                    let mut sum = 0.0f32;
                    for (oy, d) in dst.chunks_mut(wp).enumerate() {
                        let src = &dy[at + oy * ow..][..ow];
                        match y {
                            Some(y) => {
                                let out = &y[at + oy * ow..][..ow];
                                for ((d, &v), &yv) in d[..ow].iter_mut().zip(src).zip(out) {
                                    *d = if yv > 0.0 { v } else { 0.0 };
                                }
                            }
                            None => d[..ow].copy_from_slice(src),
                        }
                        d[ow..].fill(0.0);
                        sum += d[..ow].iter().sum::<f32>();
                    }
                    db[o] += sum;
                }
            }
            im2col(g, x, b0, n, xs, cols);
            // dW (c_out x kdim) += dz (c_out x gp) * cols^T (gp x kdim).
            matmul(co, kdim, gp, dw, kdim, true, dz, (gp, 1), cols, (1, gp));
            if let Some(dx) = dx {
                // dcols (kdim x gp) = W^T (kdim x c_out) * dz (c_out x gp), over `cols`.
                matmul(kdim, gp, co, cols, gp, false, weight, (1, kdim), dz, (gp, 1));
                col2im(g, cols, n, xs, dx);
            }
        });
    };

    // Parts are contiguous runs of groups; part `i` holds groups `bounds[i]..bounds[i + 1]`.
    let bounds: Vec<usize> = (0..=parts).map(|i| i * n_groups / parts).collect();
    let per_part = co * kdim + co;
    let mut partial = vec![0.0f32; parts * per_part];
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
                    let len = group.min(g.batch - gi * group) * g.in_len();
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

    #[test]
    fn groups_split_the_batch_evenly_where_they_can() {
        let geom = |batch, c_in, h, c_out, k, s| ConvGeom { batch, c_in, h, w: h, c_out, k, s };
        // The Nature CNN at batch 32: 32 groups of 1, 8 of 4 (3 would give 11), 8 of 4 (5: 7).
        assert_eq!(geom(32, 4, 84, 32, 8, 4).group(), 1);
        assert_eq!(geom(32, 32, 20, 64, 4, 2).group(), 4);
        assert_eq!(geom(32, 64, 9, 64, 3, 1).group(), 4);
        // One observation (acting), and a batch with no even split near the target size.
        assert_eq!(geom(1, 64, 9, 64, 3, 1).group(), 1);
        assert_eq!(geom(7, 64, 9, 64, 3, 1).group(), 5);
    }

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
            g(2, 2, 11, 11, 4, 2, 3),
            g(2, 3, 5, 6, 4, 1, 1),
            g(9, 4, 31, 31, 32, 3, 2),
            // One sample per group (419 columns), so the forward pass is `forward_shifted`.
            g(2, 3, 84, 84, 5, 8, 4),
        ]
    }

    #[test]
    fn the_shifted_forward_pass_is_tested() {
        assert!(geoms().iter().any(ConvGeom::shifted), "no test shape takes forward_shifted");
    }

    /// The stacked planes also hold groups of several samples (the shapes that keep im2col).
    #[test]
    fn shifted_forward_matches_im2col_on_groups_of_several_samples() {
        let stacked = |g: &&ConvGeom| g.s > 1 && g.k.is_multiple_of(g.s) && g.group() > 1;
        let shapes: Vec<ConvGeom> = geoms().into_iter().filter(|g| stacked(&g)).collect();
        assert!(!shapes.is_empty());
        for g in shapes {
            let x = data(g.batch * g.in_len(), 0.1);
            let w = data(g.c_out * g.kdim(), 0.2);
            let b = data(g.c_out, 0.3);
            let (got, want) = (forward_shifted(&g, &x, &w, &b, true), forward(&g, &x, &w, &b, true));
            for (a, e) in got.iter().zip(&want) {
                assert!((a - e).abs() < 1e-4, "{g:?}: {a} vs {e}");
            }
        }
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

/// Per-layer speed of the kernels on the Nature-CNN and homework shapes (GFLOP/s of the
/// forward pass, the backward pass with and without the input gradient), on one thread and on
/// rayon's pool: `cargo test --release -p deepq-agents conv_kernel_speed -- --ignored --nocapture`.
#[cfg(test)]
mod speed {
    use super::*;
    use std::time::Instant;

    fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min)
    }

    #[test]
    #[ignore = "a timing report, not a test"]
    fn conv_kernel_speed() {
        let g = |batch, c_in, h, w, c_out, k, s| ConvGeom { batch, c_in, h, w, c_out, k, s };
        let layers = [
            ("nature conv1", g(32, 4, 84, 84, 32, 8, 4)),
            ("nature conv2", g(32, 32, 20, 20, 64, 4, 2)),
            ("nature conv3", g(32, 64, 9, 9, 64, 3, 1)),
            ("homework conv1", g(16, 4, 64, 64, 16, 3, 2)),
            ("homework conv2", g(16, 16, 31, 31, 32, 3, 2)),
            ("homework conv3", g(16, 32, 15, 15, 64, 3, 2)),
        ];
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            pool.install(|| {
                for (name, g) in layers {
                    let x: Vec<f32> = (0..g.batch * g.in_len()).map(|i| (i % 7) as f32 * 0.1).collect();
                    let w: Vec<f32> = (0..g.c_out * g.kdim()).map(|i| (i % 5) as f32 * 0.01).collect();
                    let b = vec![0.1f32; g.c_out];
                    let dy: Vec<f32> = (0..g.batch * g.out_len()).map(|i| (i % 3) as f32 - 1.0).collect();
                    let flop = 2.0 * (g.batch * g.out_len() * g.kdim()) as f64;
                    let y = forward(&g, &x, &w, &b, true);
                    let f = best_of(20, || drop(std::hint::black_box(forward(&g, &x, &w, &b, true))));
                    let bw = best_of(20, || drop(std::hint::black_box(backward(&g, &x, &w, Some(&y), &dy, false))));
                    let bx = best_of(20, || drop(std::hint::black_box(backward(&g, &x, &w, Some(&y), &dy, true))));
                    println!(
                        "{threads} thread(s) {name:<15} forward {:6.3} ms {:5.1} GFLOP/s | backward (w) {:6.3} ms {:5.1} | (w+x) {:6.3} ms {:5.1}",
                        f * 1e3,
                        flop / f / 1e9,
                        bw * 1e3,
                        flop / bw / 1e9,
                        bx * 1e3,
                        2.0 * flop / bx / 1e9
                    );
                }
            });
        }
    }
}
