//! Helpers shared by the `deepq` binary's integration tests.
// Each test file uses a different subset of these.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `deepq` binary with `args`.
pub fn deepq(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_deepq")).args(args).output().expect("deepq runs")
}

/// A fresh (removed) temporary path unique to this test process and `name`.
pub fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("deepq-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Asserts that deepq succeeded, showing its stderr otherwise.
pub fn ok(out: &Output) {
    assert!(out.status.success(), "deepq failed: {}", String::from_utf8_lossy(&out.stderr));
}

/// Reads a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A user error: exit code 1, exactly one stderr line starting with "error:" that mentions
/// `needle`, and no panic backtrace.
pub fn assert_user_error(out: &Output, needle: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    assert!(lines[0].starts_with("error: "), "{stderr}");
    assert!(lines[0].contains(needle), "expected '{needle}' in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Frame count, width and height of a GIF.
pub fn gif_frames(path: &Path) -> (usize, u16, u16) {
    let mut opts = gif::DecodeOptions::new();
    opts.set_color_output(gif::ColorOutput::RGBA);
    let mut dec = opts.read_info(std::fs::File::open(path).unwrap()).unwrap();
    let (w, h) = (dec.width(), dec.height());
    let mut n = 0;
    while dec.read_next_frame().unwrap().is_some() {
        n += 1;
    }
    (n, w, h)
}

/// Width and height of a PNG.
pub fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    (reader.info().width, reader.info().height)
}
