//! Per-group cargo features ([`crate::Options::group_features`]).
//!
//! Every group of operations (every node of the group tree: `customers`,
//! `customers.members`, ...) has a feature, named by its path
//! (`polar-customers-members`), which enables its subgroups' features and
//! gates the group's own operations and every type module they reach
//! (computed by [`crate::ir::reach`]). A group's struct and accessor exist when
//! any feature of its subtree is on. Type modules no operation reaches are
//! gated by the API's own feature, which enables every top-level group.
//!
//! Gating is per type module (a component schema with its inline types), in
//! `types/mod.rs`; a type a narrower set of features reaches than its module
//! (a merged type serving many groups beside types serving one) carries its
//! own `#[cfg]` on its items and re-export.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;

use super::common::cfg_any;
use crate::ir::reach::{closure, op_roots};
use crate::ir::{Api, Operation, TypeId};
use crate::naming::{self, Scope};
use crate::GroupFeature;

/// Which feature gates what; empty when the API has no per-group features.
pub struct Features {
    prefix: Option<String>,
    /// Feature of each group path (`[]` for operations outside any group),
    /// with its own operation count.
    groups: BTreeMap<Vec<String>, (String, usize)>,
    /// Features needing each type module.
    modules: BTreeMap<String, BTreeSet<String>>,
    /// Features needing each type, by type id.
    types: Vec<BTreeSet<String>>,
}

impl Features {
    /// Computes the features of `api`.
    pub fn new(api: &Api, options: &crate::Options) -> Self {
        let Some(prefix) = options.group_features.clone() else {
            return Features {
                prefix: None,
                groups: BTreeMap::new(),
                modules: BTreeMap::new(),
                types: Vec::new(),
            };
        };
        // Every group path with its direct operations, parents included.
        let mut direct: BTreeMap<Vec<String>, Vec<&Operation>> = BTreeMap::new();
        for op in &api.operations {
            for depth in 1..op.groups.len() {
                direct
                    .entry(op.groups.iter().take(depth).cloned().collect())
                    .or_default();
            }
            direct.entry(op.groups.clone()).or_default().push(op);
        }
        let mut names = Scope::default();
        let mut groups = BTreeMap::new();
        for (path, ops) in &direct {
            let words: Vec<String> = if path.is_empty() {
                vec!["root".to_owned()]
            } else {
                path.iter()
                    .map(|g| naming::file_stem(g).replace('_', "-"))
                    .collect()
            };
            let feature = names.claim(format!("{prefix}-{}", words.join("-")));
            groups.insert(path.clone(), (feature, ops.len()));
        }
        let mut types = vec![BTreeSet::new(); api.types.len()];
        for (path, ops) in &direct {
            let Some((feature, _)) = groups.get(path) else {
                continue;
            };
            for id in closure(api, op_roots(ops.iter().copied())) {
                if let Some(set) = types.get_mut(id.0) {
                    set.insert(feature.clone());
                }
            }
        }
        let mut modules: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (t, features) in api.types.iter().zip(&mut types) {
            if features.is_empty() {
                features.insert(prefix.clone());
            }
            modules
                .entry(t.module.clone())
                .or_default()
                .extend(features.iter().cloned());
        }
        Features {
            prefix: Some(prefix),
            groups,
            modules,
            types,
        }
    }

    /// The group features, parents before their subgroups, for `Cargo.toml`.
    pub fn list(&self) -> Vec<GroupFeature> {
        self.groups
            .iter()
            .map(|(path, (feature, n))| {
                let enables = self
                    .groups
                    .iter()
                    .filter(|(p, _)| p.len() == path.len() + 1 && p.starts_with(path))
                    .map(|(_, (f, _))| f.clone())
                    .collect::<Vec<_>>();
                let what = if path.is_empty() {
                    "operations outside any group".to_owned()
                } else {
                    let chain: Vec<String> = path
                        .iter()
                        .map(|g| format!("{}()", naming::file_stem(g)))
                        .collect();
                    format!("`client.{}`", chain.join("."))
                };
                let mut doc = match n {
                    0 => what,
                    1 => format!("{what}: 1 operation and the types it uses"),
                    n => format!("{what}: {n} operations and the types they use"),
                };
                if !enables.is_empty() {
                    doc.push_str(", with its subgroups");
                }
                GroupFeature {
                    name: feature.clone(),
                    enables,
                    top_level: path.len() <= 1,
                    doc,
                }
            })
            .collect()
    }

    /// The `#[cfg]` of the operations of the group at `path`.
    pub fn cfg_ops_of(&self, path: &[String]) -> TokenStream {
        self.gate(self.groups.get(path).map(|(f, _)| f.clone()))
    }

    /// The `#[cfg]` of the group at `path` itself (its struct, accessor and
    /// file): on when any group of its subtree is.
    pub fn cfg_group(&self, path: &[String]) -> TokenStream {
        self.gate(
            self.groups
                .iter()
                .filter(|(p, _)| p.starts_with(path) && (!path.is_empty() || p.is_empty()))
                .map(|(_, (f, _))| f.clone()),
        )
    }

    /// The `#[cfg]` of code needed by any of `ops`.
    pub fn cfg_ops<'o>(&self, ops: impl IntoIterator<Item = &'o Operation>) -> TokenStream {
        let groups: Vec<&[String]> = ops.into_iter().map(|op| op.groups.as_slice()).collect();
        self.gate(
            groups
                .into_iter()
                .filter_map(|g| self.groups.get(g).map(|(f, _)| f.clone())),
        )
    }

    /// The `#[cfg]` of what needs every type of the API (the webhooks
    /// module): the API's own feature.
    pub fn cfg_whole_api(&self) -> TokenStream {
        match &self.prefix {
            Some(prefix) => quote::quote! { #[cfg(feature = #prefix)] },
            None => TokenStream::new(),
        }
    }

    /// The `#[cfg]` of a type module.
    pub fn cfg_module(&self, module: &str) -> TokenStream {
        self.gate(self.modules.get(module).into_iter().flatten().cloned())
    }

    /// The `#[cfg]` of type `id` when it is narrower than its module's.
    pub fn cfg_type_within(&self, id: TypeId, module: &str) -> Option<TokenStream> {
        let own = self.types.get(id.0)?;
        (self.modules.get(module) != Some(own)).then(|| self.gate(own.iter().cloned()))
    }

    fn gate(&self, features: impl IntoIterator<Item = String>) -> TokenStream {
        match self.prefix {
            None => TokenStream::new(),
            Some(_) => cfg_any(Some(&features.into_iter().collect())),
        }
    }
}
