//! The change report: two [`Surface`]s compared entry by entry, each change
//! judged by Rust semver rules for code using the generated crate, and the
//! version bump they imply. `cargo xtask regen` writes it as
//! `generated/CHANGES-<api>.md`.
//!
//! How changes are judged (cargo-semver-checks' lints and the Rust API
//! guidelines as the reference), given how the generated code is declared:
//!
//! - Types are compared as the compiler sees them: a name that is an alias
//!   in the new surface stands for what it aliases, so a field retyped to an
//!   alias of the same type, or a merged type whose canonical name moved
//!   (the old name now an alias of a type with the same fields), is not a
//!   change users' code notices.
//! - Removing or renaming anything users name (an operation, a type, a
//!   field, a parameter, an enum value, a union variant, an error status) is
//!   breaking, and so is changing a type users name (a field, parameter,
//!   body or result `T` becoming `Option<T>`, `i64`, another struct).
//! - A new required parameter or body adds an argument: breaking. A new
//!   optional one adds a setter: not breaking.
//! - Structs are `#[non_exhaustive]` and built with `new(required..)` or
//!   `Default` plus `with_*` setters, request and response structs alike: a
//!   new field only adds a setter, or an argument of `new`. `new` is judged
//!   as calls see it, by its argument types in order: another count or
//!   other types break calls; the same types in another order compile but
//!   put values into other fields, also breaking; the same types under
//!   renamed fields are not a change calls notice.
//! - String enums, unions, operation error enums and webhook `Event`s are
//!   `#[non_exhaustive]` (matches need a `_` arm), so a new value, variant,
//!   error status or event is not breaking; it only stops landing in
//!   `Other`/`Unknown`.
//! - A new operation, type, webhook or server adds items: not breaking
//!   (`Server` is `#[non_exhaustive]`; its variants are named from each server
//!   alone). A removed server breaks code naming it; a server whose URL moved
//!   compiles as before and is listed.
//! - Fields are judged by their Rust type (`T`, `Option<T>`, `Patch<T>` as
//!   presence and the struct's `request` flag make it), old against new: a
//!   required field becoming optional, or a struct no longer sent in requests
//!   turning `Patch<T>` into `Option<T>`, retypes the field (breaking); a
//!   presence change that keeps the Rust type is listed, not breaking.
//! - A request builder renamed (its struct and `…Error` enum) breaks code
//!   naming it.
//! - Derives: a trait no longer derived breaks code using it; a new one adds,
//!   except `Copy` (cargo-semver-checks' `copy_impl_added`: `move` closures
//!   capture differently). Reordered values of an enum deriving `Ord` compile
//!   but sort differently: listed, at least a minor bump.
//! - Features: a type no longer compiled with a feature that still exists
//!   (directly or through the features it enables) breaks code built with
//!   only that feature; a removed feature breaks dependency lines naming it.
//! - A new deprecation (operation, type, field) makes users' code warn: not
//!   breaking, a minor bump.
//! - A new method or path for the same operation, a new media type, a new
//!   tag: the Rust code is unchanged, so not breaking, but listed.
//!
//! `cargo xtask semver` checks these rules against cargo-semver-checks on the
//! real API pairs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::surface::{FieldSurface, OpSurface, Surface, TypeEntry, TypeSurface};

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether it breaks code using the generated crate.
    pub breaking: bool,
    /// What changed: `operation`, `type`, `webhook`.
    pub area: &'static str,
    /// Which one (`members:list_members`, `Member`).
    pub subject: String,
    /// What happened to it.
    pub what: String,
    /// What kind of change, for counting.
    pub kind: Kind,
    /// The cause it shares with other changes, for grouping the report: a
    /// type rename or retype (`` `A` → `B` ``) with every place it touches,
    /// the same field added to or removed from many types, the same kind of
    /// removal; else its own text.
    pub cause: String,
}

/// Kinds of change, for the summary counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An operation appeared.
    OperationAdded,
    /// An operation went away.
    OperationRemoved,
    /// Something of an operation changed.
    OperationChanged,
    /// A type appeared.
    TypeAdded,
    /// A type went away.
    TypeRemoved,
    /// A field appeared, went away or changed.
    FieldChanged,
    /// An enum value or union variant appeared or went away.
    VariantChanged,
    /// Another change of a type.
    TypeChanged,
    /// A webhook event appeared, went away or changed.
    WebhookChanged,
    /// A `Server` variant appeared, went away or moved.
    ServerChanged,
    /// A cargo feature appeared or went away.
    FeatureChanged,
}

/// What the changes imply for the generated crate's version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// Nothing changed.
    None,
    /// Only changes no code can notice at compile time.
    Patch,
    /// Additions.
    Minor,
    /// Something breaks.
    Major,
}

/// All changes between two surfaces, and the bump they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Every change, breaking ones first, then by area and subject.
    pub changes: Vec<Change>,
    /// The implied bump.
    pub bump: Bump,
}

impl Report {
    /// How many changes of `kind`.
    pub fn count(&self, kind: Kind) -> usize {
        self.changes.iter().filter(|c| c.kind == kind).count()
    }

    /// How many changes break code.
    pub fn breaking(&self) -> usize {
        self.changes.iter().filter(|c| c.breaking).count()
    }

    /// The breaking (or the other) changes by cause: causes shared by more
    /// changes first, each group in report order.
    pub fn groups(&self, breaking: bool) -> Vec<(&str, Vec<&Change>)> {
        let mut by: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
        for c in self.changes.iter().filter(|c| c.breaking == breaking) {
            by.entry(c.cause.as_str()).or_default().push(c);
        }
        let mut groups: Vec<(&str, Vec<&Change>)> = by.into_iter().collect();
        let first = |g: &[&Change]| g.first().map(|c| (c.area, c.subject.clone()));
        groups.sort_by(|(ca, a), (cb, b)| {
            b.len()
                .cmp(&a.len())
                .then_with(|| first(a).cmp(&first(b)))
                .then_with(|| ca.cmp(cb))
        });
        groups
    }

