//! Game names, Gymnasium-style ids and ROM lookup.

use deepq_env::EnvError;
use std::path::{Path, PathBuf};

/// The ROM names (snake case, as ale-py names its `.bin` files) of the games the linked ALE
/// (0.12.1, `deepq-ale-sys`) runs: ale-py 0.12.1's ROM set without the four two-player-only
/// ROMs ([`TWO_PLAYER_ONLY_ROMS`]), i.e. exactly the 104 games ale-py registers `ALE/<Game>-v5`
/// for.
pub const SUPPORTED_GAMES: &[&str] = &[
    "adventure",
    "air_raid",
    "alien",
    "amidar",
    "assault",
    "asterix",
    "asteroids",
    "atlantis",
    "atlantis2",
    "backgammon",
    "bank_heist",
    "basic_math",
    "battle_zone",
    "beam_rider",
    "berzerk",
    "blackjack",
    "bowling",
    "boxing",
    "breakout",
    "carnival",
    "casino",
    "centipede",
    "chopper_command",
    "crazy_climber",
    "crossbow",
    "darkchambers",
    "defender",
    "demon_attack",
    "donkey_kong",
    "double_dunk",
    "earthworld",
    "elevator_action",
    "enduro",
    "entombed",
    "et",
    "fishing_derby",
    "flag_capture",
    "freeway",
    "frogger",
    "frostbite",
    "galaxian",
    "gopher",
    "gravitar",
    "hangman",
    "haunted_house",
    "hero",
    "human_cannonball",
    "ice_hockey",
    "jamesbond",
    "journey_escape",
    "kaboom",
    "kangaroo",
    "keystone_kapers",
    "king_kong",
    "klax",
    "koolaid",
    "krull",
    "kung_fu_master",
    "laser_gates",
    "lost_luggage",
    "mario_bros",
    "miniature_golf",
    "montezuma_revenge",
    "mr_do",
    "ms_pacman",
    "name_this_game",
    "othello",
    "pacman",
    "phoenix",
    "pitfall",
    "pitfall2",
    "pong",
    "pooyan",
    "private_eye",
    "qbert",
    "riverraid",
    "road_runner",
    "robotank",
    "seaquest",
    "sir_lancelot",
    "skiing",
    "solaris",
    "space_invaders",
    "space_war",
    "star_gunner",
    "superman",
    "surround",
    "tennis",
    "tetris",
    "tic_tac_toe_3d",
    "time_pilot",
    "trondead",
    "turmoil",
    "tutankham",
    "up_n_down",
    "venture",
    "video_checkers",
    "video_chess",
    "video_cube",
    "video_pinball",
    "wizard_of_wor",
    "word_zapper",
    "yars_revenge",
    "zaxxon",
];

/// The games for which ale-py 0.12.1 registers the legacy `v0`/`v4` ids (`<Game>-v4`,
/// `<Game>NoFrameskip-v4`, ...): the 62 games of the original Gym Atari suite.
pub const LEGACY_GAMES: &[&str] = &[
    "adventure",
    "air_raid",
    "alien",
    "amidar",
    "assault",
    "asterix",
    "asteroids",
    "atlantis",
    "bank_heist",
    "battle_zone",
    "beam_rider",
    "berzerk",
    "bowling",
    "boxing",
    "breakout",
    "carnival",
    "centipede",
    "chopper_command",
    "crazy_climber",
    "defender",
    "demon_attack",
    "double_dunk",
    "elevator_action",
    "enduro",
    "fishing_derby",
    "freeway",
    "frostbite",
    "gopher",
    "gravitar",
    "hero",
    "ice_hockey",
    "jamesbond",
    "journey_escape",
    "kangaroo",
    "krull",
    "kung_fu_master",
    "montezuma_revenge",
    "ms_pacman",
    "name_this_game",
    "phoenix",
    "pitfall",
    "pong",
    "pooyan",
    "private_eye",
    "qbert",
    "riverraid",
    "road_runner",
    "robotank",
    "seaquest",
    "skiing",
    "solaris",
    "space_invaders",
    "star_gunner",
    "tennis",
    "time_pilot",
    "tutankham",
    "up_n_down",
    "venture",
    "video_pinball",
    "wizard_of_wor",
    "yars_revenge",
    "zaxxon",
];

/// The ROMs of ale-py 0.12.1's set that its ALE does not run as a single-player game (no
/// registered id; `loadROM` refuses them): not in [`SUPPORTED_GAMES`].
pub const TWO_PLAYER_ONLY_ROMS: &[&str] = &["combat", "joust", "maze_craze", "warlords"];

