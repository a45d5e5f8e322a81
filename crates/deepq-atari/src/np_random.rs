//! NumPy's seeding and its default bit generator, so that deepq seeds an Atari game the way
//! ale-py 0.12.1 does and draws the numbers that Gymnasium-based wrappers draw from the env's
//! `np_random` (SB3's `NoopResetEnv` takes its no-op count from it).
//!
//! - [`SeedSequence`]: `numpy.random.SeedSequence(entropy)` for a non-negative integer entropy
//!   (no spawn key, pool size 4), and its `generate_state`.
//! - [`Pcg64`]: `numpy.random.PCG64(SeedSequence(seed))` with its buffered 32-bit draws, and
//!   `Generator.integers(low, high)` for a range below 2^32 (Lemire's method, as NumPy).
//!
//! ale-py's `AtariEnv.reset(seed=s)` does `np_seed, ale_seed = SeedSequence(s).generate_state(2)`,
//! seeds the env's generator with `np_seed` and the emulator with `int32(ale_seed)`
//! ([`ale_py_seeds`]).

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL_SIZE: usize = 4;

/// `numpy.random.SeedSequence` of a non-negative integer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedSequence {
    pool: [u32; POOL_SIZE],
}

fn hashmix(value: u32, hash_const: &mut u32) -> u32 {
    let mut v = value ^ *hash_const;
    *hash_const = hash_const.wrapping_mul(MULT_A);
    v = v.wrapping_mul(*hash_const);
    v ^ (v >> XSHIFT)
}

fn mix(x: u32, y: u32) -> u32 {
    let r = MIX_MULT_L.wrapping_mul(x).wrapping_sub(MIX_MULT_R.wrapping_mul(y));
    r ^ (r >> XSHIFT)
}

impl SeedSequence {
    /// The sequence of the integer `entropy` (NumPy splits it into little-endian 32-bit words;
    /// 0 is one zero word).
    pub fn new(entropy: u128) -> Self {
        let mut words = Vec::new();
        let mut n = entropy;
        loop {
            words.push(n as u32);
            n >>= 32;
            if n == 0 {
                break;
            }
        }
        let mut pool = [0u32; POOL_SIZE];
        let mut hash_const = INIT_A;
        for (i, p) in pool.iter_mut().enumerate() {
            *p = hashmix(words.get(i).copied().unwrap_or(0), &mut hash_const);
        }
        for src in 0..POOL_SIZE {
            for dst in 0..POOL_SIZE {
                if src != dst {
                    let h = hashmix(pool[src], &mut hash_const);
                    pool[dst] = mix(pool[dst], h);
                }
            }
        }
        for &w in words.iter().skip(POOL_SIZE) {
            for p in pool.iter_mut() {
                let h = hashmix(w, &mut hash_const);
                *p = mix(*p, h);
            }
        }
        SeedSequence { pool }
    }

    /// `generate_state(n_words)` (32-bit words).
    pub fn generate_state_u32(&self, n_words: usize) -> Vec<u32> {
        let mut hash_const = INIT_B;
        (0..n_words)
            .map(|i| {
                let mut v = self.pool[i % POOL_SIZE] ^ hash_const;
                hash_const = hash_const.wrapping_mul(MULT_B);
                v = v.wrapping_mul(hash_const);
                v ^ (v >> XSHIFT)
            })
            .collect()
    }

    /// `generate_state(n_words, np.uint64)`: pairs of 32-bit words, little-endian.
    pub fn generate_state_u64(&self, n_words: usize) -> Vec<u64> {
        let w = self.generate_state_u32(2 * n_words);
        w.chunks_exact(2).map(|p| p[0] as u64 | (p[1] as u64) << 32).collect()
    }
}

const PCG_MULT: u128 = (2_549_297_995_355_413_924u128 << 64) | 4_865_540_595_714_422_341u128;

/// NumPy's `PCG64` bit generator (XSL-RR output) with its buffered 32-bit draws, and the
/// bounded-integer draw of `numpy.random.Generator`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pcg64 {
    state: u128,
    inc: u128,
    /// The upper half of the last 64-bit output, not used yet by a 32-bit draw.
    buffered: Option<u32>,
}

