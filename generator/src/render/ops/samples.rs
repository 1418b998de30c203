//! `samples.rs` (behind `Options::samples_feature`): every operation paired
//! with a call whose required arguments are sample values from the spec.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::common::{ident, Ctx};
use super::{body_type, OpsRender};

impl<'a> OpsRender<'a> {
    /// `samples.rs`: every operation with a call using sample arguments.
    pub fn samples_file(&self) -> TokenStream {
        let rt = &self.runtime;
        let ctx = Ctx {
            types_path: quote! { super::types },
            ..self.ctx()
        };
        let entries = self.api.operations.iter().map(|op| {
            // Required arguments: (variable, Rust type, label, sample JSON).
            let mut required = Vec::new();
            for (name, p, is_required) in self.builder_fields(op) {
                if is_required {
                    required.push((ident(&name), ctx.ty(&p.ty), p.wire_name.clone(), &p.sample));
                }
            }
            if let Some(b) = op.body.as_ref().filter(|b| b.required) {
                required.push((
                    ident("body"),
                    body_type(&ctx, b),
                    "body".to_owned(),
                    &b.sample,
                ));
            }
            let lets = required.iter().map(|(n, ty, label, sample)| {
                let json = serde_json::to_string(sample).unwrap_or_default();
                quote! { let #n = #rt::samples::arg::<#ty>(#label, #json)?; }
            });
            let args = required.iter().map(|(n, ..)| n);
            let groups = op.groups.iter().map(|g| ident(g));
            let method = ident(&op.rust_name);
            let (id, verb, path) = (&op.id, op.method.as_str(), &op.path);
            let cfg = self.features.cfg_ops([op]);
            quote! {
                #cfg
                #rt::samples::SampleOperation {
                    id: #id,
                    method: #verb,
                    path: #path,
                    call: |client: super::Client| -> #rt::samples::SampleFuture {
                        let request = || -> ::std::result::Result<_, ::std::string::String> {
                            #( #lets )*
                            #[allow(deprecated)]
                            let request = client #( .#groups() )* .#method( #( #args ),* );
                            ::std::result::Result::Ok(request)
                        };
                        #rt::samples::send(request())
                    },
                },
            }
        });
        let tokens = quote! {
            //! Every operation with a call using sample arguments built from the spec
            //! (examples, defaults, enums, formats, bounds): for contract tests
            //! against a mock server.

            /// Every operation of the API (of the enabled groups), in spec order.
            pub fn operations() -> ::std::vec::Vec<#rt::samples::SampleOperation<super::Client>> {
                ::std::vec::Vec::from([ #( #entries )* ])
            }
        };
        tokens
    }
}