    /// One line: the counts and the bump.
    pub fn summary(&self) -> String {
        format!(
            "{} operations added, {} removed, {} changed; {} types added, {} removed, {} changed; {} field changes, {} enum/union variant changes, {} webhook changes, {} server changes; {}; bump: {}",
            self.count(Kind::OperationAdded),
            self.count(Kind::OperationRemoved),
            self.operations_changed(),
            self.count(Kind::TypeAdded),
            self.count(Kind::TypeRemoved),
            self.types_changed(),
            self.count(Kind::FieldChanged),
            self.count(Kind::VariantChanged),
            self.count(Kind::WebhookChanged),
            self.count(Kind::ServerChanged),
            match (self.breaking(), self.groups(true).len()) {
                (0, _) => "0 breaking".to_owned(),
                (n, 1) => format!("{n} breaking from 1 cause"),
                (n, causes) => format!("{n} breaking from {causes} causes"),
            },
            bump_word(self.bump),
        )
    }

    /// Operations with at least one change (not added or removed).
    pub fn operations_changed(&self) -> usize {
        self.subjects(&[Kind::OperationChanged])
    }

    /// Types with at least one change (not added or removed).
    pub fn types_changed(&self) -> usize {
        self.subjects(&[Kind::FieldChanged, Kind::VariantChanged, Kind::TypeChanged])
    }

    fn subjects(&self, kinds: &[Kind]) -> usize {
        self.changes
            .iter()
            .filter(|c| kinds.contains(&c.kind))
            .map(|c| &c.subject)
            .collect::<BTreeSet<_>>()
            .len()
    }

    /// The report as Markdown, for `generated/CHANGES-<api>.md`.
    pub fn markdown(
        &self,
        api: &str,
        old: &Surface,
        new: &Surface,
        version: Option<(&str, String)>,
    ) -> String {
        let mut md = String::new();
        let _ = writeln!(md, "# API changes: {api}\n");
        let _ = writeln!(
            md,
            "From `{}` (the document's `info.version` {}) to `{}` ({}), as the generated crate sees them (`generated/api/{api}.json`).\n",
            old.title, old.version, new.title, new.version
        );
        let _ = writeln!(md, "{}\n", self.summary());
        match version {
            Some((from, to)) => {
                let _ = writeln!(
                    md,
                    "Implied bump: **{}** (`{from}` → `{to}`).\n",
                    bump_word(self.bump)
                );
            }
            None => {
                let _ = writeln!(md, "Implied bump: **{}**.\n", bump_word(self.bump));
            }
        }
        for (title, breaking) in [("Breaking", true), ("Not breaking", false)] {
            let groups = self.groups(breaking);
            if groups.is_empty() {
                continue;
            }
            let n: usize = groups.iter().map(|(_, g)| g.len()).sum();
            let _ = writeln!(
                md,
                "## {title}: {n} {} from {} {}\n",
                if n == 1 { "change" } else { "changes" },
                groups.len(),
                if groups.len() == 1 { "cause" } else { "causes" }
            );
            let (shared, single): (Vec<_>, Vec<_>) =
                groups.into_iter().partition(|(_, g)| g.len() > 1);
            let shared_any = !shared.is_empty();
            for (cause, list) in shared {
                let _ = writeln!(md, "### {cause} ({})\n", list.len());
                for c in list {
                    let _ = writeln!(md, "- {} `{}`: {}", c.area, c.subject, c.what);
                }
                md.push('\n');
            }
            if !single.is_empty() {
                if shared_any {
                    let _ = writeln!(md, "### Each its own cause ({})\n", single.len());
                }
                // In report order.
                let causes: BTreeSet<&str> = single.iter().map(|(cause, _)| *cause).collect();
                for c in self
                    .changes
                    .iter()
                    .filter(|c| c.breaking == breaking && causes.contains(c.cause.as_str()))
                {
                    let _ = writeln!(md, "- {} `{}`: {}", c.area, c.subject, c.what);
                }
                md.push('\n');
            }
        }
        let _ = writeln!(
            md,
            "How changes are judged: see `generator/src/changes.rs` (removals, renames and retypes of what users name break, and so do new required arguments, any change to what a struct's `new` takes, a lost derive and a type no longer compiled with a feature; structs, enums, unions, error enums, webhook events and `Server` are `#[non_exhaustive]`, so new optional fields and new values do not break). `cargo xtask semver` checks these rules against cargo-semver-checks and user code on the real pairs."
        );
        md
    }
}

