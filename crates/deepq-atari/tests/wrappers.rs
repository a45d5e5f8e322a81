//! Unit tests of the Atari wrappers: on a scripted fake env where the logic allows, and on the
//! real emulator (Pong, Breakout) for the wrappers that read the screen.

mod common;

use common::roms_present;
use deepq_atari::env::cv2_gray;
use deepq_atari::wrappers::{
    ClipReward, EpisodicLife, FireReset, FrameStack, MaxAndSkip, NoopReset, SkipMemory, SkipOutput, StackOrder,
    StackPadding, WarpFrame, WarpKind,
};
use deepq_atari::{make_atari_stack, AtariEnv, StackKind};
use deepq_env::{Dtype, Env, EnvError, EnvKwargs, Info, Obs, Space, Step};

/// A fake game: observation = [step counter] repeated over a 2x2 frame, scripted rewards and
/// lives, game over when lives reach 0. Records the actions it was given.
struct Fake {
    space: Space,
    actions: Space,
    t: u8,
    lives: f64,
    lose_life_at: Vec<u8>,
    rewards: Vec<f64>,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Fake {
    fn new(lose_life_at: Vec<u8>, rewards: Vec<f64>) -> (Self, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let f = Fake {
            space: Space::Box { shape: vec![2, 2, 1], low: vec![0.0; 4], high: vec![255.0; 4], dtype: Dtype::U8 },
            actions: Space::Discrete { n: 4 },
            t: 0,
            lives: 3.0,
            lose_life_at,
            rewards,
            log: log.clone(),
        };
        (f, log)
    }
    fn obs(&self) -> Obs {
        Obs::U8(vec![self.t; 4])
    }
    fn info(&self) -> Info {
        Info::new().with("lives", self.lives)
    }
}

impl Env for Fake {
    fn id(&self) -> &str {
        "Fake"
    }
    fn observation_space(&self) -> &Space {
        &self.space
    }
    fn action_space(&self) -> &Space {
        &self.actions
    }
    fn reset(&mut self, _seed: Option<u64>) -> (Obs, Info) {
        self.log.lock().unwrap().push("reset".into());
        self.t = 0;
        self.lives = 3.0;
        (self.obs(), self.info())
    }
    fn step(&mut self, action: usize) -> Result<Step, EnvError> {
        self.log.lock().unwrap().push(format!("a{action}"));
        self.t += 1;
        if self.lose_life_at.contains(&self.t) {
            self.lives -= 1.0;
        }
        let reward = self.rewards.get(self.t as usize - 1).copied().unwrap_or(0.0);
        Ok(Step { obs: self.obs(), reward, terminated: self.lives == 0.0, truncated: false, info: self.info() })
    }
}

#[test]
fn clip_reward_keeps_only_the_sign() {
    let (fake, _) = Fake::new(vec![], vec![5.0, -3.0, 0.0, 0.5]);
    let mut env = ClipReward::new(Box::new(fake));
    env.reset(None);
    let got: Vec<f64> = (0..4).map(|_| env.step(0).unwrap().reward).collect();
    assert_eq!(got, vec![1.0, -1.0, 0.0, 1.0]);
    assert_eq!(env.step(0).unwrap().info.get("raw_reward"), Some(0.0));
}

#[test]
fn episodic_life_ends_episodes_on_life_loss_but_resets_only_on_game_over() {
    let (fake, log) = Fake::new(vec![2, 4, 5], vec![]);
    let mut env = EpisodicLife::new(Box::new(fake));
    env.reset(None);
    assert!(!env.step(0).unwrap().terminated);
    let s = env.step(0).unwrap();
    assert!(s.terminated && s.info.get("lives") == Some(2.0), "life lost at step 2 ends the episode");
    assert_eq!(env.step(0), Err(EnvError::EpisodeOver));
    assert!(!env.was_real_done());
    // Reset after a life loss: a no-op step, not a game reset; play goes on (t = 3).
    let (obs, _) = env.reset(None);
    assert_eq!(obs, Obs::U8(vec![3; 4]));
    assert!(env.step(1).unwrap().terminated); // t = 4, lives 1
                                              // The no-op (t = 5) loses the last life: game over inside reset -> a real reset.
    let (obs, info) = env.reset(None);
    assert_eq!(obs, Obs::U8(vec![0; 4]));
    assert_eq!(info.get("lives"), Some(3.0));
    assert_eq!(log.lock().unwrap().iter().filter(|e| *e == "reset").count(), 2);
    // A game over reported by step makes the next reset a real one.
    let (fake, log) = Fake::new(vec![1, 2, 3], vec![]);
    let mut env = EpisodicLife::new(Box::new(fake));
    env.reset(None);
    assert!(env.step(0).unwrap().terminated); // t = 1, life lost
    assert!(!env.was_real_done());
    env.reset(None); // no-op: t = 2, another life lost (not seen as an episode)
    assert!(env.step(0).unwrap().terminated); // t = 3: game over
    assert!(env.was_real_done());
    assert_eq!(env.reset(None).0, Obs::U8(vec![0; 4]));
    assert_eq!(log.lock().unwrap().iter().filter(|e| *e == "reset").count(), 2);
}

#[test]
fn fire_reset_presses_fire_then_action_two() {
    let (fake, log) = Fake::new(vec![], vec![]);
    let mut env = FireReset::new(Box::new(fake)).unwrap();
    let (obs, _) = env.reset(Some(1));
    assert_eq!(obs, Obs::U8(vec![2; 4]));
    assert_eq!(*log.lock().unwrap(), vec!["reset", "a1", "a2"]);
}

#[test]
fn frame_stack_is_chw_oldest_first_and_fills_with_the_reset_frame() {
    let (fake, _) = Fake::new(vec![], vec![]);
    let mut env = FrameStack::new(Box::new(fake), 4).unwrap();
    assert_eq!(env.observation_space().shape(), &[4, 2, 2]);
    let (obs, _) = env.reset(None);
    assert_eq!(obs, Obs::U8(vec![0; 16]));
    env.step(0).unwrap();
    let s = env.step(0).unwrap();
    let want: Vec<u8> = [0, 0, 1, 2].iter().flat_map(|&v| [v; 4]).collect();
    assert_eq!(s.obs, Obs::U8(want));
    for _ in 0..3 {
        env.step(0).unwrap();
    }
    let s = env.step(0).unwrap();
    let want: Vec<u8> = [3, 4, 5, 6].iter().flat_map(|&v| [v; 4]).collect();
    assert_eq!(s.obs, Obs::U8(want));
}

#[test]
fn frame_stack_can_start_from_zeros_and_put_the_newest_frame_first() {
    let frames = |v: &[u8]| -> Obs { Obs::U8(v.iter().flat_map(|&x| [x; 4]).collect()) };
    // Lapan's BufferWrapper: oldest first, zeros at the start.
    let (fake, _) = Fake::new(vec![], vec![]);
    let mut env = FrameStack::with_layout(Box::new(fake), 4, StackPadding::Zeros, StackOrder::OldestFirst).unwrap();
    assert_eq!(env.reset(None).0, frames(&[0, 0, 0, 0]));
    assert_eq!(env.step(0).unwrap().obs, frames(&[0, 0, 0, 1]));
    assert_eq!(env.step(0).unwrap().obs, frames(&[0, 0, 1, 2]));
    // The Practical-RL FrameBuffer: newest first, zeros at the start.
    let (fake, _) = Fake::new(vec![], vec![]);
    let mut env = FrameStack::with_layout(Box::new(fake), 3, StackPadding::Zeros, StackOrder::NewestFirst).unwrap();
    env.reset(None);
    for t in 1..=4u8 {
        let want: Vec<u8> = (0..3).map(|j| t.saturating_sub(j)).collect();
        assert_eq!(env.step(0).unwrap().obs, frames(&want), "step {t}");
    }
    // A reset clears the stack again.
    let (obs, _) = env.reset(None);
    assert_eq!(obs, frames(&[0, 0, 0]));
}

#[test]
fn warp_frame_rejects_non_images_and_sizes_its_output() {
    let (fake, _) = Fake::new(vec![], vec![]);
    assert!(WarpFrame::new(Box::new(fake)).is_err(), "2x2 cannot be downsampled to 84x84");
}

fn pong() -> AtariEnv {
    AtariEnv::make("PongNoFrameskip-v4", &EnvKwargs::default()).unwrap()
}

#[test]
fn max_and_skip_sums_rewards_and_maxes_the_last_two_frames() {
    if !roms_present() {
        return;
    }
    // Reference: the raw env stepped frame by frame, RGB max of frames 3 and 4.
    let mut raw = pong();
    raw.reset(Some(5));
    let mut skip_rgb = MaxAndSkip::new(pong(), 4, SkipOutput::Rgb);
    let mut skip_gray = MaxAndSkip::new(pong(), 4, SkipOutput::Gray);
    skip_rgb.reset(Some(5));
    skip_gray.reset(Some(5));
    let mut rewards = 0.0;
    for t in 0..600 {
        let a = (t / 7) % 6;
        let mut frames = Vec::new();
        let mut r = 0.0;
        for _ in 0..4 {
            let s = raw.step(a).unwrap();
            r += s.reward;
            let Obs::U8(f) = s.obs else { unreachable!() };
            frames.push(f);
        }
        let want: Vec<u8> = frames[2].iter().zip(&frames[3]).map(|(x, y)| *x.max(y)).collect();
        let s = skip_rgb.step(a).unwrap();
        assert_eq!(s.reward, r, "step {t}: summed reward");
        assert!(s.obs == Obs::U8(want.clone()), "step {t}: RGB max of the last two frames");
        let g = skip_gray.step(a).unwrap();
        let want_gray: Vec<u8> = want.chunks_exact(3).map(|p| cv2_gray(p[0], p[1], p[2])).collect();
        assert!(g.obs == Obs::U8(want_gray), "step {t}: gray of the max");
        rewards += r.abs();
    }
    assert!(rewards > 0.0, "the window saw some points");
    // Lapan's memory of the last two frames emulated equals the slots on full steps.
    let mut a = MaxAndSkip::new(pong(), 4, SkipOutput::Rgb);
    let mut b = MaxAndSkip::with_memory(pong(), 4, SkipOutput::Rgb, SkipMemory::LastTwo);
    assert_eq!(a.reset(Some(9)).0, b.reset(Some(9)).0);
    for t in 0..100 {
        assert_eq!(a.step(t % 6).unwrap(), b.step(t % 6).unwrap(), "step {t}");
    }
    assert_eq!(skip_gray.observation_space().shape(), &[210, 160]);
}

#[test]
fn noop_reset_takes_a_seeded_random_number_of_noops() {
    if !roms_present() {
        return;
    }
    let frames = |seed: u64| {
        let mut env = NoopReset::new(pong(), 30);
        let (_, info) = env.reset(Some(seed));
        info.get("episode_frame_number").unwrap()
    };
    let mut base = pong();
    let base_frames = base.reset(Some(0)).1.get("episode_frame_number").unwrap();
    let counts: Vec<f64> = (0..12).map(|s| frames(s) - base_frames).collect();
    assert!(counts.iter().all(|&c| (1.0..=30.0).contains(&c)), "{counts:?}");
    assert!(counts.iter().any(|&c| c != counts[0]), "counts vary with the seed: {counts:?}");
    assert_eq!(frames(3), frames(3), "seeded resets repeat");
}

#[test]
fn breakout_stack_loses_lives_as_episodes_and_fires_on_reset() {
    if !roms_present() {
        return;
    }
    let mut env = make_atari_stack("BreakoutNoFrameskip-v4", StackKind::Atari, &EnvKwargs::default()).unwrap();
    assert_eq!(env.observation_space().shape(), &[4, 84, 84]);
    let (obs, info) = env.reset(Some(0));
    let Obs::U8(o) = &obs else { unreachable!() };
    assert_eq!(o.len(), 4 * 84 * 84);
    assert_eq!(info.get("lives"), Some(5.0));
    // NOOP only: the ball was launched by FireReset, so a life is lost without any FIRE.
    let mut steps = 0;
    loop {
        let s = env.step(0).unwrap();
        steps += 1;
        assert!(s.reward == 0.0 || s.reward == 1.0, "clipped");
        if s.done() {
            assert!(s.terminated && s.info.get("lives") == Some(4.0), "ends on the first life lost");
            break;
        }
        assert!(steps < 2000, "a NOOP paddle must lose the ball");
    }
    let (_, info) = env.reset(None);
    assert_eq!(info.get("lives"), Some(4.0), "life-loss reset continues the game");
}

#[test]
fn all_stacks_build_and_step() {
    if !roms_present() {
        return;
    }
    for (kind, shape) in [
        (StackKind::Atari, [4, 84, 84]),
        (StackKind::Lapan, [4, 84, 84]),
        (StackKind::LapanPad, [4, 84, 84]),
        (StackKind::PracticalRl, [4, 64, 64]),
        (StackKind::PracticalRlPad, [4, 64, 64]),
    ] {
        let mut env = make_atari_stack("PongNoFrameskip-v4", kind, &EnvKwargs::default()).unwrap();
        assert_eq!(env.observation_space().shape(), &shape, "{kind:?}");
        env.reset(Some(1));
        for _ in 0..50 {
            let s = env.step(2).unwrap();
            let Obs::U8(o) = s.obs else { unreachable!() };
            assert_eq!(o.len(), shape.iter().product::<usize>());
        }
    }
    let err = make_atari_stack("ALE/Pong-v5", StackKind::Atari, &EnvKwargs::default()).err().unwrap();
    assert!(err.to_string().contains("NoFrameskip"), "{err}");
    let gray = WarpKind::Sb3 { width: 84, height: 84 };
    let env = WarpFrame::with_kind(Box::new(pong()), gray).unwrap();
    assert_eq!(env.observation_space().shape(), &[84, 84, 1]);
}
