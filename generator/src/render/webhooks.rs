//! `webhooks.rs` of an API with webhooks: the `Event` enum (a variant per
//! webhook holding its payload type, plus `Unknown` keeping the event type
//! and the JSON), its decoding by the shared tag (or, without one, by trying
//! each payload in turn), and `verify`, which checks a delivery's Standard
//! Webhooks signature with the API's key mode before decoding it.

use proc_macro2::TokenStream;
use quote::quote;

use super::common::{doc_attrs, ident, Ctx};
use super::docs;
use crate::ir::*;
use crate::{Options, WebhookKey};

/// The `webhooks.rs` file, or nothing when the API sends no webhooks.
/// `feature` is the cargo feature compiling the module (with per-group features).
pub fn file(ctx: &Ctx<'_>, options: &Options, feature: Option<&str>) -> Option<TokenStream> {
    let api = ctx.api;
    if api.webhooks.is_empty() {
        return None;
    }
    let rt = &ctx.runtime;
    let variants = api.webhooks.iter().map(|w| {
        let v = ident(&w.rust_name);
        let ty = ctx.ty(&w.payload);
        let mut lines = vec![format!(" `{}`", w.name)];
        let text = docs::lines(&w.docs, "", ctx.links);
        if text.iter().any(|l| !l.trim().is_empty()) {
            lines.push(String::new());
            lines.extend(text);
        }
        let doc = doc_attrs(lines);
        quote! { #doc #v(#ty), }
    });
    let types_arms = api.webhooks.iter().map(|w| {
        let v = ident(&w.rust_name);
        let name = &w.name;
        quote! { Self::#v(_) => #name, }
    });
    let timestamp = timestamp_method(api);
    let write_arms = api.webhooks.iter().map(|w| {
        let v = ident(&w.rust_name);
        quote! { Self::#v(payload) => ::serde::Serialize::serialize(payload, serializer), }
    });
    let read = match &api.webhook_tag {
        Some(tag) => {
            let arms = api.webhooks.iter().map(|w| {
                let v = ident(&w.rust_name);
                let values = &w.tag_values;
                // The payload's own decoder, wrapped in its variant: the
                // reading around it is compiled once, not once per event.
                quote! {
                    #( #values )|* => payload(body, &event_type, |r| Decode::decode(r).map(Self::#v)),
                }
            });
            quote! {
                use #rt::{json::Decode, webhooks::payload};
                let ::std::option::Option::Some(event_type) = #rt::webhooks::tag(body, #tag)? else {
                    return ::std::result::Result::Ok(Self::Unknown {
                        event_type: ::std::string::String::new(),
                        payload: #rt::webhooks::json(body)?,
                    });
                };
                match event_type.as_str() {
                    #( #arms )*
                    _ => ::std::result::Result::Ok(Self::Unknown {
                        payload: #rt::webhooks::json(body)?,
                        event_type,
                    }),
                }
            }
        }
        None => {
            let tries = api.webhooks.iter().map(|w| {
                let v = ident(&w.rust_name);
                quote! {
                    if let ::std::result::Result::Ok(payload) = ::serde_json::from_slice(body) {
                        return ::std::result::Result::Ok(Self::#v(payload));
                    }
                }
            });
            quote! {
                #( #tries )*
                ::std::result::Result::Ok(Self::Unknown {
                    event_type: ::std::string::String::new(),
                    payload: #rt::webhooks::json(body)?,
                })
            }
        }
    };
    let dispatch_doc = match &api.webhook_tag {
        Some(tag) => format!(
            " The event is chosen by the body's `{tag}` property; an unknown `{tag}` is [`Event::Unknown`], a body without one too."
        ),
        None => " The payloads share no tag, so each event's payload is tried in turn, and the first that decodes wins; none is [`Event::Unknown`].".to_owned(),
    };
    let key_mode = match options.webhook_key {
        WebhookKey::Standard => quote! { #rt::webhooks::KeyMode::Standard },
        WebhookKey::Utf8 => quote! { #rt::webhooks::KeyMode::Utf8 },
    };
    let key_doc = match options.webhook_key {
        WebhookKey::Standard => " How this API's webhook secrets become keys: the Standard Webhooks way (a `whsec_` prefix dropped, the rest base64-decoded).",
        WebhookKey::Utf8 => " How this API's webhook secrets become keys: the UTF-8 bytes of the secret as given.",
    };
    let module_doc = module_docs(api, options, feature);
    let title = &api.title;
    let event_doc = format!(" An event {title} sends to a webhook endpoint: one variant per webhook, each with its typed payload.");
    Some(quote! {
        #( #![doc = #module_doc] )*

        #[doc = #event_doc]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            #( #variants )*
            /// An event this version of the API description does not know (or a
            /// body without an event type), kept as received so that a receiver
            /// built today keeps working when new events appear.
            Unknown {
                /// Its type as sent; empty when the body has none.
                event_type: ::std::string::String,
                /// The JSON as received.
                payload: ::serde_json::Value,
            },
        }

        impl Event {
            /// The event type as sent (the webhook's name in the API description).
            pub fn event_type(&self) -> &str {
                match self {
                    #( #types_arms )*
                    Self::Unknown { event_type, .. } => event_type,
                }
            }

            #timestamp

            /// Decodes the body of a delivery already verified (see [`verify`]).
            ///
            #[doc = #dispatch_doc]
            pub fn from_json(body: &[u8]) -> ::std::result::Result<Self, #rt::webhooks::WebhookError> {
                #read
            }

            /// [`Event::from_json`] of a body already parsed.
            pub fn from_value(value: ::serde_json::Value) -> ::std::result::Result<Self, #rt::webhooks::WebhookError> {
                Self::from_json(value.to_string().as_bytes())
            }

            /// This event, or [`WebhookError::UnknownEvent`](#rt::webhooks::WebhookError::UnknownEvent)
            /// when this client does not know it (for receivers that must refuse those).
            pub fn known(self) -> ::std::result::Result<Self, #rt::webhooks::WebhookError> {
                match self {
                    Self::Unknown { event_type, .. } => {
                        ::std::result::Result::Err(#rt::webhooks::WebhookError::UnknownEvent(event_type))
                    }
                    known => ::std::result::Result::Ok(known),
                }
            }
        }

        impl ::serde::Serialize for Event {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                match self {
                    #( #write_arms )*
                    Self::Unknown { payload, .. } => ::serde::Serialize::serialize(payload, serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for Event {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::from_value(value).map_err(::serde::de::Error::custom)
            }
        }

        #[doc = #key_doc]
        pub const KEY_MODE: #rt::webhooks::KeyMode = #key_mode;

        /// A signature verifier for `secret` with this API's key mode (to set
        /// the timestamp tolerance, or to reuse across deliveries).
        pub fn verifier(secret: &str) -> ::std::result::Result<#rt::webhooks::Verifier, #rt::webhooks::WebhookError> {
            #rt::webhooks::Verifier::new(secret, KEY_MODE)
        }

        /// Verifies a delivery's signature (`webhook-id`, `webhook-timestamp`,
        /// `webhook-signature` against the raw body, within 5 minutes of now) and
        /// decodes its event. Nothing reads the body before it is verified.
        pub fn verify(
            body: &[u8],
            headers: &#rt::HeaderMap,
            secret: &str,
        ) -> ::std::result::Result<Event, #rt::webhooks::WebhookError> {
            verifier(secret)?.verify(body, headers)?;
            Event::from_json(body)
        }

        /// [`verify`] with the headers as `(name, value)` pairs, names in any case
        /// (for frameworks without an `http::HeaderMap`).
        pub fn verify_pairs<'h>(
            body: &[u8],
            headers: impl ::std::iter::IntoIterator<Item = (&'h str, &'h str)>,
            secret: &str,
        ) -> ::std::result::Result<Event, #rt::webhooks::WebhookError> {
            verifier(secret)?.verify_pairs(body, headers)?;
            Event::from_json(body)
        }
    })
}

