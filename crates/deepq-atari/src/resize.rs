//! Area-averaging downsampling with OpenCV's `INTER_AREA` weights (non-integer scale factors).
//!
//! Every output pixel is the average of the source area it covers: source pixels fully inside
//! weigh `1/scale`, the partly covered ones at the edges weigh their covered fraction. The
//! weight tables follow OpenCV's construction for a scale of `1 / (dst / src)` (in `f64`, edge
//! fractions below 1e-3 dropped), the sums run in `f32` in OpenCV's order (rows first, then
//! columns), and the `u8` output rounds half to even like OpenCV's `saturate_cast`, so results
//! agree with `cv2.resize(..., interpolation=cv2.INTER_AREA)` to within rounding of ties.

/// One weight: source index, destination index, weight.
type Tap = (u32, u32, f32);

/// Weights of one axis.
fn area_taps(src: usize, dst: usize) -> Vec<Tap> {
    let scale = 1.0 / (dst as f64 / src as f64);
    let mut taps = Vec::new();
    for d in 0..dst {
        let f1 = d as f64 * scale;
        let f2 = f1 + scale;
        let cell = scale.min(src as f64 - f1);
        let mut s2 = f2.floor() as i64;
        s2 = s2.min(src as i64 - 1);
        let s1 = (f1.ceil() as i64).min(s2);
        if s1 as f64 - f1 > 1e-3 {
            taps.push(((s1 - 1) as u32, d as u32, ((s1 as f64 - f1) / cell) as f32));
        }
        for s in s1..s2 {
            taps.push((s as u32, d as u32, (1.0 / cell) as f32));
        }
        if f2 - s2 as f64 > 1e-3 {
            taps.push((s2 as u32, d as u32, ((f2 - s2 as f64).min(1.0).min(cell) / cell) as f32));
        }
    }
    taps
}

/// A pixel type the resizer reads.
pub trait Pixel: Copy {
    /// The value as `f32`.
    fn to_f32(self) -> f32;
}

impl Pixel for u8 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self as f32
    }
}

impl Pixel for f32 {
    #[inline(always)]
    fn to_f32(self) -> f32 {
        self
    }
}

/// A reusable single-channel area downsampler from `src_w x src_h` to `dst_w x dst_h`.
#[derive(Debug, Clone)]
pub struct AreaResizer {
    src_w: usize,
    src_h: usize,
    dst_w: usize,
    dst_h: usize,
    /// Per output column: first source column and number of taps (weights in `xw`).
    xspan: Vec<(usize, usize)>,
    /// Column weights, `xspan`'s taps in order.
    xw: Vec<f32>,
    ytaps: Vec<Tap>,
    /// Horizontally reduced rows (`src_h x dst_w`), kept between calls for unchanged rows.
    rows: Vec<f32>,
    /// `f32` result (`dst_h x dst_w`).
    acc: Vec<f32>,
}

impl AreaResizer {
    /// A resizer for the given sizes (each destination side at most the source side).
    pub fn new(src_w: usize, src_h: usize, dst_w: usize, dst_h: usize) -> Self {
        assert!(dst_w > 0 && dst_h > 0 && dst_w <= src_w && dst_h <= src_h, "area resizing only downsamples");
        let mut xspan = vec![(usize::MAX, 0); dst_w];
        let mut xw = Vec::new();
        for (sx, dx, w) in area_taps(src_w, dst_w) {
            let span = &mut xspan[dx as usize];
            if span.1 == 0 {
                span.0 = sx as usize;
            }
            debug_assert_eq!(span.0 + span.1, sx as usize, "taps of one column are contiguous");
            span.1 += 1;
            xw.push(w);
        }
        AreaResizer {
            src_w,
            src_h,
            dst_w,
            dst_h,
            xspan,
            xw,
            ytaps: area_taps(src_h, dst_h),
            rows: vec![0.0; src_h * dst_w],
            acc: vec![0.0; dst_h * dst_w],
        }
    }

