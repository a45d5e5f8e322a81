//! A minimal TensorBoard event-file writer (scalars only), encoded by hand.
//!
//! File format: a sequence of TFRecord records, each
//! `u64 length (LE) | u32 masked_crc32c(length bytes) (LE) | data | u32 masked_crc32c(data) (LE)`,
//! where each `data` is a serialized `tensorflow.Event` protobuf message. The fields used are
//! (from TensorBoard's `event.proto` and `summary.proto`):
//!
//! ```text
//! Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
//! Summary { repeated Value value = 1; }
//! Value   { string tag = 1; float simple_value = 2; }
//! ```

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Constant added after rotating a CRC, as specified by the TFRecord format.
const CRC_MASK_DELTA: u32 = 0xa282_ead8;

/// Version string of the first record; TensorBoard uses it to recognise the file format.
const FILE_VERSION: &str = "brain.Event:2";

/// Buffered events are flushed at least this often while scalars are being written.
const AUTO_FLUSH_INTERVAL: Duration = Duration::from_secs(2);

// Protobuf wire types.
const WIRE_VARINT: u32 = 0;
const WIRE_FIXED64: u32 = 1;
const WIRE_LEN: u32 = 2;
const WIRE_FIXED32: u32 = 5;

/// Applies the TFRecord CRC mask to a raw CRC32C: rotate right by 15 bits, then add
/// `0xa282ead8` (wrapping).
pub fn mask_crc32c(crc: u32) -> u32 {
    crc.rotate_right(15).wrapping_add(CRC_MASK_DELTA)
}

/// Inverse of [`mask_crc32c`].
pub fn unmask_crc32c(masked: u32) -> u32 {
    masked.wrapping_sub(CRC_MASK_DELTA).rotate_left(15)
}

/// Masked CRC32C (Castagnoli) of `data`, as stored in TFRecord framing.
pub fn masked_crc32c(data: &[u8]) -> u32 {
    mask_crc32c(crc32c::crc32c(data))
}

/// Appends `value` to `out` as a protobuf base-128 varint (7 bits per byte, least
/// significant group first, high bit set on all but the last byte).
///
/// Negative `int64` fields are encoded by passing `value as u64`, which yields the standard
/// 10-byte two's-complement form.
pub fn encode_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn encode_key(field: u32, wire_type: u32, out: &mut Vec<u8>) {
    encode_varint(u64::from((field << 3) | wire_type), out);
}

fn encode_len_delimited(field: u32, bytes: &[u8], out: &mut Vec<u8>) {
    encode_key(field, WIRE_LEN, out);
    encode_varint(bytes.len() as u64, out);
    out.extend_from_slice(bytes);
}

/// Serializes an `Event` header: `wall_time` (always) and `step` (omitted when 0, as proto3
/// does for default values).
fn encode_event_header(wall_time: f64, step: i64, out: &mut Vec<u8>) {
    encode_key(1, WIRE_FIXED64, out);
    out.extend_from_slice(&wall_time.to_le_bytes());
    if step != 0 {
        encode_key(2, WIRE_VARINT, out);
        encode_varint(step as u64, out);
    }
}

/// Serializes an `Event` carrying only `file_version`.
fn encode_file_version_event(wall_time: f64) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    encode_event_header(wall_time, 0, &mut out);
    encode_len_delimited(3, FILE_VERSION.as_bytes(), &mut out);
    out
}

/// Serializes an `Event` whose `summary` holds one `simple_value` per `(tag, value)`.
fn encode_scalars_event(wall_time: f64, step: i64, scalars: &[(&str, f32)]) -> Vec<u8> {
    let mut summary = Vec::new();
    let mut value = Vec::new();
    for (tag, v) in scalars {
        value.clear();
        encode_len_delimited(1, tag.as_bytes(), &mut value);
        encode_key(2, WIRE_FIXED32, &mut value);
        value.extend_from_slice(&v.to_le_bytes());
        encode_len_delimited(1, &value, &mut summary);
    }
    let mut out = Vec::with_capacity(summary.len() + 24);
    encode_event_header(wall_time, step, &mut out);
    encode_len_delimited(5, &summary, &mut out);
    out
}

/// Appends one TFRecord (length, masked CRCs, data) to `out`.
fn frame_record(data: &[u8], out: &mut Vec<u8>) {
    let len = (data.len() as u64).to_le_bytes();
    out.extend_from_slice(&len);
    out.extend_from_slice(&masked_crc32c(&len).to_le_bytes());
    out.extend_from_slice(data);
    out.extend_from_slice(&masked_crc32c(data).to_le_bytes());
}

