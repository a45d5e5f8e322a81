//! The compute devices of a learner.

use burn::prelude::*;

/// The compute devices: autodiff for learning, plain for acting and targets.
#[derive(Clone)]
pub struct Devices {
    /// Device with autodiff (the online network's).
    pub train: Device,
    /// The same device without autodiff.
    pub infer: Device,
}

impl Devices {
    /// The default CPU backend (burn's flex).
    pub fn cpu() -> Self {
        Self::on(Device::flex())
    }

    /// Learning and acting on `device` (autodiff added for learning).
    pub fn on(device: Device) -> Self {
        Self { train: device.clone().autodiff(), infer: device }
    }

    /// The device named `cpu` (burn's flex backend, always available), `cuda` or `wgpu`
    /// (only when deepq is built with the cargo feature of the same name).
    pub fn by_name(name: &str) -> Result<Self, String> {
        match name {
            "cpu" | "flex" => Ok(Self::cpu()),
            #[cfg(feature = "cuda")]
            "cuda" => Ok(Self::on(Device::cuda(0))),
            #[cfg(feature = "wgpu")]
            "wgpu" => Ok(Self::on(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice))),
            "cuda" | "wgpu" => Err(format!(
                "device '{name}' needs deepq built with the `{name}` cargo feature (cargo build --release --features {name})"
            )),
            other => Err(format!("unknown device '{other}'; known: cpu, cuda, wgpu")),
        }
    }
}