/// ale-py's `max_num_frames_per_episode` for the v4 and v5 ids: 108,000 frames (30 minutes of
/// play at 60 Hz); the episode is truncated there.
pub const MAX_FRAMES_PER_EPISODE: u64 = 108_000;

/// What an Atari id asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedId {
    /// The ROM name (`pong`).
    pub game: String,
    /// Frames per agent step.
    pub frameskip: usize,
    /// Stochastic frameskip `low..high` (the plain `-v0`/`-v4` ids: 2..5, drawn per step from
    /// the env's generator as ale-py does); `None` for a fixed `frameskip`.
    pub frameskip_range: Option<(usize, usize)>,
    /// Sticky-action probability.
    pub repeat_action_probability: f64,
    /// RAM observations (`-ram` ids).
    pub ram: bool,
}

/// The game's display name in ids: ale-py's rule, Python's `str.title()` of the ROM name with
/// the underscores removed (`space_invaders` -> `SpaceInvaders`, `tic_tac_toe_3d` -> `TicTacToe3D`).
pub fn display_name(rom: &str) -> String {
    let mut out = String::with_capacity(rom.len());
    let mut prev_cased = false;
    for c in rom.chars() {
        if c.is_alphabetic() {
            out.extend(if prev_cased { c.to_lowercase().collect::<Vec<_>>() } else { c.to_uppercase().collect() });
            prev_cased = true;
        } else {
            prev_cased = false;
            if c != '_' {
                out.push(c);
            }
        }
    }
    out
}

/// The id versions deepq serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    /// `ALE/<Game>-v5`: 4 frames, sticky 0.25.
    V5,
    /// `<Game>NoFrameskip-v4`: 1 frame, no sticky actions.
    NoFrameskipV4,
    /// `<Game>-v4`: 2..=4 frames (random), no sticky actions.
    V4,
    /// `<Game>NoFrameskip-v0`: 1 frame, sticky 0.25.
    NoFrameskipV0,
    /// `<Game>-v0`: 2..=4 frames (random), sticky 0.25.
    V0,
}

impl IdKind {
    /// (frameskip, stochastic range, sticky probability) as ale-py registers them.
    fn settings(self) -> (usize, Option<(usize, usize)>, f64) {
        match self {
            IdKind::V5 => (4, None, 0.25),
            IdKind::NoFrameskipV4 => (1, None, 0.0),
            IdKind::V4 => (2, Some((2, 5)), 0.0),
            IdKind::NoFrameskipV0 => (1, None, 0.25),
            IdKind::V0 => (2, Some((2, 5)), 0.25),
        }
    }

    /// Whether the id shape alone makes an id Atari's (the plain `-v0`/`-v4` shapes are
    /// Atari ids only for a known game name: `Taxi-v4` is not one).
    fn always_atari(self) -> bool {
        matches!(self, IdKind::V5 | IdKind::NoFrameskipV4 | IdKind::NoFrameskipV0)
    }
}

/// Splits an id into (display name, ram, kind) if it has one of the Atari id shapes:
/// `ALE/<Name>-v5`, `<Name>NoFrameskip-v4`, `<Name>-v4`, `<Name>NoFrameskip-v0`, `<Name>-v0`,
/// each also with `-ram` after the name (`ALE/<Name>-ram-v5`, `<Name>-ramNoFrameskip-v4`).
fn id_shape(id: &str) -> Option<(&str, bool, IdKind)> {
    let (rest, kind) = if let Some(rest) = id.strip_prefix("ALE/").and_then(|r| r.strip_suffix("-v5")) {
        (rest, IdKind::V5)
    } else if let Some(rest) = id.strip_suffix("NoFrameskip-v4") {
        (rest, IdKind::NoFrameskipV4)
    } else if let Some(rest) = id.strip_suffix("NoFrameskip-v0") {
        (rest, IdKind::NoFrameskipV0)
    } else if let Some(rest) = id.strip_suffix("-v4") {
        (rest, IdKind::V4)
    } else if let Some(rest) = id.strip_suffix("-v0") {
        (rest, IdKind::V0)
    } else {
        return None;
    };
    if rest.contains('/') {
        return None;
    }
    Some(match rest.strip_suffix("-ram") {
        Some(name) => (name, true, kind),
        None => (rest, false, kind),
    })
}

