//! `ale-sys` links the ALE's static C library only; the ALE is C++ and uses zlib, so the
//! C++ runtime and zlib are linked here.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.contains("apple") {
        println!("cargo:rustc-link-lib=dylib=c++");
    } else if !target.contains("msvc") {
        println!("cargo:rustc-link-lib=dylib=stdc++");
    }
    println!("cargo:rustc-link-lib=dylib=z");
    println!("cargo:rerun-if-changed=build.rs");
}
