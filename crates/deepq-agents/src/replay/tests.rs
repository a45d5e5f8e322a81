//! Tests of the replay memory as a whole: n-step composition, prioritized sampling and the
//! importance weights, with both storages.

use super::*;
use crate::util::rng_for;

/// A memory over 2-float vectors where transition `i` has obs `[i, 0]`, next obs `[i + 1, 0]`
/// and reward `rewards[i]`; `ends[i]` is `(terminated, truncated)`.
fn vector_memory(capacity: usize, n: usize, gamma: f64, prioritized: bool) -> ReplayMemory<VectorStorage> {
    let priority = PriorityConfig { enabled: prioritized, alpha: 1.0, ..PriorityConfig::default() };
    ReplayMemory::new(VectorStorage::new(capacity, 2), &priority, n, gamma)
}

fn push_seq(m: &mut dyn Replay, rewards: &[f32], ends: &[(bool, bool)], start: usize) {
    for (k, (&r, &(term, trunc))) in rewards.iter().zip(ends).enumerate() {
        let i = (start + k) as f32;
        let (o, n) = ([i, 0.0], [i + 1.0, 0.0]);
        let (obs, next) = (Obs::F32(o.to_vec()), Obs::F32(n.to_vec()));
        m.push(&Transition {
            obs: &obs,
            obs_features: &o,
            action: k % 2,
            reward: r,
            next_obs: &next,
            next_features: &n,
            terminated: term,
            truncated: trunc,
            stream: 0,
        });
    }
}

/// The row of `slot` as the memory composes it: `(reward, discount, next obs[0])`.
fn row(m: &ReplayMemory<VectorStorage>, slot: usize) -> (f32, f32, f32) {
    let mut b = Batch::default();
    b.resize(1, 2);
    m.fill_row(0, slot, &mut b);
    (b.rewards[0], b.discounts[0], b.next_obs[0])
}

fn close(a: (f32, f32, f32), b: (f64, f64, f64)) -> bool {
    (a.0 as f64 - b.0).abs() < 1e-5 && (a.1 as f64 - b.1).abs() < 1e-6 && (a.2 as f64 - b.2).abs() < 1e-6
}

#[test]
fn n_step_returns_on_a_hand_made_episode() {
    let g = 0.9;
    let mut m = vector_memory(16, 3, g, false);
    // Rewards 1, 2, 3, 4, 5; the 5th transition terminates.
    let ends = [(false, false), (false, false), (false, false), (false, false), (true, false)];
    push_seq(&mut m, &[1.0, 2.0, 3.0, 4.0, 5.0], &ends, 0);
    // Slot 0: 1 + 0.9*2 + 0.81*3, bootstrap from s_3 with 0.9^3.
    assert!(close(row(&m, 0), (1.0 + 0.9 * 2.0 + 0.81 * 3.0, 0.729, 3.0)), "{:?}", row(&m, 0));
    // Slot 2: 3 + 0.9*4 + 0.81*5, terminated inside the window: no bootstrap.
    assert!(close(row(&m, 2), (3.0 + 0.9 * 4.0 + 0.81 * 5.0, 0.0, 5.0)), "{:?}", row(&m, 2));
    // Slot 3: 4 + 0.9*5 then terminated after 2 steps.
    assert!(close(row(&m, 3), (4.0 + 0.9 * 5.0, 0.0, 5.0)), "{:?}", row(&m, 3));
    // Slot 4: the terminal transition itself.
    assert!(close(row(&m, 4), (5.0, 0.0, 5.0)), "{:?}", row(&m, 4));
}

#[test]
fn n_step_bootstraps_through_truncation_with_the_right_power() {
    let g = 0.5;
    let mut m = vector_memory(16, 4, g, false);
    // The 2nd transition is truncated (time limit); a new episode starts at obs 10.
    push_seq(&mut m, &[1.0, 1.0], &[(false, false), (false, true)], 0);
    push_seq(&mut m, &[7.0, 7.0], &[(false, false), (false, false)], 10);
    // Slot 0: 1 + 0.5*1 then truncation: bootstrap from s_2 with 0.5^2.
    assert!(close(row(&m, 0), (1.5, 0.25, 2.0)), "{:?}", row(&m, 0));
    // Slot 2 (new episode) only has one successor so far: 7 + 0.5*7, bootstrap 0.5^2 from s_12.
    assert!(close(row(&m, 2), (10.5, 0.25, 12.0)), "{:?}", row(&m, 2));
    // Slot 3 is the newest: a one-step target.
    assert!(close(row(&m, 3), (7.0, 0.5, 12.0)), "{:?}", row(&m, 3));
}

