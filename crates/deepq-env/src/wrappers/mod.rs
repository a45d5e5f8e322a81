//! Reusable environment wrappers.

mod time_limit;
pub mod tutorial_screen;

pub use time_limit::TimeLimit;
pub use tutorial_screen::{ScreenMode, TutorialScreen};
