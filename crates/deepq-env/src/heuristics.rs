//! Scripted controllers that Gymnasium ships with some environments, as plain functions of the
//! observation (the baseline `deepq eval --heuristic ENV_ID` plays).

use crate::env::Obs;

/// A scripted policy: the action for an observation.
pub type Heuristic = fn(&Obs) -> usize;

/// The ids that have a heuristic controller.
pub fn ids() -> Vec<&'static str> {
    if cfg!(feature = "box2d") {
        vec!["LunarLander-v3"]
    } else {
        vec![]
    }
}

/// The heuristic controller of `id` (Gymnasium's `heuristic` for `LunarLander-v3`), if any.
pub fn for_id(id: &str) -> Option<Heuristic> {
    match id {
        #[cfg(feature = "box2d")]
        "LunarLander-v3" => Some(|obs: &Obs| crate::envs::lunar_lander::heuristic(obs.as_f32().unwrap_or(&[0.0; 8]))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_ids_have_one() {
        for id in ids() {
            assert!(for_id(id).is_some(), "{id}");
        }
        assert!(for_id("CartPole-v1").is_none());
    }
}
