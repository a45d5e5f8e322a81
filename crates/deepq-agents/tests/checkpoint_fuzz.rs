//! Property tests of the checkpoint loader: mutated, truncated or re-labelled checkpoints give
//! an error (or a valid policy), never a panic, an abort or a huge allocation. The case count is
//! small by default; `DEEPQ_FUZZ_CASES=20000 cargo test --release -p deepq-agents --test
//! checkpoint_fuzz` runs longer.

use burn::prelude::*;
use deepq_agents::checkpoint::{self, Tensor};
use deepq_agents::common::ObsEncoder;
use deepq_agents::nets::{named_params, NetSpec};
use deepq_agents::policy::GreedyPolicy;
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;

fn cases() -> u32 {
    std::env::var("DEEPQ_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// A valid DQN policy checkpoint (MLP 4-8-2, dueling) as bytes.
fn valid_bytes() -> Vec<u8> {
    let spec = NetSpec::mlp(4, 2, &[8], true);
    let net = spec.init(&Device::flex());
    let meta = HashMap::from([
        ("deepq.kind".to_string(), "dqn".to_string()),
        ("deepq.env_id".to_string(), "CartPole-v1".to_string()),
        ("deepq.env_kwargs".to_string(), "{}".to_string()),
        ("deepq.net".to_string(), serde_json::to_string(&spec).unwrap()),
        ("deepq.obs_encoder".to_string(), serde_json::to_string(&ObsEncoder::Flat { dim: 4, scale: 1.0 }).unwrap()),
    ]);
    let tensors: Vec<(String, Tensor)> = named_params(&net);
    checkpoint::to_bytes(&tensors, &meta)
}

fn load(bytes: &[u8]) -> Result<GreedyPolicy, String> {
    let ck = checkpoint::from_bytes(bytes)?;
    GreedyPolicy::from_checkpoint(&ck, Path::new("fuzz.safetensors"), Device::flex()).map_err(|e| e.to_string())
}

#[test]
fn the_valid_checkpoint_loads() {
    let p = load(&valid_bytes()).unwrap();
    assert_eq!(p.shape(), (4, 2));
}

/// Metadata values a fuzzer would not find by flipping bytes: inconsistent or huge sizes.
fn hostile_specs() -> Vec<String> {
    vec![
        r#"{"obs_dim":4,"n_actions":2,"hidden":[100000000000],"dueling":true}"#.into(),
        r#"{"obs_dim":4,"n_actions":1000000000000,"hidden":[8],"dueling":true}"#.into(),
        r#"{"obs_dim":4,"n_actions":2,"hidden":[8],"dueling":true,"distributional":{"atoms":100000000,"v_min":0,"v_max":1}}"#.into(),
        r#"{"obs_dim":4,"n_actions":2,"hidden":[8],"dueling":true,"distributional":{"atoms":1,"v_min":0,"v_max":1}}"#.into(),
        r#"{"obs_dim":4,"n_actions":2,"hidden":[8],"dueling":true,"noisy_sigma0":-1}"#.into(),
        r#"{"obs_dim":28224,"n_actions":2,"hidden":[8],"dueling":true,"input_shape":[4,84,84],"conv":[[4000000,8,4]]}"#.into(),
        r#"{"obs_dim":4,"n_actions":2,"hidden":[8],"dueling":true,"input_shape":[18446744073709551615,2,2],"conv":[[4,1,1]]}"#.into(),
        r#"{"obs_dim":4,"n_actions":0,"hidden":[8],"dueling":true}"#.into(),
        r#"{"obs_dim":5,"n_actions":2,"hidden":[8],"dueling":true}"#.into(),
        r#"{"obs_dim":4,"n_actions":2,"hidden":[8,0],"dueling":true}"#.into(),
    ]
}

#[test]
fn inconsistent_metadata_is_an_error_not_a_panic() {
    let ck = checkpoint::from_bytes(&valid_bytes()).unwrap();
    for spec in hostile_specs() {
        let mut m = ck.metadata.clone();
        m.insert("deepq.net".into(), spec.clone());
        let tensors: Vec<(String, Tensor)> = ck.tensors.clone().into_iter().collect();
        let r = load(&checkpoint::to_bytes(&tensors, &m));
        assert!(r.is_err(), "accepted {spec}");
    }
    for enc in [r#"{"Flat":{"dim":99999999999,"scale":1.0}}"#, r#"{"OneHot":{"n":3}}"#, "{}"] {
        let mut m = ck.metadata.clone();
        m.insert("deepq.obs_encoder".into(), enc.into());
        let tensors: Vec<(String, Tensor)> = ck.tensors.clone().into_iter().collect();
        assert!(load(&checkpoint::to_bytes(&tensors, &m)).is_err(), "accepted encoder {enc}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn mutated_bytes_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = valid_bytes();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let _ = load(&bytes);
    }

    #[test]
    fn truncated_bytes_never_panic(cut in any::<prop::sample::Index>()) {
        let bytes = valid_bytes();
        let _ = load(&bytes[..cut.index(bytes.len())]);
    }

    #[test]
    fn fuzzed_metadata_never_panics(key in "deepq\\\\.(net|obs_encoder)", value in ".{0,200}") {
        let ck = checkpoint::from_bytes(&valid_bytes()).unwrap();
        let mut m = ck.metadata.clone();
        m.insert(key, value);
        let tensors: Vec<(String, Tensor)> = ck.tensors.clone().into_iter().collect();
        let _ = load(&checkpoint::to_bytes(&tensors, &m));
    }
}
