//! The one name sanitiser: every Rust identifier the generator emits comes from here.
//!
//! Identifiers are ASCII (deunicode spells other scripts). Casing is heck's;
//! on top of it: the complete keyword list (strict, reserved
//! and edition-2024 `gen`), leading digits, symbols-only names, and collisions
//! resolved deterministically by numbering in first-come order.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that can be used as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers: these get a trailing underscore.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// ASCII letters and digits kept (other scripts spelled in ASCII first:
/// `Größe` is `Grosse`, and no identifier trips rustc's lints on uncommon
/// code points or needs a `#[path]` for its module); everything else
/// separates words.
fn words(raw: &str) -> String {
    let ascii = deunicode::deunicode_with_tofu(raw, " ");
    let mut out = String::with_capacity(ascii.len());
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out
}

/// Spells out a name that has no letters or digits, so `+` and `-` stay distinct.
fn symbol_words(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '+' => " plus ",
            '-' => " minus ",
            '*' => " star ",
            '/' => " slash ",
            '.' => " dot ",
            '<' => " lt ",
            '>' => " gt ",
            '=' => " eq ",
            '!' => " not ",
            '@' => " at ",
            '#' => " hash ",
            '$' => " dollar ",
            '%' => " percent ",
            '&' => " and ",
            '|' => " or ",
            '~' => " tilde ",
            '^' => " caret ",
            ':' => " colon ",
            _ => " ",
        })
        .collect()
}

fn base(raw: &str) -> String {
    if raw.chars().any(char::is_alphanumeric) {
        // (Letters of another script count: they are spelled, not symbols.)
        words(raw)
    } else {
        symbol_words(raw)
    }
}

/// An UpperCamelCase type or variant name for `raw`; `fallback` when nothing is left.
pub fn type_name(raw: &str, fallback: &str) -> String {
    let mut name = base(raw).to_upper_camel_case();
    if name.is_empty() {
        name = fallback.to_upper_camel_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// A snake_case field, function or module name for `raw`, written as it must
/// appear in code (`r#type` for keywords).
pub fn value_name(raw: &str, fallback: &str) -> String {
    let mut name = base(raw).to_snake_case();
    if name.is_empty() {
        name = fallback.to_snake_case();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_OK.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// The longest module name, in bytes: its file name stays far below the 255
/// bytes file systems allow (inline types of deep schemas get names of
/// hundreds of characters), with room for a number telling repeats apart.
const MODULE_MAX: usize = 96;

/// A module's name (and file stem): [`value_name`], cut at a word boundary
/// to at most 96 bytes.
pub fn module_name(name: &str, fallback: &str) -> String {
    let full = value_name(name, fallback);
    if full.len() <= MODULE_MAX {
        return full;
    }
    let mut end = MODULE_MAX;
    while !full.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = &full[..end];
    if let Some(i) = cut.rfind('_').filter(|&i| i > MODULE_MAX / 2) {
        cut = &cut[..i];
    }
    cut.trim_end_matches('_').to_owned()
}

/// A file name for a module name (without the `r#` of keywords).
pub fn file_stem(module: &str) -> &str {
    module.strip_prefix("r#").unwrap_or(module)
}

/// Hands out names unique within one scope, numbering repeats (`Foo`, `Foo2`, `foo_2`).
#[derive(Debug, Default, Clone)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Marks `name` as taken (whether or not it already was).
    pub fn claim_exact(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// Claims `name`, or the first free numbered form of it.
    pub fn claim(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        let snake = name.starts_with(|c: char| c.is_lowercase() || c == '_' || c == 'r')
            && !name.chars().any(|c| c.is_uppercase());
        let stem = file_stem(&name).trim_end_matches('_').to_owned();
        let mut n = 2u32;
        loop {
            let candidate = if snake {
                format!("{stem}_{n}")
            } else {
                format!("{stem}{n}")
            };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_names_are_cut_to_a_file_name_any_file_system_takes() {
        assert_eq!(module_name("ParcelShipped", "schema"), "parcel_shipped");
        let long = "AccessPackageResourceRoleScopes".repeat(12);
        let cut = module_name(&long, "schema");
        assert!(
            cut.len() <= MODULE_MAX && cut.len() > MODULE_MAX / 2,
            "{cut}"
        );
        assert!(long.to_snake_case().starts_with(&cut) && !cut.ends_with('_'));
        let mut scope = Scope::default();
        let first = scope.claim(module_name(&long, "schema"));
        let second = scope.claim(module_name(&format!("{long}Other"), "schema"));
        assert_eq!(second, format!("{first}_2"));
    }

    #[test]
    fn keywords_and_symbols() {
        assert_eq!(value_name("type", "f"), "r#type");
        assert_eq!(value_name("self", "f"), "self_");
        assert_eq!(value_name("gen", "f"), "r#gen");
        assert_eq!(type_name("self", "T"), "Self_");
        assert_eq!(type_name("2fa", "T"), "V2fa");
        assert_eq!(value_name("2fa", "f"), "_2fa");
        assert_eq!(type_name("+", "T"), "Plus");
        assert_eq!(type_name("-", "T"), "Minus");
        assert_eq!(type_name("", "Empty"), "Empty");
        assert_eq!(value_name("createdAt", "f"), "created_at");
        assert_eq!(
            type_name("customers:members:list", "T"),
            "CustomersMembersList"
        );
    }

    #[test]
    fn identifiers_are_ascii() {
        assert_eq!(type_name("Größe", "T"), "Grosse");
        assert_eq!(value_name("ʿArabī", "f"), "arabi");
        assert_eq!(value_name("x²", "f"), "x2");
        assert!(value_name("名前", "f").is_ascii());
        assert_eq!(type_name("😀", "T"), "T");
    }

    #[test]
    fn collisions_are_numbered() {
        let mut s = Scope::default();
        assert_eq!(s.claim("foo_bar".into()), "foo_bar");
        assert_eq!(s.claim("foo_bar".into()), "foo_bar_2");
        assert_eq!(s.claim("FooBar".into()), "FooBar");
        assert_eq!(s.claim("FooBar".into()), "FooBar2");
        assert_eq!(s.claim("r#type".into()), "r#type");
        assert_eq!(s.claim("r#type".into()), "type_2");
    }
}
