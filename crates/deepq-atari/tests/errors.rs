//! Error messages, RAM/grayscale observations, seeding and registry integration.

mod common;

use common::roms_present;
use deepq_atari::{AtariEnv, ObsType};
use deepq_env::{make_with, Env, EnvError, EnvKwargs, Obs};

#[test]
fn missing_rom_is_one_clear_error() {
    let kwargs = EnvKwargs { rom_dir: Some("/nonexistent/roms".into()), ..EnvKwargs::default() };
    let err = AtariEnv::make("PongNoFrameskip-v4", &kwargs).err().expect("no ROM there");
    let msg = err.to_string();
    assert!(matches!(err, EnvError::Other(_)));
    assert!(msg.contains("'pong.bin' not found"), "{msg}");
    assert!(msg.contains("/nonexistent/roms"), "{msg}");
    assert!(msg.contains("scripts/setup_atari.sh") && msg.contains("DEEPQ_ROM_DIR"), "{msg}");
    assert_eq!(msg.lines().count(), 1, "one line: {msg}");
}

#[test]
fn unknown_game_is_one_clear_error() {
    deepq_atari::register();
    let msg = make_with("ALE/Zork-v5", &EnvKwargs::default()).err().unwrap().to_string();
    assert!(msg.contains("unknown Atari game 'Zork'") && msg.contains("Breakout"), "{msg}");
    assert_eq!(msg.lines().count(), 1);
    // A non-Atari typo still gets the registry's unknown-id error, which lists Atari ids too.
    let msg = make_with("CartPol-v1", &EnvKwargs::default()).err().unwrap().to_string();
    assert!(msg.contains("unknown environment id 'CartPol-v1'") && msg.contains("PongNoFrameskip-v4"), "{msg}");
}

#[test]
fn atari_shaped_ids_ale_py_does_not_register_are_one_clear_error() {
    deepq_atari::register();
    for id in ["PongDeterministic-v4", "ALE/Pong-v4", "ALE/PongNoFrameskip-v4", "ALE/Pong"] {
        let msg = deepq_env::registry::spec(id).err().unwrap_or_else(|| panic!("{id} has a spec")).to_string();
        assert!(
            msg.contains("not an Atari id that ale-py 0.12.1 registers") && msg.contains("PongNoFrameskip-v4"),
            "{msg}"
        );
        assert_eq!(msg.lines().count(), 1);
        let msg = make_with(id, &EnvKwargs::default()).err().unwrap().to_string();
        assert!(msg.contains("not an Atari id"), "{msg}");
    }
    assert!(deepq_env::registry::spec("PongDeterministic-v4").unwrap_err().to_string().contains("Deterministic ids"));
    // The legacy shapes ale-py does register count as Atari wherever deepq asks.
    for id in ["Pong-v0", "Pong-v4", "PongNoFrameskip-v0", "PongNoFrameskip-v4", "ALE/Pong-v5"] {
        assert!(deepq_env::provider::looks_like_atari(id), "{id}");
        assert!(deepq_env::registry::spec(id).is_ok(), "{id}");
    }
}

#[test]
fn builtin_envs_reject_atari_kwargs_and_atari_rejects_bad_ones() {
    deepq_atari::register();
    let kw = EnvKwargs { frameskip: Some(4), ..EnvKwargs::default() };
    let msg = make_with("CartPole-v1", &kw).err().unwrap().to_string();
    assert!(msg.contains("'frameskip'"), "{msg}");
    let kw = EnvKwargs { obs_type: Some("pixels".into()), ..EnvKwargs::default() };
    let msg = make_with("PongNoFrameskip-v4", &kw).err().unwrap().to_string();
    assert!(msg.contains("obs_type"), "{msg}");
    let kw = EnvKwargs { is_slippery: Some(true), ..EnvKwargs::default() };
    assert!(make_with("PongNoFrameskip-v4", &kw).is_err());
    // One name per stack: the agents pick the replay's frame order and the protocol by it.
    let kw = EnvKwargs { wrapper: Some("practical-rl".into()), ..EnvKwargs::default() };
    let msg = make_with("PongNoFrameskip-v4", &kw).err().unwrap().to_string();
    assert!(msg.contains("unknown Atari wrapper 'practical-rl'") && msg.contains("practical_rl,"), "{msg}");
}

