//! `deepq presets` and `deepq envs`.

use crate::config::{resolve, PRESETS};
use anyhow::Result;

/// Prints every preset: name, env, algorithm, description.
pub fn presets() -> Result<()> {
    println!("{:<26} {:<18} {:<10} description", "preset", "env", "algo");
    for p in PRESETS {
        let c = resolve(p.name, &[], None)?;
        println!("{:<26} {:<18} {:<10} {}", p.name, c.env_id, c.algo.name(), c.description);
    }
    Ok(())
}

/// Prints every registered environment id with its limits.
pub fn envs() -> Result<()> {
    println!("{:<28} {:>9} {:>10}  description", "id", "max_steps", "threshold");
    for s in deepq_env::registry::specs() {
        let max = s.max_episode_steps.map_or("-".to_string(), |m| m.to_string());
        let thr = s.reward_threshold.map_or("-".to_string(), |t| t.to_string());
        println!("{:<28} {:>9} {:>10}  {}", s.id, max, thr, s.description);
    }
    Ok(())
}
