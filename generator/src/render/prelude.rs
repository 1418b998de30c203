//! Short names for the standard prelude in generated files.
//!
//! Renderers spell std items by absolute path (`::std::option::Option`) so a
//! spec schema called `Option` cannot capture them. Once a file is parsed,
//! [`shorten`] writes each such path as its prelude name (`Option`, `Some`,
//! `String`, ...) unless the file itself declares an item of that name, which
//! would shadow the prelude there: `pub struct String` in a file keeps
//! `::std::string::String` everywhere in that file. A file with a glob import
//! (`use x::*`) is left alone, since the glob may shadow anything.

use std::collections::BTreeSet;

use syn::visit::Visit;
use syn::visit_mut::VisitMut;

/// `::std::<module>::<Name>` paths whose `Name` is in every edition's prelude.
const PRELUDE: &[(&str, &str)] = &[
    ("option", "Option"),
    ("result", "Result"),
    ("string", "String"),
    ("vec", "Vec"),
    ("boxed", "Box"),
    ("convert", "From"),
    ("convert", "Into"),
    ("default", "Default"),
];

/// Variants the prelude also names: `Option::Some` is `Some`.
const VARIANTS: &[(&str, &str)] = &[
    ("Option", "Some"),
    ("Option", "None"),
    ("Result", "Ok"),
    ("Result", "Err"),
];

/// Shortens the prelude paths of `file` that nothing in it shadows.
pub fn shorten(file: &mut syn::File) {
    let mut declared = Declared::default();
    declared.visit_file(file);
    if !declared.glob {
        Shorten(&declared.names).visit_file_mut(file);
    }
}

/// Every name the file declares, at any depth (over-approximating is safe).
#[derive(Default)]
struct Declared {
    names: BTreeSet<String>,
    glob: bool,
}

impl Declared {
    fn add(&mut self, ident: &syn::Ident) {
        let name = ident.to_string();
        self.names.insert(name.trim_start_matches("r#").to_owned());
    }
}

impl<'ast> Visit<'ast> for Declared {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        match item {
            syn::Item::Const(i) => self.add(&i.ident),
            syn::Item::Enum(i) => self.add(&i.ident),
            syn::Item::Fn(i) => self.add(&i.sig.ident),
            syn::Item::Macro(i) => {
                if let Some(ident) = &i.ident {
                    self.add(ident);
                }
            }
            syn::Item::Mod(i) => self.add(&i.ident),
            syn::Item::Static(i) => self.add(&i.ident),
            syn::Item::Struct(i) => self.add(&i.ident),
            syn::Item::Trait(i) => self.add(&i.ident),
            syn::Item::TraitAlias(i) => self.add(&i.ident),
            syn::Item::Type(i) => self.add(&i.ident),
            syn::Item::Union(i) => self.add(&i.ident),
            _ => {}
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        match tree {
            syn::UseTree::Name(n) => self.add(&n.ident),
            syn::UseTree::Rename(r) => self.add(&r.rename),
            syn::UseTree::Glob(_) => self.glob = true,
            _ => {}
        }
        syn::visit::visit_use_tree(self, tree);
    }
}

struct Shorten<'a>(&'a BTreeSet<String>);

impl VisitMut for Shorten<'_> {
    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        syn::visit_mut::visit_path_mut(self, path);
        if let Some(keep) = self.shortened(path) {
            path.leading_colon = None;
            path.segments = std::mem::take(&mut path.segments)
                .into_pairs()
                .skip(keep)
                .collect();
        }
    }
}

impl Shorten<'_> {
    /// How many leading segments to drop from `path`, when it is an
    /// unshadowed prelude path.
    fn shortened(&self, path: &syn::Path) -> Option<usize> {
        path.leading_colon?;
        let segs: Vec<&syn::PathSegment> = path.segments.iter().collect();
        let [std, module, name, rest @ ..] = segs.as_slice() else {
            return None;
        };
        let plain = |s: &syn::PathSegment| s.arguments.is_none();
        if std.ident != "std" || !plain(std) || !plain(module) {
            return None;
        }
        let &(_, short) = PRELUDE
            .iter()
            .find(|(m, n)| module.ident == m && name.ident == n)?;
        if let [variant] = rest {
            if let Some(&(_, v)) = VARIANTS
                .iter()
                .find(|(n, v)| *n == short && variant.ident == v)
            {
                // `Option::Some` as `Some`, when the type has no arguments.
                if plain(name) && !self.0.contains(v) {
                    return Some(3);
                }
            }
        }
        (!self.0.contains(short)).then_some(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::TokenStream;
    use quote::{quote, ToTokens};

    fn short(tokens: TokenStream) -> String {
        let mut file: syn::File = syn::parse2(tokens).expect("test input parses");
        shorten(&mut file);
        file.to_token_stream().to_string()
    }

    fn same(tokens: TokenStream) -> String {
        let file: syn::File = syn::parse2(tokens).expect("test input parses");
        file.to_token_stream().to_string()
    }

    #[test]
    fn prelude_paths_shorten() {
        let t = quote! {
            pub struct A { x: ::std::option::Option<::std::string::String> }
            fn f() -> ::std::result::Result<(), ()> { ::std::result::Result::Ok(()) }
            fn g() -> ::std::fmt::Result { ::std::vec::Vec::from([1]); ::std::option::Option::None }
            impl ::std::convert::From<u8> for A {}
        };
        assert_eq!(
            short(t),
            same(quote! {
                pub struct A { x: Option<String> }
                fn f() -> Result<(), ()> { Ok(()) }
                fn g() -> ::std::fmt::Result { Vec::from([1]); None }
                impl From<u8> for A {}
            })
        );
    }

    #[test]
    fn a_declared_name_keeps_its_path() {
        let t = quote! {
            pub enum Option { A }
            pub struct S { a: ::std::option::Option<Option>, b: ::std::string::String }
            fn f() { ::std::option::Option::Some(1); }
        };
        assert_eq!(
            short(t),
            same(quote! {
                pub enum Option { A }
                pub struct S { a: ::std::option::Option<Option>, b: String }
                fn f() { Some(1); }
            })
        );
    }

    #[test]
    fn glob_imports_and_other_paths_are_left_alone() {
        let glob = quote! { pub use self::client::*; fn f() -> ::std::string::String {} };
        assert_eq!(short(glob.clone()), same(glob));
        let nested = quote! { fn f() -> x::std::string::String {} };
        assert_eq!(short(nested.clone()), same(nested));
    }
}
