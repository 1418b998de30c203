//! Witnesses for `cargo xtask semver`: user code written against the old
//! crate, one function per thing users rely on (reading a field as its Rust
//! type, a derived trait, matching a union variant, what an alias stands for,
//! naming a type, calling `new` with the old argument types, naming a server
//! or an operation's builder, its success type; naming a type in a crate
//! built with only a feature the report says no longer compiles it),
//! compiled against the old crate (where all must compile) and the new one. A witness that fails on the new crate is a break the
//! report must list as breaking; a breaking entry of a witnessed kind whose
//! witness still compiles is a break that is not one.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use openapi_generator::changes::{Change, Report};
use openapi_generator::surface::{FieldSurface, Surface, TypeSurface};

/// What a witness relies on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Use {
    /// Reading field `.1` (its Rust name) of struct `.0` as its old type.
    Field(String, String),
    /// Type `.0` implementing trait `.1`.
    Derive(String, String),
    /// Matching variant `.1` of union `.0` with its old payload.
    Variant(String, String),
    /// Alias `.0` standing for what it stood for.
    Alias(String),
    /// Naming type `.0`.
    Type(String),
    /// Building struct `.0` with `new` and its old arguments.
    New(String),
    /// Naming operation `.0`'s request builder.
    Builder(String),
    /// Operation `.0` decoding into its old success type.
    Returns(String),
    /// Naming variant `.0` of `Server`.
    Server(String),
}

impl Use {
    /// The report subject it is about: a type, or an operation by id.
    fn subject(&self) -> &str {
        match self {
            Use::Field(t, _) | Use::Derive(t, _) | Use::Variant(t, _) => t,
            Use::Alias(t) | Use::Type(t) | Use::New(t) => t,
            Use::Builder(op) | Use::Returns(op) => op,
            Use::Server(s) => s,
        }
    }

    fn area(&self) -> &str {
        match self {
            Use::Builder(_) | Use::Returns(_) => "operation",
            Use::Server(_) => "server",
            _ => "type",
        }
    }
}

fn bound(derive: &str) -> Option<&'static str> {
    Some(match derive {
        "Debug" => "::std::fmt::Debug",
        "Clone" => "Clone",
        "Copy" => "Copy",
        "Default" => "Default",
        "PartialEq" => "PartialEq",
        "Eq" => "Eq",
        "Hash" => "::std::hash::Hash",
        "PartialOrd" => "PartialOrd",
        "Ord" => "Ord",
        _ => return None,
    })
}

/// What every witness file starts with: the names the surface's type texts use.
fn preamble(api: &str) -> String {
    format!(
        "#![allow(unused, deprecated, clippy::all)]\n\
         use api_clients::{api}::types::*;\n\
         use api_clients::runtime::{{FilePart, Map, Patch}};\n\
         use api_clients::chrono::{{DateTime, NaiveDate, Utc}};\n\
         use api_clients::uuid::Uuid;\n\
         use serde_json::Value;\n"
    )
}

