//! Game names, Gymnasium-style ids and ROM lookup.

use deepq_env::EnvError;
use std::path::{Path, PathBuf};

/// The ROM names (snake case, as ale-py names its `.bin` files) of the games the linked ALE
/// (0.6) supports. ale-py 0.12.1 ships ROMs for these and some more, which this ALE cannot run.
pub const SUPPORTED_GAMES: &[&str] = &[
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
    "donkey_kong",
    "double_dunk",
    "elevator_action",
    "enduro",
    "fishing_derby",
    "freeway",
    "frogger",
    "frostbite",
    "galaxian",
    "gopher",
    "gravitar",
    "hero",
    "ice_hockey",
    "jamesbond",
    "journey_escape",
    "kaboom",
    "kangaroo",
    "keystone_kapers",
    "king_kong",
    "koolaid",
    "krull",
    "kung_fu_master",
    "laser_gates",
    "lost_luggage",
    "montezuma_revenge",
    "mr_do",
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
    "sir_lancelot",
    "skiing",
    "solaris",
    "space_invaders",
    "star_gunner",
    "tennis",
    "tetris",
    "time_pilot",
    "trondead",
    "turmoil",
    "tutankham",
    "up_n_down",
    "venture",
    "video_pinball",
    "wizard_of_wor",
    "yars_revenge",
    "zaxxon",
];

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

/// Splits an id into (display name, ram, v5) if it has one of the Atari id shapes:
/// `ALE/<Name>-v5`, `ALE/<Name>-ram-v5`, `<Name>NoFrameskip-v4`, `<Name>-ramNoFrameskip-v4`.
fn id_shape(id: &str) -> Option<(&str, bool, bool)> {
    if let Some(rest) = id.strip_prefix("ALE/").and_then(|r| r.strip_suffix("-v5")) {
        return Some(match rest.strip_suffix("-ram") {
            Some(name) => (name, true, true),
            None => (rest, false, true),
        });
    }
    let rest = id.strip_suffix("NoFrameskip-v4")?;
    Some(match rest.strip_suffix("-ram") {
        Some(name) => (name, true, false),
        None => (rest, false, false),
    })
}

/// Whether `id` has the shape of an Atari id (whether or not the game exists).
pub fn is_atari_id(id: &str) -> bool {
    id_shape(id).is_some_and(|(name, _, _)| !name.is_empty())
}

/// Parses an Atari id. `None` if the id does not have an Atari shape; an error naming the
/// supported games if it has one but the game is unknown.
pub fn parse_id(id: &str) -> Option<Result<ParsedId, EnvError>> {
    let (name, ram, v5) = id_shape(id)?;
    if name.is_empty() {
        return None;
    }
    let Some(game) = SUPPORTED_GAMES.iter().find(|g| display_name(g) == name) else {
        let known: Vec<String> = SUPPORTED_GAMES.iter().map(|g| display_name(g)).collect();
        return Some(Err(EnvError::Other(format!(
            "unknown Atari game '{name}' in environment id '{id}'; the ALE linked by deepq-atari (0.6) runs: {}",
            known.join(", ")
        ))));
    };
    let (frameskip, repeat_action_probability) = if v5 { (4, 0.25) } else { (1, 0.0) };
    Some(Ok(ParsedId { game: game.to_string(), frameskip, repeat_action_probability, ram }))
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
    }
}
