//! Observations as pictures (`deepq show-obs`, the state pictures of `deepq analyze`): an image
//! observation becomes one grayscale panel per stacked frame (channel), its values scaled from
//! the observation space's bounds to 0-255; an RGB screen (height x width x 3) stays in colour.

use deepq_env::{Obs, Space};
use deepq_log::Picture;

/// The panels of an image observation (each stacked frame, left to right in observation
/// order), or `None` for a vector or discrete observation.
pub fn panels(space: &Space, obs: &Obs) -> Option<Vec<Picture>> {
    let Space::Box { shape, low, high, .. } = space else {
        return None;
    };
    let values: Vec<f32> = match obs {
        Obs::F32(v) => v.clone(),
        Obs::U8(v) => v.iter().map(|&b| f32::from(b)).collect(),
        Obs::Discrete(_) => return None,
    };
    if values.len() != shape.iter().product::<usize>() {
        return None;
    }
    let (lo, hi) = value_range(low, high, &values);
    let to_byte = |v: f32| (((v - lo) / (hi - lo)) * 255.0).round().clamp(0.0, 255.0) as u8;
    match shape[..] {
        // An RGB screen (Atari's `obs_type = "rgb"`): height x width x 3.
        [h, w, 3] if h > 4 => Picture::from_rgb(w, h, values.iter().map(|&v| to_byte(v)).collect()).map(|p| vec![p]),
        [h, w] if h > 1 && w > 1 => {
            Picture::from_gray(w, h, &values.iter().map(|&v| to_byte(v)).collect::<Vec<_>>()).map(|p| vec![p])
        }
        [c, h, w] if h > 1 && w > 1 => values
            .chunks(h * w)
            .take(c)
            .map(|frame| Picture::from_gray(w, h, &frame.iter().map(|&v| to_byte(v)).collect::<Vec<_>>()))
            .collect(),
        _ => None,
    }
}

/// The range mapped to 0-255: the space's bounds when finite, else the values' own range.
fn value_range(low: &[f32], high: &[f32], values: &[f32]) -> (f32, f32) {
    let lo = low.iter().copied().fold(f32::INFINITY, f32::min);
    let hi = high.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if lo.is_finite() && hi.is_finite() && hi > lo {
        return (lo, hi);
    }
    let lo = values.iter().copied().filter(|v| v.is_finite()).fold(f32::INFINITY, f32::min);
    let hi = values.iter().copied().filter(|v| v.is_finite()).fold(f32::NEG_INFINITY, f32::max);
    if lo.is_finite() && hi > lo {
        (lo, hi)
    } else {
        (lo.min(0.0), lo.max(0.0) + 1.0)
    }
}

/// The panels side by side (a white gap between stacked frames), enlarged so that small
/// observations (84x84, 40x90) are easy to see.
pub fn strip(panels: &[Picture]) -> Picture {
    let height = panels.iter().map(|p| p.height).max().unwrap_or(1).max(1);
    let factor = 160usize.div_ceil(height).clamp(1, 8);
    let scaled: Vec<Picture> = panels.iter().map(|p| p.scaled(factor)).collect();
    Picture::side_by_side(&scaled, 6)
}

/// An observation as text, for vector and discrete observations (rounded to 4 decimals).
pub fn describe(obs: &Obs) -> String {
    match obs {
        Obs::Discrete(s) => format!("state {s}"),
        Obs::F32(v) => format!("[{}]", v.iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>().join(", ")),
        Obs::U8(v) => format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deepq_env::Dtype;

    fn space(shape: &[usize], lo: f32, hi: f32, dtype: Dtype) -> Space {
        let n = shape.iter().product();
        Space::Box { shape: shape.to_vec(), low: vec![lo; n], high: vec![hi; n], dtype }
    }

    #[test]
    fn stacks_become_one_panel_per_frame() {
        let s = space(&[2, 2, 3], 0.0, 255.0, Dtype::U8);
        let obs = Obs::U8((0..12).map(|i| i * 20).collect());
        let p = panels(&s, &obs).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].width, p[0].height), (3, 2));
        assert_eq!(&p[1].data[..3], &[120, 120, 120]);
        // Screen differences in [-1, 1]: 0 is mid-gray.
        let s = space(&[1, 2, 2], -1.0, 1.0, Dtype::F32);
        let p = panels(&s, &Obs::F32(vec![-1.0, 0.0, 0.5, 1.0])).unwrap();
        let gray: Vec<u8> = p[0].data.chunks(3).map(|c| c[0]).collect();
        assert_eq!(gray, vec![0, 128, 191, 255]);
        // An RGB screen stays one colour picture.
        let s = space(&[5, 2, 3], 0.0, 255.0, Dtype::U8);
        let p = panels(&s, &Obs::U8(vec![7; 30])).unwrap();
        assert_eq!((p.len(), p[0].width, p[0].height), (1, 2, 5));
    }

    #[test]
    fn vectors_are_not_pictures() {
        let s = space(&[4], f32::NEG_INFINITY, f32::INFINITY, Dtype::F32);
        let obs = Obs::F32(vec![0.1, -0.2, 0.0, 1.0]);
        assert!(panels(&s, &obs).is_none());
        assert_eq!(describe(&obs), "[0.1000, -0.2000, 0.0000, 1.0000]");
        assert!(panels(&Space::Discrete { n: 4 }, &Obs::Discrete(2)).is_none());
    }

    #[test]
    fn strips_enlarge_small_frames() {
        let p = Picture::from_gray(84, 84, &[0; 84 * 84]).unwrap();
        let s = strip(&[p.clone(), p]);
        assert_eq!((s.width, s.height), (2 * 168 + 6, 168));
    }
}
