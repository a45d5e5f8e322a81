//! Screen sizes per game. Most Atari games have a 210x160 screen, but some are taller
//! (AirRaid 250, Carnival 214, Pooyan 220, ...). Observations, rendered frames and every
//! buffer the emulator writes into must follow the size of the loaded game; these tests run
//! every supported game, compare the observation spaces with ale-py 0.12.1
//! (`tests/fixtures/screen_sizes.json`, from `scripts/gen_atari_screen_sizes.py`) and check
//! that the screen getters never write past their buffers.

mod common;

use common::{fixture, roms_present};
use deepq_atari::games::{display_name, find_rom, SUPPORTED_GAMES};
use deepq_atari::{make_atari_stack, AtariEnv, StackKind};
use deepq_env::{Env, EnvKwargs, Obs};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Instant;

/// Random agent steps per game in [`every_game_steps_with_observations_of_its_space`].
const STEPS_PER_GAME: usize = 150;

/// Games where the ALE linked by deepq (0.12.1) reports another screen size than ale-py 0.12.1,
/// with the reason; their sizes are still checked, against the value given here.
const SIZE_EXCEPTIONS: &[(&str, [usize; 2], &str)] = &[];

/// ale-py 0.12.1's (height, width) of every game it registers.
fn ale_py_sizes() -> BTreeMap<String, [usize; 2]> {
    let text = std::fs::read_to_string(fixture("screen_sizes.json")).expect("screen size fixture");
    let v: Value = serde_json::from_str(&text).expect("fixture JSON");
    assert_eq!(v["ale_py"], "0.12.1", "fixture recorded with another ale-py");
    v["sizes"]
        .as_object()
        .expect("sizes")
        .iter()
        .map(|(game, hw)| {
            let hw: Vec<usize> = hw.as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
            (game.clone(), [hw[0], hw[1]])
        })
        .collect()
}

/// The supported games whose ROM can be found (all of them with ale-py 0.12.1's ROMs; a
/// missing one fails under `CI`, is skipped with a note otherwise).
fn games_with_roms() -> Vec<&'static str> {
    let (found, missing): (Vec<&str>, Vec<&str>) =
        SUPPORTED_GAMES.iter().copied().partition(|g| find_rom(g, None).is_ok());
    if !missing.is_empty() {
        assert!(std::env::var_os("CI").is_none(), "Atari ROMs missing under CI: {missing:?}");
        eprintln!("note: no ROM for {missing:?}; those games are not checked");
    }
    found
}

/// The games ale-py reports with a screen other than 210x160 that deepq supports.
fn tall_games() -> Vec<&'static str> {
    let sizes = ale_py_sizes();
    let tall: Vec<&str> =
        games_with_roms().into_iter().filter(|g| sizes.get(*g).is_some_and(|hw| hw != &[210, 160])).collect();
    assert!(tall.contains(&"air_raid"), "the fixture lists AirRaid as a tall game: {tall:?}");
    tall
}

fn v4(game: &str, obs_type: &str) -> AtariEnv {
    let id = format!("{}NoFrameskip-v4", display_name(game));
    let kwargs = EnvKwargs { obs_type: Some(obs_type.into()), ..EnvKwargs::default() };
    AtariEnv::make(&id, &kwargs).unwrap_or_else(|e| panic!("{id}: {e}"))
}

/// Resets `env` (with `seed`; a seeded reset reloads the ROM), runs `steps` random actions
/// (resetting after the end of an episode) and checks that every observation has the length of
/// the observation space.
fn run_checked(env: &mut dyn Env, seed: Option<u64>, steps: usize, rng: &mut ChaCha8Rng, what: &str) {
    let want: usize = env.observation_space().shape().iter().product();
    let len = |obs: &Obs| match obs {
        Obs::U8(v) => v.len(),
        other => panic!("{what}: byte observations expected, got {other:?}"),
    };
    let (obs, _) = env.reset(seed);
    assert_eq!(len(&obs), want, "{what}: reset observation vs. space {:?}", env.observation_space().shape());
    let n = env.n_actions();
    for t in 0..steps {
        let s = env.step(rng.random_range(0..n)).unwrap();
        assert_eq!(len(&s.obs), want, "{what}: step {t} observation vs. space {:?}", env.observation_space().shape());
        if s.done() {
            env.reset(None);
        }
    }
}

