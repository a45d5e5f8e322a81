//! Replays the ale-py 0.12.1 traces of `scripts/gen_atari_fixtures.py` and requires identical
//! rewards, lives, terminal steps, RAM and screens at every step, and checks the 84x84 frame
//! preprocessing against OpenCV's output.

mod common;

use common::{crc32, fixture, roms_present};
use deepq_atari::wrappers::{FrameProcessor, WarpKind};
use deepq_atari::AtariEnv;
use deepq_env::{Env, EnvKwargs, Obs};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

fn load(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(&format!("{name}.json"))).expect("fixture file");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn steps_of(v: &Value) -> HashSet<usize> {
    v.as_array().unwrap().iter().map(|s| s.as_u64().unwrap() as usize).collect()
}

fn pairs(v: &Value) -> HashMap<usize, f64> {
    v.as_array().unwrap().iter().map(|p| (p[0].as_u64().unwrap() as usize, p[1].as_f64().unwrap())).collect()
}

fn screen_crc(env: &AtariEnv) -> u32 {
    let mut rgb = vec![0u8; env.screen_pixels() * 3];
    env.screen_rgb(&mut rgb);
    crc32(&rgb)
}

fn check_reset(env: &AtariEnv, obs: &Obs, info: &deepq_env::Info, expect: &Value, at: &str) {
    assert_eq!(crc32(&env.ram()) as u64, expect["ram_crc"].as_u64().unwrap(), "{at}: RAM after reset");
    assert_eq!(screen_crc(env) as u64, expect["screen_crc"].as_u64().unwrap(), "{at}: screen after reset");
    let Obs::U8(o) = obs else { panic!("byte observations") };
    assert_eq!(crc32(o) as u64, expect["screen_crc"].as_u64().unwrap(), "{at}: observation after reset");
    assert_eq!(info.get("lives"), expect["lives"].as_f64(), "{at}: lives after reset");
    assert_eq!(info.get("episode_frame_number"), expect["episode_frame_number"].as_f64(), "{at}: episode frame");
}

/// Replays one trace; returns (steps, game overs).
fn replay(name: &str) -> (usize, usize) {
    let t = load(name);
    let id = t["id"].as_str().unwrap();
    let kwargs = EnvKwargs {
        repeat_action_probability: t["kwargs"]["repeat_action_probability"].as_f64(),
        ..EnvKwargs::default()
    };
    let mut env = AtariEnv::make(id, &kwargs).expect("make");
    assert_eq!(env.n_actions() as u64, t["n_actions"].as_u64().unwrap(), "{name}: action count");
    let rewards = pairs(&t["rewards"]);
    let lives_changes = pairs(&t["lives"]);
    let terminated = steps_of(&t["terminated"]);
    let truncated = steps_of(&t["truncated"]);
    let resets: BTreeMap<i64, &Value> =
        t["resets"].as_array().unwrap().iter().map(|r| (r["after_step"].as_i64().unwrap(), r)).collect();
    let ram_full: HashMap<usize, &str> =
        t["ram_full"].as_object().unwrap().iter().map(|(k, v)| (k.parse().unwrap(), v.as_str().unwrap())).collect();
    let ram_crc = t["ram_crc"].as_array().unwrap();
    let scr_crc = t["screen_crc"].as_array().unwrap();

    let (obs, info) = env.reset(Some(t["seed"].as_u64().unwrap()));
    check_reset(&env, &obs, &info, resets[&-1], &format!("{name} initial reset"));
    let mut lives = info.get("lives").unwrap();
    let mut game_overs = 0;
    let mut last_info = info.clone();
    let actions = t["actions"].as_array().unwrap();
    for (i, a) in actions.iter().enumerate() {
        let s = env.step(a.as_u64().unwrap() as usize).unwrap();
        let at = format!("{name} step {i}");
        assert_eq!(s.reward, rewards.get(&i).copied().unwrap_or(0.0), "{at}: reward");
        if let Some(&l) = lives_changes.get(&i) {
            lives = l;
        }
        assert_eq!(s.info.get("lives"), Some(lives), "{at}: lives");
        assert_eq!(s.terminated, terminated.contains(&i), "{at}: terminated");
        assert_eq!(s.truncated, truncated.contains(&i), "{at}: truncated");
        assert_eq!(crc32(&env.ram()) as u64, ram_crc[i].as_u64().unwrap(), "{at}: RAM CRC");
        let Obs::U8(o) = &s.obs else { panic!("byte observations") };
        assert_eq!(crc32(o) as u64, scr_crc[i].as_u64().unwrap(), "{at}: screen CRC");
        if let Some(hex) = ram_full.get(&i) {
            let ram: String = env.ram().iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(&ram, hex, "{at}: RAM bytes");
        }
        last_info = s.info.clone();
        if s.done() {
            game_overs += 1;
            let (obs, info) = env.reset(None);
            check_reset(&env, &obs, &info, resets[&(i as i64)], &format!("{at}: reset"));
            lives = info.get("lives").unwrap();
            last_info = info;
        }
    }
    let fin = &t["final"];
    assert_eq!(
        last_info.get("episode_frame_number"),
        fin["episode_frame_number"].as_f64(),
        "{name}: final episode frame"
    );
    assert_eq!(last_info.get("frame_number"), fin["frame_number"].as_f64(), "{name}: final frame number");
    (actions.len(), game_overs)
}