#[test]
fn n_step_is_correct_across_wrap_around_and_episode_starts() {
    let g = 0.9;
    let mut m = vector_memory(4, 3, g, false);
    // Six transitions of one episode in a ring of 4: slots 0, 1 hold transitions 4, 5.
    push_seq(&mut m, &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[(false, false); 6], 0);
    // Slot 2 holds transition 2: 3 + 0.9*4 (slot 3) + 0.81*5 (slot 0, wrapped), from s_5.
    assert!(close(row(&m, 2), (3.0 + 3.6 + 0.81 * 5.0, 0.729, 5.0)), "{:?}", row(&m, 2));
    // Slot 3 (transition 3): 4 + 0.9*5 + 0.81*6, from s_6.
    assert!(close(row(&m, 3), (4.0 + 4.5 + 0.81 * 6.0, 0.729, 6.0)), "{:?}", row(&m, 3));
    // Slot 1 is the newest (transition 5): never reaches into the oldest slot 2.
    assert!(close(row(&m, 1), (6.0, 0.9, 6.0)), "{:?}", row(&m, 1));
    // One-step memories give exactly the stored reward and gamma.
    let mut one = vector_memory(4, 1, g, false);
    push_seq(&mut one, &[1.0, 2.0], &[(false, false), (true, false)], 0);
    assert_eq!(row(&one, 0), (1.0, 0.9f32, 1.0));
    assert_eq!(row(&one, 1), (2.0, 0.0, 2.0));
}

#[test]
fn n_step_follows_stacked_frames_too() {
    // Stack 2 of 1-byte frames; frames count up; episode of 4 transitions, the last terminated.
    let mut m = ReplayMemory::new(FrameStorage::new(16, 2, 1), &PriorityConfig::default(), 2, 0.5);
    let mut obs = vec![0u8, 0];
    for t in 0..4u8 {
        let next = vec![obs[1], t + 1];
        let (o, n) = (Obs::U8(obs.clone()), Obs::U8(next.clone()));
        m.push(&Transition {
            obs: &o,
            obs_features: &[],
            action: 0,
            reward: (t + 1) as f32,
            next_obs: &n,
            next_features: &[],
            terminated: t == 3,
            truncated: false,
            stream: 0,
        });
        obs = next;
    }
    let mut b = Batch::default();
    b.resize(1, 2);
    m.fill_row(0, 1, &mut b);
    // Transition 1: 2 + 0.5*3, bootstrap from stack [2, 3] with 0.25.
    assert_eq!((b.rewards[0], b.discounts[0], &b.next_obs[..]), (3.5, 0.25, &[2.0, 3.0][..]));
    m.fill_row(0, 2, &mut b);
    assert_eq!((b.rewards[0], b.discounts[0]), (3.0 + 0.5 * 4.0, 0.0));
}

#[test]
fn importance_weights_on_a_hand_computed_example() {
    // N = 4, P = [0.1, 0.2, 0.3, 0.4], beta = 0.5: w = (4P)^-0.5 = [1.5811, 1.1180, 0.9129, 0.7906],
    // divided by the max 1.5811.
    let w = importance_weights(&[0.1, 0.2, 0.3, 0.4], 4, 0.5);
    let expected = [1.0, std::f64::consts::FRAC_1_SQRT_2, 1.0 / 3f64.sqrt(), 0.5];
    for (a, e) in w.iter().zip(expected) {
        assert!((a - e).abs() < 1e-6, "{w:?}");
    }
    // beta = 0: no correction.
    assert!(importance_weights(&[0.1, 0.9], 2, 0.0).iter().all(|w| *w == 1.0));
}

#[test]
fn priorities_follow_the_paper_definition() {
    let mut p = PrioritizedSampler::new(4, 0.5, 0.01);
    p.insert(0);
    assert_eq!(p.priority(0), 1.0, "new transitions get the max priority (1 at first)");
    p.update(0, -3.0);
    assert!((p.priority(0) - (3.01f64).sqrt()).abs() < 1e-12);
    p.insert(1);
    assert_eq!(p.priority(1), (3.01f64).sqrt(), "new transitions get the largest priority so far");
    p.update(1, 0.0);
    assert!((p.priority(1) - 0.1).abs() < 1e-12, "eps keeps it positive");
    p.update(1, f64::NAN);
    assert!((p.priority(1) - 0.1).abs() < 1e-12, "non-finite errors are ignored");
}