fn game_of(name: &str) -> Option<&'static str> {
    SUPPORTED_GAMES.iter().copied().find(|g| display_name(g) == name)
}

/// Whether `id` has the shape of an Atari id (whether or not the game exists; the plain
/// `<Name>-v4` / `<Name>-v0` shapes only with a known game).
pub fn is_atari_id(id: &str) -> bool {
    id_shape(id).is_some_and(|(name, _, kind)| !name.is_empty() && (kind.always_atari() || game_of(name).is_some()))
}

/// Parses an Atari id. `None` if the id does not have an Atari shape; an error naming the
/// supported games if it has one but the game is unknown.
pub fn parse_id(id: &str) -> Option<Result<ParsedId, EnvError>> {
    if !is_atari_id(id) {
        return None;
    }
    let (name, ram, kind) = id_shape(id)?;
    let Some(game) = game_of(name) else {
        let known: Vec<String> = SUPPORTED_GAMES.iter().map(|g| display_name(g)).collect();
        return Some(Err(EnvError::Other(format!(
            "unknown Atari game '{name}' in environment id '{id}'; the ALE linked by deepq-atari (0.12.1) runs: {}",
            known.join(", ")
        ))));
    };
    let (frameskip, frameskip_range, repeat_action_probability) = kind.settings();
    Some(Ok(ParsedId { game: game.to_string(), frameskip, frameskip_range, repeat_action_probability, ram }))
}

/// Every id ale-py 0.12.1 registers for the Atari games, in deepq's order (by game, then
/// `ALE/<Game>-v5`, `<Game>NoFrameskip-v4`, `<Game>-v4`, `<Game>NoFrameskip-v0`, `<Game>-v0`):
/// the v5 id for the 104 games and the four legacy ids for the 62 games of [`LEGACY_GAMES`],
/// 352 ids. With `ram`, each also in its `-ram` form (deepq's extension, the older Gym naming;
/// ale-py 0.12 takes `obs_type="ram"` instead), 704 ids. deepq also makes the legacy shapes of
/// the newer games, which ale-py does not register (`DonkeyKongNoFrameskip-v4`, ...).
pub fn all_ids(ram: bool) -> Vec<String> {
    let mut out = Vec::new();
    for game in SUPPORTED_GAMES {
        let name = display_name(game);
        let variants: &[&str] = if ram { &["", "-ram"] } else { &[""] };
        for r in variants {
            out.push(format!("ALE/{name}{r}-v5"));
            if LEGACY_GAMES.contains(game) {
                for suffix in ["NoFrameskip-v4", "-v4", "NoFrameskip-v0", "-v0"] {
                    out.push(format!("{name}{r}{suffix}"));
                }
            }
        }
    }
    out
}

/// The directories searched for ROMs, in order: `rom_dir` (the kwarg), `$DEEPQ_ROM_DIR`, then
/// the `ale_py/roms/` folder of the reference venv `.venv-ref` (in the current directory, its
/// ancestors, and the workspace this crate was built in).
pub fn rom_search_dirs(rom_dir: Option<&str>) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(d) = rom_dir {
        dirs.push(PathBuf::from(d));
        return dirs;
    }
    if let Some(d) = std::env::var_os("DEEPQ_ROM_DIR").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(d));
        return dirs;
    }
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        roots.extend(cwd.ancestors().map(Path::to_path_buf));
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if let Ok(w) = workspace.canonicalize() {
        roots.push(w);
    }
    for root in roots {
        let lib = root.join(".venv-ref").join("lib");
        let Ok(entries) = std::fs::read_dir(&lib) else { continue };
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("python3")))
            .map(|p| p.join("site-packages").join("ale_py").join("roms"))
            .filter(|p| p.is_dir())
            .collect();
        found.sort();
        for d in found {
            if !dirs.contains(&d) {
                dirs.push(d);
            }
        }
    }
    dirs
}

/// Smallest Atari 2600 cartridge image (2 KB).
const ROM_MIN_BYTES: u64 = 2 * 1024;
/// Largest cartridge image accepted (the biggest bank-switched carts are 512 KB).
const ROM_MAX_BYTES: u64 = 512 * 1024;