#[test]
fn pong_noframeskip_v4_matches_ale_py() {
    if roms_present() {
        let (steps, overs) = replay("pong_v4");
        eprintln!("pong_v4: {steps} steps identical, {overs} game overs");
        assert!(overs >= 1);
    }
}

#[test]
fn breakout_noframeskip_v4_matches_ale_py() {
    if roms_present() {
        let (steps, overs) = replay("breakout_v4");
        eprintln!("breakout_v4: {steps} steps identical, {overs} game overs");
        assert!(overs >= 1);
    }
}

#[test]
fn pong_v5_without_sticky_actions_matches_ale_py() {
    if roms_present() {
        replay("pong_v5_nosticky");
    }
}

#[test]
fn breakout_v5_without_sticky_actions_matches_ale_py() {
    if roms_present() {
        replay("breakout_v5_nosticky");
    }
}

fn read_png(path: &std::path::Path) -> Vec<u8> {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).expect("png file")));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("png size")];
    let frame = reader.next_frame(&mut buf).expect("png data");
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    buf.truncate(frame.buffer_size());
    buf
}

/// (pixels, exactly equal, within 1 gray level) of `ours` against `theirs`.
fn agreement(ours: &[u8], theirs: &[u8]) -> (usize, usize, usize) {
    assert_eq!(ours.len(), theirs.len());
    let exact = ours.iter().zip(theirs).filter(|(a, b)| a == b).count();
    let near = ours.iter().zip(theirs).filter(|(a, b)| a.abs_diff(**b) <= 1).count();
    (ours.len(), exact, near)
}

/// Replays the v4 traces to the recorded frame steps and compares our 84x84 preprocessing with
/// OpenCV's: SB3's WarpFrame (RGB), gymnasium's AtariPreprocessing (ALE grayscale), Lapan's
/// ProcessFrame84. Requires >= 99% of pixels within 1 gray level for each kind.
#[test]
fn warp_frames_match_opencv() {
    if !roms_present() {
        return;
    }
    let mut totals: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for name in ["pong_v4", "breakout_v4"] {
        let t = load(name);
        let mut wanted: Vec<usize> = std::fs::read_dir(fixture("frames"))
            .unwrap()
            .flatten()
            .filter_map(|e| {
                let f = e.file_name().into_string().unwrap();
                let rest = f.strip_prefix(&format!("{name}_"))?.strip_suffix("_sb3.png")?.to_string();
                rest.parse().ok()
            })
            .collect();
        wanted.sort();
        assert!(!wanted.is_empty(), "no frame fixtures for {name}");
        let mut env = AtariEnv::make(t["id"].as_str().unwrap(), &EnvKwargs::default()).unwrap();
        env.reset(Some(t["seed"].as_u64().unwrap()));
        let (h, w) = (env.screen_height(), env.screen_width());
        assert_eq!((h, w), (210, 160), "{name}: the OpenCV fixtures are 210x160 screens");
        let mut sb3 = FrameProcessor::new(WarpKind::Sb3 { width: 84, height: 84 }, h, w, true).unwrap();
        let mut gym = FrameProcessor::new(WarpKind::Sb3 { width: 84, height: 84 }, h, w, false).unwrap();
        let mut lapan = FrameProcessor::new(WarpKind::Lapan, h, w, true).unwrap();
        let last = *wanted.last().unwrap();
        for (i, a) in t["actions"].as_array().unwrap().iter().enumerate().take(last + 1) {
            if env.step(a.as_u64().unwrap() as usize).unwrap().done() {
                env.reset(None);
            }
            if !wanted.contains(&i) {
                continue;
            }
            let mut rgb = vec![0; h * w * 3];
            env.screen_rgb(&mut rgb);
            let mut gray_ale = vec![0; h * w];
            env.screen_grayscale_ale(&mut gray_ale);
            let mut gray_fast = vec![0; h * w];
            env.screen_gray(&mut gray_fast);
            for (kind, ours) in [
                ("sb3", sb3.process(&rgb)),
                ("sb3_from_fast_gray", gym.process(&gray_fast)),
                ("gymnasium", gym.process(&gray_ale)),
                ("lapan", lapan.process(&rgb)),
            ] {
                let file = if kind == "sb3_from_fast_gray" { "sb3" } else { kind };
                let theirs = read_png(&fixture(&format!("frames/{name}_{i}_{file}.png")));
                let (n, exact, near) = agreement(&ours, &theirs);
                let e = totals.entry(kind).or_default();
                *e = (e.0 + n, e.1 + exact, e.2 + near);
            }
        }
    }
    for (kind, (n, exact, near)) in &totals {
        eprintln!(
            "{kind}: {n} pixels, {:.3}% identical, {:.3}% within 1 gray level",
            100.0 * *exact as f64 / *n as f64,
            100.0 * *near as f64 / *n as f64
        );
        assert!(*near as f64 >= 0.99 * *n as f64, "{kind}: only {near} of {n} pixels within 1 gray level");
    }
}
