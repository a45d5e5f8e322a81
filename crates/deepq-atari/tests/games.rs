//! Every game against ale-py 0.12.1: replays the traces of `scripts/gen_atari_game_fixtures.py`
//! (`tests/fixtures/games.json`) for each of the 104 games, without sticky actions
//! (`frameskip = 1`, the NoFrameskip-v4 settings) and with the v5 defaults (4 frames, sticky
//! actions 0.25 drawn by the ALE from its seeded RNG), and requires identical rewards, lives,
//! terminal and truncated steps at every step, identical RAM and screens (digests per block of
//! steps and at every reset) and identical frame counters. The actions are drawn with deepq's
//! NumPy-compatible generator from the trace's seed, as the script drew them.

mod common;

use common::{crc32, crc32_update, fixture, roms_present};
use deepq_atari::games::{display_name, SUPPORTED_GAMES};
use deepq_atari::np_random::Pcg64;
use deepq_atari::AtariEnv;
use deepq_env::{Env, EnvKwargs};
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::Instant;

fn digest(env: &AtariEnv, screen: &mut [u8]) -> u32 {
    env.screen_indices(screen);
    crc32_update(crc32(&env.ram()), screen)
}

/// Replays one trace of the game `id`; returns an error describing the first difference.
fn replay(id: &str, t: &Value, block: usize, hold: usize) -> Result<usize, String> {
    let kwargs = EnvKwargs {
        obs_type: Some("ram".into()),
        frameskip: t["kwargs"]["frameskip"].as_u64().map(|f| f as usize),
        repeat_action_probability: t["kwargs"]["repeat_action_probability"].as_f64(),
        ..EnvKwargs::default()
    };
    let seed = t["seed"].as_u64().unwrap();
    let mut env = AtariEnv::make_seeded(id, &kwargs, seed).map_err(|e| format!("{id}: {e}"))?;
    let n = env.n_actions();
    if n as u64 != t["n_actions"].as_u64().unwrap() {
        return Err(format!("{n} actions, ale-py {}", t["n_actions"]));
    }
    let pairs = |key: &str| -> HashMap<usize, f64> {
        t[key].as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_f64().unwrap())).collect()
    };
    let steps_of = |key: &str| -> HashSet<usize> {
        t[key].as_array().unwrap().iter().map(|s| s.as_u64().unwrap() as usize).collect()
    };
    let (rewards, lives_changes) = (pairs("rewards"), pairs("lives"));
    let (terminated, truncated) = (steps_of("terminated"), steps_of("truncated"));
    let resets: Vec<u64> = t["resets"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let blocks = t["blocks"].as_str().unwrap();
    let steps = t["steps"].as_u64().unwrap() as usize;

    let mut screen = vec![0u8; env.screen_pixels()];
    let mut rng = Pcg64::from_seed(seed as u128);
    let (_, info) = env.reset(Some(seed));
    if digest(&env, &mut screen) as u64 != resets[0] {
        return Err("RAM or screen after the seeded reset".into());
    }
    let mut lives = info.get("lives").unwrap();
    let (mut reset_count, mut block_digests, mut action) = (1, Vec::new(), 0);
    let mut last_info = info;
    for i in 0..steps {
        if i % hold == 0 {
            action = rng.integers(0, n as i64) as usize;
        }
        let s = env.step(action).map_err(|e| format!("step {i}: {e}"))?;
        if s.reward != rewards.get(&i).copied().unwrap_or(0.0) {
            return Err(format!("step {i}: reward {} vs ale-py {:?}", s.reward, rewards.get(&i)));
        }
        if let Some(&l) = lives_changes.get(&i) {
            lives = l;
        }
        if s.info.get("lives") != Some(lives) {
            return Err(format!("step {i}: lives {:?} vs ale-py {lives}", s.info.get("lives")));
        }
        if s.terminated != terminated.contains(&i) || s.truncated != truncated.contains(&i) {
            return Err(format!("step {i}: terminated/truncated {}/{}", s.terminated, s.truncated));
        }
        block_digests.extend_from_slice(&digest(&env, &mut screen).to_le_bytes());
        if block_digests.len() == 4 * block || i == steps - 1 {
            let b = (i / block) * 8;
            let want = u32::from_str_radix(&blocks[b..b + 8], 16).unwrap();
            if crc32(&block_digests) != want {
                return Err(format!("RAM or screen differ within steps {}..={i}", i / block * block));
            }
            block_digests.clear();
        }
        last_info = s.info.clone();
        if s.done() {
            let (_, info) = env.reset(None);
            if digest(&env, &mut screen) as u64 != resets[reset_count] {
                return Err(format!("RAM or screen after reset {reset_count} (step {i})"));
            }
            reset_count += 1;
            lives = info.get("lives").unwrap();
            last_info = info;
        }
    }
    if reset_count != resets.len() {
        return Err(format!("{} resets, ale-py {}", reset_count, resets.len()));
    }
    let frames = (last_info.get("frame_number"), last_info.get("episode_frame_number"));
    let want = (t["final_frame_number"].as_f64(), t["final_episode_frame_number"].as_f64());
    if frames != want {
        return Err(format!("final frame counters {frames:?}, ale-py {want:?}"));
    }
    Ok(resets.len() - 1)
}

/// A game's result: episode ends in its (plain, sticky) traces, or its first difference.
type GameResult = (String, Result<(usize, usize), String>);

#[test]
fn every_game_plays_exactly_as_ale_py() {
    if !roms_present() {
        return;
    }
    let text = std::fs::read_to_string(fixture("games.json")).expect("games fixture");
    let v: Value = serde_json::from_str(&text).expect("fixture JSON");
    assert_eq!(v["ale_py"], "0.12.1", "fixture recorded with another ale-py");
    let block = v["block"].as_u64().unwrap() as usize;
    let hold = v["hold"].as_u64().unwrap() as usize;
    let games = v["games"].as_object().unwrap();
    let mut names: Vec<&str> = games.keys().map(|k| k.as_str()).collect();
    names.sort();
    let mut ours: Vec<&str> = SUPPORTED_GAMES.to_vec();
    ours.sort();
    assert_eq!(names, ours, "the fixture's games are deepq's SUPPORTED_GAMES");

    let start = Instant::now();
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(4);
    let chunks: Vec<Vec<&str>> =
        (0..threads).map(|k| names.iter().skip(k).step_by(threads).copied().collect()).collect();
    let results: Vec<GameResult> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&game| {
                            let g = &games[game];
                            let id = g["id"].as_str().unwrap();
                            assert_eq!(id, format!("ALE/{}-v5", display_name(game)));
                            let r =
                                replay(id, &g["plain"], block, hold).map_err(|e| format!("plain: {e}")).and_then(|a| {
                                    replay(id, &g["sticky"], block, hold)
                                        .map(|b| (a, b))
                                        .map_err(|e| format!("sticky: {e}"))
                                });
                            (game.to_string(), r)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("replay thread")).collect()
    });
    let failures: Vec<String> =
        results.iter().filter_map(|(g, r)| r.as_ref().err().map(|e| format!("{g}: {e}"))).collect();
    let ends: usize = results.iter().filter_map(|(_, r)| r.as_ref().ok()).map(|(a, b)| a + b).sum();
    eprintln!(
        "{} games replayed in {:.1} s: {} identical to ale-py 0.12.1, {ends} episode ends",
        results.len(),
        start.elapsed().as_secs_f64(),
        results.len() - failures.len()
    );
    assert!(failures.is_empty(), "{} games differ from ale-py:\n{}", failures.len(), failures.join("\n"));
}
