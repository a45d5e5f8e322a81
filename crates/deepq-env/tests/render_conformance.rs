//! CartPole's `render()` against frames drawn by Gymnasium 1.4.0 + pygame 2.6.1
//! (`scripts/gen_render_fixtures.py` writes `tests/fixtures/render/`).
//!
//! Each recorded state is injected into our port and rendered; at least 99% of the pixels of
//! every frame must be exactly equal (all three channels) to the reference. Anti-aliased edge
//! pixels are where the two rasterisers differ, so the agreement within a per-channel tolerance
//! of 64 is measured too and must reach 99.9%. Run with `--nocapture` to see the numbers; set
//! `DEEPQ_RENDER_DIFF_DIR` to also write a PNG per frame marking the differing pixels.

use deepq_env::envs::cartpole::CartPole;
use deepq_env::{Env, RgbFrame};
use std::path::{Path, PathBuf};

/// Minimum fraction of exactly equal pixels per frame.
const MIN_EXACT: f64 = 0.99;
/// Per-channel tolerance for the second measure.
const TOLERANCE: u8 = 64;
/// Minimum fraction of pixels within [`TOLERANCE`] per frame.
const MIN_CLOSE: f64 = 0.999;

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/render")
}

fn decode_png(path: &Path) -> RgbFrame {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let decoder = png::Decoder::new(std::io::BufReader::new(file));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let info = reader.next_frame(&mut buf).expect("png data");
    assert_eq!(info.color_type, png::ColorType::Rgb, "fixtures are 8-bit RGB");
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    buf.truncate(info.buffer_size());
    RgbFrame { width: info.width as usize, height: info.height as usize, data: buf }
}

fn write_png(path: &Path, frame: &RgbFrame, data: &[u8]) {
    let file = std::fs::File::create(path).unwrap();
    let mut enc = png::Encoder::new(std::io::BufWriter::new(file), frame.width as u32, frame.height as u32);
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.write_header().unwrap().write_image_data(data).unwrap();
}

/// Writes our frame (`ours_<name>`) and a map of the differences (`<name>`: equal pixels faded,
/// differing ones red) into `dir`.
fn write_diff(dir: &Path, name: &str, ours: &RgbFrame, theirs: &RgbFrame) {
    let mut out = Vec::with_capacity(ours.data.len());
    for (a, b) in ours.data.chunks_exact(3).zip(theirs.data.chunks_exact(3)) {
        if a == b {
            out.extend(a.iter().map(|v| 192 + v / 4));
        } else {
            out.extend([255, 0, 0]);
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    write_png(&dir.join(name), ours, &out);
    write_png(&dir.join(format!("ours_{name}")), ours, &ours.data);
}

#[test]
fn cartpole_render_matches_gymnasium() {
    let dir = fixture_dir();
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("states.json")).expect("states.json")).unwrap();
    let frames = meta["frames"].as_array().expect("frames");
    assert!(frames.len() >= 6, "expected at least 6 fixture frames");
    let diff_dir = std::env::var_os("DEEPQ_RENDER_DIFF_DIR").map(PathBuf::from);
    let mut env = CartPole::new("CartPole-v1");
    let mut failures = Vec::new();
    for frame in frames {
        let file = frame["file"].as_str().unwrap();
        let state: Vec<f64> =
            frame["state"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().parse().unwrap()).collect();
        env.set_state([state[0], state[1], state[2], state[3]]);
        let ours = env.render().expect("CartPole renders");
        let theirs = decode_png(&dir.join(file));
        assert_eq!((ours.width, ours.height), (theirs.width, theirs.height), "{file}: size");
        let total = ours.width * ours.height;
        let (mut exact, mut close) = (0usize, 0usize);
        for (a, b) in ours.data.chunks_exact(3).zip(theirs.data.chunks_exact(3)) {
            if a == b {
                exact += 1;
            }
            if a.iter().zip(b).all(|(x, y)| x.abs_diff(*y) <= TOLERANCE) {
                close += 1;
            }
        }
        let exact_frac = exact as f64 / total as f64;
        let close_frac = close as f64 / total as f64;
        println!(
            "{file} ({}): exact {:.4}% ({} px differ), within ±{TOLERANCE}: {:.4}%",
            frame["label"].as_str().unwrap_or(""),
            100.0 * exact_frac,
            total - exact,
            100.0 * close_frac
        );
        if let Some(d) = &diff_dir {
            write_diff(d, file, &ours, &theirs);
        }
        if exact_frac < MIN_EXACT {
            failures.push(format!("{file}: only {:.3}% of pixels equal", 100.0 * exact_frac));
        }
        if close_frac < MIN_CLOSE {
            failures.push(format!("{file}: only {:.3}% of pixels within ±{TOLERANCE}", 100.0 * close_frac));
        }
    }
    assert!(failures.is_empty(), "render disagreement: {failures:?}");
}

/// Rendering throughput; run with
/// `cargo test --release -p deepq-env --test render_conformance -- --ignored --nocapture`.
#[test]
#[ignore = "benchmark"]
fn render_frames_per_second() {
    let mut env = CartPole::new("CartPole-v1");
    let n = 2000;
    let start = std::time::Instant::now();
    let mut checksum = 0u64;
    for i in 0..n {
        let t = i as f64 / n as f64;
        env.set_state([4.0 * t - 2.0, 0.0, 0.4 * (t * 20.0).sin(), 0.0]);
        checksum += env.render().unwrap().data[i % 1000] as u64;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("CartPole render: {:.0} frames/s ({n} frames in {secs:.3} s, checksum {checksum})", n as f64 / secs);

    // The tutorial's screen pipeline on top (render + crop + resize + difference).
    let inner = Box::new(CartPole::new("CartPole-v1"));
    let mut env = deepq_env::wrappers::TutorialScreen::new(inner, true).unwrap();
    env.reset(Some(0));
    let start = std::time::Instant::now();
    let mut steps = 0;
    while steps < 1000 {
        if env.step(steps % 2).unwrap().done() {
            env.reset(None);
        }
        steps += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("TutorialScreen(diff) steps: {:.0} steps/s", steps as f64 / secs);
}
