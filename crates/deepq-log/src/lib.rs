//! Writers for the files of a deepq training run's directory.
//!
//! This crate deliberately has no deep-learning dependency so that it compiles quickly.
//! It provides:
//!
//! - [`atomic_write`] and [`write_json_atomic`]: crash-safe whole-file writes (temp file in the
//!   same directory, fsync, rename), used for summaries, configs and checkpoints.
//! - [`CsvLogger`]: an append-only CSV table that is flushed after every row.
//! - [`TensorBoardWriter`]: a hand-rolled TensorBoard event-file writer for scalar summaries.
//! - [`plot_series`], [`plot_returns`] and [`plot_chart`]: PNG line and scatter charts rendered
//!   in pure Rust with an embedded font, so they work on machines without system fonts.
//! - [`Picture`] and [`write_labelled_png`]: images (observations side by side) with captions.
//! - [`plot_histogram`]: PNG histograms in the same style (the final evaluation's returns).
//! - [`moving_mean`]: trailing moving average used by the return plots.
//! - [`record_video`], [`GifRecorder`] and [`Mp4Recorder`]: episode videos as animated GIFs
//!   (pure Rust) or MP4s (through an external `ffmpeg`).

#![warn(missing_docs)]

mod atomic;
mod csv;
mod hist;
mod picture;
mod plot;
mod stats;
mod tensorboard;
mod text_backend;
mod video;

pub use atomic::{atomic_write, check_writable_destination, write_json_atomic, PAUSE_WRITE_NOTE, PAUSE_WRITE_VAR};
pub use csv::{format_float, CsvLogger, CsvValue};
pub use hist::{histogram_bins, plot_histogram, plot_histogram_sized, Bins};
pub use picture::{write_labelled_png, write_png, Picture};
pub use plot::{
    plot_chart, plot_returns, plot_returns_sized, plot_series, plot_series_sized, Series, SeriesStyle,
    DEFAULT_PLOT_SIZE, RETURNS_WINDOW,
};
pub use stats::{first_full_window_reaching, moving_mean, seed_band, SeedBand};
pub use tensorboard::{encode_varint, mask_crc32c, masked_crc32c, read_tfrecords, unmask_crc32c, TensorBoardWriter};
pub use video::{record_video, record_video_with_ffmpeg, GifRecorder, Mp4Recorder, VideoFrame, FFMPEG_MISSING};