/// `major`, `minor`, `patch`, `none`.
pub fn bump_word(b: Bump) -> &'static str {
    match b {
        Bump::None => "none",
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

/// `version` bumped as `bump` says, by Cargo's rules (`0.y.z`: a major
/// change bumps `y`, anything else `z`).
pub fn bumped(version: &str, bump: Bump) -> Option<String> {
    let mut parts = version.split('.').map(|p| p.parse::<u64>().ok());
    let (major, minor, patch) = (parts.next()??, parts.next()??, parts.next()??);
    Some(match (bump, major) {
        (Bump::None, _) => version.to_owned(),
        (Bump::Major, 0) => format!("0.{}.0", minor + 1),
        (_, 0) => format!("0.{minor}.{}", patch + 1),
        (Bump::Major, _) => format!("{}.0.0", major + 1),
        (Bump::Minor, _) => format!("{major}.{}.0", minor + 1),
        (Bump::Patch, _) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// Type texts compared as the compiler sees them: a name that is an alias in
/// the new surface (`pub type A = B;`) stands for what it aliases, so a field
/// retyped from `A` to `B`, or a type whose canonical name moved to an alias
/// of the same type, compiles for users as before.
struct Resolve<'a> {
    aliases: BTreeMap<&'a str, &'a str>,
}

impl<'a> Resolve<'a> {
    fn new(surface: &'a Surface) -> Self {
        let aliases = surface
            .types
            .iter()
            .filter_map(|(name, t)| match &t.shape {
                TypeSurface::Alias { of } => Some((name.as_str(), of.as_str())),
                _ => None,
            })
            .collect();
        Resolve { aliases }
    }

    /// `text` with every alias name replaced by what it stands for (nested
    /// aliases too, to a bounded depth, so a cycle cannot hang it).
    fn text(&self, text: &str) -> String {
        self.text_at(text, 0)
    }

    fn text_at(&self, text: &str, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match self.aliases.get(word.as_str()) {
                Some(of) if depth < 16 => out.push_str(&self.text_at(of, depth + 1)),
                _ => out.push_str(word),
            }
            word.clear();
        };
        for c in text.chars() {
            if c.is_alphanumeric() || c == '_' || c == ':' {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }

    /// Whether two type texts name the same Rust type.
    fn same(&self, a: &str, b: &str) -> bool {
        a == b || self.text(a) == self.text(b)
    }
}

/// A retype read back from the text this module writes for it: the type
/// text before and after ("retyped `A` → `B`", "returns `B` (was `A`)").
fn retype_of(what: &str) -> Option<(&str, &str)> {
    what.split_once(" retyped `")
        .and_then(|(_, rest)| rest.split_once("` → `"))
        .and_then(|(a, rest)| Some((a, rest.split_once('`')?.0)))
        .or_else(|| {
            let rest = what.strip_prefix("returns `")?;
            let (b, rest) = rest.split_once("` (was `")?;
            Some((rest.split_once("`)")?.0, b))
        })
}

/// The names in a type text that can carry a cause: wrappers, primitives
/// and std types (`Option`, `Vec`, `String`, `i64`, `Uuid`...) cannot.
fn named_words(text: &str) -> Vec<&str> {
    const PLAIN: &[&str] = &[
        "Option",
        "Vec",
        "Map",
        "Box",
        "Patch",
        "String",
        "Value",
        "Uuid",
        "DateTime",
        "Utc",
        "NaiveDate",
        "FilePart",
    ];
    type_words(text)
        .filter(|w| w.starts_with(char::is_uppercase) && !PLAIN.contains(w))
        .collect()
}

/// The words of a type text (`Option<Vec<Member>>`: `Option`, `Vec`, `Member`).
fn type_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// The words of `a` not in `b`, as a multiset difference.
fn minus<'t>(a: &[&'t str], b: &[&str]) -> Vec<&'t str> {
    let mut rest = b.to_vec();
    a.iter()
        .filter(|w| match rest.iter().position(|r| r == *w) {
            Some(i) => {
                rest.remove(i);
                false
            }
            None => true,
        })
        .copied()
        .collect()
}

/// What kind of change a text is, for changes whose cause is their kind
/// (a field added to many types, many types removed); `None` for a change
/// that is its own cause.
fn kind_cause(c: &Change) -> Option<String> {
    let what = c.what.as_str();
    match (c.area, what.split([' ', ':']).next()) {
        ("feature", Some(how)) => return Some(format!("features {how}")),
        ("webhook", Some(how @ ("added" | "removed"))) => {
            return Some(format!("webhook events {how}"));
        }
        ("server", _) => return Some("servers".to_owned()),
        _ => {}
    }
    let table: &[(&str, &str)] = &[
        ("new field `", "new fields"),
        ("removed (", "types removed"),
        ("added (", "types added"),
        ("removed: ", "operations removed"),
        ("added: ", "operations added"),
        ("variant `", "union variants removed"),
        ("value `", "enum values removed"),
        ("new value `", "new enum values"),
        ("new variant `", "new union variants"),
        ("`new` takes", "`new` takes other arguments"),
        ("no longer implements", "traits no longer derived"),
        ("now implements", "traits now derived"),
        (
            "no longer compiled with",
            "types no longer compiled with some group features",
        ),
        ("now stands for", "aliases standing for other types"),
        ("new optional parameter", "new optional parameters"),
        (
            "new documented error status",
            "new documented error statuses",
        ),
        ("now deprecated", "new deprecations"),
        (
            "now an alias of",
            "types now aliases of a type with their shape",
        ),
        ("values reordered", "enum values reordered"),
    ];
    if what.starts_with("field `") && what.ends_with(" removed") {
        return Some("fields removed".to_owned());
    }
    if what.starts_with("field `") && what.contains("now deprecated") {
        return Some("new deprecations".to_owned());
    }
    if what.starts_with("field `") && what.contains(" is unchanged") {
        return Some("presence changes that keep the Rust type".to_owned());
    }
    if what.starts_with("parameter `") && what.ends_with(" removed") {
        return Some("parameters removed".to_owned());
    }
    if (what.starts_with("now a ") || what.starts_with("now an ")) && what.contains("(was a") {
        return Some("types of another kind".to_owned());
    }
    table
        .iter()
        .find(|(prefix, _)| what.starts_with(prefix))
        .map(|(_, cause)| (*cause).to_owned())
}

/// A retype's names dropped and gained, and its wrapper-level title
/// ("now in `Option`").
type Move = (Vec<String>, Vec<String>, String);

/// Type names linked into causes (union-find).
#[derive(Default)]
struct Linked {
    ids: BTreeMap<String, usize>,
    parent: Vec<usize>,
}

impl Linked {
    fn id(&mut self, name: &str) -> usize {
        let next = self.parent.len();
        let id = *self.ids.entry(name.to_owned()).or_insert(next);
        if id == next {
            self.parent.push(next);
        }
        id
    }

    fn find(&mut self, mut i: usize) -> usize {
        while let Some(&p) = self.parent.get(i) {
            if p == i {
                break;
            }
            let grand = self.parent.get(p).copied().unwrap_or(p);
            if let Some(slot) = self.parent.get_mut(i) {
                *slot = grand;
            }
            i = p;
        }
        i
    }

    fn link(&mut self, a: &str, b: &str) {
        let (x, y) = (self.id(a), self.id(b));
        let (rx, ry) = (self.find(x), self.find(y));
        if let Some(slot) = self.parent.get_mut(rx.max(ry)) {
            *slot = rx.min(ry);
        }
    }

    fn root(&mut self, name: &str) -> Option<usize> {
        let i = *self.ids.get(name)?;
        Some(self.find(i))
    }
}

/// Sets every change's [`Change::cause`]. Retypes are linked by the names
/// they drop and gain (`Option<A>` → `Option<B>` links `A` and `B`), and so
/// are renamed types (one removed, one of the same shape added; `renames`),
/// so that a rename, or many types unified into one, is one cause with
/// every place it touches; a retype naming nothing but wrappers is "now in
/// `Option`" and the like; other changes group by kind; the rest are their
/// own cause.
fn assign_causes(list: &mut [Change], renames: &[(String, String)]) {
    let mut uf = Linked::default();
    // Each retype's (dropped, gained) names.
    let mut moves: Vec<Option<Move>> = Vec::new();
    for c in list.iter() {
        let Some((a, b)) = retype_of(&c.what) else {
            moves.push(None);
            continue;
        };
        let (wa, wb) = (named_words(a), named_words(b));
        let (gone, came) = (minus(&wa, &wb), minus(&wb, &wa));
        let names: Vec<&str> = gone.iter().chain(&came).copied().collect();
        for pair in names.windows(2) {
            if let [x, y] = pair {
                uf.link(x, y);
            }
        }
        if let Some(first) = names.first() {
            uf.id(first);
        }
        // Wrappers only: "now in `Option`", "no longer in `Patch`".
        let (pa, pb): (Vec<&str>, Vec<&str>) = (type_words(a).collect(), type_words(b).collect());
        let wrapper = match (minus(&pa, &pb).as_slice(), minus(&pb, &pa).as_slice()) {
            ([], came) => format!("now in `{}`", came.join(", ")),
            (gone, []) => format!("no longer in `{}`", gone.join(", ")),
            (gone, came) => format!("`{}` → `{}`", gone.join(", "), came.join(", ")),
        };
        moves.push(Some((
            gone.iter().map(|w| (*w).to_owned()).collect(),
            came.iter().map(|w| (*w).to_owned()).collect(),
            wrapper,
        )));
    }
    for (from, to) in renames {
        uf.link(from, to);
    }
    // Each component's names before and after, for its title.
    let mut before: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    let mut after: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for m in moves.iter().flatten() {
        for w in &m.0 {
            if let Some(r) = uf.root(w) {
                before.entry(r).or_default().insert(w.clone());
            }
        }
        for w in &m.1 {
            if let Some(r) = uf.root(w) {
                after.entry(r).or_default().insert(w.clone());
            }
        }
    }
    for (from, to) in renames {
        if let Some(r) = uf.root(from) {
            before.entry(r).or_default().insert(from.clone());
            after.entry(r).or_default().insert(to.clone());
        }
    }
    let names = |set: Option<&BTreeSet<String>>| -> String {
        let list: Vec<&String> = set.into_iter().flatten().collect();
        let shown: Vec<String> = list.iter().take(3).map(|n| format!("`{n}`")).collect();
        match list.len() {
            0 => "nothing".to_owned(),
            n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
            _ => shown.join(", "),
        }
    };
    // A component with names on one side only (`String` → `Currency`) is
    // titled by the entry's own wrapper-level change.
    let title = |r: usize| match (before.get(&r), after.get(&r)) {
        (Some(b), Some(a)) if !b.is_empty() && !a.is_empty() => {
            Some(format!("{} → {}", names(Some(b)), names(Some(a))))
        }
        _ => None,
    };
    let renamed: BTreeMap<&str, &str> = renames
        .iter()
        .flat_map(|(a, b)| [(a.as_str(), a.as_str()), (b.as_str(), a.as_str())])
        .collect();
    for (c, m) in list.iter_mut().zip(&moves) {
        let root = match m {
            Some((gone, came, _)) => gone.first().or(came.first()).cloned(),
            None if matches!(c.kind, Kind::TypeRemoved | Kind::TypeAdded) => renamed
                .get(c.subject.as_str())
                .map(|from| (*from).to_owned()),
            None => None,
        };
        let root = root.and_then(|name| uf.root(&name));
        c.cause = match (root.and_then(title), m) {
            (Some(t), _) => t,
            (None, Some((_, _, wrapper))) => wrapper.clone(),
            (None, None) => kind_cause(c).unwrap_or_else(|| c.what.clone()),
        };
    }
}

/// Compares `old` with `new`.
pub fn compare(old: &Surface, new: &Surface) -> Report {
    let mut out = Changes {
        traits: old.records_traits() && new.records_traits(),
        ..Changes::default()
    };
    let (was, is) = (Side::new(old), Side::new(new));
    let resolve = &is.resolve;
    for (id, op) in &new.operations {
        match old.operations.get(id) {
            None => out.add(
                false,
                "operation",
                id,
                format!("added: `{}` ({} {})", op.rust, op.method, op.path),
                Kind::OperationAdded,
                true,
            ),
            Some(before) => operation(&mut out, resolve, id, before, op),
        }
    }
    for (id, op) in &old.operations {
        if !new.operations.contains_key(id) {
            out.add(
                true,
                "operation",
                id,
                format!("removed: `{}` ({} {})", op.rust, op.method, op.path),
                Kind::OperationRemoved,
                false,
            );
        }
    }
    for (name, t) in &new.types {
        match old.types.get(name) {
            None => out.add(
                false,
                "type",
                name,
                format!("added ({})", kind_word(&t.shape)),
                Kind::TypeAdded,
                true,
            ),
            Some(before) => type_changes(&mut out, name, before, t, (&was, &is)),
        }
    }
    for (name, t) in &old.types {
        if !new.types.contains_key(name) {
            out.add(
                true,
                "type",
                name,
                format!("removed ({})", kind_word(&t.shape)),
                Kind::TypeRemoved,
                false,
            );
        }
    }
    for (name, payload) in &new.webhooks {
        match old.webhooks.get(name) {
            None => out.add(
                false,
                "webhook",
                name,
                format!("added (payload `{payload}`)"),
                Kind::WebhookChanged,
                true,
            ),
            Some(p) if p != payload => out.add(
                true,
                "webhook",
                name,
                format!("payload `{p}` → `{payload}`"),
                Kind::WebhookChanged,
                false,
            ),
            Some(_) => {}
        }
    }
    for name in old.webhooks.keys() {
        if !new.webhooks.contains_key(name) {
            out.add(
                true,
                "webhook",
                name,
                "removed".into(),
                Kind::WebhookChanged,
                false,
            );
        }
    }
    if let (Some(old), Some(new)) = (&old.servers, &new.servers) {
        servers(&mut out, old, new);
    }
    out.renames = renames(old, new);
    if out.traits {
        for name in new
            .features
            .keys()
            .filter(|f| !old.features.contains_key(*f))
        {
            out.add(
                false,
                "feature",
                name,
                "added".into(),
                Kind::FeatureChanged,
                true,
            );
        }
        for name in old
            .features
            .keys()
            .filter(|f| !new.features.contains_key(*f))
        {
            out.add(
                true,
                "feature",
                name,
                "removed (a dependency line naming it fails to resolve)".into(),
                Kind::FeatureChanged,
                false,
            );
        }
    }
    out.finish()
}

/// Types renamed: one removed while another of the same shape was added
/// (each added type pairs once, in name order).
fn renames(old: &Surface, new: &Surface) -> Vec<(String, String)> {
    let added: Vec<(&String, &TypeEntry)> = new
        .types
        .iter()
        .filter(|(n, _)| !old.types.contains_key(*n))
        .collect();
    let mut taken = BTreeSet::new();
    let mut pairs = Vec::new();
    for (name, t) in old
        .types
        .iter()
        .filter(|(n, _)| !new.types.contains_key(*n))
    {
        let twin = added
            .iter()
            .find(|(n, a)| a.shape == t.shape && !taken.contains(n.as_str()));
        if let Some((to, _)) = twin {
            taken.insert(to.as_str());
            pairs.push((name.clone(), (*to).clone()));
        }
    }
    pairs
}

/// `Server` is `#[non_exhaustive]`: a new variant breaks nothing, a removed
/// one breaks code naming it, a moved URL compiles but sends elsewhere.
fn servers(out: &mut Changes, old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) {
    for (name, url) in new {
        match old.get(name) {
            None => out.add(
                false,
                "server",
                name,
                format!("added ({url}; `Server` is non-exhaustive)"),
                Kind::ServerChanged,
                true,
            ),
            Some(was) if was != url => out.add(
                false,
                "server",
                name,
                format!("now {url} (was {was}): code compiles, calls go to the new URL"),
                Kind::ServerChanged,
                false,
            ),
            Some(_) => {}
        }
    }
    for (name, url) in old {
        if !new.contains_key(name) {
            out.add(
                true,
                "server",
                name,
                format!("removed ({url}): code naming `Server::{name}` breaks"),
                Kind::ServerChanged,
                false,
            );
        }
    }
}

#[derive(Default)]
struct Changes {
    list: Vec<Change>,
    additions: bool,
    /// Both surfaces record derives, deprecations and features.
    traits: bool,
    /// Types renamed (see [`renames`]).
    renames: Vec<(String, String)>,
}

impl Changes {
    fn add(
        &mut self,
        breaking: bool,
        area: &'static str,
        subject: &str,
        what: String,
        kind: Kind,
        addition: bool,
    ) {
        self.additions |= addition;
        self.list.push(Change {
            breaking,
            area,
            subject: subject.to_owned(),
            cause: String::new(),
            what,
            kind,
        });
    }

    fn finish(mut self) -> Report {
        assign_causes(&mut self.list, &self.renames);
        self.list.sort_by(|a, b| {
            (!a.breaking, a.area, &a.subject, &a.what).cmp(&(
                !b.breaking,
                b.area,
                &b.subject,
                &b.what,
            ))
        });
        let bump = if self.list.iter().any(|c| c.breaking) {
            Bump::Major
        } else if self.additions {
            Bump::Minor
        } else if self.list.is_empty() {
            Bump::None
        } else {
            Bump::Patch
        };
        Report {
            changes: self.list,
            bump,
        }
    }
}

fn operation(out: &mut Changes, resolve: &Resolve, id: &str, old: &OpSurface, new: &OpSurface) {
    let traits = out.traits;
    let mut change = |breaking: bool, what: String, addition: bool| {
        out.add(
            breaking,
            "operation",
            id,
            what,
            Kind::OperationChanged,
            addition,
        )
    };
    // A renamed builder (its struct and error enum) breaks code naming it;
    // said with the call's rename when it follows from it.
    let builder = (!old.builder.is_empty()
        && !new.builder.is_empty()
        && old.builder != new.builder)
        .then(|| {
            format!(
                "request builder `{}` renamed `{}`, its error enum `{}Error` too",
                old.builder, new.builder, old.builder
            )
        });
    if old.rust != new.rust {
        change(
            true,
            match &builder {
                Some(b) => format!("called `{}` instead of `{}`; {b}", new.rust, old.rust),
                None => format!("called `{}` instead of `{}`", new.rust, old.rust),
            },
            false,
        );
    } else if let Some(b) = builder {
        change(true, b, false);
    }
    if (old.method.as_str(), old.path.as_str()) != (new.method.as_str(), new.path.as_str()) {
        change(
            false,
            format!(
                "now {} {} (was {} {}); the Rust call is unchanged",
                new.method, new.path, old.method, old.path
            ),
            false,
        );
    }
    for (name, p) in &new.params {
        match old.params.get(name) {
            None if p.required => change(
                true,
                format!(
                    "new required parameter `{name}` ({}, `{}`): a new argument",
                    p.location, p.ty
                ),
                true,
            ),
            None => change(
                false,
                format!(
                    "new optional parameter `{name}` ({}, `{}`): a new setter",
                    p.location, p.ty
                ),
                true,
            ),
            Some(before) => {
                if before.required != p.required {
                    let how = if p.required {
                        "now required (a setter became an argument)"
                    } else {
                        "now optional (an argument became a setter)"
                    };
                    change(true, format!("parameter `{name}` {how}"), false);
                }
                if !resolve.same(&before.ty, &p.ty) {
                    change(
                        true,
                        format!("parameter `{name}` retyped `{}` → `{}`", before.ty, p.ty),
                        false,
                    );
                }
                if before.location != p.location {
                    change(
                        false,
                        format!(
                            "parameter `{name}` moved from {} to {}",
                            before.location, p.location
                        ),
                        false,
                    );
                }
            }
        }
    }
    for (name, p) in &old.params {
        if !new.params.contains_key(name) {
            change(
                true,
                format!("parameter `{name}` ({}, `{}`) removed", p.location, p.ty),
                false,
            );
        }
    }
    match (&old.body, &new.body) {
        (None, Some(b)) if b.required => change(
            true,
            format!("new required body `{}`: a new argument", b.ty),
            true,
        ),
        (None, Some(b)) => change(
            false,
            format!("new optional body `{}`: a new setter", b.ty),
            true,
        ),
        (Some(b), None) => change(true, format!("body `{}` removed", b.ty), false),
        (Some(a), Some(b)) => {
            if !resolve.same(&a.ty, &b.ty) {
                change(true, format!("body retyped `{}` → `{}`", a.ty, b.ty), false);
            }
            if a.required != b.required {
                change(
                    true,
                    format!(
                        "body now {}",
                        if b.required { "required" } else { "optional" }
                    ),
                    false,
                );
            }
            if a.media != b.media && a.ty == b.ty {
                change(
                    false,
                    format!("body sent as {} (was {})", b.media, a.media),
                    false,
                );
            }
        }
        (None, None) => {}
    }
    if !resolve.same(&old.returns, &new.returns) {
        change(
            true,
            format!("returns `{}` (was `{}`)", new.returns, old.returns),
            false,
        );
    }
    match (&old.streams, &new.streams) {
        (None, Some(s)) => change(
            false,
            format!("new streamed form `{s}` (`.events()`/`.lines()`)"),
            true,
        ),
        (Some(s), None) => change(
            true,
            format!("streamed form `{s}` removed (`.events()`/`.lines()` is gone)"),
            false,
        ),
        (Some(a), Some(b)) if !resolve.same(a, b) => {
            change(true, format!("streamed form retyped `{a}` → `{b}`"), false)
        }
        _ => {}
    }
    for s in new.errors.iter().filter(|s| !old.errors.contains(s)) {
        change(
            false,
            format!(
                "new documented error status {s} (a new variant of its non-exhaustive error enum)"
            ),
            true,
        );
    }
    if traits && new.deprecated && !old.deprecated {
        change(false, "now deprecated (calls warn)".into(), true);
    }
    for s in old.errors.iter().filter(|s| !new.errors.contains(s)) {
        change(
            true,
            format!("documented error status {s} removed (its error variant is gone)"),
            false,
        );
    }
}

fn kind_word(t: &TypeSurface) -> &'static str {
    match t {
        TypeSurface::Struct { .. } => "struct",
        TypeSurface::Enum { .. } => "enum",
        TypeSurface::Const { .. } => "constant",
        TypeSurface::Union { .. } => "union",
        TypeSurface::Alias { .. } => "alias",
        TypeSurface::Newtype { .. } => "newtype",
    }
}