impl Pcg64 {
    /// `PCG64(SeedSequence(seed))`, i.e. `np.random.default_rng(seed)`'s bit generator.
    pub fn from_seed(seed: u128) -> Self {
        Self::from_seed_sequence(&SeedSequence::new(seed))
    }

    /// `PCG64(seed_sequence)`.
    pub fn from_seed_sequence(ss: &SeedSequence) -> Self {
        let s = ss.generate_state_u64(4);
        let init_state = (s[0] as u128) << 64 | s[1] as u128;
        let init_seq = (s[2] as u128) << 64 | s[3] as u128;
        let mut rng = Pcg64 { state: 0, inc: (init_seq << 1) | 1, buffered: None };
        rng.step();
        rng.state = rng.state.wrapping_add(init_state);
        rng.step();
        rng
    }

    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }

    /// The next 64-bit output (`random_raw()`).
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        ((s >> 64) as u64 ^ s as u64).rotate_right((s >> 122) as u32)
    }

    /// The next 32-bit output: the low half of a fresh 64-bit output, then its high half.
    pub fn next_u32(&mut self) -> u32 {
        if let Some(v) = self.buffered.take() {
            return v;
        }
        let v = self.next_u64();
        self.buffered = Some((v >> 32) as u32);
        v as u32
    }

    /// `Generator.integers(low, high)`: uniform in `low..high` (high exclusive), for a range
    /// of at most 2^32 values, with NumPy's draws (Lemire's multiply-and-reject on 32 bits).
    pub fn integers(&mut self, low: i64, high: i64) -> i64 {
        assert!(high > low, "integers: empty range {low}..{high}");
        let rng = (high - low - 1) as u64;
        assert!(rng <= u32::MAX as u64, "integers: ranges above 2^32 values are not implemented");
        if rng == 0 {
            return low;
        }
        if rng == u32::MAX as u64 {
            return low + self.next_u32() as i64;
        }
        let excl = rng as u32 + 1;
        let mut m = self.next_u32() as u64 * excl as u64;
        let mut left = m as u32;
        if left < excl {
            let threshold = (u32::MAX - rng as u32) % excl;
            while left < threshold {
                m = self.next_u32() as u64 * excl as u64;
                left = m as u32;
            }
        }
        low + (m >> 32) as i64
    }
}

/// ale-py's seeds for `reset(seed=seed)`: the seed of the env's NumPy generator and the
/// emulator's `random_seed` (`np.int32` of the second word, wrapping).
pub fn ale_py_seeds(seed: u64) -> (u32, i32) {
    let w = SeedSequence::new(seed as u128).generate_state_u32(2);
    (w[0], w[1] as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by NumPy 2.4.
    #[test]
    fn matches_numpy() {
        assert_eq!(SeedSequence::new(11).generate_state_u32(2), vec![1_926_383_459, 914_257_217]);
        assert_eq!(
            SeedSequence::new(11).generate_state_u64(4),
            vec![
                3_926_704_849_073_358_691,
                2_926_583_794_887_213_564,
                215_141_457_385_765_089,
                15_564_452_721_439_488_421
            ]
        );
        assert_eq!(SeedSequence::new((1u128 << 70) + 5).generate_state_u32(2), vec![4_017_225_302, 169_096_299]);
        let mut g = Pcg64::from_seed(123);
        assert_eq!(
            [g.next_u64(), g.next_u64(), g.next_u64()],
            [12_587_170_189_557_361_101, 992_822_559_630_912_803, 4_064_922_177_151_560_342]
        );
        let mut g = Pcg64::from_seed(123);
        let v: Vec<i64> = (0..8).map(|_| g.integers(1, 31)).collect();
        assert_eq!(v, vec![1, 21, 18, 2, 28, 7, 8, 6]);
        assert_eq!(ale_py_seeds(0).1, SeedSequence::new(0).generate_state_u32(2)[1] as i32);
    }
}
