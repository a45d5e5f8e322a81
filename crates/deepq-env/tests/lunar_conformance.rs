//! Conformance of the LunarLander port with Gymnasium 1.4.0 on pybox2d 2.3.10.
//!
//! `tests/fixtures/lunarlander_v3.json` holds episodes recorded from the real Gymnasium by
//! `scripts/gen_lunar_fixtures.py`, with every random number the environment drew (terrain
//! heights, initial force, wind phases, the engines' dispersion at every step). Each episode is
//! replayed open loop through the port with those draws; observations and rewards must agree
//! bit for bit at every step, and the episode must end at the same step with the same flags.
//! The fixture covers random and heuristic flights, wind, a flight truncated by the time limit,
//! and the continuous variant. `scripts/lunar_fidelity.sh` runs the same comparison on hundreds
//! of episodes.

#![cfg(feature = "box2d")]

#[path = "common/lunar_replay.rs"]
mod lunar_replay;

use deepq_env::envs::lunar_lander::{heuristic, heuristic_continuous};
use deepq_env::{registry, EnvKwargs};
use lunar_replay::Action;
use std::path::PathBuf;

fn fixture() -> lunar_replay::Trace {
    lunar_replay::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lunarlander_v3.json"))
}

#[test]
fn lunar_lander_matches_gymnasium_bit_for_bit() {
    let fx = fixture();
    assert_eq!((fx.gymnasium.as_str(), fx.box2d.as_str()), ("1.4.0", "2.3.10"));
    let spec = registry::spec(&fx.id).unwrap();
    assert_eq!(spec.max_episode_steps, Some(fx.max_episode_steps));
    assert_eq!(spec.reward_threshold, Some(fx.reward_threshold));
    let mut kinds = std::collections::BTreeSet::new();
    for ep in &fx.episodes {
        let c = lunar_replay::replay(ep, 1e-5);
        let ctx = format!("seed {} ({})", ep.seed, ep.policy);
        assert_eq!(c.exact, ep.length + 1, "{ctx}: {}", c.first_difference.unwrap_or_default());
        assert!(c.same_end, "{ctx}: the episode ends differently");
        kinds.insert((ep.end.truncated, ep.landed, ep.kwargs.enable_wind, ep.kwargs.continuous));
    }
    // Crashes, landings, a time-limit truncation, wind and the continuous variant are all covered.
    assert!(kinds.iter().any(|k| k.0) && kinds.iter().any(|k| k.1) && kinds.iter().any(|k| !k.0 && !k.1));
    assert!(kinds.iter().any(|k| k.2) && kinds.iter().any(|k| k.3));
}

/// The Rust heuristic picks gymnasium's action from every recorded observation of the
/// heuristic episodes (numpy 2 computes it in float32, and so does the port).
#[test]
fn heuristic_chooses_gymnasiums_actions() {
    let fx = fixture();
    let mut checked = 0;
    for ep in fx.episodes.iter().filter(|e| e.policy.starts_with("heuristic")) {
        let mut obs = &ep.init_obs;
        for (t, a) in ep.actions.iter().enumerate() {
            match *a {
                Action::Discrete(a) => assert_eq!(heuristic(obs), a, "seed {} step {t}", ep.seed),
                Action::Continuous(a) => assert_eq!(heuristic_continuous(obs), a, "seed {} step {t}", ep.seed),
            }
            obs = &ep.obs[t];
            checked += 1;
        }
    }
    assert!(checked > 500);
}

