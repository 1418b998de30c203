//! `cargo xtask doc-check`: the generated crate's docs as docs.rs renders them
//! (every feature, `--cfg docsrs` for the feature badges, warnings denied),
//! then a read of the rendered pages for what rustdoc lets through:
//!
//! - literal `[text]` in prose: Markdown link syntax rustdoc did not resolve,
//!   or brackets the generator should have escaped or rewritten;
//! - a word written twice in a row (`the Polar API API`), unless the spec
//!   documents themselves have it (spec prose is quoted, typos and all);
//! - an operations or webhooks page without the badge naming its feature.
//!
//! docs.rs builds with nightly for `doc(cfg)`; here the one stable toolchain
//! is told to allow it (`RUSTC_BOOTSTRAP=1`), for this build only.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::manifest;

/// Builds the docs and reads every page; an error lists each finding.
pub fn run(root: &Path, specs_dir: &Path) -> Result<(), String> {
    let target = root.join("target/doc-check");
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("RUSTDOCFLAGS", "--cfg docsrs -D warnings")
        // The runtime too: its traits' docs, inherited by generated impls,
        // link into it (docs.rs links them to the runtime's own pages).
        .args(["doc", "--quiet", "--package", "api-clients"])
        .args(["--package", "openapi-runtime", "--no-deps"])
        .args(["--all-features", "--target-dir"])
        .arg(&target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("cargo doc of api-clients failed".into());
    }
    let (_, manifest) = manifest::read(&root.join("specs/apis.toml"))?;
    let mut specs = String::new();
    for api in &manifest.api {
        let path = specs_dir.join(&api.file);
        specs.push_str(
            &std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?,
        );
    }
    let mut pages = Vec::new();
    html_files(&target.join("doc/api_clients"), &mut pages)?;
    pages.sort();
    let mut findings = Vec::new();
    let mut badged = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).map_err(|e| format!("{}: {e}", page.display()))?;
        let rel = page
            .strip_prefix(&target)
            .unwrap_or(page)
            .display()
            .to_string();
        let badge = html.contains("class=\"stab portability\"");
        badged += usize::from(badge);
        let gated = rel.contains("/operations/") || rel.contains("/webhooks/");
        if gated && rel.ends_with("/index.html") && !badge {
            findings.push(format!("{rel}: no feature badge"));
        }
        let text = prose(&html);
        for b in brackets(&text) {
            findings.push(format!("{rel}: literal {b:?}"));
        }
        for pair in doubled(&text) {
            if !specs.contains(&pair) {
                findings.push(format!("{rel}: doubled words {pair:?}"));
            }
        }
    }
    findings.sort();
    findings.dedup();
    println!(
        "doc-check: {} pages, {badged} with feature badges, {} findings",
        pages.len(),
        findings.len()
    );
    if findings.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the rendered docs of api-clients:\n  {}",
            findings.join("\n  ")
        ))
    }
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let read = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in read.flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
    Ok(())
}

/// The prose of a rustdoc page: its `<main>` without code, signatures,
/// scripts and tags, entities decoded.
fn prose(html: &str) -> String {
    let main = match (html.find("<main>"), html.rfind("</main>")) {
        (Some(a), Some(b)) if a < b => &html[a..b],
        _ => html,
    };
    // Blanket implementations are other crates' traits and docs.
    let main = match main.find("id=\"blanket-implementations\"") {
        Some(end) => &main[..end],
        None => main,
    };
    let mut text = main.to_owned();
    for (open, close) in [
        ("<pre", "</pre>"),
        ("<code", "</code>"),
        ("<script", "</script>"),
        ("<h3 class=\"code-header\"", "</h3>"),
        ("<h4 class=\"code-header\"", "</h4>"),
    ] {
        text = without(&text, open, close);
    }
    // Inline tags are a space, block tags a line break (so a name in a list
    // and the description beside it are not one sentence).
    let mut out = String::with_capacity(text.len());
    let mut tag: Option<String> = None;
    for c in text.chars() {
        match (&mut tag, c) {
            (None, '<') => tag = Some(String::new()),
            (Some(name), '>') if name == "wbr" => tag = None,
            (Some(name), '>') => {
                let name = name.trim_start_matches('/');
                let name = name.split([' ', '/']).next().unwrap_or("");
                let inline = ["a", "em", "strong", "b", "i", "span", "sup", "sub"];
                out.push(if inline.contains(&name) { ' ' } else { '\n' });
                tag = None;
            }
            (Some(name), c) => name.push(c),
            (None, c) => out.push(c),
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// `text` without every span from `open` to the next `close` (inclusive).
fn without(text: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(open) {
        out.push_str(&rest[..start]);
        match rest[start..].find(close) {
            Some(end) => rest = &rest[start + end + close.len()..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Bracketed text in prose: `[` then up to 60 characters, not starting with
/// a space, then `]`.
fn brackets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('[') {
        let rest = &text[i + 1..];
        if rest.starts_with(char::is_whitespace) {
            continue;
        }
        let end = rest
            .char_indices()
            .take(61)
            .find(|&(_, c)| c == ']' || c == '[' || c == '\n')
            .filter(|&(_, c)| c == ']');
        if let Some((j, _)) = end {
            out.push(format!("[{}]", &rest[..j]));
        }
    }
    out
}

/// Words written twice in a row (`API API`), as `"w w"`; numbers aside.
fn doubled(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let word = |w: &str| !w.is_empty() && w.chars().all(char::is_alphabetic);
            let b_bare = b.trim_end_matches(['.', ',', ';', ':', '!', '?']);
            if word(a) && a == b_bare {
                out.push(format!("{a} {a}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_finds_what_rustdoc_let_through() {
        let page = r#"<html><nav>[nav]</nav><main><h4 class="code-header">fn f(x: &amp;[Self])</h4>
<h1>Meter<wbr>Meter</h1><dl><dt>Client</dt><dd>Client of the Polar API API. See [Slot] and <code>[ok]</code>, [ not this.</dd></dl>
<pre>[code]</pre><h2 id="blanket-implementations">[Other]</h2></main></html>"#;
        let text = prose(page);
        assert_eq!(brackets(&text), ["[Slot]"]);
        assert_eq!(doubled(&text), ["API API"]);
    }
}
