//! Append-only CSV tables (e.g. `episodes.csv`, `train.csv`).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// One cell of a [`CsvLogger`] row.
///
/// Integers print exactly (`42`, never `42.0`); floats print with [`format_float`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CsvValue {
    /// A signed integer such as an episode index or a step count.
    Int(i64),
    /// An unsigned integer (kept separate so `u64` values above `i64::MAX` stay exact).
    UInt(u64),
    /// A floating-point value such as a return or a loss.
    Float(f64),
}

impl CsvValue {
    /// Appends the textual form of this value to `out`.
    fn write_to(self, out: &mut String) {
        match self {
            CsvValue::Int(v) => {
                let _ = write!(out, "{v}");
            }
            CsvValue::UInt(v) => {
                let _ = write!(out, "{v}");
            }
            CsvValue::Float(v) => out.push_str(&format_float(v)),
        }
    }
}

macro_rules! csv_from_int {
    ($variant:ident as $target:ty: $($t:ty),*) => {
        $(impl From<$t> for CsvValue {
            fn from(v: $t) -> Self {
                CsvValue::$variant(<$target>::from(v))
            }
        })*
    };
}
csv_from_int!(Int as i64: i8, i16, i32, i64);
csv_from_int!(UInt as u64: u8, u16, u32, u64);

impl From<usize> for CsvValue {
    fn from(v: usize) -> Self {
        CsvValue::UInt(v as u64)
    }
}

impl From<isize> for CsvValue {
    fn from(v: isize) -> Self {
        CsvValue::Int(v as i64)
    }
}

impl From<f64> for CsvValue {
    fn from(v: f64) -> Self {
        CsvValue::Float(v)
    }
}

impl From<f32> for CsvValue {
    /// Converts through the shortest decimal form of the `f32`, so `0.1f32` prints as `0.1`
    /// rather than `0.10000000149011612`.
    fn from(v: f32) -> Self {
        let widened = if v.is_finite() { v.to_string().parse::<f64>().unwrap_or(f64::from(v)) } else { f64::from(v) };
        CsvValue::Float(widened)
    }
}

impl From<bool> for CsvValue {
    /// `true` is stored as `1`, `false` as `0`.
    fn from(v: bool) -> Self {
        CsvValue::Int(i64::from(v))
    }
}

/// Formats a float for CSV: the shortest decimal string that parses back to exactly `v`.
///
/// - Magnitudes in `[1e-5, 1e16)` (and zero) use plain notation (`0.25`, `-3`, `123.456`);
///   whole numbers print without a fractional part (`2`, not `2.0`).
/// - Other magnitudes use exponent notation (`1e20`, `1.5e-7`) to stay compact.
/// - NaN prints as `nan`, infinities as `inf` / `-inf`. These spellings are read back as
///   floats by Python's `float()`, pandas and numpy.
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        return "nan".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    let a = v.abs();
    if a == 0.0 || (1e-5..1e16).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Quotes a header cell if it contains a separator, quote or line break (RFC 4180).
fn escape_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// An append-only CSV file with a fixed set of numeric columns.
///
/// The header is written by [`CsvLogger::create`]; each [`CsvLogger::row`] appends one line and
/// flushes it to the operating system, so a crash of the training process loses at most the
/// row being written. (Rows are not `fsync`ed; an OS crash may lose more.)
///
/// ```no_run
/// use deepq_log::{CsvLogger, CsvValue};
/// let mut log = CsvLogger::create("episodes.csv", &["episode", "step", "return"])?;
/// log.row(&[CsvValue::from(0u64), CsvValue::from(200u64), CsvValue::from(21.5)])?;
/// log.row(&[1.0, 412.0, 19.0])?; // plain f64 rows work too
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct CsvLogger {
    out: BufWriter<File>,
    path: PathBuf,
    columns: Vec<String>,
    line: String,
}