/// The witness crate's `lib.rs` for `old` (module `api` of `api_clients`),
/// the line of its first witness, and what each witness relies on.
pub fn source(api: &str, old: &Surface) -> (String, usize, Vec<Use>) {
    let mut src = preamble(api);
    let first = src.lines().count() + 1;
    let mut uses = Vec::new();
    let mut line = |src: &mut String, u: Use, code: String| {
        let n = uses.len();
        let _ = writeln!(src, "fn w{n}() {{ {code} }}");
        uses.push(u);
    };
    for (name, t) in &old.types {
        line(
            &mut src,
            Use::Type(name.clone()),
            format!("let _: Option<&{name}> = None;"),
        );
        match &t.shape {
            TypeSurface::Struct {
                fields,
                request,
                new,
                ..
            } => {
                // `new(a: impl Into<A>, ..)` called with values of the old
                // argument types (a struct without arguments is `Default`,
                // witnessed as a derive).
                let args: Vec<&FieldSurface> = new
                    .iter()
                    .flatten()
                    .filter_map(|wire| fields.get(wire))
                    .collect();
                if !args.is_empty() {
                    let params: Vec<String> = args
                        .iter()
                        .enumerate()
                        .map(|(i, f)| format!("a{i}: {}", f.ty))
                        .collect();
                    let names: Vec<String> = (0..args.len()).map(|i| format!("a{i}")).collect();
                    line(
                        &mut src,
                        Use::New(name.clone()),
                        format!(
                            "fn make({}) -> {name} {{ {name}::new({}) }}",
                            params.join(", "),
                            names.join(", ")
                        ),
                    );
                }
                for f in fields.values() {
                    let ty = f.rust_type(*request);
                    let field = &f.rust;
                    line(
                        &mut src,
                        Use::Field(name.clone(), field.clone()),
                        format!("fn read(x: &{name}) -> &{ty} {{ &x.{field} }}"),
                    );
                }
            }
            TypeSurface::Union { variants, .. } => {
                for (v, ty) in variants {
                    line(
                        &mut src,
                        Use::Variant(name.clone(), v.clone()),
                        format!(
                            "fn pick(x: {name}) -> Option<{ty}> {{ match x {{ {name}::{v}(v) => Some(v), _ => None }} }}"
                        ),
                    );
                }
            }
            TypeSurface::Alias { of } => {
                line(
                    &mut src,
                    Use::Alias(name.clone()),
                    format!("fn same(x: {name}) -> {of} {{ x }}"),
                );
            }
            _ => {}
        }
        for d in t.derives.split(", ").filter(|d| !d.is_empty()) {
            if let Some(b) = bound(d) {
                line(
                    &mut src,
                    Use::Derive(name.clone(), d.to_owned()),
                    format!("fn has<T: ?Sized + {b}>() {{}} has::<{name}>();"),
                );
            }
        }
    }
    for name in old.servers.iter().flatten().map(|(name, _)| name) {
        line(
            &mut src,
            Use::Server(name.clone()),
            format!("let _ = api_clients::{api}::Server::{name};"),
        );
    }
    // Operations: the builder by its path, and what it decodes into.
    for (id, op) in &old.operations {
        let Some(module) = op.rust.split('.').next().filter(|_| op.rust.contains('.')) else {
            continue;
        };
        if op.builder.is_empty() {
            continue;
        }
        let builder = format!(
            "api_clients::{api}::operations::{}::{}",
            module.trim_end_matches("()"),
            op.builder
        );
        line(
            &mut src,
            Use::Builder(id.clone()),
            format!("let _: Option<{builder}> = None;"),
        );
        line(
            &mut src,
            Use::Returns(id.clone()),
            format!(
                "fn out<O: api_clients::runtime::Operation<Output = {}>>() {{}} out::<{builder}>();",
                op.returns
            ),
        );
    }
    (src, first, uses)
}

/// Writes the witness crate against the crate at `krate` into `dir` and
/// checks it; the witnesses (by index) that do not compile.
pub fn failing(
    root: &Path,
    dir: &Path,
    (krate, feature): (&Path, Option<&str>),
    src: &str,
    first: usize,
) -> Result<BTreeSet<usize>, String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let features = feature
        .map(|f| format!(", default-features = false, features = [\"{f}\"]"))
        .unwrap_or_default();
    let cargo_toml = format!(
        "[package]\nname = \"witness\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\napi-clients = {{ path = {:?}{features} }}\nserde_json = \"1\"\n",
        krate.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), cargo_toml).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), src).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--quiet",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(dir.join("Cargo.toml"))
        // The workspace's target folder and flags: dependencies built once.
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .map_err(|e| format!("cargo check: {e}"))?;
    let mut failing = BTreeSet::new();
    let mut other = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let message = &msg["message"];
        if msg["reason"] != "compiler-message" || message["level"] != "error" {
            continue;
        }
        let spans = message["spans"].as_array().cloned().unwrap_or_default();
        let lines: Vec<usize> = spans
            .iter()
            .filter(|s| {
                s["is_primary"] == true
                    && s["file_name"]
                        .as_str()
                        .is_some_and(|f| f.ends_with("src/lib.rs"))
            })
            .filter_map(|s| s["line_start"].as_u64())
            .map(|l| l as usize)
            .collect();
        if lines.is_empty() {
            other.push(message["rendered"].as_str().unwrap_or("").to_owned());
        }
        for l in lines {
            match l.checked_sub(first) {
                Some(i) => {
                    failing.insert(i);
                }
                None => other.push(message["rendered"].as_str().unwrap_or("").to_owned()),
            }
        }
    }
    if !other.is_empty() && !other.iter().all(|o| o.contains("aborting due to")) {
        let shown: Vec<&String> = other
            .iter()
            .filter(|o| !o.contains("aborting due to"))
            .take(3)
            .collect();
        return Err(format!(
            "the witness crate in {} failed outside its witnesses: {shown:?}",
            dir.display()
        ));
    }
    Ok(failing)
}