#[test]
fn registry_makes_atari_ids_with_ram_and_rgb_observations() {
    if !roms_present() {
        return;
    }
    deepq_atari::register();
    deepq_atari::register(); // idempotent
    let mut env = make_with("Breakout-ramNoFrameskip-v4", &EnvKwargs::default()).unwrap();
    assert_eq!(env.observation_space().shape(), &[128]);
    assert_eq!(env.n_actions(), 4);
    let (obs, info) = env.reset(Some(0));
    assert!(matches!(&obs, Obs::U8(v) if v.len() == 128));
    assert_eq!(info.get("lives"), Some(5.0));
    let mut env = make_with("ALE/Breakout-ram-v5", &EnvKwargs::default()).unwrap();
    assert_eq!(env.observation_space().shape(), &[128]);
    env.reset(Some(0));
    let kw = EnvKwargs { obs_type: Some("ram".into()), ..EnvKwargs::default() };
    assert_eq!(make_with("ALE/Pong-v5", &kw).unwrap().observation_space().shape(), &[128]);
    let env = make_with("ALE/Pong-v5", &EnvKwargs::default()).unwrap();
    assert_eq!(env.observation_space().shape(), &[210, 160, 3]);
    assert_eq!(env.n_actions(), 6);
    let kw = EnvKwargs { obs_type: Some("grayscale".into()), full_action_space: Some(true), ..EnvKwargs::default() };
    let env = AtariEnv::make("SpaceInvadersNoFrameskip-v4", &kw).unwrap();
    assert_eq!(env.config().obs_type, ObsType::Grayscale);
    assert_eq!(env.n_actions(), 18);
    let kw = EnvKwargs { max_episode_steps: Some(5), ..EnvKwargs::default() };
    let mut env = make_with("PongNoFrameskip-v4", &kw).unwrap();
    env.reset(Some(0));
    assert!((0..5).map(|_| env.step(0).unwrap()).last().unwrap().truncated);
}

#[test]
fn sticky_actions_are_seeded_and_v5_steps_four_frames() {
    if !roms_present() {
        return;
    }
    let run = |seed: u64| {
        let mut env = AtariEnv::make("ALE/Breakout-v5", &EnvKwargs::default()).unwrap();
        let (_, info) = env.reset(Some(seed));
        let f0 = info.get("episode_frame_number").unwrap();
        let mut ram = Vec::new();
        let mut frames = 0.0;
        let mut steps = 0.0;
        for t in 0..300 {
            let s = env.step([1, 2, 3, 0][(t / 3) % 4]).unwrap();
            steps += 1.0;
            if !s.done() {
                frames = s.info.get("episode_frame_number").unwrap() - f0 - 4.0 * steps;
            }
            ram.extend_from_slice(&env.ram());
            if s.done() {
                break;
            }
        }
        (ram, frames)
    };
    let (a, frames) = run(3);
    assert_eq!(a, run(3).0, "same seed, same sticky draws");
    assert_ne!(a, run(4).0, "another seed changes the sticky draws");
    assert_eq!(frames, 0.0, "4 frames per step");
    let mut env = AtariEnv::make("BreakoutNoFrameskip-v4", &EnvKwargs::default()).unwrap();
    assert_eq!(env.action_meanings(), vec!["NOOP", "FIRE", "RIGHT", "LEFT"]);
    assert_eq!(env.step(0), Err(EnvError::NotReset));
    env.reset(None);
    assert!(matches!(env.step(4), Err(EnvError::InvalidAction { .. })));
}

