//! Reads back event files written by `TensorBoardWriter`:
//! - with an independent, minimal protobuf decoder written here (always runs), and
//! - with TensorBoard's own Python `EventAccumulator` via `scripts/check_tensorboard.py`, using
//!   the interpreter named by `DEEPQ_PYTHON` (skipped when unset, unless `CI` is set).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use deepq_log::{read_tfrecords, TensorBoardWriter};

/// Scalars written by both tests: (tag, value, step). Steps never decrease, as TensorBoard
/// discards earlier events when a step goes backwards.
fn sample_scalars() -> Vec<(&'static str, f64, i64)> {
    let mut out = vec![("train/loss", 1.25, 0), ("eval/return", -3.5, 0)];
    for i in 1..=20i64 {
        out.push(("train/loss", 1.0 / (i as f64), i * 1000));
        out.push(("train/epsilon", 1.0 - 0.04 * i as f64, i * 1000));
        if i % 5 == 0 {
            out.push(("eval/return", 10.0 * i as f64 + 0.1, i * 1000));
        }
    }
    out.push(("train/loss", 7.0e-8, 1i64 << 40));
    out
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("deepq-log-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Writes the sample scalars (plus one multi-value event) and returns the event file path.
fn write_sample(dir: &Path) -> PathBuf {
    let mut w = TensorBoardWriter::create(dir).unwrap();
    for (tag, value, step) in sample_scalars() {
        w.scalar(tag, value, step).unwrap();
    }
    w.scalars(&[("multi/a", 1.5), ("multi/b", 2.5)], (1i64 << 40) + 1).unwrap();
    w.flush().unwrap();
    let path = w.path().to_path_buf();
    drop(w);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("events.out.tfevents."), "{name}");
    assert!(name.ends_with(".deepq"), "{name}");
    path
}

fn now_secs() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

// ---------------------------------------------------------------------------------------
// Minimal protobuf decoding, independent of the writer's encoder.

#[derive(Debug)]
enum Field<'a> {
    Varint(u64),
    Fixed64([u8; 8]),
    Bytes(&'a [u8]),
    Fixed32([u8; 4]),
}

fn read_varint(buf: &[u8], pos: &mut usize) -> u64 {
    let mut value = 0u64;
    let mut shift = 0;
    loop {
        let b = buf[*pos];
        *pos += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return value;
        }
        shift += 7;
        assert!(shift < 64, "varint too long");
    }
}

fn parse_message(buf: &[u8]) -> Vec<(u64, Field<'_>)> {
    let mut fields = Vec::new();
    let mut pos = 0;
    while pos < buf.len() {
        let key = read_varint(buf, &mut pos);
        let (number, wire) = (key >> 3, key & 7);
        let field = match wire {
            0 => Field::Varint(read_varint(buf, &mut pos)),
            1 => {
                let f = Field::Fixed64(buf[pos..pos + 8].try_into().unwrap());
                pos += 8;
                f
            }
            2 => {
                let len = read_varint(buf, &mut pos) as usize;
                let f = Field::Bytes(&buf[pos..pos + len]);
                pos += len;
                f
            }
            5 => {
                let f = Field::Fixed32(buf[pos..pos + 4].try_into().unwrap());
                pos += 4;
                f
            }
            other => panic!("unexpected wire type {other}"),
        };
        fields.push((number, field));
    }
    fields
}

#[derive(Debug, Default)]
struct Event {
    wall_time: Option<f64>,
    step: i64,
    file_version: Option<String>,
    values: Vec<(String, f32)>,
}

fn decode_event(buf: &[u8]) -> Event {
    let mut ev = Event::default();
    for (number, field) in parse_message(buf) {
        match (number, field) {
            (1, Field::Fixed64(b)) => ev.wall_time = Some(f64::from_le_bytes(b)),
            (2, Field::Varint(v)) => ev.step = v as i64,
            (3, Field::Bytes(b)) => ev.file_version = Some(String::from_utf8(b.to_vec()).unwrap()),
            (5, Field::Bytes(summary)) => {
                for (n, value) in parse_message(summary) {
                    let Field::Bytes(value) = value else { panic!("Summary.value must be length-delimited") };
                    assert_eq!(n, 1, "unexpected Summary field");
                    let mut tag = None;
                    let mut simple = None;
                    for (vn, vf) in parse_message(value) {
                        match (vn, vf) {
                            (1, Field::Bytes(t)) => tag = Some(String::from_utf8(t.to_vec()).unwrap()),
                            (2, Field::Fixed32(f)) => simple = Some(f32::from_le_bytes(f)),
                            other => panic!("unexpected Summary.Value field {other:?}"),
                        }
                    }
                    ev.values.push((tag.unwrap(), simple.unwrap()));
                }
            }
            other => panic!("unexpected Event field {other:?}"),
        }
    }
    ev
}