/// Whether breaking entry `c` is about what `u` relies on.
fn covers(c: &Change, u: &Use) -> bool {
    if c.area != u.area() || c.subject != u.subject() {
        return false;
    }
    // An operation removed or renamed takes its builder along.
    let op_gone = c.what.starts_with("removed: ")
        || c.what.starts_with("called ")
        || c.what.starts_with("request builder ");
    let names = |member: &str| c.what.contains(&format!("`{member}`"));
    // A type removed, or changed in kind, takes everything of it along.
    if c.what.starts_with("removed (") || (c.what.starts_with("now ") && c.what.contains("(was a"))
    {
        return true;
    }
    match u {
        Use::Field(_, f) => c.what.starts_with("field ") && names(f),
        Use::Derive(_, d) => c.what.starts_with("no longer implements") && names(d),
        Use::Variant(_, v) => c.what.starts_with("variant ") && names(v),
        Use::Alias(_) => c.what.starts_with("now stands for"),
        Use::Type(_) => false,
        Use::Builder(_) => op_gone,
        Use::Server(_) => c.what.starts_with("removed"),
        Use::Returns(_) => op_gone || c.what.starts_with("returns "),
        // `new`'s arguments follow the required fields.
        Use::New(_) => {
            c.what.starts_with("`new` takes")
                || c.what.starts_with("field ")
                || c.what.starts_with("new field ")
        }
    }
}

/// Whether entry `c` is of a kind some witness checks, and which use it is
/// about (the witness that must fail).
fn witnessed(c: &Change, uses: &[Use], on_new: &BTreeSet<usize>) -> Option<usize> {
    let w = c.what.as_str();
    if c.area == "server" && w.starts_with("removed") {
        return uses
            .iter()
            .position(|u| matches!(u, Use::Server(s) if *s == c.subject));
    }
    let find = |want: &dyn Fn(&Use) -> bool| {
        uses.iter()
            .position(|u| u.area() == c.area && u.subject() == c.subject && want(u))
    };
    if c.area == "operation" {
        if w.starts_with("removed: ")
            || w.starts_with("request builder ")
            || (w.starts_with("called ") && w.contains("request builder"))
        {
            return find(&|u| matches!(u, Use::Builder(_)));
        }
        if w.starts_with("returns ") {
            return find(&|u| matches!(u, Use::Returns(_)));
        }
        return None;
    }
    if c.area != "type" {
        return None;
    }
    let named = |m: &str| w.contains(&format!("`{m}`"));
    if w.starts_with("removed (") {
        return find(&|u| matches!(u, Use::Type(_)));
    }
    if w.starts_with("`new` takes") {
        // The old `new`, or the old `Default` when it took nothing.
        return find(&|u| matches!(u, Use::New(_)))
            .or_else(|| find(&|u| matches!(u, Use::Derive(_, d) if d == "Default")));
    }
    if w.starts_with("field `")
        && (w.contains(" retyped ") || w.ends_with(" removed") || w.contains(" renamed "))
    {
        return find(&|u| matches!(u, Use::Field(_, f) if named(f)));
    }
    if w.starts_with("no longer implements `") {
        return find(&|u| matches!(u, Use::Derive(_, d) if named(d)));
    }
    if w.starts_with("variant `") {
        return find(&|u| matches!(u, Use::Variant(_, v) if named(v)));
    }
    if w.starts_with("now stands for `") {
        return find(&|u| matches!(u, Use::Alias(_)));
    }
    // A type of another kind: some use of it beyond its name (a field read,
    // a variant matched, a derive) must fail.
    if (w.starts_with("now a ") || w.starts_with("now an ")) && w.contains("(was a") {
        let of_it = |i: &usize| {
            uses.get(*i).is_some_and(|u| {
                u.subject() == c.subject && u.area() == "type" && !matches!(u, Use::Type(_))
            })
        };
        return on_new
            .iter()
            .copied()
            .find(of_it)
            .or_else(|| (0..uses.len()).find(of_it));
    }
    None
}

/// How the witnesses and the report agree.
#[derive(Default)]
pub struct Witnessed {
    /// Witnesses written.
    pub written: usize,
    /// Witnesses failing on the new crate.
    pub failing: usize,
    /// Witnesses that do not compile against the old crate (a witness bug).
    pub broken: Vec<Use>,
    /// Witnesses failing on the new crate with no breaking entry covering them.
    pub unreported: Vec<Use>,
    /// Breaking entries whose witness fails on the new crate.
    pub confirmed: usize,
    /// Breaking entries whose witness still compiles: not breaking after all.
    pub compiles: Vec<Change>,
    /// Breaking entries whose witness compiles by their nature: `new`'s
    /// arguments of the same types in another order (calls compile and put
    /// values into other fields, a break no compiler sees).
    pub silent: Vec<Change>,
    /// Breaking entries of kinds no witness checks, by the start of their text.
    pub unwitnessed: BTreeMap<String, usize>,
}

