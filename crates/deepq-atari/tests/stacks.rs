//! The named preprocessing stacks against the references they are named after: replays the
//! traces of `scripts/gen_atari_stack_fixtures.py` (Python re-implementations of SB3's
//! `AtariWrapper` + Gymnasium's `FrameStackObservation`, Lapan's book wrappers and the
//! Practical-RL homework's wrappers, run on ale-py 0.12.1) and requires every observation
//! (the stacked bytes), reward, terminal flag and lives count to be identical, on Pong,
//! Breakout and SpaceInvaders, episodes ending mid-skip included.

mod common;

use common::{crc32, fixture, roms_present};
use deepq_atari::{make_atari_stack, StackKind};
use deepq_env::{EnvKwargs, Obs};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

fn obs_crc(obs: &Obs) -> u32 {
    let Obs::U8(o) = obs else { panic!("byte observations") };
    crc32(o)
}

/// Replays one trace; returns (steps, episode ends, episode ends mid-skip).
fn replay(stack: &str, game: &str) -> (usize, usize, usize) {
    let name = format!("{stack}_{game}");
    let text = std::fs::read_to_string(fixture(&format!("stacks/{name}.json"))).expect("fixture file");
    let t: Value = serde_json::from_str(&text).expect("fixture JSON");
    let id = t["id"].as_str().unwrap();
    let kind = StackKind::parse(t["stack"].as_str().unwrap()).unwrap();
    let mut env = make_atari_stack(id, kind, &EnvKwargs::default()).expect("make stack");
    assert_eq!(env.n_actions() as u64, t["n_actions"].as_u64().unwrap(), "{name}: action count");
    let shape: Vec<usize> = t["obs_shape"].as_array().unwrap().iter().map(|d| d.as_u64().unwrap() as usize).collect();
    let want_len: usize = shape.iter().product();
    assert_eq!(env.observation_space().shape().iter().product::<usize>(), want_len, "{name}: observation size");

    let pairs = |key: &str| -> HashMap<usize, f64> {
        t[key].as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_f64().unwrap())).collect()
    };
    let steps_of = |key: &str| -> HashSet<usize> {
        t[key].as_array().unwrap().iter().map(|s| s.as_u64().unwrap() as usize).collect()
    };
    let rewards = pairs("rewards");
    let lives_changes = pairs("lives");
    let done_frames = pairs("done_frames");
    let (terminated, truncated) = (steps_of("terminated"), steps_of("truncated"));
    let reset_crc: Vec<u64> = t["reset_crc"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let crcs = t["obs_crc"].as_str().unwrap();
    let actions = t["actions"].as_array().unwrap();
    assert_eq!(crcs.len(), 8 * actions.len(), "{name}: one CRC per step");

    let (obs, info) = env.reset(Some(t["seed"].as_u64().unwrap()));
    assert_eq!(obs_crc(&obs) as u64, reset_crc[0], "{name}: observation of the seeded reset");
    let mut lives = info.get("lives").unwrap();
    let mut resets = 1;
    for (i, a) in actions.iter().enumerate() {
        let s = env.step(a.as_u64().unwrap() as usize).unwrap();
        let at = format!("{name} step {i}");
        let want = u32::from_str_radix(&crcs[8 * i..8 * i + 8], 16).unwrap();
        assert_eq!(obs_crc(&s.obs), want, "{at}: observation (episode end: {:?})", done_frames.get(&i));
        assert_eq!(s.reward, rewards.get(&i).copied().unwrap_or(0.0), "{at}: reward");
        if let Some(&l) = lives_changes.get(&i) {
            lives = l;
        }
        assert_eq!(s.info.get("lives"), Some(lives), "{at}: lives");
        assert_eq!(s.terminated, terminated.contains(&i), "{at}: terminated");
        assert_eq!(s.truncated, truncated.contains(&i), "{at}: truncated");
        if s.done() {
            let (obs, info) = env.reset(None);
            assert_eq!(obs_crc(&obs) as u64, reset_crc[resets], "{at}: observation of reset {resets}");
            resets += 1;
            lives = info.get("lives").unwrap();
        }
    }
    assert_eq!(resets, reset_crc.len(), "{name}: resets");
    let mid = done_frames.values().filter(|&&f| f < 4.0).count();
    (actions.len(), done_frames.len(), mid)
}

fn check(stack: &str) {
    if !roms_present() {
        return;
    }
    let mut mid_total = 0;
    for game in ["pong", "breakout", "spaceinvaders"] {
        let (steps, ends, mid) = replay(stack, game);
        eprintln!("{stack} {game}: {steps} steps identical, {ends} episode ends ({mid} mid-skip)");
        assert!(ends >= 2, "{stack} {game}: the trace has episode ends");
        mid_total += mid;
    }
    assert!(mid_total >= 3, "{stack}: the traces end episodes mid-skip");
}

#[test]
fn atari_stack_matches_sb3_atari_wrapper() {
    check("atari");
}

#[test]
fn lapan_stack_matches_the_book() {
    check("lapan");
}

#[test]
fn practical_rl_stack_matches_the_homework() {
    check("practical_rl");
}

/// The `*_pad` stacks (deepq's earlier versions) are not the references: their first
/// observation is padded with the reset frame, not zeros.
#[test]
fn pad_variants_differ_from_the_references() {
    if !roms_present() {
        return;
    }
    for (pad, reference) in [(StackKind::LapanPad, "lapan"), (StackKind::PracticalRlPad, "practical_rl")] {
        let text = std::fs::read_to_string(fixture(&format!("stacks/{reference}_pong.json"))).unwrap();
        let t: Value = serde_json::from_str(&text).unwrap();
        let mut env = make_atari_stack(t["id"].as_str().unwrap(), pad, &EnvKwargs::default()).unwrap();
        let (obs, _) = env.reset(Some(t["seed"].as_u64().unwrap()));
        assert_ne!(obs_crc(&obs) as u64, t["reset_crc"][0].as_u64().unwrap(), "{pad:?}");
        let Obs::U8(o) = obs else { unreachable!() };
        let frame = o.len() / 4;
        assert!(o[..frame].iter().any(|&b| b != 0), "{pad:?}: padded with the reset frame");
    }
}
