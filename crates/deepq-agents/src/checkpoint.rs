//! safetensors checkpoints: named tensors plus string metadata, written atomically.
//!
//! Every deepq checkpoint carries the metadata keys `deepq.kind` (`tabular_q`, `dqn`),
//! `deepq.env_id` and `deepq.env_kwargs` (JSON), so `deepq eval` and `deepq play` can rebuild
//! the policy and its environment from the file alone. Python's `safetensors` reads them.

use safetensors::tensor::{Dtype, SafeTensors, TensorView};
use std::collections::HashMap;
use std::path::Path;
use thiserror::Error;

/// Element type of a stored tensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elem {
    /// f32, little endian.
    F32,
    /// f64, little endian.
    F64,
    /// u8.
    U8,
    /// i64, little endian.
    I64,
}

impl Elem {
    fn dtype(self) -> Dtype {
        match self {
            Elem::F32 => Dtype::F32,
            Elem::F64 => Dtype::F64,
            Elem::U8 => Dtype::U8,
            Elem::I64 => Dtype::I64,
        }
    }
    fn from_dtype(d: Dtype) -> Option<Self> {
        Some(match d {
            Dtype::F32 => Elem::F32,
            Dtype::F64 => Elem::F64,
            Dtype::U8 => Elem::U8,
            Dtype::I64 => Elem::I64,
            _ => return None,
        })
    }
}

/// One named tensor of a checkpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Tensor {
    /// Element type.
    pub elem: Elem,
    /// Shape.
    pub shape: Vec<usize>,
    /// Raw little-endian bytes.
    pub bytes: Vec<u8>,
}

impl Tensor {
    /// An f32 tensor.
    pub fn f32(shape: Vec<usize>, values: &[f32]) -> Self {
        Self { elem: Elem::F32, shape, bytes: values.iter().flat_map(|v| v.to_le_bytes()).collect() }
    }
    /// An f64 tensor.
    pub fn f64(shape: Vec<usize>, values: &[f64]) -> Self {
        Self { elem: Elem::F64, shape, bytes: values.iter().flat_map(|v| v.to_le_bytes()).collect() }
    }
    /// A byte tensor.
    pub fn u8(shape: Vec<usize>, values: Vec<u8>) -> Self {
        Self { elem: Elem::U8, shape, bytes: values }
    }
    /// The values as f32 (f64 values are narrowed).
    pub fn to_f32(&self) -> Vec<f32> {
        match self.elem {
            Elem::F32 => self.bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect(),
            Elem::F64 => self.to_f64().into_iter().map(|v| v as f32).collect(),
            Elem::U8 => self.bytes.iter().map(|b| *b as f32).collect(),
            Elem::I64 => self.bytes.chunks_exact(8).map(|c| i64::from_le_bytes(c.try_into().unwrap()) as f32).collect(),
        }
    }
    /// The values as f64.
    pub fn to_f64(&self) -> Vec<f64> {
        match self.elem {
            Elem::F64 => self.bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap())).collect(),
            _ => self.to_f32().into_iter().map(f64::from).collect(),
        }
    }
}

/// Why a checkpoint could not be loaded.
#[derive(Debug, Error)]
pub enum CheckpointError {
    /// The file does not exist.
    #[error("checkpoint '{0}' does not exist")]
    Missing(String),
    /// The file could not be read or written.
    #[error("cannot access checkpoint '{path}': {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid safetensors file (truncated or corrupt).
    #[error("checkpoint '{path}' is corrupt or truncated ({reason}); use another checkpoint, e.g. checkpoints/last.safetensors")]
    Corrupt {
        /// The path.
        path: String,
        /// What the parser said.
        reason: String,
    },
    /// The file is valid but does not fit what it is loaded into.
    #[error("checkpoint '{path}' does not match: {reason}")]
    Mismatch {
        /// The path.
        path: String,
        /// What differs.
        reason: String,
    },
}

/// A loaded checkpoint: tensors by name and metadata.
#[derive(Debug, Clone, Default)]
pub struct Checkpoint {
    /// Tensors by name.
    pub tensors: HashMap<String, Tensor>,
    /// String metadata.
    pub metadata: HashMap<String, String>,
}

impl Checkpoint {
    /// A metadata value or a mismatch error naming the missing key.
    pub fn meta(&self, key: &str, path: &Path) -> Result<&str, CheckpointError> {
        self.metadata.get(key).map(|s| s.as_str()).ok_or_else(|| CheckpointError::Mismatch {
            path: path.display().to_string(),
            reason: format!("metadata key '{key}' is missing (not a deepq checkpoint?)"),
        })
    }
    /// A tensor or a mismatch error naming it.
    pub fn tensor(&self, name: &str, path: &Path) -> Result<&Tensor, CheckpointError> {
        self.tensors.get(name).ok_or_else(|| CheckpointError::Mismatch {
            path: path.display().to_string(),
            reason: format!("tensor '{name}' is missing"),
        })
    }
}