/// "a struct", "an enum", "an alias".
fn with_article(word: &str) -> String {
    let article = if word.starts_with(['a', 'e', 'i', 'o']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {word}")
}

fn presence(required: bool, nullable: bool) -> &'static str {
    match (required, nullable) {
        (true, false) => "required",
        (true, true) => "required, nullable",
        (false, false) => "optional",
        (false, true) => "optional, nullable",
    }
}

/// One surface of the comparison, with what is read off it once: its
/// aliases, and each feature with every feature it turns on (itself too).
struct Side<'a> {
    surface: &'a Surface,
    resolve: Resolve<'a>,
    turns_on: BTreeMap<&'a str, BTreeSet<&'a str>>,
}

impl<'a> Side<'a> {
    fn new(surface: &'a Surface) -> Self {
        let turns_on = surface
            .features
            .keys()
            .map(|feature| {
                let mut seen = BTreeSet::new();
                let mut stack = vec![feature.as_str()];
                while let Some(f) = stack.pop() {
                    if seen.insert(f) {
                        stack.extend(
                            surface
                                .features
                                .get(f)
                                .into_iter()
                                .flatten()
                                .map(String::as_str),
                        );
                    }
                }
                (feature.as_str(), seen)
            })
            .collect();
        Side {
            surface,
            resolve: Resolve::new(surface),
            turns_on,
        }
    }

