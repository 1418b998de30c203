//! Doc comments from spec text: title, description and notes made into lines
//! that rustdoc and clippy accept.
//!
//! Spec Markdown is written for a documentation site, not for rustdoc, so:
//! tabs become spaces and trailing spaces go; list continuations sit under
//! their item; code fences without a language become `text` (rustdoc would
//! compile them as Rust); indented text outside lists is not turned into code;
//! `<a href>` becomes a Markdown link; bare URLs get angle brackets; relative
//! links (`/api-reference/...`) become absolute on the API's documentation
//! site; and `[brackets]` that are not links are escaped so rustdoc does not
//! read them as intra-doc links.

use crate::ir::Docs;

/// Where relative links in the spec's Markdown point.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links<'a> {
    /// The API's documentation site, e.g. `https://polar.sh/docs`.
    pub base: Option<&'a str>,
}

impl Links<'_> {
    /// An absolute URL for a site-relative path (`/api-reference/x`): the
    /// path under the site's base, unless it already starts with the base's path.
    fn absolute(&self, path: &str) -> Option<String> {
        let base = self.base?.trim_end_matches('/');
        let (scheme, rest) = base.split_once("://")?;
        let (host, base_path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if !base_path.is_empty()
            && (path == base_path || path.starts_with(&format!("{base_path}/")))
        {
            Some(format!("{scheme}://{host}{path}"))
        } else {
            Some(format!("{base}{path}"))
        }
    }
}

/// Fixes up one block of Markdown from the spec.
pub fn clean_markdown(text: &str, links: Links<'_>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut list_indent: Option<usize> = None;
    let mut in_fence = false;
    let text = html_links(text);
    for raw in text.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let line = raw.replace('\t', "    ");
        let line = line.trim_end().to_owned();
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            let indent = &line[..line.len() - trimmed.len()];
            if !in_fence && (lang.trim().is_empty() || lang.trim() == "rust") {
                out.push(format!("{indent}```text"));
            } else {
                out.push(line.clone());
            }
            in_fence = !in_fence;
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
        let fixed = match alert(trimmed) {
            Some(line) => inline(&line, links),
            None => inline(trimmed, links),
        };
        if let Some(width) = list_marker_width(trimmed) {
            let indent = (line.len() - trimmed.len()).min(list_indent.unwrap_or(0));
            list_indent = Some(indent + width);
            out.push(format!("{}{fixed}", " ".repeat(indent)));
            continue;
        }
        match list_indent {
            // A line continuing a list item sits exactly under the item's text.
            Some(indent) => out.push(format!("{}{fixed}", " ".repeat(indent))),
            // Indentation outside lists would make a code block (a doctest).
            None => out.push(fixed),
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

/// A GitHub alert's first line (`> [!WARNING]`), which rustdoc would show as
/// literal brackets, as a bold label: `> **Warning:**`.
fn alert(line: &str) -> Option<String> {
    let quoted = line.strip_prefix('>')?.trim_start();
    let rest = quoted.strip_prefix("[!")?;
    let (kind, after) = rest.split_once(']')?;
    let label = match kind.to_ascii_uppercase().as_str() {
        "NOTE" => "Note",
        "TIP" => "Tip",
        "IMPORTANT" => "Important",
        "WARNING" => "Warning",
        "CAUTION" => "Caution",
        _ => return None,
    };
    Some(format!("> **{label}:**{after}"))
}

/// `<a ... href="URL" ...>text</a>` -> `[text](URL)`.
fn html_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("<a ") {
        let Some(open_end) = rest[start..].find('>').map(|i| start + i) else {
            break;
        };
        let Some(close) = rest[open_end..].find("</a>").map(|i| open_end + i) else {
            break;
        };
        let tag = &rest[start..open_end];
        let href = tag
            .split("href=")
            .nth(1)
            .and_then(|h| {
                let quote = h.chars().next()?;
                let h = h.strip_prefix(quote)?;
                h.find(quote).map(|end| &h[..end])
            })
            .unwrap_or("");
        let label = rest[open_end + 1..close].trim();
        out.push_str(&rest[..start]);
        if href.is_empty() {
            out.push_str(label);
        } else {
            out.push_str(&format!("[{label}]({href})"));
        }
        rest = &rest[close + 4..];
    }
    out.push_str(rest);
    out
}

/// Fixes the text of one line outside code: links, bare URLs, stray brackets.
fn inline(line: &str, links: Links<'_>) -> String {
    // Inline code spans (between backticks) are left as they are.
    let mut out = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
        } else {
            out.push_str(&text_part(part, links));
        }
    }
    out
}

/// `chars[start..]`, empty when out of range.
fn from(chars: &[char], start: usize) -> &[char] {
    chars.get(start..).unwrap_or_default()
}

/// `chars[start..end]` as a string, empty when out of range.
fn collect(chars: &[char], start: usize, end: usize) -> String {
    chars.get(start..end).unwrap_or_default().iter().collect()
}

