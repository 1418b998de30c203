//! Short names for the standard prelude in generated files.
//!
//! Renderers spell std items by absolute path (`::std::option::Option`) so a
//! spec schema called `Option` cannot capture them. Before a file is printed,
//! [`shorten`] writes each such path as its prelude name (`Option`, `Some`,
//! `String`, ...) unless the file itself declares an item of that name, which
//! would shadow the prelude there: `pub struct String` in a file keeps
//! `::std::string::String` everywhere in that file.

use std::collections::BTreeSet;

use proc_macro2::{Group, Ident, Spacing, TokenStream, TokenTree};

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

/// Item keywords whose next identifier is a name the file declares.
const DECLARING: &[&str] = &[
    "struct", "enum", "union", "type", "trait", "fn", "mod", "const", "static", "as",
];

/// `tokens` with prelude paths shortened where the file does not shadow them.
/// A file with a glob import (`use x::*`) is left alone: the glob may shadow.
pub fn shorten(tokens: TokenStream) -> TokenStream {
    // Tokens are moved into an owned tree and back, never cloned: cloning
    // every identifier would cost more than the shorter file saves syn.
    let tree = own(tokens);
    let mut declared = BTreeSet::new();
    let shadow_free = declarations(&tree, &mut declared);
    emit(tree, if shadow_free { Some(&declared) } else { None })
}

/// A token tree whose groups own their contents.
enum Tree {
    Leaf(TokenTree),
    Group(Group, Vec<Tree>),
}

fn own(tokens: TokenStream) -> Vec<Tree> {
    tokens
        .into_iter()
        .map(|t| match t {
            TokenTree::Group(g) => {
                let inner = g.stream();
                // An empty stand-in keeps delimiter and span; dropping the
                // original leaves `inner` the only owner, so it moves.
                let mut shell = Group::new(g.delimiter(), TokenStream::new());
                shell.set_span(g.span());
                drop(g);
                Tree::Group(shell, own(inner))
            }
            leaf => Tree::Leaf(leaf),
        })
        .collect()
}

fn is(tree: Option<&Tree>, word: &str) -> bool {
    matches!(tree, Some(Tree::Leaf(TokenTree::Ident(i))) if i == word)
}

fn punct(tree: Option<&Tree>, c: char) -> Option<Spacing> {
    match tree {
        Some(Tree::Leaf(TokenTree::Punct(p))) if p.as_char() == c => Some(p.spacing()),
        _ => None,
    }
}

/// Collects every declared name, at any depth (over-approximating is safe);
/// false when the file has a glob import.
fn declarations(trees: &[Tree], out: &mut BTreeSet<String>) -> bool {
    for (i, tree) in trees.iter().enumerate() {
        match tree {
            Tree::Group(_, inner) => {
                if !declarations(inner, out) {
                    return false;
                }
            }
            Tree::Leaf(TokenTree::Ident(ident)) => {
                if i > 0 && DECLARING.iter().any(|k| is(trees.get(i - 1), k)) {
                    let name = ident.to_string();
                    out.insert(name.trim_start_matches("r#").to_owned());
                }
            }
            Tree::Leaf(TokenTree::Punct(p)) if p.as_char() == '*' => {
                if i >= 2 && punct(trees.get(i - 1), ':').is_some() {
                    return false;
                }
            }
            Tree::Leaf(_) => {}
        }
    }
    true
}

/// The tokens back as a stream, prelude paths shortened when `declared` is
/// given (the names that shadow the prelude).
fn emit(trees: Vec<Tree>, declared: Option<&BTreeSet<String>>) -> TokenStream {
    let mut out: Vec<TokenTree> = Vec::with_capacity(trees.len());
    let mut skip = 0;
    let mut trees = trees.into_iter().peekable();
    let mut window: Vec<Tree> = Vec::new();
    loop {
        // Keep up to 12 trees in view to match `::std::m::Name::Variant`.
        while window.len() < 12 {
            match trees.next() {
                Some(t) => window.push(t),
                None => break,
            }
        }
        if window.is_empty() {
            break;
        }
        if skip == 0 {
            if let Some(declared) = declared {
                if let Some((name, used)) = prelude_path(&window, declared) {
                    if starts_path(&out) {
                        out.push(TokenTree::Ident(name));
                        skip = used;
                    }
                }
            }
        }
        let first = window.remove(0);
        if skip > 0 {
            skip -= 1;
            continue;
        }
        out.push(match first {
            Tree::Leaf(t) => t,
            Tree::Group(shell, inner) => {
                let mut group = Group::new(shell.delimiter(), emit(inner, declared));
                group.set_span(shell.span());
                TokenTree::Group(group)
            }
        });
    }
    out.into_iter().collect()
}