#[test]
fn prioritized_sampling_frequencies_are_proportional_to_priority() {
    let mut m = vector_memory(8, 1, 0.9, true);
    push_seq(&mut m, &[0.0; 8], &[(false, false); 8], 0);
    // alpha = 1, eps tiny: priorities 1..=8.
    let slots: Vec<usize> = (0..8).collect();
    let errors: Vec<f32> = (1..=8).map(|v| v as f32).collect();
    m.update_priorities(&slots, &errors);
    let mut rng = rng_for(9, 0);
    let mut counts = [0usize; 8];
    let mut b = Batch::default();
    let draws = 4000;
    for _ in 0..draws {
        m.sample_into(16, 1.0, &mut rng, &mut b);
        for &i in &b.indices {
            counts[i] += 1;
        }
    }
    let n = (draws * 16) as f64;
    let chi2: f64 = counts
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let e = n * (i + 1) as f64 / 36.0;
            (c as f64 - e).powi(2) / e
        })
        .sum();
    // 7 degrees of freedom: 24.32 is the p = 0.001 critical value.
    assert!(chi2 < 24.32, "chi2 {chi2}, counts {counts:?}");
    // The weights of the last batch follow (N P(i))^-beta / max.
    let p: Vec<f64> = b.indices.iter().map(|&i| (i + 1) as f64 / 36.0).collect();
    for (w, e) in b.weights.iter().zip(importance_weights(&p, 8, 1.0)) {
        assert!((*w as f64 - e).abs() < 1e-5);
    }
}

#[test]
fn prioritized_frames_never_sample_dropped_transitions() {
    // A tight frame ring (one-frame episodes are stored afresh) drops old transitions; their
    // priorities must go to zero.
    let priority = PriorityConfig { enabled: true, ..PriorityConfig::default() };
    let mut m = ReplayMemory::new(FrameStorage::with_frame_capacity(20, 2, 1, 8), &priority, 3, 0.99);
    let mut rng = rng_for(1, 0);
    let mut b = Batch::default();
    for t in 0..500u32 {
        let x = (t % 250) as u8;
        let (o, n) = (Obs::U8(vec![x, x.wrapping_add(1)]), Obs::U8(vec![x.wrapping_add(1), x.wrapping_add(2)]));
        m.push(&Transition {
            obs: &o,
            obs_features: &[],
            action: 0,
            reward: 1.0,
            next_obs: &n,
            next_features: &[],
            terminated: t % 3 == 2,
            truncated: false,
            stream: 0,
        });
        m.sample_into(8, 0.5, &mut rng, &mut b);
        for &i in &b.indices {
            assert!(m.storage().is_valid(i), "sampled dropped slot {i}");
        }
        let Sampler::Prioritized(p) = m.sampler() else { unreachable!() };
        let live: usize = (0..20).filter(|&s| p.priority(s) > 0.0).count();
        assert_eq!(live, m.len(), "one positive priority per sampleable transition");
        m.update_priorities(&b.indices.clone(), &[0.5; 8]);
    }
}

#[test]
fn priorities_survive_a_save_and_load() {
    let mut m = vector_memory(8, 1, 0.9, true);
    push_seq(&mut m, &[0.0; 5], &[(false, false); 5], 0);
    m.update_priorities(&[0, 1, 2], &[3.0, 0.5, 9.0]);
    let (storage, sampler) = m.to_bytes();
    let mut n = vector_memory(8, 1, 0.9, true);
    n.load_bytes(&storage, sampler.as_deref()).unwrap();
    let (Sampler::Prioritized(a), Sampler::Prioritized(b)) = (m.sampler(), n.sampler()) else { unreachable!() };
    for s in 0..8 {
        assert_eq!(a.priority(s), b.priority(s));
    }
    let mut short = sampler.unwrap();
    short.pop();
    assert!(n.load_bytes(&storage, Some(&short)).is_err());
    // A buffer saved without priorities gets the max priority everywhere.
    n.load_bytes(&storage, None).unwrap();
    let Sampler::Prioritized(c) = n.sampler() else { unreachable!() };
    assert_eq!((0..8).filter(|&s| c.priority(s) > 0.0).count(), 5);
}

#[test]
fn beta_is_annealed_linearly() {
    let p = PriorityConfig { beta_start: 0.4, beta_end: 1.0, beta_steps: 100, ..PriorityConfig::default() };
    assert!((p.beta(0, 1000) - 0.4).abs() < 1e-12);
    assert!((p.beta(50, 1000) - 0.7).abs() < 1e-12);
    assert_eq!(p.beta(500, 1000), 1.0);
    let whole = PriorityConfig { beta_steps: 0, ..p };
    assert!((whole.beta(500, 1000) - 0.7).abs() < 1e-12);
}
