//! Doc comments from spec text: title, description and notes made into lines
//! that rustdoc and clippy accept (no tabs, no lazy list continuations, no
//! trailing spaces).

use crate::ir::Docs;

/// Fixes up one block of Markdown from the spec.
pub fn clean_markdown(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut list_indent: Option<usize> = None;
    let mut in_fence = false;
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = raw.replace('\t', "    ");
        let line = line.trim_end().to_owned();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            in_fence = !in_fence;
            out.push(line);
            continue;
        }
        if in_fence {
            out.push(line);
            continue;
        }
        if trimmed.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        if let Some(width) = list_marker_width(trimmed) {
            list_indent = Some(line.len() - trimmed.len() + width);
            out.push(line);
            continue;
        }
        match list_indent {
            // A line continuing a list item sits exactly under the item's text.
            Some(indent) if line.len() - trimmed.len() != indent => {
                out.push(format!("{}{}", " ".repeat(indent), trimmed));
            }
            _ => out.push(line),
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    while out.first().is_some_and(|l| l.is_empty()) {
        out.remove(0);
    }
    out
}

/// Width of a Markdown list marker (`- `, `* `, `+ `, `12. `) at the start of `s`.
fn list_marker_width(s: &str) -> Option<usize> {
    if s.starts_with("- ") || s.starts_with("* ") || s.starts_with("+ ") {
        return Some(2);
    }
    let digits = s.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (s[digits..].starts_with(". ") || s[digits..].starts_with(") ")) {
        return Some(digits + 2);
    }
    None
}

/// The doc lines for an item; `fallback` when the spec says nothing.
pub fn lines(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut out = Vec::new();
    let para = |block: Vec<String>, out: &mut Vec<String>| {
        if block.is_empty() {
            return;
        }
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(block);
    };
    if let Some(t) = &docs.title {
        para(clean_markdown(t), &mut out);
    }
    if let Some(d) = &docs.description {
        para(clean_markdown(d), &mut out);
    }
    if out.is_empty() {
        out.push(fallback.to_owned());
    }
    if !docs.notes.is_empty() {
        let notes = docs.notes.join("; ");
        para(clean_markdown(&capitalise(&notes)), &mut out);
    }
    out.into_iter()
        .map(|l| format!(" {l}").trim_end().to_owned())
        .collect()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_continuations_are_indented() {
        let lines = clean_markdown("Intro:\n- one\ncontinued\n\nafter\tx");
        assert_eq!(
            lines,
            vec!["Intro:", "- one", "  continued", "", "after    x"]
        );
    }
}
