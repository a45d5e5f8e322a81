//! [`AtariEnv`]: one ALE game as a deepq [`Env`], with ale-py 0.12.1's `AtariEnv` semantics.

use crate::ale::Ale;
use crate::games::{find_rom, parse_id, MAX_FRAMES_PER_EPISODE};
use crate::kept_rom::KeptRom;
use crate::np_random::{ale_py_seeds, Pcg64};
use deepq_env::{Dtype, Env, EnvError, EnvKwargs, EpisodeGuard, Info, Obs, RgbFrame, Space, Step};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

/// The names of the ALE's 18 joystick actions, indexed by ALE action code.
pub const ACTION_MEANINGS: [&str; 18] = [
    "NOOP",
    "FIRE",
    "UP",
    "RIGHT",
    "LEFT",
    "DOWN",
    "UPRIGHT",
    "UPLEFT",
    "DOWNRIGHT",
    "DOWNLEFT",
    "UPFIRE",
    "RIGHTFIRE",
    "LEFTFIRE",
    "DOWNFIRE",
    "UPRIGHTFIRE",
    "UPLEFTFIRE",
    "DOWNRIGHTFIRE",
    "DOWNLEFTFIRE",
];

/// What [`AtariEnv`] observes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObsType {
    /// The RGB screen, height x width x 3 bytes (HWC): 210x160x3 for most games, taller for
    /// some (e.g. 250x160x3 for AirRaid); see [`AtariEnv::screen_height`].
    Rgb,
    /// The ALE's grayscale screen (its luminance palette, as ale-py's `obs_type="grayscale"`),
    /// height x width.
    Grayscale,
    /// The 128 bytes of console RAM.
    Ram,
}

impl ObsType {
    /// Parses ale-py's names: `rgb`, `grayscale`, `ram`.
    pub fn parse(s: &str) -> Result<Self, EnvError> {
        match s {
            "rgb" => Ok(ObsType::Rgb),
            "grayscale" => Ok(ObsType::Grayscale),
            "ram" => Ok(ObsType::Ram),
            other => {
                Err(EnvError::BadKwarg(format!("obs_type must be \"rgb\", \"grayscale\" or \"ram\", not {other:?}")))
            }
        }
    }
}

/// Everything that defines an [`AtariEnv`].
#[derive(Debug, Clone, PartialEq)]
pub struct AtariConfig {
    /// ROM name (`pong`, `space_invaders`).
    pub game: String,
    /// Observation type.
    pub obs_type: ObsType,
    /// Emulator frames per agent step (the action is repeated, rewards summed).
    pub frameskip: usize,
    /// Stochastic frameskip: each step emulates `low..high` frames, drawn from the env's
    /// generator as ale-py does (the plain `-v0`/`-v4` ids: 2..5); overrides `frameskip`.
    pub frameskip_range: Option<(usize, usize)>,
    /// Sticky actions: on every frame, with this probability the previous frame's action is
    /// repeated instead of the chosen one (Machado et al. 2018; ale-py v5 uses 0.25). Applied by
    /// the ALE itself, from its seeded RNG, exactly as in ale-py.
    pub repeat_action_probability: f64,
    /// All 18 actions instead of the game's minimal action set.
    pub full_action_space: bool,
    /// Frames after which an episode is truncated (0: never).
    pub max_frames_per_episode: u64,
    /// ROM directory overriding `DEEPQ_ROM_DIR` and the reference venv.
    pub rom_dir: Option<String>,
}