/// Every supported game, as `<Game>NoFrameskip-v4` with RGB observations: a reset and a few
/// hundred random steps, each observation the size of the observation space, and a rendered
/// frame of the screen's size. On the games with a screen other than 210x160 also a seeded
/// reset (a ROM reload), grayscale and RAM observations and the three preprocessing stacks.
/// (Loading a ROM takes most of the time, so the other variants are not run on every game.)
#[test]
fn every_game_steps_with_observations_of_its_space() {
    if !roms_present() {
        return;
    }
    let start = Instant::now();
    let games = games_with_roms();
    let tall = tall_games();
    let mut rng = ChaCha8Rng::seed_from_u64(2600);
    for &game in &games {
        let mut env = v4(game, "rgb");
        let shape = env.observation_space().shape().to_vec();
        assert!(matches!(shape.as_slice(), [_, _, 3]), "{game}: RGB space {shape:?}");
        run_checked(&mut env, None, STEPS_PER_GAME, &mut rng, &format!("{game} rgb"));
        let frame = env.render().unwrap();
        assert_eq!([frame.height, frame.width], [shape[0], shape[1]], "{game}: render size vs. observation space");
        assert_eq!(frame.data.len(), frame.height * frame.width * 3, "{game}: render data");
        if !tall.contains(&game) {
            continue;
        }
        run_checked(&mut env, Some(rng.random()), 20, &mut rng, &format!("{game} rgb, seeded reset"));
        let mut gray = v4(game, "grayscale");
        assert_eq!(gray.observation_space().shape(), &shape[..2], "{game}: grayscale space");
        run_checked(&mut gray, None, 20, &mut rng, &format!("{game} grayscale"));
        let mut ram = v4(game, "ram");
        assert_eq!(ram.observation_space().shape(), &[128], "{game}: RAM space");
        run_checked(&mut ram, None, 20, &mut rng, &format!("{game} ram"));
        assert_eq!(ram.ram().len(), 128, "{game}: RAM bytes");
        let id = format!("{}NoFrameskip-v4", display_name(game));
        for (kind, out) in
            [(StackKind::Atari, [4, 84, 84]), (StackKind::Lapan, [4, 84, 84]), (StackKind::PracticalRl, [4, 64, 64])]
        {
            let mut env = make_atari_stack(&id, kind, &EnvKwargs::default()).unwrap();
            assert_eq!(env.observation_space().shape(), &out, "{game} {kind:?} stack");
            run_checked(env.as_mut(), None, 60, &mut rng, &format!("{game} {kind:?} stack"));
            let frame = env.render().unwrap();
            assert_eq!([frame.height, frame.width], [shape[0], shape[1]], "{game} {kind:?}: render size");
        }
    }
    eprintln!(
        "{} games x {STEPS_PER_GAME} steps ({} with a screen other than 210x160, also through the stacks) in {:.1} s",
        games.len(),
        tall.len(),
        start.elapsed().as_secs_f64()
    );
}

/// deepq's observation space per game equals ale-py 0.12.1's (`obs_type="rgb"`), except for
/// the named [`SIZE_EXCEPTIONS`].
#[test]
fn observation_spaces_match_ale_py_screen_sizes() {
    if !roms_present() {
        return;
    }
    let sizes = ale_py_sizes();
    let mut checked = 0;
    let mut wrong = Vec::new();
    for game in games_with_roms() {
        let reference = *sizes.get(game).unwrap_or_else(|| panic!("{game} is not in screen_sizes.json"));
        let exception = SIZE_EXCEPTIONS.iter().find(|e| e.0 == game);
        let want = exception.map_or(reference, |e| e.1);
        let env = v4(game, "rgb");
        let got = env.observation_space().shape().to_vec();
        if got != [want[0], want[1], 3] {
            wrong.push(format!("{game}: deepq {got:?}, expected {want:?}x3 (ale-py {reference:?})"));
        }
        checked += 1;
    }
    assert!(wrong.is_empty(), "observation spaces differing from ale-py 0.12.1:\n{}", wrong.join("\n"));
    for (game, _, why) in SIZE_EXCEPTIONS {
        eprintln!("note: {game} differs from ale-py on purpose: {why}");
    }
    assert_eq!(checked, SUPPORTED_GAMES.len(), "every supported game is checked");
}

