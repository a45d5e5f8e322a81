//! `deepq bench`: the speed numbers recorded in BENCHMARKS.md.

use anyhow::Result;
use deepq_agents::bench::standard_suite;

/// Runs the benchmark suite and prints a table (or JSON).
pub fn run(json: bool, quick: bool) -> Result<()> {
    let results = standard_suite(quick)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
    } else {
        println!("{:<66} {:>12}  unit", "benchmark", "value");
        for m in &results {
            println!("{:<66} {:>12.3}  {}", m.name, m.value, m.unit);
        }
    }
    Ok(())
}