    /// Input size `(width, height)`.
    pub fn src_size(&self) -> (usize, usize) {
        (self.src_w, self.src_h)
    }

    /// Output size `(width, height)`.
    pub fn dst_size(&self) -> (usize, usize) {
        (self.dst_w, self.dst_h)
    }

    /// Resizes the `src_w x src_h` window at `(x0, y0)` of `src` (rows of `stride` pixels) and
    /// returns the `f32` result, row-major `dst_h x dst_w`.
    pub fn resize_f32<P: Pixel>(&mut self, src: &[P], stride: usize, x0: usize, y0: usize) -> &[f32] {
        self.resize_f32_changed(src, stride, x0, y0, |_| true)
    }

    /// As [`AreaResizer::resize_f32`], but source rows `sy` (window-relative) for which
    /// `changed(sy)` is false reuse the horizontal reduction of the previous call: pass a test
    /// that is true for every row that differs from the previous call's input.
    pub fn resize_f32_changed<P: Pixel>(
        &mut self,
        src: &[P],
        stride: usize,
        x0: usize,
        y0: usize,
        changed: impl Fn(usize) -> bool,
    ) -> &[f32] {
        assert!(x0 + self.src_w <= stride && (y0 + self.src_h - 1) * stride + x0 + self.src_w <= src.len());
        let dw = self.dst_w;
        for (sy, out) in self.rows.chunks_exact_mut(dw).enumerate() {
            if !changed(sy) {
                continue;
            }
            let row = &src[(y0 + sy) * stride + x0..(y0 + sy) * stride + x0 + self.src_w];
            let mut k = 0;
            for (o, &(start, len)) in out.iter_mut().zip(&self.xspan) {
                let mut sum = 0.0f32;
                for (p, w) in row[start..start + len].iter().zip(&self.xw[k..k + len]) {
                    sum += p.to_f32() * w;
                }
                *o = sum;
                k += len;
            }
        }
        self.acc.fill(0.0);
        for &(sy, dy, w) in &self.ytaps {
            let row = &self.rows[sy as usize * dw..(sy as usize + 1) * dw];
            let out = &mut self.acc[dy as usize * dw..(dy as usize + 1) * dw];
            for (o, &v) in out.iter_mut().zip(row) {
                *o += w * v;
            }
        }
        &self.acc
    }

    /// Resizes a whole `src_w x src_h` image into `out` (`dst_w x dst_h` bytes), rounding like
    /// OpenCV (half to even, saturated).
    pub fn resize_u8<P: Pixel>(&mut self, src: &[P], out: &mut [u8]) {
        let stride = self.src_w;
        let acc = self.resize_f32(src, stride, 0, 0);
        for (o, &v) in out.iter_mut().zip(acc) {
            *o = v.round_ties_even().clamp(0.0, 255.0) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_of_each_output_sum_to_one() {
        for (s, d) in [(210, 84), (160, 84), (161, 64), (144, 64), (210, 110)] {
            let taps = area_taps(s, d);
            for dst in 0..d as u32 {
                let sum: f32 = taps.iter().filter(|t| t.1 == dst).map(|t| t.2).sum();
                assert!((sum - 1.0).abs() < 1e-4, "{s}->{d} at {dst}: {sum}");
            }
        }
    }

    #[test]
    fn constant_images_stay_constant_and_halving_averages() {
        let mut r = AreaResizer::new(210, 160, 84, 84);
        let src = vec![77u8; 210 * 160];
        let mut out = vec![0u8; 84 * 84];
        r.resize_u8(&src, &mut out);
        assert!(out.iter().all(|&v| v == 77));
        // 2:1 in x (an exact average of pairs), 3:1 in y.
        let mut r = AreaResizer::new(4, 3, 2, 1);
        let src: Vec<f32> = vec![0.0, 2.0, 4.0, 8.0, 0.0, 2.0, 4.0, 8.0, 0.0, 2.0, 4.0, 8.0];
        let acc = r.resize_f32(&src, 4, 0, 0);
        assert_eq!(acc, &[1.0, 6.0]);
    }
}