#[test]
fn made_through_the_registry_with_kwargs() {
    let mut env = deepq_env::make("LunarLander-v3").unwrap();
    assert_eq!(env.n_actions(), 4);
    assert_eq!(env.observation_space().shape(), &[8]);
    let (a, _) = env.reset(Some(5));
    assert_eq!(a, env.reset(Some(5)).0);
    let windy = EnvKwargs { enable_wind: Some(true), wind_power: Some(5.0), ..EnvKwargs::default() };
    assert!(deepq_env::make_with("LunarLander-v3", &windy).is_ok());
    for bad in [
        EnvKwargs { gravity: Some(-13.0), ..EnvKwargs::default() },
        EnvKwargs { continuous: Some(true), ..EnvKwargs::default() },
        EnvKwargs { is_slippery: Some(true), ..EnvKwargs::default() },
    ] {
        assert!(deepq_env::make_with("LunarLander-v3", &bad).is_err(), "{bad:?}");
    }
    let cart = EnvKwargs { gravity: Some(-5.0), ..EnvKwargs::default() };
    assert!(deepq_env::make_with("CartPole-v1", &cart).is_err(), "a LunarLander kwarg on CartPole");
    let e = deepq_env::make("LunarLanderContinuous-v3").map(|_| ()).unwrap_err().to_string();
    assert!(e.contains("continuous"), "{e}");
}

#[test]
fn time_limit_truncates_at_1000_steps() {
    // Through make(): the registered TimeLimit.
    let mut env = deepq_env::make("LunarLander-v3").unwrap();
    let fx = fixture();
    let hover = fx.episodes.iter().find(|e| e.end.truncated).expect("a truncated episode");
    assert_eq!(hover.length, 1000);
    // The port's own hover flight on another terrain reaches the limit too (same policy).
    let (obs, _) = env.reset(Some(1));
    let mut obs = obs.as_f32().unwrap().to_vec();
    for t in 0..1000 {
        let s = env.step(hover_policy(&obs)).unwrap();
        obs = s.obs.as_f32().unwrap().to_vec();
        if t < 999 {
            assert!(!s.done(), "ended at step {t}");
        } else {
            assert!(s.truncated && !s.terminated);
        }
    }
}

/// `hover` of scripts/gen_lunar_fixtures.py.
fn hover_policy(o: &[f32]) -> usize {
    let angle_targ = (o[0] * 0.5 + o[2]).clamp(-0.4, 0.4);
    let angle_todo = (angle_targ - o[4]) * 0.5 - o[5];
    let hover_todo = (0.4 - o[1]) * 0.5 - o[3] * 0.5;
    if hover_todo > angle_todo.abs() && hover_todo > 0.05 {
        2
    } else if angle_todo < -0.05 {
        3
    } else if angle_todo > 0.05 {
        1
    } else {
        0
    }
}

#[test]
fn renders_gymnasiums_picture() {
    let mut env = deepq_env::make("LunarLander-v3").unwrap();
    env.reset(Some(0));
    let mut frame = env.render().unwrap();
    for _ in 0..10 {
        env.step(2).unwrap();
        frame = env.render().unwrap();
    }
    assert_eq!((frame.width, frame.height, frame.data.len()), (600, 400, 600 * 400 * 3));
    if let Ok(path) = std::env::var("LUNAR_FRAME_PNG") {
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut enc = png::Encoder::new(file, 600, 400);
        enc.set_color(png::ColorType::Rgb);
        enc.write_header().unwrap().write_image_data(&frame.data).unwrap();
    }
    let px = |x: usize, y: usize| {
        let i = (y * 600 + x) * 3;
        [frame.data[i], frame.data[i + 1], frame.data[i + 2]]
    };
    assert_eq!(px(20, 2), [0, 0, 0], "black sky at the top");
    assert_eq!(px(300, 398), [255, 255, 255], "white ground at the bottom");
    let count = |rgb: [u8; 3]| frame.data.chunks_exact(3).filter(|p| *p == rgb).count();
    assert!(count([128, 102, 230]) > 300, "the lander's body colour");
    assert!(count([204, 204, 0]) > 100, "the yellow flags");
    // The main engine's exhaust: reddish particles below the lander.
    assert!(
        frame.data.chunks_exact(3).any(|p| p[0] > 200 && p[1] < 200 && p[1] > 40 && p[1] == p[2]),
        "exhaust particles"
    );
}