/// `timestamp()` when some payloads carry the Standard Webhooks `timestamp`
/// (a `date-time` property of that name).
fn timestamp_method(api: &Api) -> Option<TokenStream> {
    let mut any = false;
    let arms: Vec<TokenStream> = api
        .webhooks
        .iter()
        .map(|w| {
            let v = ident(&w.rust_name);
            let field = super::common::resolve_struct(api, &w.payload).and_then(|s| {
                s.fields
                    .iter()
                    .find(|f| f.wire_name == "timestamp" && f.ty == TypeRef::Prim(Prim::DateTime))
            });
            match field {
                Some(f) => {
                    any = true;
                    let name = ident(&f.rust_name);
                    match f.presence {
                        Presence::Required => {
                            quote! { Self::#v(p) => ::std::option::Option::Some(&p.#name), }
                        }
                        _ => quote! { Self::#v(p) => p.#name.as_ref(), },
                    }
                }
                None => quote! { Self::#v(_) => ::std::option::Option::None, },
            }
        })
        .collect();
    any.then(|| {
        quote! {
            /// When the event happened: the payload's `timestamp`, where it has one.
            pub fn timestamp(&self) -> ::std::option::Option<&::chrono::DateTime<::chrono::Utc>> {
                match self {
                    #( #arms )*
                    Self::Unknown { .. } => ::std::option::Option::None,
                }
            }
        }
    })
}

/// The module's docs: what it holds, and an axum receiver.
fn module_docs(api: &Api, options: &Options, feature: Option<&str>) -> Vec<String> {
    let title = &api.title;
    let example = options
        .webhook_example
        .as_deref()
        .and_then(|name| api.webhooks.iter().find(|w| w.name == name))
        .or_else(|| api.webhooks.first());
    let mut lines = vec![
        format!(
            " Webhooks: the {} events {title} sends, as one [`Event`] enum, and",
            api.webhooks.len()
        ),
        " [`verify`], which checks a delivery's signature and decodes it in one call.".to_owned(),
        String::new(),
        " Verification follows [Standard Webhooks](https://www.standardwebhooks.com/): the"
            .to_owned(),
        " `webhook-id`, `webhook-timestamp` and `webhook-signature` headers against the".to_owned(),
        " raw body (HMAC-SHA256, any of several `v1,` signatures, compared in constant".to_owned(),
        " time), refusing deliveries signed more than 5 minutes from now either way.".to_owned(),
        " Pass the body exactly as received: parsed and re-encoded JSON no longer matches"
            .to_owned(),
        " its signature.".to_owned(),
    ];
    if let Some(feature) = feature {
        lines.extend([
            String::new(),
            format!(
                " The cargo feature `{feature}` compiles this module alone: the events and the"
            ),
            " types their payloads reach, without any operation, so a receiver builds in a"
                .to_owned(),
            " fraction of the whole API's time.".to_owned(),
        ]);
    }
    if let (Some(w), Some(path)) = (example, &options.doc_path) {
        let v = &w.rust_name;
        let name = &w.name;
        lines.extend(
            [
                "",
                "A receiver with [axum](https://docs.rs/axum):",
                "",
                "```no_run",
                "use axum::{body::Bytes, http::{HeaderMap, StatusCode}, routing::post, Router};",
            ]
            .iter()
            .map(|l| format!(" {l}").trim_end().to_owned()),
        );
        for l in [
            format!("use {path}::webhooks::{{self, Event}};"),
            String::new(),
            "async fn receive(headers: HeaderMap, body: Bytes) -> StatusCode {".into(),
            "    let secret = std::env::var(\"WEBHOOK_SECRET\").unwrap_or_default();".into(),
            "    match webhooks::verify(&body, &headers, &secret) {".into(),
            format!("        Ok(Event::{v}(event)) => {{"),
            format!("            println!(\"{name}: {{event:?}}\");"),
            "            StatusCode::ACCEPTED".into(),
            "        }".into(),
            "        Ok(other) => {".into(),
            "            println!(\"not handled: {}\", other.event_type());".into(),
            "            StatusCode::ACCEPTED".into(),
            "        }".into(),
            "        // Unsigned, tampered with, replayed or not JSON: refuse it.".into(),
            "        Err(_) => StatusCode::BAD_REQUEST,".into(),
            "    }".into(),
            "}".into(),
            String::new(),
            "#[tokio::main]".into(),
            "async fn main() -> std::io::Result<()> {".into(),
            "    let app = Router::new().route(\"/webhooks\", post(receive));".into(),
            "    let listener = tokio::net::TcpListener::bind(\"127.0.0.1:3000\").await?;".into(),
            "    axum::serve(listener, app).await".into(),
            "}".into(),
            "```".into(),
        ] {
            lines.push(format!(" {l}").trim_end().to_owned());
        }
    }
    lines
}
