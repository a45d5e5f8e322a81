//! Compiles the vendored ALE 0.12.1 sources (`ale/`, C++17) and the C interface
//! (`shim/deepq_ale.cpp`) into one static library, without SDL (no display, no sound), and
//! links zlib (the ALE reads gzipped ROMs and writes PNGs with it).

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sources(&p, out);
        } else if matches!(p.extension().and_then(|e| e.to_str()), Some("cpp" | "cxx")) {
            out.push(p);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let mut files = Vec::new();
    sources(&root.join("ale"), &mut files);
    files.push(root.join("shim").join("deepq_ale.cpp"));

    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .include(&root)
        .include(root.join("shim"))
        .define("NDEBUG", None)
        .warnings(false)
        .files(&files);
    // The emulator is the hot loop; build it optimised even in debug profiles.
    build.opt_level(3).debug(false);
    build.compile("deepq_ale");

    // (`cc` links the C++ runtime itself.)
    println!("cargo:rustc-link-lib=dylib=z");
    println!("cargo:rerun-if-changed=ale");
    println!("cargo:rerun-if-changed=shim");
    println!("cargo:rerun-if-changed=build.rs");
}
