//! Small helpers shared by the algorithms.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::{AtomicBool, Ordering};

static STOP: AtomicBool = AtomicBool::new(false);

/// Asks running evaluations and episodes to end at the next step (the CLI's first Ctrl-C).
pub fn request_stop() {
    STOP.store(true, Ordering::SeqCst);
}

/// Withdraws a stop request (a new run in the same process).
pub fn clear_stop() {
    STOP.store(false, Ordering::SeqCst);
}

/// Whether [`request_stop`] was called.
pub fn stop_requested() -> bool {
    STOP.load(Ordering::Relaxed)
}

/// A seeded RNG for stream `stream` of a run: different streams of the same seed are independent.
pub fn rng_for(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}

/// Index of the first maximum (ties go to the lowest index, like `numpy.argmax`).
pub fn argmax(values: &[f32]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// Mean, population standard deviation, min and max of `xs` (zeros for an empty slice).
pub fn stats(xs: &[f64]) -> (f64, f64, f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0, 0.0, 0.0);
    }
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n;
    let min = xs.iter().cloned().fold(f64::INFINITY, f64::min);
    let max = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    (mean, var.sqrt(), min, max)
}

/// Makes the calling thread flush denormal floats to zero (x86 FTZ/DAZ; like PyTorch's
/// `set_flush_denormal(True)`). Adam's second-moment estimates decay into the denormal range
/// for parameters with tiny gradients, and denormal arithmetic is up to 100x slower on x86:
/// measured here, it tripled the time of a DQN update. A no-op on other architectures.
pub fn flush_denormals_to_zero() {
    #[cfg(target_arch = "x86_64")]
    {
        let mut csr: u32 = 0;
        // SAFETY: stmxcsr/ldmxcsr read and write this thread's SSE control register through a
        // valid pointer; setting bits 15 (flush-to-zero) and 6 (denormals-are-zero) only
        // changes how denormal floats are treated.
        unsafe {
            std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack, preserves_flags));
            csr |= 0x8040;
            std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, preserves_flags));
        }
    }
}

/// The machine's physical memory in bytes (`MemTotal` of `/proc/meminfo`), if known.
pub fn total_memory_bytes() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Reads little-endian fields from a byte slice, with "truncated" errors naming `what`.
pub struct ByteReader<'a> {
    bytes: &'a [u8],
    at: usize,
    what: &'static str,
}

impl<'a> ByteReader<'a> {
    /// A reader at the start of `bytes`; errors say "`what` is truncated".
    pub fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }
    /// Bytes read so far.
    pub fn position(&self) -> usize {
        self.at
    }
    /// The next `n` bytes.
    pub fn slice(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| format!("{} is truncated", self.what))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    /// The next `N` bytes as an array.
    pub fn take<const N: usize>(&mut self) -> Result<[u8; N], String> {
        Ok(self.slice(N)?.try_into().expect("slice of length N"))
    }
    /// The next little-endian u64.
    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.take::<8>()?))
    }
}

/// Pearson's chi-square statistic of `counts` against a uniform distribution (tests of
/// sampling uniformity; with 10 bins, 27.88 is the p = 0.001 critical value).
pub fn chi_square_uniform(counts: &[usize]) -> f64 {
    let expected = counts.iter().sum::<usize>() as f64 / counts.len() as f64;
    counts.iter().map(|&c| (c as f64 - expected).powi(2) / expected).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_takes_first_of_ties() {
        assert_eq!(argmax(&[0.0, 1.0, 1.0]), 1);
        assert_eq!(argmax(&[0.0, 0.0]), 0);
        assert_eq!(argmax(&[-1.0, -3.0, -0.5]), 2);
    }

    #[test]
    #[cfg(target_arch = "x86_64")]
    fn denormals_flush_to_zero_after_the_call() {
        flush_denormals_to_zero();
        let tiny = std::hint::black_box(1e-39f32);
        assert_eq!(tiny * std::hint::black_box(1.0f32), 0.0);
    }

    #[test]
    fn stats_of_known_values() {
        let (m, s, lo, hi) = stats(&[1.0, 3.0]);
        assert_eq!((m, s, lo, hi), (2.0, 1.0, 1.0, 3.0));
    }
}
