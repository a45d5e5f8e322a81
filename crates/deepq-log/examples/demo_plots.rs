//! Writes sample charts to the directory given as the first argument (default: `.`).
fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".into()));
    let mut state = 12345u64;
    let mut noise = || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let mut step = 0u64;
    let episodes: Vec<(u64, f64)> = (0..600)
        .map(|i| {
            let skill = 500.0 * (1.0 - (-(i as f64) / 200.0).exp());
            let ret = (skill * (0.4 + 0.6 * noise())).max(8.0);
            step += ret as u64;
            (step, ret)
        })
        .collect();
    deepq_log::plot_returns(dir.join("returns.png"), "CartPole-v1 — DQN", &episodes)?;
    deepq_log::plot_returns_sized(dir.join("returns_small.png"), (640, 480), "CartPole-v1 — DQN", &episodes)?;
    let loss: Vec<(f64, f64)> =
        (0..400).map(|i| (i as f64 * 250.0, 2.0 * (-(i as f64) / 80.0).exp() + 0.1 * noise())).collect();
    let q: Vec<(f64, f64)> = (0..400).map(|i| (i as f64 * 250.0, 1.5 * (1.0 - (-(i as f64) / 150.0).exp()))).collect();
    deepq_log::plot_series(
        dir.join("series.png"),
        "Training diagnostics",
        "gradient step",
        "value",
        &[("TD loss", &loss), ("mean Q", &q)],
    )
}