/// Serialises tensors and metadata to safetensors bytes.
pub fn to_bytes(tensors: &[(String, Tensor)], metadata: &HashMap<String, String>) -> Vec<u8> {
    let views: Vec<(String, TensorView<'_>)> = tensors
        .iter()
        .map(|(name, t)| {
            let view =
                TensorView::new(t.elem.dtype(), t.shape.clone(), &t.bytes).expect("tensor shape matches its bytes");
            (name.clone(), view)
        })
        .collect();
    let bytes = safetensors::tensor::serialize(views, Some(metadata.clone()))
        .expect("safetensors serialisation of valid views");
    with_sorted_header(bytes)
}

/// Rewrites a safetensors file's JSON header with its keys (and the metadata's) in sorted order,
/// so the same tensors and metadata always give the same bytes (the writer emits metadata in
/// hash-map order). The data section is unchanged: offsets are relative to it.
fn with_sorted_header(bytes: Vec<u8>) -> Vec<u8> {
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 header-length bytes")) as usize;
    // serde_json's map is ordered by key, recursively. (The writer emits an invalid header for
    // a file without tensors; such bytes are left as they are.)
    let Ok(header) = serde_json::from_slice::<serde_json::Value>(&bytes[8..8 + n]) else {
        return bytes;
    };
    let mut json = serde_json::to_vec(&header).expect("JSON serialises");
    // The data section starts 8-byte aligned; the format pads the header with spaces.
    while !json.len().is_multiple_of(8) {
        json.push(b' ');
    }
    let mut out = Vec::with_capacity(8 + json.len() + bytes.len() - 8 - n);
    out.extend_from_slice(&(json.len() as u64).to_le_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&bytes[8 + n..]);
    out
}

/// Writes a checkpoint atomically (temp file, fsync, rename).
pub fn save(
    path: &Path,
    tensors: &[(String, Tensor)],
    metadata: &HashMap<String, String>,
) -> Result<(), CheckpointError> {
    let bytes = to_bytes(tensors, metadata);
    deepq_log::atomic_write(path, &bytes)
        .map_err(|source| CheckpointError::Io { path: path.display().to_string(), source })
}

/// Reads and validates a checkpoint.
pub fn load(path: &Path) -> Result<Checkpoint, CheckpointError> {
    let p = path.display().to_string();
    if !path.exists() {
        return Err(CheckpointError::Missing(p));
    }
    let bytes = std::fs::read(path).map_err(|source| CheckpointError::Io { path: p.clone(), source })?;
    from_bytes(&bytes).map_err(|reason| CheckpointError::Corrupt { path: p, reason })
}

/// Parses safetensors bytes.
pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, String> {
    let (_, header) = SafeTensors::read_metadata(bytes).map_err(|e| e.to_string())?;
    let st = SafeTensors::deserialize(bytes).map_err(|e| e.to_string())?;
    let mut tensors = HashMap::new();
    for (name, view) in st.tensors() {
        let elem = Elem::from_dtype(view.dtype())
            .ok_or_else(|| format!("tensor '{name}' has unsupported dtype {:?}", view.dtype()))?;
        tensors.insert(name, Tensor { elem, shape: view.shape().to_vec(), bytes: view.data().to_vec() });
    }
    let metadata = header.metadata().clone().unwrap_or_default();
    Ok(Checkpoint { tensors, metadata })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vec<(String, Tensor)>, HashMap<String, String>) {
        let tensors = vec![
            ("a".to_string(), Tensor::f32(vec![2, 2], &[1.0, 2.0, 3.0, 4.0])),
            ("b".to_string(), Tensor::f64(vec![3], &[0.5, -1.0, 2.0])),
        ];
        let meta = HashMap::from([("deepq.kind".to_string(), "test".to_string())]);
        (tensors, meta)
    }

    #[test]
    fn roundtrip_keeps_tensors_and_metadata() {
        let (t, m) = sample();
        let c = from_bytes(&to_bytes(&t, &m)).unwrap();
        assert_eq!(c.tensors["a"].to_f32(), vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(c.tensors["b"].to_f64(), vec![0.5, -1.0, 2.0]);
        assert_eq!(c.tensors["a"].shape, vec![2, 2]);
        assert_eq!(c.metadata["deepq.kind"], "test");
    }

    #[test]
    fn the_same_content_gives_the_same_bytes() {
        let (t, _) = sample();
        let meta: HashMap<String, String> = (0..20).map(|i| (format!("key{i}"), format!("value {i}"))).collect();
        let a = to_bytes(&t, &meta);
        // A map with the same entries inserted in another order.
        let other: HashMap<String, String> = (0..20).rev().map(|i| (format!("key{i}"), format!("value {i}"))).collect();
        for _ in 0..5 {
            assert_eq!(to_bytes(&t, &other.clone()), a);
        }
        let c = from_bytes(&a).unwrap();
        assert_eq!(c.metadata, meta);
        assert_eq!(c.tensors["a"].to_f32(), vec![1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn truncated_and_garbage_files_are_corrupt_errors() {
        let dir = std::env::temp_dir().join(format!("deepq-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (t, m) = sample();
        let bytes = to_bytes(&t, &m);
        let path = dir.join("trunc.safetensors");
        std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
        assert!(matches!(load(&path), Err(CheckpointError::Corrupt { .. })));
        std::fs::write(&path, b"not a checkpoint at all").unwrap();
        let e = load(&path).unwrap_err();
        assert!(matches!(e, CheckpointError::Corrupt { .. }));
        assert!(e.to_string().contains("corrupt"));
        assert!(matches!(load(&dir.join("nope.safetensors")), Err(CheckpointError::Missing(_))));
        save(&path, &t, &m).unwrap();
        assert_eq!(load(&path).unwrap().tensors.len(), 2);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
