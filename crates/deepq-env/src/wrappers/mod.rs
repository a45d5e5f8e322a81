//! Reusable environment wrappers.

mod time_limit;

pub use time_limit::TimeLimit;