#[test]
fn roms_the_ale_does_not_know_are_refused_before_loading() {
    use deepq_atari::ale::{rom_support, RomSupport};
    if !roms_present() {
        return;
    }
    let pong = deepq_atari::games::find_rom("pong", None).unwrap();
    assert_eq!(rom_support(&pong), RomSupport::Md5);
    // A two-player-only ROM of ale-py's set: the ALE would exit(1) on loading it.
    let combat = pong.with_file_name("combat.bin");
    if combat.is_file() {
        assert_eq!(rom_support(&combat), RomSupport::Unsupported);
    }
    let dir = std::env::temp_dir().join(format!("deepq-atari-rom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("not_a_game.bin");
    std::fs::write(&junk, [0u8; 4096]).unwrap();
    assert_eq!(rom_support(&junk), RomSupport::Unsupported);
    assert_eq!(rom_support(&dir.join("missing.bin")), RomSupport::Unreadable);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(deepq_atari::ale_version().starts_with("0.12.1"), "{}", deepq_atari::ale_version());
}

#[test]
fn fire_every_presses_fire_and_needs_a_fire_action() {
    if !roms_present() {
        return;
    }
    deepq_atari::register();
    // Breakout waits for FIRE to launch each ball: playing NOOP on the raw env (one frame per
    // step), no life is ever lost; with FIRE every 100 steps the balls are launched and missed.
    let lives_after = |fire_every: Option<usize>| {
        let kw = EnvKwargs { fire_every, ..EnvKwargs::default() };
        let mut env = make_with("BreakoutNoFrameskip-v4", &kw).unwrap();
        env.reset(Some(0));
        let mut lives = 5.0;
        for _ in 0..4000 {
            let s = env.step(0).unwrap();
            lives = s.info.get("lives").unwrap();
            if s.done() {
                break;
            }
        }
        lives
    };
    assert_eq!(lives_after(None), 5.0, "no ball is launched without FIRE");
    assert!(lives_after(Some(100)) < 4.0, "FIRE every 100 steps launches balls that are missed");
    let msg = make_with("FreewayNoFrameskip-v4", &EnvKwargs { fire_every: Some(100), ..EnvKwargs::default() })
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("fire_every") && msg.contains("no FIRE action"), "{msg}");
    let msg = make_with("CartPole-v1", &EnvKwargs { fire_every: Some(100), ..EnvKwargs::default() })
        .err()
        .unwrap()
        .to_string();
    assert!(msg.contains("fire_every"), "{msg}");
}

#[test]
fn fire_after_life_loss_relaunches_the_ball_in_whole_games() {
    if !roms_present() {
        return;
    }
    deepq_atari::register();
    // The whole-game `atari` stack with an agent that never presses FIRE: the reset's FIRE
    // launches the first ball, which is missed; only `fire_on_life_loss` launches the next
    // ones, so only then are all five lives lost and the game ends.
    let play_noop = |fire_on_life_loss: Option<bool>| {
        let kw = EnvKwargs {
            wrapper: Some("atari".into()),
            episodic_life: Some(false),
            clip_reward: Some(false),
            fire_on_life_loss,
            ..EnvKwargs::default()
        };
        let mut env = make_with("BreakoutNoFrameskip-v4", &kw).unwrap();
        env.reset(Some(0));
        let mut lives = 5.0;
        for t in 0..3000 {
            let s = env.step(0).unwrap();
            lives = s.info.get("lives").unwrap();
            if s.done() {
                return (lives, Some(t));
            }
        }
        (lives, None)
    };
    let (lives, over) = play_noop(None);
    assert_eq!((lives, over), (4.0, None), "without it the game stalls after the first lost life");
    let (lives, over) = play_noop(Some(true));
    assert_eq!(lives, 0.0);
    assert!(over.is_some(), "with it every ball is launched and the game ends");
}

#[test]
fn a_rom_removed_or_replaced_during_a_run_still_reloads_for_seeded_resets() {
    if !roms_present() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("deepq-atari-kept-rom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let original = deepq_atari::games::find_rom("pong", None).unwrap();
    let rom = dir.join("pong.bin");
    std::fs::copy(&original, &rom).unwrap();
    let kwargs = EnvKwargs { rom_dir: Some(dir.to_str().unwrap().into()), ..EnvKwargs::default() };
    let mut env = AtariEnv::make("PongNoFrameskip-v4", &kwargs).unwrap();
    let mut reference = AtariEnv::make("PongNoFrameskip-v4", &EnvKwargs::default()).unwrap();
    // Seeded resets reload the ROM (as ale-py); the same game must follow on either env.
    let play = |env: &mut AtariEnv, seed: u64| -> Vec<Obs> {
        let mut seen = vec![env.reset(Some(seed)).0];
        for t in 0..40 {
            seen.push(env.step(t % 6).unwrap().obs);
        }
        seen
    };
    assert!(play(&mut env, 1) == play(&mut reference, 1));
    std::fs::remove_file(&rom).unwrap();
    assert!(play(&mut env, 2) == play(&mut reference, 2), "after the ROM was removed");
    std::fs::write(&rom, b"not a ROM").unwrap();
    assert!(play(&mut env, 3) == play(&mut reference, 3), "after the ROM was replaced");
    assert_eq!(env.rom_path().file_name().unwrap(), "pong.bin");
    let copy_dir = env.rom_path().parent().unwrap().to_path_buf();
    assert_ne!(copy_dir, dir);
    drop(env);
    assert!(!copy_dir.exists(), "the private copy is removed with the env");
    std::fs::remove_dir_all(&dir).unwrap();
}