    /// Every feature with which a type gated by `gates` is compiled: those
    /// that turn on (directly or through the features they enable) one of
    /// `gates`; none when the API has no per-group features.
    fn compiled_with(&self, gates: &BTreeSet<String>) -> BTreeSet<&'a str> {
        self.turns_on
            .iter()
            .filter(|(_, on)| on.iter().any(|f| gates.contains(*f)))
            .map(|(feature, _)| *feature)
            .collect()
    }

    /// What the type users name by `e` derives (an alias: its target's).
    fn derives_of(&self, e: &TypeEntry) -> BTreeSet<String> {
        match &e.shape {
            TypeSurface::Alias { of } => self
                .surface
                .types
                .get(self.resolve.text(of).as_str())
                .map(|t| words(&t.derives))
                .unwrap_or_default(),
            _ => words(&e.derives),
        }
    }
}

/// What `old` and `new` say of the same type name: its shape, then what users
/// rely on beside it (derives, features, deprecation), when both surfaces
/// record those.
fn type_changes(
    out: &mut Changes,
    name: &str,
    old: &TypeEntry,
    new: &TypeEntry,
    (was_side, is_side): (&Side, &Side),
) {
    let (resolve, new_surface) = (&is_side.resolve, is_side.surface);
    // A type that became an alias of another: users' code naming it sees the
    // aliased type, so compare with that (a merged type whose canonical name
    // moved is not a change).
    let mut compared = false;
    if let (false, TypeSurface::Alias { of }) =
        (matches!(old.shape, TypeSurface::Alias { .. }), &new.shape)
    {
        let target_name = resolve.text(of);
        let target = new_surface
            .types
            .get(target_name.as_str())
            .filter(|t| !matches!(t.shape, TypeSurface::Alias { .. }));
        if let Some(target) = target {
            compared = true;
            let before = out.list.len();
            shape_changes(out, resolve, name, &old.shape, &target.shape);
            let changed = out.list.len() > before;
            out.add(
                false,
                "type",
                name,
                format!(
                    "now an alias of `{target_name}`{}",
                    if changed {
                        " (its differences are listed)"
                    } else {
                        ", the same type: code naming it compiles as before"
                    }
                ),
                Kind::TypeChanged,
                false,
            );
        }
    }
    if !compared {
        shape_changes(out, resolve, name, &old.shape, &new.shape);
    }
    if !out.traits {
        return;
    }
    // Traits: what the type users name derives (an alias: its target's).
    let (was, is) = (was_side.derives_of(old), is_side.derives_of(new));
    if !was.is_empty() || !is.is_empty() {
        for d in was.difference(&is) {
            out.add(
                true,
                "type",
                name,
                format!("no longer implements `{d}` (code using it breaks)"),
                Kind::TypeChanged,
                false,
            );
        }
        for d in is.difference(&was) {
            // A new `Copy` changes what `move` closures capture (cargo-semver-checks'
            // `copy_impl_added` requires a major version); other traits only add.
            let copy = d == "Copy";
            out.add(
                copy,
                "type",
                name,
                if copy {
                    "now implements `Copy` (closures that moved it now copy it)".to_owned()
                } else {
                    format!("now implements `{d}`")
                },
                Kind::TypeChanged,
                true,
            );
        }
    }
    // Features: the features with which the type is compiled.
    let (was, is) = (
        was_side.compiled_with(&words(&old.features)),
        is_side.compiled_with(&words(&new.features)),
    );
    let lost: Vec<&str> = was
        .difference(&is)
        .filter(|f| new_surface.features.contains_key(**f))
        .copied()
        .collect();
    if !lost.is_empty() {
        out.add(
            true,
            "type",
            name,
            format!(
                "no longer compiled with {} (code using it with only {} on breaks)",
                list_words(&lost, "feature"),
                if lost.len() == 1 {
                    "that"
                } else {
                    "one of those"
                }
            ),
            Kind::TypeChanged,
            false,
        );
    }
    match (old.deprecated, new.deprecated) {
        (false, true) => out.add(
            false,
            "type",
            name,
            "now deprecated (code using it warns)".into(),
            Kind::TypeChanged,
            true,
        ),
        (true, false) => out.add(
            false,
            "type",
            name,
            "no longer deprecated".into(),
            Kind::TypeChanged,
            false,
        ),
        _ => {}
    }
    // Enum values in a new order: derived `Ord` compares them differently.
    if let (TypeSurface::Enum { values: a }, TypeSurface::Enum { values: b }) =
        (&old.shape, &new.shape)
    {
        let common_a: Vec<&String> = a.iter().filter(|v| b.contains(v)).collect();
        let common_b: Vec<&String> = b.iter().filter(|v| a.contains(v)).collect();
        if common_a != common_b && words(&new.derives).contains("Ord") {
            out.add(
                false,
                "type",
                name,
                "values reordered: code compiles, the derived `Ord` sorts them differently".into(),
                Kind::VariantChanged,
                true,
            );
        }
    }
}

