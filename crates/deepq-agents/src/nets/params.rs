//! Parameter plumbing every learner needs: named export for safetensors checkpoints, loading by
//! name (optionally restoring parameter ids, which key the optimizer state), Polyak averaging.

use crate::checkpoint::Tensor as StoredTensor;
use burn::module::{Module, ModuleMapper, ModuleVisitor, Param, ParamId};
use burn::prelude::*;
use std::collections::HashMap;

/// Every float parameter of `module`: its dotted path, its id and, when `with_values`, its
/// values as a stored tensor.
fn collect_params<M: Module>(module: &M, with_values: bool) -> Vec<(String, u64, Option<StoredTensor>)> {
    struct Collect {
        path: Vec<String>,
        with_values: bool,
        out: Vec<(String, u64, Option<StoredTensor>)>,
    }
    impl ModuleVisitor for Collect {
        fn enter_module(&mut self, name: &str, _container: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container: &str) {
            self.path.pop();
        }
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            let stored = self.with_values.then(|| {
                let t = param.val();
                let shape = t.dims().to_vec();
                let values: Vec<f32> = t.into_data().try_into_vec_as::<f32>().expect("f32 data");
                StoredTensor::f32(shape, &values)
            });
            self.out.push((self.path.join("."), param.id.val(), stored));
        }
    }
    let mut c = Collect { path: Vec::new(), with_values, out: Vec::new() };
    module.visit(&mut c);
    c.out
}

/// The [`ParamId`] of every float parameter by its dotted path (optimizer
/// state is keyed by these ids, so a resumed run restores them).
pub fn param_ids<M: Module>(module: &M) -> Vec<(String, u64)> {
    collect_params(module, false).into_iter().map(|(path, id, _)| (path, id)).collect()
}

/// Every float parameter of `module` by its dotted path (`hidden.0.weight`, `head.bias`, ...),
/// as stored tensors (f32, burn's layout: linear weights are `[in, out]`).
pub fn named_params<M: Module>(module: &M) -> Vec<(String, StoredTensor)> {
    collect_params(module, true).into_iter().map(|(path, _, t)| (path, t.expect("values collected"))).collect()
}

/// Replaces every float parameter of `module` with the stored tensor of the same path
/// (`prefix` + path). Errors name a missing tensor or a shape mismatch.
pub fn load_params<M: Module>(module: M, tensors: &HashMap<String, StoredTensor>, prefix: &str) -> Result<M, String> {
    load_params_with_ids(module, tensors, prefix, None)
}

/// Like [`load_params`], and when `ids` is given also restores each parameter's id (by path).
pub fn load_params_with_ids<M: Module>(
    module: M,
    tensors: &HashMap<String, StoredTensor>,
    prefix: &str,
    ids: Option<&HashMap<String, u64>>,
) -> Result<M, String> {
    struct Load<'a> {
        path: Vec<String>,
        prefix: &'a str,
        tensors: &'a HashMap<String, StoredTensor>,
        ids: Option<&'a HashMap<String, u64>>,
        error: Option<String>,
    }
    impl ModuleMapper for Load<'_> {
        fn enter_module(&mut self, name: &str, _container: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container: &str) {
            self.path.pop();
        }
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let name = format!("{}{}", self.prefix, self.path.join("."));
            let Some(stored) = self.tensors.get(&name) else {
                self.error.get_or_insert(format!("tensor '{name}' is missing"));
                return param;
            };
            let expected = param.val().dims().to_vec();
            if stored.shape != expected {
                self.error.get_or_insert(format!(
                    "tensor '{name}' has shape {:?} but the network expects {:?} (different architecture?)",
                    stored.shape, expected
                ));
                return param;
            }
            let values = stored.to_f32();
            let restored_id = self.ids.and_then(|ids| ids.get(&self.path.join(".")).copied());
            let (id, old, mapper) = param.consume();
            let t = Tensor::<D>::from_data(TensorData::new(values, expected), &old.device());
            let t = if old.is_require_grad() { t.require_grad() } else { t };
            let id = restored_id.map(ParamId::from).unwrap_or(id);
            Param::from_mapped_value(id, t, mapper)
        }
    }
    let mut loader = Load { path: Vec::new(), prefix, tensors, ids, error: None };
    let module = module.map(&mut loader);
    match loader.error {
        Some(e) => Err(e),
        None => Ok(module),
    }
}

/// Polyak averaging: `target <- tau * online + (1 - tau) * target`, parameter by parameter.
/// `online` must have the same architecture (typically `online_model.valid()`).
pub fn soft_update<M: Module>(target: M, online: &M, tau: f64) -> M {
    struct Flatten {
        out: Vec<Tensor<1>>,
    }
    impl ModuleVisitor for Flatten {
        fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
            self.out.push(param.val().flatten(0, D - 1));
        }
    }
    struct Blend {
        sources: std::vec::IntoIter<Tensor<1>>,
        tau: f64,
    }
    impl ModuleMapper for Blend {
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let src = self.sources.next().expect("online and target have the same parameters");
            let tau = self.tau;
            param.map(|t| {
                let shape = t.dims();
                t.mul_scalar(1.0 - tau) + src.reshape(shape).mul_scalar(tau)
            })
        }
    }
    let mut flat = Flatten { out: Vec::new() };
    online.visit(&mut flat);
    target.map(&mut Blend { sources: flat.out.into_iter(), tau })
}

/// The same module with every float parameter's id derived from its dotted path (FNV-1a), so a
/// run's parameter ids, and the optimizer state keyed by them, are the same every time (burn
/// draws ids at random).
pub fn with_path_ids<M: Module>(module: M) -> M {
    struct Ids {
        path: Vec<String>,
    }
    impl ModuleMapper for Ids {
        fn enter_module(&mut self, name: &str, _container: &str) {
            self.path.push(name.to_string());
        }
        fn exit_module(&mut self, _name: &str, _container: &str) {
            self.path.pop();
        }
        fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
            let id = self
                .path
                .join(".")
                .bytes()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
            let (_, value, mapper) = param.consume();
            Param::from_mapped_value(ParamId::from(id), value, mapper)
        }
    }
    module.map(&mut Ids { path: Vec::new() })
}