/// Bytes of canary after each screen buffer, more than the largest overrun a 210x160 buffer
/// could suffer (a 250x160 RGB screen is 19,200 bytes longer).
const GUARD: usize = 64 * 1024;
/// The canary bytes.
const CANARIES: [u8; 2] = [0xA5, 0x5A];

/// For every game with a tall screen: the screen getters, given buffers of the size of the
/// observation space followed by a canary area, write the whole buffer and nothing behind it
/// (an overrun changes the canary instead of corrupting the heap). Each getter runs twice on
/// the same frame with two different canary bytes: equal results mean every byte was written.
/// The game runs with RAM observations, so that only the getters under test touch the screen.
#[test]
fn screen_getters_stay_inside_their_buffers() {
    if !roms_present() {
        return;
    }
    for game in tall_games() {
        let pixels: usize = v4(game, "rgb").observation_space().shape()[..2].iter().product();
        let mut env = v4(game, "ram");
        env.reset(Some(7));
        for t in 0..30 {
            env.step(t % env.n_actions()).unwrap();
        }
        type Getter = fn(&mut AtariEnv, &mut [u8]);
        let getters: [(&str, usize, Getter); 3] = [
            ("RGB screen", pixels * 3, |e, b| e.screen_rgb(b)),
            ("grayscale screen", pixels, |e, b| e.screen_grayscale_ale(b)),
            ("index screen", pixels, |e, b| e.grab_screen_indices(b)),
        ];
        for (what, bytes, getter) in getters {
            let written: Vec<Vec<u8>> = CANARIES
                .iter()
                .map(|&canary| {
                    let mut buf = vec![canary; bytes + GUARD];
                    getter(&mut env, &mut buf[..bytes]);
                    let overrun = buf[bytes..].iter().rposition(|&b| b != canary).map_or(0, |i| i + 1);
                    assert_eq!(overrun, 0, "{game}: {what} wrote {overrun} bytes past a {bytes}-byte buffer");
                    buf.truncate(bytes);
                    buf
                })
                .collect();
            assert!(written[0] == written[1], "{game}: {what} left part of its buffer unwritten");
        }
    }
}

/// A buffer of another size than the emulator's screen is refused before the emulator writes
/// into it (a 210x160 buffer for AirRaid's 250x160 screen, with room behind it so that the
/// check is all that can fail). RAM observations keep the screen untouched otherwise.
#[test]
fn screen_getters_refuse_buffers_of_another_size() {
    if !roms_present() || find_rom("air_raid", None).is_err() {
        return;
    }
    let mut env = v4("air_raid", "ram");
    env.reset(Some(1));
    let (small_rgb, small) = (210 * 160 * 3, 210 * 160);
    let mut big = vec![0u8; 260 * 160 * 3];
    type Getter = fn(&mut AtariEnv, &mut [u8]);
    let getters: [(&str, usize, Getter); 3] = [
        ("RGB screen", small_rgb, |e, b| e.screen_rgb(b)),
        ("grayscale screen", small, |e, b| e.screen_grayscale_ale(b)),
        ("index screen", small, |e, b| e.grab_screen_indices(b)),
    ];
    for (what, len, getter) in getters {
        big.fill(CANARIES[0]);
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| getter(&mut env, &mut big[..len])));
        assert!(res.is_err(), "{what}: a {len}-byte buffer was accepted for a 250x160 screen");
        assert!(big.iter().all(|&b| b == CANARIES[0]), "{what}: the emulator wrote into a refused buffer");
    }
}
