//! `deepq presets` and `deepq envs`.

use crate::config::{resolve, PRESETS};
use anyhow::Result;

/// Prints every preset: name, env, algorithm, description.
pub fn presets() -> Result<()> {
    println!("{:<26} {:<28} {:<10} description", "preset", "env", "algo");
    for p in PRESETS {
        match resolve(p.name, &[], None) {
            Ok(c) => println!("{:<26} {:<28} {:<10} {}", p.name, c.env_id, c.algo.name(), c.description),
            Err(_) => {
                // Atari presets do not resolve without the `atari` feature: show them from the file.
                let t: toml::Table = p.toml.parse()?;
                let get = |k: &str| t.get(k).and_then(|v| v.as_str()).unwrap_or("?").to_string();
                let note = format!("{} (needs --features atari)", get("description"));
                println!("{:<26} {:<28} {:<10} {note}", p.name, get("env_id"), get("algo"));
            }
        }
    }
    Ok(())
}

/// Prints every registered environment id with its limits.
pub fn envs(all: bool) -> Result<()> {
    println!("{:<28} {:>9} {:>10}  description", "id", "max_steps", "threshold");
    let specs = deepq_env::registry::specs();
    for s in &specs {
        let max = s.max_episode_steps.map_or("-".to_string(), |m| m.to_string());
        let thr = s.reward_threshold.map_or("-".to_string(), |t| t.to_string());
        println!("{:<28} {:>9} {:>10}  {}", s.id, max, thr, s.description);
    }
    if all {
        let listed: Vec<&str> = specs.iter().map(|s| s.id).collect();
        for id in deepq_env::provider::all_ids().into_iter().filter(|id| !listed.contains(&id.as_str())) {
            println!("{id:<28} {:>9} {:>10}  Atari", "-", "-");
        }
        if !deepq_env::provider::any_registered() {
            println!("(Atari ids need deepq built with --features atari)");
        }
    }
    Ok(())
}