#[test]
fn event_file_parses_with_rust_decoder() {
    let dir = scratch_dir("tb-rust");
    let before = now_secs();
    let path = write_sample(&dir);
    let after = now_secs();

    let bytes = std::fs::read(&path).unwrap();
    let records = read_tfrecords(&bytes).expect("framing and CRCs are valid");
    let events: Vec<Event> = records.iter().map(|r| decode_event(r)).collect();

    let first = &events[0];
    assert_eq!(first.file_version.as_deref(), Some("brain.Event:2"));
    assert!(first.values.is_empty());

    let mut expected: Vec<(String, f32, i64)> =
        sample_scalars().into_iter().map(|(t, v, s)| (t.to_string(), v as f32, s)).collect();
    expected.push(("multi/a".into(), 1.5, (1 << 40) + 1));
    expected.push(("multi/b".into(), 2.5, (1 << 40) + 1));

    let mut got = Vec::new();
    for ev in &events[1..] {
        assert!(ev.file_version.is_none());
        let t = ev.wall_time.expect("every event has a wall time");
        assert!(t >= before - 1.0 && t <= after + 1.0, "wall time {t}");
        for (tag, value) in &ev.values {
            got.push((tag.clone(), *value, ev.step));
        }
    }
    assert_eq!(got, expected);
    // Everything except the final multi-value event holds exactly one value.
    assert_eq!(events.len(), 1 + sample_scalars().len() + 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn event_file_reads_back_with_tensorboard() {
    let python = match std::env::var_os("DEEPQ_PYTHON") {
        Some(p) if !p.is_empty() => p,
        _ => {
            if std::env::var_os("CI").is_some() {
                panic!(
                    "DEEPQ_PYTHON is not set but CI is: the TensorBoard read-back test must \
                     run in CI (set DEEPQ_PYTHON to the .venv-ref python)"
                );
            }
            eprintln!(
                "skipping TensorBoard read-back: set DEEPQ_PYTHON to a python with the \
                 `tensorboard` package (e.g. .venv-ref/bin/python)"
            );
            return;
        }
    };
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/check_tensorboard.py");
    let dir = scratch_dir("tb-python");
    let path = write_sample(&dir);

    let output = Command::new(&python)
        .arg(&script)
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("could not run {python:?}: {e}"));
    assert!(
        output.status.success(),
        "check_tensorboard.py failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("bad JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)));
    // EventAccumulator keeps the number after "brain.Event:" of the first record.
    assert_eq!(json["file_version"].as_f64(), Some(2.0));

    let mut expected: std::collections::BTreeMap<String, Vec<(i64, f32)>> = Default::default();
    for (tag, value, step) in sample_scalars() {
        expected.entry(tag.to_string()).or_default().push((step, value as f32));
    }
    expected.insert("multi/a".into(), vec![((1 << 40) + 1, 1.5)]);
    expected.insert("multi/b".into(), vec![((1 << 40) + 1, 2.5)]);

    let scalars = json["scalars"].as_object().expect("scalars object");
    let mut got_tags: Vec<&String> = scalars.keys().collect();
    got_tags.sort();
    assert_eq!(got_tags, expected.keys().collect::<Vec<_>>());
    for (tag, points) in &expected {
        let got = scalars[tag].as_array().unwrap();
        assert_eq!(got.len(), points.len(), "{tag}");
        for (g, &(step, value)) in got.iter().zip(points) {
            assert_eq!(g[0].as_i64().unwrap(), step, "{tag}");
            // TensorBoard widens the stored f32 to a Python float; narrowing it back must give
            // exactly the f32 that was written. (Compared as f32 because serde_json's default
            // float parser may be off by an ulp in the f64.)
            assert_eq!(g[1].as_f64().unwrap() as f32, value, "{tag} @ {step}");
            assert!(g[2].as_f64().unwrap() > 1.0e9, "{tag}: wall time");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