impl CsvLogger {
    /// Creates (or truncates) the file at `path` and writes the header line.
    ///
    /// Column names containing `,`, `"` or line breaks are quoted. An empty column list is
    /// rejected with [`io::ErrorKind::InvalidInput`].
    pub fn create(path: impl AsRef<Path>, columns: &[&str]) -> io::Result<Self> {
        if columns.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "CsvLogger needs at least one column"));
        }
        let path = path.as_ref().to_path_buf();
        let mut out = BufWriter::new(File::create(&path)?);
        let header: Vec<String> = columns.iter().map(|c| escape_field(c)).collect();
        out.write_all(header.join(",").as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()?;
        Ok(Self { out, path, columns: columns.iter().map(|c| c.to_string()).collect(), line: String::new() })
    }

    /// Continues an existing CSV after a resumed run: keeps the header (which must list exactly
    /// `columns`) and the rows whose first column is at most `keep_until` (rows written after the
    /// checkpoint the run resumes from are dropped), then appends new rows. A missing file is
    /// created as by [`CsvLogger::create`].
    pub fn resume(path: impl AsRef<Path>, columns: &[&str], keep_until: f64) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Self::create(&path, columns),
            Err(e) => return Err(e),
        };
        let header: Vec<String> = columns.iter().map(|c| escape_field(c)).collect();
        let header = header.join(",");
        let mut lines = text.lines();
        if lines.next() != Some(header.as_str()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} has other columns than this run; cannot resume it", path.display()),
            ));
        }
        let mut kept = String::with_capacity(text.len());
        kept.push_str(&header);
        kept.push('\n');
        for line in lines {
            let first = line.split(',').next().unwrap_or("");
            match first.parse::<f64>() {
                Ok(v) if v <= keep_until => {
                    kept.push_str(line);
                    kept.push('\n');
                }
                _ => break,
            }
        }
        crate::atomic_write(&path, kept.as_bytes())?;
        let file = std::fs::OpenOptions::new().append(true).open(&path)?;
        Ok(Self {
            out: BufWriter::new(file),
            path,
            columns: columns.iter().map(|c| c.to_string()).collect(),
            line: String::new(),
        })
    }

    /// Appends one row and flushes it.
    ///
    /// `values` may be a slice of [`CsvValue`] (for mixed integer/float rows) or of anything
    /// convertible into one, e.g. `&[f64]`. Its length must equal the number of columns,
    /// otherwise [`io::ErrorKind::InvalidInput`] is returned and nothing is written.
    pub fn row<V: Copy + Into<CsvValue>>(&mut self, values: &[V]) -> io::Result<()> {
        if values.len() != self.columns.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "CSV row for {} has {} values but the file has {} columns",
                    self.path.display(),
                    values.len(),
                    self.columns.len()
                ),
            ));
        }
        self.line.clear();
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            (*v).into().write_to(&mut self.line);
        }
        self.line.push('\n');
        self.out.write_all(self.line.as_bytes())?;
        self.out.flush()
    }

    /// Flushes buffered data to the operating system (rows are already flushed by
    /// [`CsvLogger::row`]; this exists for symmetry with the other writers).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// The column names, as given to [`CsvLogger::create`].
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// The path of the CSV file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("deepq-log-csv-{name}-{}.csv", std::process::id()))
    }

    #[test]
    fn float_formatting_is_compact_and_round_trips() {
        assert_eq!(format_float(0.0), "0");
        assert_eq!(format_float(-0.0), "-0");
        assert_eq!(format_float(2.0), "2");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(-123.456), "-123.456");
        assert_eq!(format_float(1e20), "1e20");
        assert_eq!(format_float(1.5e-7), "1.5e-7");
        assert_eq!(format_float(f64::NAN), "nan");
        assert_eq!(format_float(f64::INFINITY), "inf");
        assert_eq!(format_float(f64::NEG_INFINITY), "-inf");
        for v in [
            0.1 + 0.2,
            std::f64::consts::PI,
            1.0 / 3.0,
            -2.5e-300,
            f64::MAX,
            f64::MIN_POSITIVE,
            123_456_789.123_456_79,
            9.999_999_999_999_998e15,
            1e16,
            1e-5,
            9.99e-6,
        ] {
            let s = format_float(v);
            assert_eq!(s.parse::<f64>().unwrap(), v, "{s}");
            assert!(s.len() <= 24, "{s}");
        }
    }

    #[test]
    fn values_convert_with_the_right_kind() {
        assert_eq!(CsvValue::from(3u64), CsvValue::UInt(3));
        assert_eq!(CsvValue::from(3usize), CsvValue::UInt(3));
        assert_eq!(CsvValue::from(-3i32), CsvValue::Int(-3));
        assert_eq!(CsvValue::from(true), CsvValue::Int(1));
        assert_eq!(CsvValue::from(0.1f32), CsvValue::Float(0.1));
        assert_eq!(CsvValue::from(1.5f64), CsvValue::Float(1.5));
        assert!(matches!(CsvValue::from(f32::NAN), CsvValue::Float(v) if v.is_nan()));
    }

    #[test]
    fn writes_header_and_mixed_rows() {
        let path = temp_path("mixed");
        let mut log = CsvLogger::create(&path, &["episode", "step", "return", "odd,name"]).unwrap();
        log.row(&[CsvValue::from(0u64), CsvValue::from(500usize), CsvValue::from(21.25), CsvValue::from(f64::NAN)])
            .unwrap();
        log.row(&[1.0, 2.0, 0.1 + 0.2, -1e-9]).unwrap();
        log.row(&[CsvValue::Int(-7), CsvValue::UInt(u64::MAX), 1e300.into(), 0.5f32.into()]).unwrap();
        // Rows are flushed immediately: readable while the logger is still alive.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "episode,step,return,\"odd,name\"\n\
             0,500,21.25,nan\n\
             1,2,0.30000000000000004,-1e-9\n\
             -7,18446744073709551615,1e300,0.5\n"
        );
        assert_eq!(log.columns().len(), 4);
        drop(log);
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn wrong_row_length_is_rejected_without_writing() {
        let path = temp_path("len");
        let mut log = CsvLogger::create(&path, &["a", "b"]).unwrap();
        let err = log.row(&[1.0]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n");
        assert!(CsvLogger::create(&path, &[]).is_err());
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn resume_drops_rows_after_the_checkpoint_and_appends() {
        let dir = std::env::temp_dir().join(format!("deepq-csv-resume-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("m.csv");
        let mut log = CsvLogger::create(&path, &["step", "v"]).unwrap();
        for step in [10u64, 20, 30, 40] {
            log.row(&[CsvValue::from(step), CsvValue::from(1.5)]).unwrap();
        }
        drop(log);
        let mut log = CsvLogger::resume(&path, &["step", "v"], 25.0).unwrap();
        log.row(&[CsvValue::from(26u64), CsvValue::from(2.0)]).unwrap();
        drop(log);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "step,v\n10,1.5\n20,1.5\n26,2\n");
        assert!(CsvLogger::resume(&path, &["other"], 1.0).is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
