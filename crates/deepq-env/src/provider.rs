//! Environment providers: a hook through which other crates add ids to the registry at run time.
//!
//! `deepq-env` stays free of optional heavy (or differently licensed) code: a crate such as
//! `deepq-atari` implements [`EnvProvider`] and calls [`register_provider`] once (its own
//! `register()` does that). From then on [`crate::make_with`] builds the provider's ids, and
//! [`crate::registry::specs`] lists them.

use crate::env::{Env, EnvError};
use crate::spec::{EnvKwargs, EnvSpec};
use std::sync::{OnceLock, RwLock};

/// A source of environments that the registry consults for ids it does not know itself.
pub trait EnvProvider: Send + Sync {
    /// Builds `id` with `kwargs`, or returns `None` when `id` is not one of this provider's ids
    /// (so that the registry can ask the next provider or report an unknown id).
    fn make(&self, id: &str, kwargs: &EnvKwargs) -> Option<Result<Box<dyn Env>, EnvError>>;
    /// The ids this provider lists in [`crate::registry::specs`] (it may accept more ids in
    /// [`EnvProvider::make`], e.g. every game of a family by name).
    fn ids(&self) -> Vec<EnvSpec>;
    /// A short name for the provider (used to avoid registering the same provider twice).
    fn name(&self) -> &'static str {
        "unnamed"
    }
    /// Whether `id` is one of this provider's ids, listed or not (e.g. every Atari game in
    /// every id form ale-py registers).
    fn accepts(&self, _id: &str) -> bool {
        false
    }
    /// Every id this provider accepts (`deepq envs --all`); by default the listed ones.
    fn all_ids(&self) -> Vec<String> {
        self.ids().into_iter().map(|s| s.id.to_string()).collect()
    }
}

/// Whether a registered provider accepts `id`.
pub fn accepted(id: &str) -> bool {
    let list = providers().read().unwrap_or_else(|e| e.into_inner());
    list.iter().any(|p| p.accepts(id))
}

/// Every id of every registered provider.
pub fn all_ids() -> Vec<String> {
    let list = providers().read().unwrap_or_else(|e| e.into_inner());
    list.iter().flat_map(|p| p.all_ids()).collect()
}

fn providers() -> &'static RwLock<Vec<Box<dyn EnvProvider>>> {
    static PROVIDERS: OnceLock<RwLock<Vec<Box<dyn EnvProvider>>>> = OnceLock::new();
    PROVIDERS.get_or_init(|| RwLock::new(Vec::new()))
}

/// Registers `provider` process-wide. A provider whose [`EnvProvider::name`] is already
/// registered (other than the default `"unnamed"`) is ignored, so calling a crate's `register()`
/// more than once is harmless.
pub fn register_provider(provider: Box<dyn EnvProvider>) {
    let mut list = providers().write().unwrap_or_else(|e| e.into_inner());
    let name = provider.name();
    if name != "unnamed" && list.iter().any(|p| p.name() == name) {
        return;
    }
    list.push(provider);
}

/// Asks the registered providers, in registration order, to build `id`.
pub(crate) fn make(id: &str, kwargs: &EnvKwargs) -> Option<Result<Box<dyn Env>, EnvError>> {
    let list = providers().read().unwrap_or_else(|e| e.into_inner());
    list.iter().find_map(|p| p.make(id, kwargs))
}

/// The specs listed by all registered providers.
pub(crate) fn specs() -> Vec<EnvSpec> {
    let list = providers().read().unwrap_or_else(|e| e.into_inner());
    list.iter().flat_map(|p| p.ids()).collect()
}

/// Whether any provider is registered (e.g. the Atari one, with the `atari` feature).
pub fn any_registered() -> bool {
    providers().read().map(|p| !p.is_empty()).unwrap_or(false)
}

/// Whether `id` is, or has the shape of, an Atari id (`<Game>NoFrameskip-v4`, `ALE/<Game>-v5`,
/// Gym's old `<Game>Deterministic-v4`, or any id a registered provider accepts, such as `Pong-v0`).
pub fn looks_like_atari(id: &str) -> bool {
    id.starts_with("ALE/")
        || ["NoFrameskip-v4", "NoFrameskip-v0", "Deterministic-v4", "Deterministic-v0"].iter().any(|s| id.ends_with(s))
        || accepted(id)
}

/// The error for an id of an Atari shape that no registered provider makes (e.g. Gym's
/// `PongDeterministic-v4`, which ale-py no longer registers, or `ALE/Pong-v4`).
pub(crate) fn unmade_atari_id(id: &str) -> EnvError {
    let deterministic = if id.contains("Deterministic") {
        " (ale-py dropped Gym's Deterministic ids: <Game>NoFrameskip-v4 with the atari wrapper skips 4 frames as they did)"
    } else {
        ""
    };
    EnvError::Other(format!(
        "'{id}' is not an Atari id that ale-py 0.12.1 registers{deterministic}; use the shapes ALE/<Game>-v5, <Game>NoFrameskip-v4, <Game>-v4, <Game>NoFrameskip-v0 or <Game>-v0, e.g. PongNoFrameskip-v4 (`deepq envs --all` lists every id)"
    ))
}