impl AtariConfig {
    /// The config of the Atari id `id` (see the crate docs for the id shapes) with the Atari
    /// kwargs of `kwargs` applied. `None` if `id` is not an Atari id.
    pub fn from_id(id: &str, kwargs: &EnvKwargs) -> Option<Result<Self, EnvError>> {
        Some(parse_id(id)?.and_then(|p| {
            if kwargs.map_name.is_some() || kwargs.is_slippery.is_some() {
                let name = if kwargs.map_name.is_some() { "map_name" } else { "is_slippery" };
                return Err(EnvError::BadKwarg(format!("environment '{id}' does not take the kwarg '{name}'")));
            }
            let obs_type = match kwargs.obs_type.as_deref() {
                Some(s) => ObsType::parse(s)?,
                None if p.ram => ObsType::Ram,
                None => ObsType::Rgb,
            };
            let frameskip = kwargs.frameskip.unwrap_or(p.frameskip);
            let frameskip_range = if kwargs.frameskip.is_some() { None } else { p.frameskip_range };
            if frameskip == 0 {
                return Err(EnvError::BadKwarg("frameskip must be at least 1".into()));
            }
            let rap = kwargs.repeat_action_probability.unwrap_or(p.repeat_action_probability);
            if !(0.0..=1.0).contains(&rap) {
                return Err(EnvError::BadKwarg(format!("repeat_action_probability must be in [0, 1], not {rap}")));
            }
            Ok(AtariConfig {
                game: p.game,
                obs_type,
                frameskip,
                frameskip_range,
                repeat_action_probability: rap,
                full_action_space: kwargs.full_action_space.unwrap_or(false),
                max_frames_per_episode: MAX_FRAMES_PER_EPISODE,
                rom_dir: kwargs.rom_dir.clone(),
            })
        }))
    }
}

/// The screen palette learnt from the emulator: for every palette index seen so far its RGB
/// colour and its gray value with OpenCV's `COLOR_RGB2GRAY` weights. The ALE has no palette
/// getter, so an index is learnt the first time it is seen, from that frame's RGB screen; the
/// tables then turn raw index screens into gray or RGB without asking the emulator again.
#[derive(Clone)]
struct Palette {
    rgb: [[u8; 3]; 256],
    /// Gray value, or `UNKNOWN` for an index not seen yet.
    gray: [u16; 256],
}

const UNKNOWN: u16 = 0x100;

/// OpenCV's RGB->gray for 8-bit images: `(4899 R + 9617 G + 1868 B + 2^13) >> 14`, its
/// fixed-point form of `0.299 R + 0.587 G + 0.114 B`.
#[inline]
pub fn cv2_gray(r: u8, g: u8, b: u8) -> u8 {
    ((r as u32 * 4899 + g as u32 * 9617 + b as u32 * 1868 + (1 << 13)) >> 14) as u8
}

impl Palette {
    fn new() -> Self {
        Palette { rgb: [[0; 3]; 256], gray: [UNKNOWN; 256] }
    }

    /// Whether every index in `idx` is known.
    #[inline]
    fn knows_all(&self, idx: &[u8]) -> bool {
        idx.iter().fold(0u16, |acc, &c| acc | self.gray[c as usize]) & UNKNOWN == 0
    }

    /// Learns the colours of `idx` from `rgb`, the same frame as RGB.
    fn learn(&mut self, idx: &[u8], rgb: &[u8]) {
        for (i, &c) in idx.iter().enumerate() {
            let c = c as usize;
            if self.gray[c] & UNKNOWN != 0 {
                let px = [rgb[3 * i], rgb[3 * i + 1], rgb[3 * i + 2]];
                self.rgb[c] = px;
                self.gray[c] = cv2_gray(px[0], px[1], px[2]) as u16;
            }
        }
    }
}