/// Finds `<game>.bin`, or explains how to get it.
pub fn find_rom(game: &str, rom_dir: Option<&str>) -> Result<PathBuf, EnvError> {
    let file = format!("{game}.bin");
    let dirs = rom_search_dirs(rom_dir);
    if let Some(path) = dirs.iter().map(|d| d.join(&file)).find(|p| p.is_file()) {
        // The emulator sizes its cartridge from the file: an empty or huge file is not a ROM
        // (an empty one made it try to allocate 7.5 GB). Atari 2600 cartridges are 2-512 KB.
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if !(ROM_MIN_BYTES..=ROM_MAX_BYTES).contains(&size) {
            return Err(EnvError::Other(format!(
                "'{}' is {size} bytes, not an Atari 2600 ROM ({ROM_MIN_BYTES}-{ROM_MAX_BYTES} bytes); reinstall the ROMs with scripts/setup_atari.sh",
                path.display()
            )));
        }
        return Ok(path);
    }
    let looked = if dirs.is_empty() {
        "no ROM directory found: no rom_dir kwarg, DEEPQ_ROM_DIR unset, no .venv-ref with ale-py".to_string()
    } else {
        format!("looked in {}", dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "))
    };
    Err(EnvError::Other(format!(
        "Atari ROM '{file}' not found ({looked}); run scripts/setup_atari.sh (installs ale-py 0.12.1, which ships \
         the ROMs, into .venv-ref) or set DEEPQ_ROM_DIR to a directory containing {file}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_oversized_rom_files_are_refused() {
        let dir = std::env::temp_dir().join(format!("deepq-bad-roms-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (size, game) in [(0usize, "pong"), (1 << 20, "breakout")] {
            std::fs::write(dir.join(format!("{game}.bin")), vec![0u8; size]).unwrap();
            let e = find_rom(game, Some(dir.to_str().unwrap())).unwrap_err().to_string();
            assert!(e.contains("not an Atari 2600 ROM"), "{e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn display_names_follow_python_title() {
        assert_eq!(display_name("pong"), "Pong");
        assert_eq!(display_name("space_invaders"), "SpaceInvaders");
        assert_eq!(display_name("tic_tac_toe_3d"), "TicTacToe3D");
        assert_eq!(display_name("montezuma_revenge"), "MontezumaRevenge");
    }

    #[test]
    fn ids_parse_into_their_settings() {
        let p = parse_id("PongNoFrameskip-v4").unwrap().unwrap();
        assert_eq!((p.game.as_str(), p.frameskip, p.repeat_action_probability, p.ram), ("pong", 1, 0.0, false));
        let p = parse_id("ALE/Breakout-ram-v5").unwrap().unwrap();
        assert_eq!((p.game.as_str(), p.frameskip, p.repeat_action_probability, p.ram), ("breakout", 4, 0.25, true));
        let p = parse_id("SpaceInvaders-ramNoFrameskip-v4").unwrap().unwrap();
        assert_eq!((p.game.as_str(), p.ram), ("space_invaders", true));
        assert!(parse_id("CartPole-v1").is_none());
        assert!(parse_id("NoFrameskip-v4").is_none());
        let err = parse_id("ALE/Zork-v5").unwrap().unwrap_err().to_string();
        assert!(err.contains("unknown Atari game 'Zork'") && err.contains("Pong"), "{err}");
        let p = parse_id("Pong-v4").unwrap().unwrap();
        assert_eq!((p.frameskip_range, p.repeat_action_probability), (Some((2, 5)), 0.0));
        let p = parse_id("BreakoutNoFrameskip-v0").unwrap().unwrap();
        assert_eq!((p.frameskip, p.repeat_action_probability), (1, 0.25));
        assert!(parse_id("Taxi-v4").is_none() && parse_id("CartPole-v0").is_none());
        assert!(parse_id("ALE/TicTacToe3D-v5").unwrap().is_ok());
    }

    #[test]
    fn all_ids_are_ale_pys() {
        let ids = all_ids(false);
        assert_eq!(SUPPORTED_GAMES.len(), 104);
        assert_eq!(ids.len(), 104 + 62 * 4);
        assert!(ids.contains(&"ALE/Pong-v5".to_string()) && ids.contains(&"PongNoFrameskip-v4".to_string()));
        assert!(ids.contains(&"Pong-v0".to_string()) && !ids.contains(&"ALE/Combat-v5".to_string()));
        assert!(TWO_PLAYER_ONLY_ROMS.iter().all(|r| !SUPPORTED_GAMES.contains(r)));
        assert_eq!(all_ids(true).len(), 2 * ids.len());
        assert!(all_ids(true).contains(&"Pong-ramNoFrameskip-v4".to_string()));
        for id in all_ids(true) {
            assert!(parse_id(&id).is_some_and(|p| p.is_ok()), "{id}");
        }
    }
}