/// Keywords a path may follow (`impl ::std::convert::From<X> for Y`).
const KEYWORDS: &[&str] = &[
    "as", "impl", "dyn", "for", "in", "return", "mut", "ref", "move", "where", "let", "else",
    "match", "if", "while", "break", "unsafe", "pub", "const", "static", "type", "use",
];

/// Whether a `::` after `out` begins a path rather than continuing one
/// (`Foo::std::...`, `<T>::std::...`).
fn starts_path(out: &[TokenTree]) -> bool {
    match out {
        [.., TokenTree::Ident(i)] => KEYWORDS.contains(&i.to_string().as_str()),
        [.., before, TokenTree::Punct(p)] if p.as_char() == '>' => {
            // `->` and `=>` end with `>` too.
            matches!(before, TokenTree::Punct(b) if (b.as_char() == '-' || b.as_char() == '=') && b.spacing() == Spacing::Joint)
        }
        [TokenTree::Punct(p)] if p.as_char() == '>' => false,
        _ => true,
    }
}

/// When `trees` starts with `::std::<module>::<Name>` (optionally followed by
/// `::<Variant>`) of an unshadowed prelude item: the short name and how many
/// tokens it replaces.
fn prelude_path(trees: &[Tree], declared: &BTreeSet<String>) -> Option<(Ident, usize)> {
    let colons = |at: usize| {
        punct(trees.get(at), ':') == Some(Spacing::Joint) && punct(trees.get(at + 1), ':').is_some()
    };
    if !colons(0) || !is(trees.get(2), "std") || !colons(3) || !colons(6) {
        return None;
    }
    let (Some(Tree::Leaf(TokenTree::Ident(module))), Some(Tree::Leaf(TokenTree::Ident(name)))) =
        (trees.get(5), trees.get(8))
    else {
        return None;
    };
    let &(_, name) = PRELUDE.iter().find(|(m, n)| module == m && name == n)?;
    let span = name_span(&trees[8]);
    if colons(9) {
        if let Some(Tree::Leaf(TokenTree::Ident(variant))) = trees.get(11) {
            if let Some(&(_, variant)) = VARIANTS.iter().find(|(n, v)| *n == name && variant == v) {
                return (!declared.contains(variant)).then(|| (Ident::new(variant, span), 12));
            }
        }
    }
    (!declared.contains(name)).then(|| (Ident::new(name, span), 9))
}

fn name_span(tree: &Tree) -> proc_macro2::Span {
    match tree {
        Tree::Leaf(t) => t.span(),
        Tree::Group(g, _) => g.span(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn short(tokens: TokenStream) -> String {
        shorten(tokens).to_string()
    }

    #[test]
    fn prelude_paths_shorten() {
        let t = quote! {
            pub struct A { x: ::std::option::Option<::std::string::String> }
            fn f() -> ::std::result::Result<(), ()> { ::std::result::Result::Ok(()) }
            fn g() -> ::std::fmt::Result { ::std::option::Option::None }
        };
        assert_eq!(
            short(t),
            quote! {
                pub struct A { x: Option<String> }
                fn f() -> Result<(), ()> { Ok(()) }
                fn g() -> ::std::fmt::Result { None }
            }
            .to_string()
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
            quote! {
                pub enum Option { A }
                pub struct S { a: ::std::option::Option<Option>, b: String }
                fn f() { Some(1); }
            }
            .to_string()
        );
    }

    #[test]
    fn glob_imports_and_other_paths_are_left_alone() {
        let glob = quote! { pub use self::client::*; fn f() -> ::std::string::String {} };
        assert_eq!(short(glob.clone()), glob.to_string());
        let nested = quote! { fn f() -> x::std::string::String {} };
        assert_eq!(short(nested.clone()), nested.to_string());
        let after_keyword = quote! { impl ::std::convert::From<u8> for X {} };
        assert_eq!(
            short(after_keyword),
            quote! { impl From<u8> for X {} }.to_string()
        );
    }
}