/// An Atari 2600 game on the Arcade Learning Environment, behaving like ale-py 0.12.1's
/// `AtariEnv` (ids `ALE/<Game>-v5`, `<Game>NoFrameskip-v4` and their `-ram` variants).
///
/// - Actions index the game's minimal action set (or all 18 with `full_action_space`).
/// - A step repeats the action for `frameskip` frames and sums the rewards; `terminated` is
///   game over, `truncated` comes after 108,000 frames in an episode (ale-py's
///   `max_num_frames_per_episode`).
/// - Sticky actions are applied by the ALE (0.12.1, the emulator of ale-py 0.12.1) from its own
///   RNG, seeded as ale-py seeds it, so seeded episodes are identical to ale-py's frame by
///   frame, sticky actions included. As in ale-py, every frame of a step is handed to the ALE
///   even after the game ended within the step (the ALE emulates nothing more but draws its
///   sticky-action numbers).
/// - `reset(Some(seed))` re-seeds the emulator and the env's generator exactly as ale-py
///   (`SeedSequence(seed)`, see [`crate::np_random`]) and reloads the ROM; `reset(None)` resets
///   the game and continues the RNG streams. A new env is seeded from the OS, as ale-py's.
/// - Info: `lives`, `episode_frame_number`, `frame_number` (as ale-py).
pub struct AtariEnv {
    id: String,
    config: AtariConfig,
    /// The ROM loaded, kept so that reloads survive the file changing.
    rom: KeptRom,
    ale: Ale,
    action_set: Vec<i32>,
    observation_space: Space,
    action_space: Space,
    guard: EpisodeGuard,
    /// The env's NumPy-compatible generator (ale-py's `np_random`), seeded as ale-py seeds it.
    np_rng: Pcg64,
    /// The seed the ROM was just loaded with, while nothing was emulated since.
    fresh_seed: Option<u64>,
    observe: bool,
    palette: Palette,
    scratch_idx: Vec<u8>,
    scratch_rgb: Vec<u8>,
    /// The last screen of `grab_screen_indices` (all its colours are learnt).
    last_grab: Vec<u8>,
    /// Unclipped reward and steps since the last reset: the full game's score and length,
    /// reported in the info of the step that ends the game (below any life-loss or clipping
    /// wrapper, like Gymnasium's `RecordEpisodeStatistics` placed first).
    game_return: f64,
    game_steps: u64,
}

impl AtariEnv {
    /// Makes the Atari id `id` with `kwargs` (errors for a non-Atari id, an unknown game, a bad
    /// kwarg or a missing ROM), seeded from the OS as ale-py seeds a new env.
    pub fn make(id: &str, kwargs: &EnvKwargs) -> Result<Self, EnvError> {
        let config = AtariConfig::from_id(id, kwargs)
            .ok_or_else(|| EnvError::Other(format!("'{id}' is not an Atari environment id")))??;
        Self::new(id, config)
    }

    /// [`AtariEnv::make`], with the emulator loaded for `seed` right away: the first
    /// `reset(Some(seed))` then skips reloading the ROM (which takes ~0.15 s), with the same
    /// result. For making many envs that are reset with known seeds.
    pub fn make_seeded(id: &str, kwargs: &EnvKwargs, seed: u64) -> Result<Self, EnvError> {
        let config = AtariConfig::from_id(id, kwargs)
            .ok_or_else(|| EnvError::Other(format!("'{id}' is not an Atari environment id")))??;
        Self::with_seed(id, config, Some(seed))
    }

    /// Builds the environment `config` under the name `id`.
    pub fn new(id: &str, config: AtariConfig) -> Result<Self, EnvError> {
        Self::with_seed(id, config, None)
    }

