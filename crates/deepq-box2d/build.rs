//! Compiles the vendored Box2D 2.3.0 sources and the C interface (`shim/deepq_box2d.cpp`) into
//! one static library.
//!
//! The floating-point flags matter: gymnasium's trajectories are reproduced bit for bit only if
//! Box2D's float arithmetic is compiled as pybox2d's wheel was (x86-64 SSE, IEEE single precision,
//! no fused multiply-add, no fast-math). `-ffp-contract=off` keeps the compiler from fusing
//! `a * b + c` even where the target CPU has FMA (e.g. with `-C target-cpu=native`), and the
//! optimisation level is fixed so debug builds run the same code as release builds.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "cpp") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let vendor = root.join("vendor");
    let box2d = vendor.join("Box2D");
    let mut files = Vec::new();
    sources(&box2d, &mut files);
    files.push(root.join("shim/deepq_box2d.cpp"));
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
    }
    println!("cargo:rerun-if-changed={}", box2d.display());
    println!("cargo:rerun-if-changed=build.rs");

    cc::Build::new()
        .cpp(true)
        .std("c++11")
        .include(&vendor) // the sources include <Box2D/...>
        .files(&files)
        .opt_level(2)
        .debug(false)
        .warnings(false)
        .flag_if_supported("-ffp-contract=off")
        .flag_if_supported("-fno-fast-math")
        .compile("deepq_box2d");
}