/// The names in a `, `-separated list (`derives`, `features`).
fn words(list: &str) -> BTreeSet<String> {
    list.split(", ")
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "feature `a`", "features `a`, `b`".
fn list_words(items: &[&str], noun: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.len() {
        1 => format!("{noun} {}", quoted.join("")),
        _ => format!("{noun}s {}", quoted.join(", ")),
    }
}

/// The changes of a type's shape (fields, values, variants, what it aliases).
fn shape_changes(
    out: &mut Changes,
    resolve: &Resolve,
    name: &str,
    old: &TypeSurface,
    new: &TypeSurface,
) {
    match (old, new) {
        (
            TypeSurface::Struct {
                fields: a,
                additional: aa,
                new: old_new,
                request: old_request,
            },
            TypeSurface::Struct {
                fields: b,
                additional: ba,
                new: new_new,
                request: new_request,
            },
        ) => {
            // `new`'s arguments, judged as calls see them: by their types in
            // order. Other types or another count break calls; the same
            // types under other names break nothing when the names are a
            // rename (old names gone, new ones new), and otherwise compile
            // while putting values into other fields.
            if let (Some(was), Some(is)) = (old_new, new_new) {
                let types = |names: &[String], fields: &BTreeMap<String, FieldSurface>| {
                    names
                        .iter()
                        .map(|w| fields.get(w).map(|f| resolve.text(&f.ty)))
                        .collect::<Vec<_>>()
                };
                let list = |names: &[String], fields: &BTreeMap<String, FieldSurface>| {
                    names
                        .iter()
                        .map(|w| fields.get(w).map_or(w.as_str(), |f| f.rust.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let renamed = was
                    .iter()
                    .zip(is)
                    .filter(|(x, y)| x != y)
                    .all(|(x, y)| !b.contains_key(x) && !a.contains_key(y));
                let judged = if was.is_empty() && !is.is_empty() {
                    // A struct that was `Default` gains a constructor; the
                    // lost `Default` is the break, listed with the derives.
                    Some((false, "a constructor instead of `Default`"))
                } else if types(was, a) != types(is, b) {
                    Some((true, "calls with the old arguments break"))
                } else if was != is && !renamed {
                    Some((
                        true,
                        "the same types in another order: calls compile and put values into other fields",
                    ))
                } else if was != is {
                    Some((
                        false,
                        "renamed fields in the same places: calls compile as before",
                    ))
                } else {
                    None
                };
                if let Some((breaking, why)) = judged {
                    out.add(
                        breaking,
                        "type",
                        name,
                        if was.is_empty() {
                            format!("`new` takes ({}): {why}", list(is, b))
                        } else {
                            format!(
                                "`new` takes ({}) (was ({})): {why}",
                                list(is, b),
                                list(was, a)
                            )
                        },
                        Kind::FieldChanged,
                        false,
                    );
                }
            }
            let takes = |wire: &str| new_new.iter().flatten().any(|w| w == wire);
            for (wire, f) in b {
                match a.get(wire) {
                    None => {
                        // With `new` recorded, its change is judged above.
                        let unrecorded = new_new.is_none() && f.required && !f.nullable;
                        let why = if takes(wire) {
                            "`new` takes it (the change to `new` is listed)"
                        } else if unrecorded {
                            "`new` takes it, so every `new` call gains an argument"
                        } else {
                            "the struct is `#[non_exhaustive]`, so this only adds a setter"
                        };
                        out.add(
                            unrecorded,
                            "type",
                            name,
                            format!(
                                "new field `{}` (`{}`, {}): {why}",
                                f.rust,
                                f.rust_type(*new_request),
                                presence(f.required, f.nullable)
                            ),
                            Kind::FieldChanged,
                            true,
                        );
                    }
                    Some(before) => {
                        let (was, is) = (before.rust_type(*old_request), f.rust_type(*new_request));
                        if !resolve.same(&was, &is) {
                            let why =
                                if (before.required, before.nullable) != (f.required, f.nullable) {
                                    format!(
                                        " ({}, was {})",
                                        presence(f.required, f.nullable),
                                        presence(before.required, before.nullable)
                                    )
                                } else if old_request != new_request && before.ty == f.ty {
                                    format!(
                                        " (the struct is {} sent in requests)",
                                        if *new_request { "now" } else { "no longer" }
                                    )
                                } else {
                                    String::new()
                                };
                            out.add(
                                true,
                                "type",
                                name,
                                format!("field `{}` retyped `{was}` → `{is}`{why}", f.rust),
                                Kind::FieldChanged,
                                false,
                            );
                        } else if (before.required, before.nullable) != (f.required, f.nullable) {
                            out.add(
                                false,
                                "type",
                                name,
                                format!(
                                    "field `{}` now {} (was {}); its Rust type `{is}` is unchanged",
                                    f.rust,
                                    presence(f.required, f.nullable),
                                    presence(before.required, before.nullable)
                                ),
                                Kind::FieldChanged,
                                false,
                            );
                        }
                        if before.rust != f.rust {
                            out.add(
                                true,
                                "type",
                                name,
                                format!("field `{}` renamed `{}` in Rust", before.rust, f.rust),
                                Kind::FieldChanged,
                                false,
                            );
                        }
                        if out.traits && f.deprecated && !before.deprecated {
                            out.add(
                                false,
                                "type",
                                name,
                                format!("field `{}` now deprecated", f.rust),
                                Kind::FieldChanged,
                                true,
                            );
                        }
                    }
                }
            }
            for (wire, f) in a {
                if !b.contains_key(wire) {
                    out.add(
                        true,
                        "type",
                        name,
                        format!(
                            "field `{}` (`{}`) removed",
                            f.rust,
                            f.rust_type(*old_request)
                        ),
                        Kind::FieldChanged,
                        false,
                    );
                }
            }
            if aa != ba {
                out.add(
                    true,
                    "type",
                    name,
                    format!(
                        "undeclared properties kept as `{}` (was `{}`)",
                        ba.as_deref().unwrap_or("nothing"),
                        aa.as_deref().unwrap_or("nothing")
                    ),
                    Kind::TypeChanged,
                    false,
                );
            }
        }
        (TypeSurface::Enum { values: a }, TypeSurface::Enum { values: b }) => {
            for v in b.iter().filter(|v| !a.contains(v)) {
                out.add(
                    false,
                    "type",
                    name,
                    format!("new value `{v}` (the enum is non-exhaustive)"),
                    Kind::VariantChanged,
                    true,
                );
            }
            for v in a.iter().filter(|v| !b.contains(v)) {
                out.add(
                    true,
                    "type",
                    name,
                    format!("value `{v}` removed (its variant is gone)"),
                    Kind::VariantChanged,
                    false,
                );
            }
        }
        (
            TypeSurface::Union {
                variants: a,
                tag: ta,
            },
            TypeSurface::Union {
                variants: b,
                tag: tb,
            },
        ) => {
            for (v, t) in b {
                match a.get(v) {
                    None => out.add(
                        false,
                        "type",
                        name,
                        format!("new variant `{v}` (`{t}`; the union is non-exhaustive)"),
                        Kind::VariantChanged,
                        true,
                    ),
                    Some(before) if !resolve.same(before, t) => out.add(
                        true,
                        "type",
                        name,
                        format!("variant `{v}` retyped `{before}` → `{t}`"),
                        Kind::VariantChanged,
                        false,
                    ),
                    Some(_) => {}
                }
            }
            for (v, t) in a {
                if !b.contains_key(v) {
                    out.add(
                        true,
                        "type",
                        name,
                        format!("variant `{v}` (`{t}`) removed"),
                        Kind::VariantChanged,
                        false,
                    );
                }
            }
            if ta != tb {
                out.add(
                    false,
                    "type",
                    name,
                    format!(
                        "tag `{}` (was `{}`)",
                        tb.as_deref().unwrap_or("none"),
                        ta.as_deref().unwrap_or("none")
                    ),
                    Kind::TypeChanged,
                    false,
                );
            }
        }
        (TypeSurface::Const { value: a }, TypeSurface::Const { value: b }) if a != b => {
            out.add(
                true,
                "type",
                name,
                format!("constant `{b}` (was `{a}`)"),
                Kind::TypeChanged,
                false,
            );
        }
        (TypeSurface::Alias { of: a }, TypeSurface::Alias { of: b })
        | (TypeSurface::Newtype { of: a }, TypeSurface::Newtype { of: b })
            if !resolve.same(a, b) =>
        {
            out.add(
                true,
                "type",
                name,
                format!("now stands for `{b}` (was `{a}`)"),
                Kind::TypeChanged,
                false,
            );
        }
        (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
            out.add(
                true,
                "type",
                name,
                format!(
                    "now {} (was {})",
                    with_article(kind_word(b)),
                    with_article(kind_word(a))
                ),
                Kind::TypeChanged,
                false,
            );
        }
        _ => {}
    }
}

/// Counts of a report by kind, for tests and summaries.
pub fn counts(report: &Report) -> BTreeMap<&'static str, usize> {
    BTreeMap::from([
        ("operations_added", report.count(Kind::OperationAdded)),
        ("operations_removed", report.count(Kind::OperationRemoved)),
        ("operations_changed", report.operations_changed()),
        ("types_added", report.count(Kind::TypeAdded)),
        ("types_removed", report.count(Kind::TypeRemoved)),
        ("types_changed", report.types_changed()),
        ("field_changes", report.count(Kind::FieldChanged)),
        ("variant_changes", report.count(Kind::VariantChanged)),
        ("server_changes", report.count(Kind::ServerChanged)),
        ("breaking", report.breaking()),
    ])
}