    fn with_seed(id: &str, config: AtariConfig, seed: Option<u64>) -> Result<Self, EnvError> {
        let rom = find_rom(&config.game, config.rom_dir.as_deref())?;
        let max_frames = i32::try_from(config.max_frames_per_episode).unwrap_or(i32::MAX);
        // As ale-py's constructor: seed (from the OS: `SeedSequence(None)`), then load the ROM.
        let (np_seed, ale_seed) = ale_py_seeds(seed.unwrap_or_else(|| ChaCha8Rng::from_os_rng().next_u64()));
        let ale =
            Ale::load(&rom, ale_seed, config.repeat_action_probability as f32, max_frames).map_err(EnvError::Other)?;
        let rom = KeptRom::read(&rom).map_err(EnvError::Other)?;
        let action_set = if config.full_action_space { ale.legal_action_set() } else { ale.minimal_action_set() };
        // Every size below comes from the emulator's report for this ROM.
        let (h, w, pixels) = (ale.screen_height(), ale.screen_width(), ale.screen_pixels());
        let shape = match config.obs_type {
            ObsType::Rgb => vec![h, w, 3],
            ObsType::Grayscale => vec![h, w],
            ObsType::Ram => vec![ale.ram_size()],
        };
        let n: usize = shape.iter().product();
        Ok(AtariEnv {
            id: id.to_string(),
            observation_space: Space::Box { shape, low: vec![0.0; n], high: vec![255.0; n], dtype: Dtype::U8 },
            action_space: Space::Discrete { n: action_set.len() },
            config,
            rom,
            ale,
            action_set,
            guard: EpisodeGuard::NeedsReset,
            np_rng: Pcg64::from_seed(np_seed as u128),
            fresh_seed: seed,
            observe: true,
            palette: Palette::new(),
            scratch_idx: vec![0; pixels],
            scratch_rgb: vec![0; pixels * 3],
            last_grab: Vec::new(),
            game_return: 0.0,
            game_steps: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AtariConfig {
        &self.config
    }

    /// The ROM file in use.
    pub fn rom_path(&self) -> &Path {
        self.rom.path()
    }

    /// The ALE action codes behind the action indices.
    pub fn action_set(&self) -> &[i32] {
        &self.action_set
    }

    /// The meaning of every action index (`NOOP`, `FIRE`, ...), as ale-py's `get_action_meanings`.
    pub fn action_meanings(&self) -> Vec<&'static str> {
        self.action_set.iter().map(|&a| ACTION_MEANINGS.get(a as usize).copied().unwrap_or("?")).collect()
    }

    /// Remaining lives.
    pub fn lives(&self) -> i32 {
        self.ale.lives()
    }

    /// Screen height in pixels as the emulator reports it for this game (210 for most games,
    /// up to 250 for some); the height of the screen observations and of rendered frames.
    pub fn screen_height(&self) -> usize {
        self.ale.screen_height()
    }

    /// Screen width in pixels as the emulator reports it for this game (160).
    pub fn screen_width(&self) -> usize {
        self.ale.screen_width()
    }

    /// Pixels per screen (`screen_height() * screen_width()`): the length of an index or gray
    /// screen buffer; RGB buffers hold three times as many bytes.
    pub fn screen_pixels(&self) -> usize {
        self.ale.screen_pixels()
    }

    /// When `false`, `reset` and `step` return an empty observation (`Obs::U8(vec![])`) instead of
    /// building one: wrappers that read the screen themselves (e.g. [`crate::wrappers::MaxAndSkip`])
    /// switch it off to save the copies. Default `true`.
    pub fn set_observe(&mut self, observe: bool) {
        self.observe = observe;
    }

    /// Copies the console RAM (128 bytes, the size the emulator reports).
    pub fn ram(&self) -> Vec<u8> {
        let mut ram = vec![0u8; self.ale.ram_size()];
        self.ale.ram(&mut ram);
        ram
    }

    /// Writes the screen's palette indices (the ALE's `getScreen`) into `out`, which must hold
    /// exactly `screen_pixels()` bytes (panics otherwise).
    pub fn screen_indices(&self, out: &mut [u8]) {
        self.ale.screen_indices(out);
    }

    /// Writes the RGB screen into `out`, which must hold exactly `3 * screen_pixels()` bytes
    /// (panics otherwise).
    pub fn screen_rgb(&self, out: &mut [u8]) {
        self.ale.screen_rgb(out);
    }

    /// Writes the ALE's grayscale screen (luminance palette) into `out`, which must hold
    /// exactly `screen_pixels()` bytes (panics otherwise).
    pub fn screen_grayscale_ale(&self, out: &mut [u8]) {
        self.ale.screen_grayscale(out);
    }

    /// Writes the screen's palette indices into `out` (exactly `screen_pixels()` bytes, panics
    /// otherwise) and learns any colour not seen before, so that
    /// [`AtariEnv::gray_of_indices`], [`AtariEnv::gray_of_max`] and friends can convert `out`
    /// later, after the emulator has moved on.
    #[inline]
    pub fn grab_screen_indices(&mut self, out: &mut [u8]) {
        self.ale.screen_indices(out);
        // Only rows that differ from the last grab can hold colours not learnt yet.
        if self.last_grab.len() != out.len() {
            self.ale.screen_rgb(&mut self.scratch_rgb);
            self.palette.learn(out, &self.scratch_rgb);
            self.last_grab = out.to_vec();
            return;
        }
        let mut unknown = false;
        let w = self.ale.screen_width();
        for (row, last) in out.chunks_exact(w).zip(self.last_grab.chunks_exact_mut(w)) {
            if row != last {
                unknown |= !self.palette.knows_all(row);
                last.copy_from_slice(row);
            }
        }
        if unknown {
            self.ale.screen_rgb(&mut self.scratch_rgb);
            self.palette.learn(out, &self.scratch_rgb);
        }
    }

    /// Fast grayscale screen with OpenCV's RGB->gray weights (what Baselines/SB3's `WarpFrame`
    /// computes from the RGB screen), `screen_pixels()` bytes, through the learnt palette.
    pub fn screen_gray(&mut self, out: &mut [u8]) {
        let mut idx = std::mem::take(&mut self.scratch_idx);
        self.grab_screen_indices(&mut idx);
        self.gray_of_indices(&idx, out);
        self.scratch_idx = idx;
    }

    /// Gray values (OpenCV weights) of an index screen from [`AtariEnv::grab_screen_indices`].
    #[inline]
    pub fn gray_of_indices(&self, idx: &[u8], out: &mut [u8]) {
        for (o, &c) in out.iter_mut().zip(idx) {
            *o = self.palette.gray[c as usize] as u8;
        }
    }

    /// RGB values of an index screen from [`AtariEnv::grab_screen_indices`] (3 bytes a pixel).
    pub fn rgb_of_indices(&self, idx: &[u8], out: &mut [u8]) {
        for (o, &c) in out.chunks_exact_mut(3).zip(idx) {
            o.copy_from_slice(&self.palette.rgb[c as usize]);
        }
    }

    /// The gray value (OpenCV weights) of the pixel-wise channel maximum of two index screens:
    /// exactly `cvtColor(max(rgb_a, rgb_b), RGB2GRAY)`, without building the RGB frames.
    #[inline]
    pub fn gray_of_max(&self, a: &[u8], b: &[u8], out: &mut [u8]) {
        let pal = &self.palette;
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = if x == y {
                pal.gray[x as usize] as u8
            } else {
                let (p, q) = (pal.rgb[x as usize], pal.rgb[y as usize]);
                cv2_gray(p[0].max(q[0]), p[1].max(q[1]), p[2].max(q[2]))
            };
        }
    }

    /// The pixel-wise channel maximum of two index screens as RGB (3 bytes a pixel).
    pub fn rgb_of_max(&self, a: &[u8], b: &[u8], out: &mut [u8]) {
        let pal = &self.palette;
        for ((o, &x), &y) in out.chunks_exact_mut(3).zip(a).zip(b) {
            let (p, q) = (pal.rgb[x as usize], pal.rgb[y as usize]);
            o.copy_from_slice(&[p[0].max(q[0]), p[1].max(q[1]), p[2].max(q[2])]);
        }
    }

    fn observation(&mut self) -> Obs {
        if !self.observe {
            return Obs::U8(Vec::new());
        }
        Obs::U8(match self.config.obs_type {
            ObsType::Rgb => {
                let mut v = vec![0; self.ale.screen_pixels() * 3];
                self.ale.screen_rgb(&mut v);
                v
            }
            ObsType::Grayscale => {
                let mut v = vec![0; self.ale.screen_pixels()];
                self.ale.screen_grayscale(&mut v);
                v
            }
            ObsType::Ram => self.ram(),
        })
    }

    fn info(&self) -> Info {
        Info::new()
            .with("lives", self.ale.lives() as f64)
            .with("episode_frame_number", self.ale.episode_frame_number() as f64)
            .with("frame_number", self.ale.frame_number() as f64)
    }

    /// The env's generator, as ale-py's `AtariEnv.np_random`: after `reset(Some(seed))` it is
    /// exactly the generator ale-py seeds for that seed (`SeedSequence(seed)`'s first word);
    /// before any seeded reset it is seeded from the OS (at construction, as ale-py). Wrappers that follow Gymnasium-based
    /// references draw from it (SB3's no-op count, [`crate::wrappers::NoopReset`]).
    pub fn np_random(&mut self) -> &mut Pcg64 {
        &mut self.np_rng
    }
}

impl Env for AtariEnv {
    fn id(&self) -> &str {
        &self.id
    }