/// Splits a TFRecord byte stream into its records, verifying both CRCs of each.
///
/// Returns [`io::ErrorKind::InvalidData`] on a CRC mismatch or a truncated record. Useful for
/// tests and for tools that inspect event files without TensorFlow.
pub fn read_tfrecords(bytes: &[u8]) -> io::Result<Vec<Vec<u8>>> {
    let bad = |msg: String| io::Error::new(io::ErrorKind::InvalidData, msg);
    let mut records = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let header = bytes.get(pos..pos + 12).ok_or_else(|| bad(format!("truncated record header at byte {pos}")))?;
        let len_bytes = &header[..8];
        let len_crc = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
        if masked_crc32c(len_bytes) != len_crc {
            return Err(bad(format!("length CRC mismatch at byte {pos}")));
        }
        let len = u64::from_le_bytes(len_bytes.try_into().expect("8 bytes"));
        let len = usize::try_from(len).map_err(|_| bad(format!("huge record at byte {pos}")))?;
        let data_start = pos + 12;
        let data_end = data_start
            .checked_add(len)
            .filter(|&end| end + 4 <= bytes.len())
            .ok_or_else(|| bad(format!("truncated record data at byte {pos}")))?;
        let data = &bytes[data_start..data_end];
        let data_crc = u32::from_le_bytes(bytes[data_end..data_end + 4].try_into().expect("4 bytes"));
        if masked_crc32c(data) != data_crc {
            return Err(bad(format!("data CRC mismatch at byte {pos}")));
        }
        records.push(data.to_vec());
        pos = data_end + 4;
    }
    Ok(records)
}

/// Seconds since the Unix epoch as a float, the unit of `Event.wall_time`.
fn wall_time_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or(0.0)
}

/// The machine's host name for the event file name, with path-hostile characters replaced.
fn hostname() -> String {
    let raw = fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| fs::read_to_string("/etc/hostname"))
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .unwrap_or_default();
    let clean: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' { c } else { '_' })
        .collect();
    if clean.is_empty() {
        "localhost".to_string()
    } else {
        clean
    }
}

/// Writes scalar summaries to a TensorBoard event file, without TensorFlow.
///
/// The file is named `events.out.tfevents.<unix seconds>.<hostname>.deepq` (with a `.1`,
/// `.2`, … suffix if that name is already taken) and starts with the `brain.Event:2` version
/// record. Point `tensorboard --logdir` at the directory to view it.
///
/// Events are buffered; they are flushed by [`TensorBoardWriter::flush`], automatically when
/// [`TensorBoardWriter::scalar`] is called more than two seconds after the last flush, and on
/// drop. Values are stored as 32-bit floats (`simple_value`), as TensorBoard does.
#[derive(Debug)]
pub struct TensorBoardWriter {
    out: BufWriter<File>,
    path: PathBuf,
    last_flush: Instant,
    scratch: Vec<u8>,
}

