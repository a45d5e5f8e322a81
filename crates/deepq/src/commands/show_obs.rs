//! `deepq show-obs`: what does the agent see? After some random steps, writes the env's
//! rendered frame (`frame.png`) and the processed observation the network gets
//! (`observation.png`: each stacked frame side by side, grayscale scaled to 0-255).

use crate::obs_picture;
use anyhow::{bail, Context, Result};
use deepq_agents::policy::{Policy, RandomPolicy};
use deepq_env::EnvKwargs;
use deepq_log::{write_labelled_png, write_png, Picture};
use std::path::{Path, PathBuf};

/// What `deepq show-obs` was asked to do (also its command-line arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct ShowObsArgs {
    /// Environment id (see `deepq envs`).
    pub env_id: String,
    /// Observation pipeline: tutorial_screen[_diff|_stack|_ink|_ink4] for CartPole, atari, lapan
    /// or practical_rl for Atari ids.
    #[arg(long)]
    pub wrapper: Option<String>,
    /// Random steps taken after the reset (a new episode starts when one ends).
    #[arg(long, default_value_t = 20)]
    pub steps: u64,
    /// Seed of the reset and of the random actions.
    #[arg(long, value_parser = crate::parse_seed, default_value_t = 0)]
    pub seed: u64,
    /// Output directory for frame.png and observation.png (new or empty unless --force).
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite frame.png and observation.png in a non-empty directory.
    #[arg(long)]
    pub force: bool,
}

/// Runs `deepq show-obs`.
pub fn run(args: ShowObsArgs) -> Result<()> {
    let ShowObsArgs { env_id, wrapper, steps, seed, out, force } = args;
    if steps > 1_000_000 {
        bail!("--steps must be at most 1000000, got {steps}");
    }
    check_out(&out, force)?;
    let kwargs = EnvKwargs { wrapper: wrapper.clone(), ..EnvKwargs::default() };
    let mut env = deepq_env::make_with(&env_id, &kwargs)?;
    let name = match &wrapper {
        Some(w) => format!("{env_id} with wrapper {w}"),
        None => env_id.clone(),
    };
    let (mut obs, _) = env.reset(Some(seed));
    let mut policy = RandomPolicy::new(env.n_actions(), seed);
    let mut episode_seed = seed;
    for _ in 0..steps {
        let step = env.step(policy.act(&obs))?;
        obs = step.obs;
        if step.terminated || step.truncated {
            episode_seed = episode_seed.wrapping_add(1);
            obs = env.reset(Some(episode_seed)).0;
        }
    }
    let space = env.observation_space().clone();
    let Some(panels) = obs_picture::panels(&space, &obs) else {
        bail!(
            "{name} observes {}, not an image, so there is no picture of what the agent sees: after {steps} random steps it sees {}{}",
            space.describe(),
            obs_picture::describe(&obs),
            if env_id.starts_with("CartPole") { " (try --wrapper tutorial_screen_ink4 for pixels)" } else { "" }
        );
    };
    let frame = match env.render() {
        Ok(f) => f,
        Err(e) => bail!("{e}, so show-obs has no frame to show next to the observation ({})", space.describe()),
    };
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create '{}'", out.display()))?;
    let picture = Picture::from_rgb(frame.width, frame.height, frame.data)
        .context("the env rendered a frame of the wrong size")?;
    let frame_path = out.join("frame.png");
    write_png(&frame_path, &picture).with_context(|| format!("cannot write '{}'", frame_path.display()))?;
    let captions = vec![
        format!("{name}: the observation after {steps} random steps (seed {seed})"),
        format!("{} = {} frame(s) side by side, in observation order, scaled to 0-255", space.describe(), panels.len()),
    ];
    let obs_path = out.join("observation.png");
    write_labelled_png(&obs_path, &obs_picture::strip(&panels), &captions)
        .with_context(|| format!("cannot write '{}'", obs_path.display()))?;
    println!("{}\n{}", frame_path.display(), obs_path.display());
    Ok(())
}

/// Refuses an existing non-empty directory unless `force`.
fn check_out(dir: &Path, force: bool) -> Result<()> {
    let d = dir.display();
    if dir.exists() && !dir.is_dir() {
        bail!("'{d}' exists and is not a directory; choose another --out");
    }
    if dir.is_dir() && !force && std::fs::read_dir(dir).with_context(|| format!("cannot read '{d}'"))?.next().is_some()
    {
        bail!("'{d}' is not empty; pass --force to overwrite frame.png and observation.png there, or choose another --out");
    }
    Ok(())
}