    fn observation_space(&self) -> &Space {
        &self.observation_space
    }

    fn action_space(&self) -> &Space {
        &self.action_space
    }

    fn reset(&mut self, seed: Option<u64>) -> (Obs, Info) {
        if let Some(seed) = seed {
            // The emulator's seed and the env's generator exactly as ale-py derives them.
            let (np_seed, ale_seed) = ale_py_seeds(seed);
            self.np_rng = Pcg64::from_seed(np_seed as u128);
            let before = (self.ale.screen_height(), self.ale.screen_width());
            // A ROM just loaded for this seed is what a reload would give (each load builds
            // the console and its RNGs afresh).
            if self.fresh_seed != Some(seed) {
                if let Err(e) = self.rom.reload(&mut self.ale, ale_seed) {
                    panic!("{e} (it loaded before)");
                }
            }
            // The same ROM again, so the size behind the spaces and buffers stays; checked to
            // fail loudly rather than observe a wrongly shaped screen.
            let after = (self.ale.screen_height(), self.ale.screen_width());
            assert_eq!(before, after, "the screen size changed when reloading {}", self.rom.path().display());
        }
        self.fresh_seed = None;
        self.ale.reset_game();
        (self.game_return, self.game_steps) = (0.0, 0);
        self.guard = EpisodeGuard::Running;
        (self.observation(), self.info())
    }

    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.guard.check_step(action, &self.action_space)?;
        let chosen = self.action_set[action];
        // As ale-py: every frame goes to the ALE, which applies sticky actions and emulates
        // nothing past the end of the episode.
        let frames = match self.config.frameskip_range {
            Some((low, high)) => self.np_random().integers(low as i64, high as i64) as usize,
            None => self.config.frameskip,
        };
        let mut reward = 0i64;
        for _ in 0..frames {
            reward += self.ale.act(chosen) as i64;
        }
        let terminated = self.ale.game_over();
        let truncated = self.ale.game_truncated();
        self.guard.after_step(terminated || truncated);
        self.game_return += reward as f64;
        self.game_steps += 1;
        let mut info = self.info();
        if terminated || truncated {
            info.set("game_return", self.game_return);
            info.set("game_length", self.game_steps as f64);
        }
        Ok(Step { obs: self.observation(), reward: reward as f64, terminated, truncated, info })
    }

    fn render(&mut self) -> Result<RgbFrame, EnvError> {
        let (width, height) = (self.ale.screen_width(), self.ale.screen_height());
        let mut data = vec![0; width * height * 3];
        self.ale.screen_rgb(&mut data);
        Ok(RgbFrame { width, height, data })
    }
}