/// Writes and checks the witnesses of `old` against both crates.
pub fn run(
    root: &Path,
    base: &Path,
    api: &str,
    (old_dir, old): (&Path, &Surface),
    new_dir: &Path,
    report: &Report,
) -> Result<Witnessed, String> {
    let (src, first, uses) = source(api, old);
    let on_old = failing(
        root,
        &base.join("witness-old"),
        (old_dir, None),
        &src,
        first,
    )?;
    let on_new = failing(
        root,
        &base.join("witness-new"),
        (new_dir, None),
        &src,
        first,
    )?;
    let mut w = Witnessed {
        written: uses.len(),
        failing: on_new.len(),
        ..Witnessed::default()
    };
    w.broken = on_old
        .iter()
        .filter_map(|i| uses.get(*i).cloned())
        .collect();
    let breaking: Vec<&Change> = report.changes.iter().filter(|c| c.breaking).collect();
    for i in on_new.difference(&on_old) {
        let Some(u) = uses.get(*i) else { continue };
        if !breaking.iter().any(|c| covers(c, u)) {
            w.unreported.push(u.clone());
        }
    }
    // Types no longer compiled with a feature: named in a crate built with
    // only that feature, against the old crate and the new.
    let mut by_feature: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for c in breaking.iter().filter(|c| c.area == "type") {
        for f in lost_features(&c.what) {
            by_feature.entry(f).or_default().push(&c.subject);
        }
    }
    let mut lost_under: BTreeSet<(String, String)> = BTreeSet::new();
    for (feature, types) in &by_feature {
        let mut src = preamble(api);
        let first = src.lines().count() + 1;
        for (i, t) in types.iter().enumerate() {
            let _ = writeln!(src, "fn w{i}() {{ let _: Option<&{t}> = None; }}");
        }
        let dir = base.join("witness-feature");
        let on_old = failing(root, &dir, (old_dir, Some(feature)), &src, first)?;
        let on_new = failing(root, &dir, (new_dir, Some(feature)), &src, first)?;
        w.written += types.len();
        for (i, t) in types.iter().enumerate() {
            if on_old.contains(&i) {
                w.broken
                    .push(Use::Type(format!("{t} (with only `{feature}`)")));
            } else if on_new.contains(&i) {
                lost_under.insert((feature.clone(), (*t).to_owned()));
            }
        }
    }
    for c in &breaking {
        let lost = lost_features(&c.what);
        if c.area == "type" && !lost.is_empty() {
            if lost
                .iter()
                .all(|f| lost_under.contains(&(f.clone(), c.subject.clone())))
            {
                w.confirmed += 1;
            } else {
                w.compiles.push((*c).clone());
            }
            continue;
        }
        match witnessed(c, &uses, &on_new) {
            Some(i) if on_new.contains(&i) => w.confirmed += 1,
            // Breaking although it compiles: values land in other fields.
            Some(_)
                if c.what
                    .contains("calls compile and put values into other fields") =>
            {
                w.silent.push((*c).clone())
            }
            Some(_) => w.compiles.push((*c).clone()),
            None => {
                let kind: String = c
                    .what
                    .split(['`', '('])
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_owned();
                *w.unwitnessed
                    .entry(format!("{} {kind}", c.area))
                    .or_default() += 1;
            }
        }
    }
    Ok(w)
}

/// The features of "no longer compiled with feature `a`" / "features `a`,
/// `b` (...)".
fn lost_features(what: &str) -> Vec<String> {
    let Some(rest) = what
        .strip_prefix("no longer compiled with features ")
        .or_else(|| what.strip_prefix("no longer compiled with feature "))
    else {
        return Vec::new();
    };
    let list = rest.split(" (").next().unwrap_or("");
    list.split(", ")
        .map(|f| f.trim_matches('`').to_owned())
        .filter(|f| !f.is_empty())
        .collect()
}

impl Witnessed {
    /// No witness broken, no break unreported, no breaking entry that compiles.
    pub fn ok(&self) -> bool {
        self.broken.is_empty() && self.unreported.is_empty() && self.compiles.is_empty()
    }

    pub fn print(&self, api: &str) {
        println!(
            "{api}: witnesses (user code on the old crate): {} written, {} fail on the new crate; {} breaking entries confirmed by a failing witness, {} of kinds not witnessed",
            self.written,
            self.failing,
            self.confirmed,
            self.unwitnessed.values().sum::<usize>()
        );
        println!(
            "{api}: {} witnesses do not compile on the old crate, {} breaks are not in the report as breaking, {} breaking entries compile for users",
            self.broken.len(),
            self.unreported.len(),
            self.compiles.len()
        );
        for (kind, n) in &self.unwitnessed {
            println!("  not witnessed: {n} × {kind}");
        }
        for u in self.broken.iter().take(20) {
            println!("  witness broken on the old crate: {u:?}");
        }
        for u in self.unreported.iter().take(20) {
            println!("  unreported break: {u:?}");
        }
        for c in self.compiles.iter().take(20) {
            println!("  compiles: {} `{}`: {}", c.area, c.subject, c.what);
        }
        for c in &self.silent {
            println!(
                "  compiles, breaking by meaning: {} `{}`: {}",
                c.area, c.subject, c.what
            );
        }
    }
}
