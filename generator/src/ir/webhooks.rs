//! Webhooks (OpenAPI 3.1 `webhooks`): what the API sends to its users'
//! endpoints. Each webhook's request body is its payload type; together they
//! become one event enum ([`Webhook`]s in [`Api::webhooks`]), dispatched on
//! the property every payload has as a distinct constant (`type:
//! "order.paid"`, [`Api::webhook_tag`]) when there is one.

use openapiv3::Operation;
use serde_json::Value;

use super::context::{deref, Lowerer, Target};
use super::*;
use crate::error::{Pointer, Result};
use crate::naming::{self, Scope};

/// Lowers every webhook's payload; `settle` finds the shared tag once types are final.
pub(super) fn lower(lw: &mut Lowerer<'_>) -> Result<Vec<Webhook>> {
    let Some(webhooks) = lw.raw.get("webhooks").and_then(Value::as_object) else {
        return Ok(Vec::new());
    };
    let root = Pointer::root().join("webhooks");
    let mut names = Scope::with_reserved(&["Unknown"]);
    let mut out = Vec::new();
    for (name, item) in webhooks {
        let mut at = root.join(name);
        let item = match item.get("$ref").and_then(Value::as_str) {
            // A path item in `components/pathItems`: read there.
            Some(r) => match r.strip_prefix('#').and_then(|p| lw.raw.pointer(p)) {
                Some(found) => {
                    at = Pointer::from_ref(r).unwrap_or(at);
                    found
                }
                None => item,
            },
            None => item,
        };
        let Some((method, op)) = METHODS.iter().find_map(|m| item.get(*m).map(|op| (*m, op)))
        else {
            lw.warn(&at, "a webhook without an operation: no event for it");
            continue;
        };
        let op_at = at.join(method);
        let op: Operation = match serde_json::from_value(op.clone()) {
            Ok(op) => op,
            Err(e) => return Err(crate::Error::invalid(&op_at, e.to_string())),
        };
        let rust_name = names.claim(naming::type_name(name, "Event"));
        let mut schema_at = None;
        let payload = match &op.request_body {
            Some(body) => {
                let body_at = op_at.join("requestBody");
                let doc = lw.doc;
                let components = doc.components.as_ref();
                let (body, body_at) = deref(
                    body,
                    "requestBodies",
                    |n| components.and_then(|c| c.request_bodies.get(n)),
                    lw.raw,
                    &body_at,
                )?;
                let json = body
                    .content
                    .iter()
                    .find(|(m, _)| Media::of(m, &TypeRef::Any) == Media::Json);
                match json.and_then(|(m, mt)| mt.schema.as_ref().map(|s| (m, s))) {
                    Some((media, _)) => {
                        let module = lw.modules.claim(naming::module_name(
                            &format!("{rust_name}_webhook"),
                            "webhook",
                        ));
                        let target = Target::Inline {
                            hint: format!("{rust_name}Payload"),
                            module,
                        };
                        let s_at = body_at.join("content").join(media).join("schema");
                        schema_at = Some(s_at.to_string());
                        lw.lower_at(&s_at, target, false)?
                    }
                    None => {
                        lw.warn(
                            &body_at,
                            "a webhook without a JSON body schema: its event holds the JSON as received",
                        );
                        TypeRef::Any
                    }
                }
            }
            None => {
                lw.warn(
                    &op_at,
                    "a webhook without a request body: its event holds the JSON as received",
                );
                TypeRef::Any
            }
        };
        out.push(Webhook {
            name: name.clone(),
            rust_name,
            docs: Docs {
                title: op
                    .summary
                    .clone()
                    .filter(|s| naming::value_name(s, "") != naming::value_name(name, "")),
                description: op.description.clone(),
                deprecated: op.deprecated,
                notes: Vec::new(),
            },
            payload,
            schema: schema_at,
            tag_values: Vec::new(),
            origin: at.to_string(),
        });
    }
    Ok(out)
}

/// Finds the property every payload has as a distinct constant and records
/// each webhook's value of it; `None` when there is no such property.
pub(super) fn settle(types: &[TypeDef], webhooks: &mut [Webhook]) -> Option<String> {
    let variants: Vec<Variant> = webhooks
        .iter()
        .map(|w| Variant {
            rust_name: w.rust_name.clone(),
            tag_values: Vec::new(),
            ty: w.payload.clone(),
            schemas: Vec::new(),
            format: None,
        })
        .collect();
    // Events are told apart by text (`order.paid`), required in every payload.
    let (tag, scalar, values) = super::unions::const_tag(types, &variants)?;
    let required = webhooks.iter().all(|w| {
        super::resolve_named(types, &w.payload).is_some_and(|id| match &lookup(types, id).kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .any(|f| f.wire_name == tag && f.presence == Presence::Required),
            _ => false,
        })
    });
    if scalar != Scalar::String || !required {
        return None;
    }
    for (w, v) in webhooks.iter_mut().zip(values) {
        w.tag_values = v;
    }
    Some(tag)
}

const METHODS: &[&str] = &["post", "put", "patch", "get", "delete"];
