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
//!
//! An API with webhooks also has a feature for receiving them
//! (`polar-webhook-events`): the `webhooks` module and the types its payloads
//! reach, without any operation, so a webhook receiver does not build the
//! whole API. It is listed with the top-level groups (the API's feature
//! enables it) and claimed after them, so a group's feature keeps its name.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;

use super::common::cfg_any;
use crate::ir::reach::{closure, named_in, op_roots};
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
    /// The feature of the `webhooks` module, when the API has webhooks.
    webhooks: Option<String>,
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
                webhooks: None,
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
        let webhooks =
            (!api.webhooks.is_empty()).then(|| names.claim(format!("{prefix}-webhook-events")));
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
        if let Some(feature) = &webhooks {
            let roots = named_in(api.webhooks.iter().map(|w| &w.payload));
            for id in closure(api, roots) {
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
            webhooks,
        }
    }

    /// The group features, parents before their subgroups, then the webhook
    /// events' feature, for `Cargo.toml`.
    pub fn list(&self) -> Vec<GroupFeature> {
        let webhooks = self.webhooks.iter().map(|name| GroupFeature {
            name: name.clone(),
            enables: Vec::new(),
            top_level: true,
            doc: "the `webhooks` module: receiving and verifying the events the API sends \
                  (`Event`, its payload types), without any operation"
                .to_owned(),
        });
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
            .chain(webhooks)
            .collect()
    }

    /// Every feature with the features it enables (the API's own feature
    /// enables the top-level groups and the webhook events), for the surface.
    pub fn enables(&self) -> BTreeMap<String, Vec<String>> {
        let Some(prefix) = &self.prefix else {
            return BTreeMap::new();
        };
        let list = self.list();
        let top = list
            .iter()
            .filter(|g| g.top_level)
            .map(|g| g.name.clone())
            .collect();
        list.into_iter()
            .map(|g| (g.name, g.enables))
            .chain(std::iter::once((prefix.clone(), top)))
            .collect()
    }

    /// The features whose `#[cfg]` compiles type `id` (sorted; empty without
    /// per-group features).
    pub fn of_type(&self, id: TypeId) -> Vec<String> {
        self.types
            .get(id.0)
            .map(|set| set.iter().cloned().collect())
            .unwrap_or_default()
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

    /// The webhook events' feature, when the API has one.
    pub fn webhooks(&self) -> Option<&str> {
        self.webhooks.as_deref()
    }

    /// The `#[cfg]` of the `webhooks` module: the webhook events' feature.
    pub fn cfg_webhooks(&self) -> TokenStream {
        self.gate(self.webhooks.iter().cloned())
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.1.0
info: {title: Shop, version: "1"}
paths:
  /orders:
    get:
      tags: [orders]
      operationId: listOrders
      responses:
        "200":
          description: The orders.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Order"}
webhooks:
  parcel.shipped:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: "#/components/schemas/ParcelShipped"}
      responses: {"200": {description: Received.}}
components:
  schemas:
    Order:
      type: object
      properties: {id: {type: string}, parcel: {$ref: "#/components/schemas/Parcel"}}
    ParcelShipped:
      type: object
      required: [kind, parcel]
      properties: {kind: {const: parcel.shipped}, parcel: {$ref: "#/components/schemas/Parcel"}}
    Parcel:
      type: object
      properties: {code: {type: string}}
    Unused:
      type: object
      properties: {note: {type: string}}
"##;

    #[test]
    fn webhook_payloads_have_a_feature_of_their_own_beside_the_groups() {
        let options = crate::Options {
            group_features: Some("shop".into()),
            ..crate::Options::default()
        };
        let api = crate::build_ir(SPEC.as_bytes(), &options).unwrap();
        let features = Features::new(&api, &options);
        let list: Vec<(String, bool)> = features
            .list()
            .into_iter()
            .map(|f| (f.name, f.top_level))
            .collect();
        assert_eq!(
            list,
            [
                ("shop-orders".to_owned(), true),
                ("shop-webhook-events".to_owned(), true)
            ]
        );
        let gates = |module: &str| features.cfg_module(module).to_string();
        assert_eq!(gates("order"), r#"# [cfg (feature = "shop-orders")]"#);
        assert_eq!(
            gates("parcel_shipped"),
            r#"# [cfg (feature = "shop-webhook-events")]"#
        );
        assert_eq!(
            gates("parcel"),
            r#"# [cfg (any (feature = "shop-orders" , feature = "shop-webhook-events"))]"#
        );
        assert_eq!(gates("unused"), r#"# [cfg (feature = "shop")]"#);
        assert_eq!(
            features.cfg_webhooks().to_string(),
            r#"# [cfg (feature = "shop-webhook-events")]"#
        );
    }
}