fn text_part(s: &str, links: Links<'_>) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if let Some(&escaped) = chars.get(i + 1).filter(|_| c == '\\') {
            out.push(c);
            out.push(escaped);
            i += 2;
            continue;
        }
        if c == '[' {
            if let Some(close) = find_close(&chars, i) {
                let label = collect(&chars, i + 1, close);
                if chars.get(close + 1) == Some(&'(') {
                    if let Some(end) = from(&chars, close + 1)
                        .iter()
                        .position(|&c| c == ')')
                        .map(|p| close + 1 + p)
                    {
                        let target = collect(&chars, close + 2, end);
                        let target = if target.starts_with('/') {
                            links.absolute(&target).unwrap_or(target)
                        } else {
                            target
                        };
                        out.push_str(&format!("[{}]({target})", text_part(&label, links)));
                        i = end + 1;
                        continue;
                    }
                }
                // Not a link: rustdoc would take it for an intra-doc link.
                out.push_str(&format!("\\[{}\\]", text_part(&label, links)));
                i = close + 1;
                continue;
            }
            out.push_str("\\[");
            i += 1;
            continue;
        }
        if c == ']' {
            out.push_str("\\]");
            i += 1;
            continue;
        }
        if c == '<' {
            // `<https://...>` autolinks and known HTML stay; a placeholder like
            // `<key>` would be read as an unclosed HTML tag, so it becomes code.
            if let Some(end) = from(&chars, i)
                .iter()
                .position(|&c| c == '>')
                .map(|p| i + p)
            {
                let inner = collect(&chars, i + 1, end);
                let tag = inner
                    .trim_start_matches('/')
                    .split([' ', '/'])
                    .next()
                    .unwrap_or("")
                    .to_lowercase();
                if inner.starts_with("http://")
                    || inner.starts_with("https://")
                    || KNOWN_HTML.contains(&tag.as_str())
                {
                    out.push_str(&format!("<{inner}>"));
                } else {
                    out.push_str(&format!("`<{inner}>`"));
                }
                i = end + 1;
                continue;
            }
            out.push_str("&lt;");
            i += 1;
            continue;
        }
        let rest: String = from(&chars, i).iter().take(8).collect();
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = from(&chars, i)
                .iter()
                .position(|c| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | ']'))
                .map_or(chars.len(), |p| i + p);
            let mut url = collect(&chars, i, end);
            let mut tail = String::new();
            while url.ends_with(['.', ',', ';', ':', '!', '?']) {
                if let Some(last) = url.pop() {
                    tail.insert(0, last);
                }
            }
            out.push_str(&format!("<{url}>{tail}"));
            i = end;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// HTML tags left for rustdoc to render.
const KNOWN_HTML: &[&str] = &[
    "a", "b", "i", "em", "strong", "code", "br", "p", "ul", "ol", "li", "sup", "sub", "pre",
    "table", "tr", "td", "th", "thead", "tbody", "span", "div", "hr", "img", "details", "summary",
    "kbd", "u", "s", "del", "small",
];

fn find_close(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
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
pub fn lines(docs: &Docs, fallback: &str, links: Links<'_>) -> Vec<String> {
    let out = spec_lines(docs, links);
    if out.is_empty() {
        return prefix(vec![fallback.to_owned()]);
    }
    out
}

/// What the spec says of an item (title, description, then notes such as
/// bounds and defaults), as doc lines; none when it says nothing.
pub fn spec_lines(docs: &Docs, links: Links<'_>) -> Vec<String> {
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
        para(clean_markdown(t, links), &mut out);
    }
    if let Some(d) = &docs.description {
        para(clean_markdown(d, links), &mut out);
    }
    if !docs.notes.is_empty() {
        let notes = docs.notes.join("; ");
        para(clean_markdown(&capitalise(&notes), links), &mut out);
    }
    prefix(out)
}

/// Doc lines as `#[doc]` attributes want them: a leading space, no trailing one.
pub fn prefix(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
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

    fn clean(s: &str) -> Vec<String> {
        clean_markdown(
            s,
            Links {
                base: Some("https://polar.sh/docs"),
            },
        )
    }

    #[test]
    fn list_continuations_are_indented() {
        let lines = clean("Intro:\n- one\ncontinued\n- two\n      deep\n\nafter\tx");
        assert_eq!(
            lines,
            vec![
                "Intro:",
                "- one",
                "  continued",
                "- two",
                "  deep",
                "",
                "after    x"
            ]
        );
    }

    #[test]
    fn github_alerts_become_bold_labels() {
        assert_eq!(
            clean("Paid.\n\n> [!WARNING]\n> Use `order.paid` instead.\n> [!tip] Soon."),
            vec![
                "Paid.",
                "",
                "> **Warning:**",
                "> Use `order.paid` instead.",
                "> **Tip:** Soon."
            ]
        );
        assert_eq!(clean("> [!OTHER] x"), vec!["> \\[!OTHER\\] x"]);
    }

    #[test]
    fn links_urls_brackets_and_fences() {
        assert_eq!(
            clean("See [sessions](/api-reference/customer-sessions/create) and [guide](/docs/guide)."),
            vec!["See [sessions](https://polar.sh/docs/api-reference/customer-sessions/create) and [guide](https://polar.sh/docs/guide)."]
        );
        assert_eq!(
            clean("Create them on the <a target=\"_blank\" href=\"https://app.example.com/x\">credentials page</a>."),
            vec!["Create them on the [credentials page](https://app.example.com/x)."]
        );
        assert_eq!(
            clean("Read https://example.com/a, then [x]."),
            vec!["Read <https://example.com/a>, then \\[x\\]."]
        );
        assert_eq!(clean("Use `[x]` as is"), vec!["Use `[x]` as is"]);
        assert_eq!(clean("```\nlet x;\n```"), vec!["```text", "let x;", "```"]);
        assert_eq!(clean("text\n\n    indented"), vec!["text", "", "indented"]);
    }
}