impl TensorBoardWriter {
    /// Creates `dir` (and its parents) if needed and starts a new event file in it.
    pub fn create(dir: impl AsRef<Path>) -> io::Result<Self> {
        let dir = dir.as_ref();
        fs::create_dir_all(dir)?;
        let secs = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        let base = format!("events.out.tfevents.{secs}.{}.deepq", hostname());
        let mut attempt = 0u32;
        let (path, file) = loop {
            let name = if attempt == 0 { base.clone() } else { format!("{base}.{attempt}") };
            let path = dir.join(name);
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => break (path, file),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => attempt += 1,
                Err(e) => return Err(e),
            }
        };
        let mut writer = Self { out: BufWriter::new(file), path, last_flush: Instant::now(), scratch: Vec::new() };
        let event = encode_file_version_event(wall_time_now());
        writer.write_record(&event)?;
        writer.flush()?;
        Ok(writer)
    }

    /// The path of the event file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records `value` under `tag` (e.g. `"train/loss"`) at global step `step`.
    pub fn scalar(&mut self, tag: &str, value: f64, step: i64) -> io::Result<()> {
        self.scalars(&[(tag, value)], step)
    }

    /// Records several scalars that share one step, in a single event.
    pub fn scalars(&mut self, values: &[(&str, f64)], step: i64) -> io::Result<()> {
        if values.is_empty() {
            return Ok(());
        }
        let narrowed: Vec<(&str, f32)> = values.iter().map(|&(t, v)| (t, v as f32)).collect();
        let event = encode_scalars_event(wall_time_now(), step, &narrowed);
        self.write_record(&event)?;
        if self.last_flush.elapsed() >= AUTO_FLUSH_INTERVAL {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes buffered events to the file (without `fsync`).
    pub fn flush(&mut self) -> io::Result<()> {
        self.last_flush = Instant::now();
        self.out.flush()
    }

    fn write_record(&mut self, data: &[u8]) -> io::Result<()> {
        self.scratch.clear();
        frame_record(data, &mut self.scratch);
        self.out.write_all(&self.scratch)
    }
}

impl Drop for TensorBoardWriter {
    fn drop(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32c_and_mask_known_vectors() {
        // Raw CRC32C check value from the CRC catalogue.
        assert_eq!(crc32c::crc32c(b"123456789"), 0xe306_9283);
        // Masked values cross-checked with TensorBoard's pure-Python implementation.
        assert_eq!(masked_crc32c(b""), 0xa282_ead8);
        assert_eq!(masked_crc32c(b"123456789"), 0xc78a_b0e5);
        assert_eq!(masked_crc32c(b"a"), 0x28e4_6e78);
        assert_eq!(masked_crc32c(&24u64.to_le_bytes()), 0x224b_7fa3);
        assert_eq!(masked_crc32c(&[0u8; 32]), 0x0fd7_fffa);
        for crc in [0u32, 1, 0xdead_beef, u32::MAX, 0xe306_9283] {
            assert_eq!(unmask_crc32c(mask_crc32c(crc)), crc);
        }
    }

    #[test]
    fn varint_encoding() {
        let enc = |v: u64| {
            let mut out = Vec::new();
            encode_varint(v, &mut out);
            out
        };
        assert_eq!(enc(0), vec![0x00]);
        assert_eq!(enc(1), vec![0x01]);
        assert_eq!(enc(127), vec![0x7f]);
        assert_eq!(enc(128), vec![0x80, 0x01]);
        assert_eq!(enc(150), vec![0x96, 0x01]);
        assert_eq!(enc(300), vec![0xac, 0x02]);
        assert_eq!(enc(16_384), vec![0x80, 0x80, 0x01]);
        assert_eq!(enc(u64::MAX).len(), 10);
        assert_eq!(enc(-1i64 as u64), vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    }

    #[test]
    fn scalar_event_bytes() {
        let bytes = encode_scalars_event(1.5, 300, &[("a", 2.0)]);
        let mut expected = vec![0x09];
        expected.extend_from_slice(&1.5f64.to_le_bytes());
        expected.extend_from_slice(&[0x10, 0xac, 0x02]); // step = 300
        expected.extend_from_slice(&[0x2a, 0x0a]); // summary, 10 bytes
        expected.extend_from_slice(&[0x0a, 0x08]); // value, 8 bytes
        expected.extend_from_slice(&[0x0a, 0x01, b'a']); // tag
        expected.push(0x15); // simple_value, fixed32
        expected.extend_from_slice(&2.0f32.to_le_bytes());
        assert_eq!(bytes, expected);

        let header = encode_file_version_event(0.0);
        assert_eq!(header[0], 0x09);
        assert_eq!(header[9], 0x1a);
        assert_eq!(header[10] as usize, FILE_VERSION.len());
        assert_eq!(&header[11..], FILE_VERSION.as_bytes());
    }

    #[test]
    fn framing_round_trips_and_detects_corruption() {
        let mut stream = Vec::new();
        frame_record(b"hello", &mut stream);
        frame_record(b"", &mut stream);
        assert_eq!(stream.len(), 16 + 5 + 16);
        let records = read_tfrecords(&stream).unwrap();
        assert_eq!(records, vec![b"hello".to_vec(), Vec::new()]);

        let mut corrupt = stream.clone();
        corrupt[13] ^= 1;
        assert_eq!(read_tfrecords(&corrupt).unwrap_err().kind(), io::ErrorKind::InvalidData);
        let mut corrupt = stream.clone();
        corrupt[3] ^= 1;
        assert!(read_tfrecords(&corrupt).is_err());
        assert!(read_tfrecords(&stream[..stream.len() - 1]).is_err());
    }

    #[test]
    fn hostname_is_file_name_safe() {
        let h = hostname();
        assert!(!h.is_empty());
        assert!(!h.contains('/'));
    }
}
