//! Shared helpers of the deepq-atari integration tests.
#![allow(dead_code)]

use deepq_atari::games::find_rom;

/// Whether the Pong and Breakout ROMs can be found. Without them a test fails when the `CI`
/// environment variable is set (CI runs scripts/setup_atari.sh first) and is skipped with a
/// note otherwise.
pub fn roms_present() -> bool {
    let missing: Vec<String> =
        ["pong", "breakout"].iter().filter_map(|g| find_rom(g, None).err()).map(|e| e.to_string()).collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!("Atari ROMs missing under CI: {}", missing.join("; "));
    }
    eprintln!("note: skipping an Atari test, ROMs not found (run scripts/setup_atari.sh): {}", missing[0]);
    false
}

/// CRC-32 (IEEE, as zlib's `crc32`).
pub fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, t) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
        *t = c;
    }
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The path of a fixture file.
pub fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures").join(name)
}
