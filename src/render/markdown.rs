//! User Markdown (conclusions, suggestions) made safe for both outputs: raw HTML is shown as
//! text, and links or images keep only http(s), mailto and relative targets.
//!
//! - the page (`to_safe_html`) renders the parser's events with raw HTML turned into text and
//!   other destinations replaced by `#`;
//! - report.md (`to_safe_markdown`) keeps the author's Markdown as written, rewriting in place
//!   only what is unsafe: `<` of raw HTML becomes `&lt;`, an unsafe link or image becomes
//!   `[text](#)`, an unsafe reference definition `[label]: #`. The result is parsed again until
//!   nothing is left to rewrite, in three dialects (plain CommonMark, the page's, GitHub's),
//!   since report.md is read by other Markdown renderers.
//!
//! Both judge a destination with `safe_url`, which reads it the way a browser does.

use crate::diag::visible_controls;
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// The dialect of the page.
fn page_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The dialects report.md is checked in: what one renderer sees as a link another may not
/// (a `|` in link text splits a table cell; `[^x]: …` is a footnote or a link definition).
fn markdown_dialects() -> [Options; 3] {
    [
        Options::empty(),
        page_options(),
        page_options() | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS | Options::ENABLE_GFM,
    ]
}

/// Whether a link or image destination (as the Markdown parser decoded it) is allowed:
/// http, https, mailto or relative. Read as a browser reads it: leading and trailing C0
/// controls and spaces dropped, tabs and line breaks removed anywhere, scheme case ignored;
/// character references still in the text (`&#106;avascript:`) are decoded too, so a
/// renderer that decodes them once more cannot turn a relative target into a script.
pub fn safe_url(url: &str) -> bool {
    allowed_scheme(url) && allowed_scheme(&decode_references(url))
}

fn allowed_scheme(url: &str) -> bool {
    let normal: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    match normal.split_once(':') {
        // A colon before any '/', '?' or '#' means a scheme (a browser would also reject
        // odd characters in it; anything not on the list is refused here).
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => matches!(scheme, "http" | "https" | "mailto"),
        _ => true,
    }
}

/// Numeric character references (`&#106;`, `&#x6A;`) and the named ones that can hide a
/// scheme (`&colon;`, `&Tab;`, `&NewLine;`), decoded; anything else is left as it is.
fn decode_references(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest[1..].find(';').map(|e| e + 1).filter(|e| *e <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let value = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => num.parse::<u32>().ok(),
            };
            value.map(|v| char::from_u32(v).unwrap_or('\u{FFFD}'))
        } else {
            match name.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn clean(url: CowStr<'_>) -> CowStr<'_> {
    if safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

/// The Markdown as HTML for the page: raw HTML as text, unsafe destinations as `#`, control
/// characters shown as `\u{1b}`.
pub fn to_safe_html(markdown: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(markdown, page_options()).map(safe_event));
    visible_controls(&out).into_owned()
}

/// An event of user Markdown made safe for the page: raw HTML as text, unsafe destinations `#`.
fn safe_event(event: Event<'_>) -> Event<'_> {
    match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Link { link_type, dest_url: clean(dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) => {
            Event::Start(Tag::Image { link_type, dest_url: clean(dest_url), title, id })
        }
        other => other,
    }
}

/// The byte ranges of code spans and code blocks: text inside them is shown as written.
pub fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    Parser::new_ext(markdown, page_options())
        .into_offset_iter()
        .filter(|(e, _)| matches!(e, Event::Code(_) | Event::Start(Tag::CodeBlock(_))))
        .map(|(_, r)| r)
        .collect()
}

/// A Markdown document as a section of the page: its first level-1 heading (as plain text)
/// is the section's title and is taken out; the other headings move one level down (`##` is
/// a subsection of the section); the rest is made safe as `to_safe_html` does. `chart(n)`
/// gives the HTML of the chart whose token `chart_token(n)` stands in a text: a paragraph of
/// the token alone becomes that chart as a figure; a token in a link or image text is left out.
pub fn section_to_safe_html(markdown: &str, chart: &dyn Fn(usize) -> String) -> (Option<String>, String) {
    let events: Vec<Event> = pulldown_cmark::TextMergeStream::new(Parser::new_ext(markdown, page_options())).collect();
    let mut title: Option<String> = None;
    let mut in_title = false;
    let mut in_label = 0usize; // inside a link or an image: no chart there
    let mut out_events: Vec<Event> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let event = events[i].clone();
        i += 1;
        match event {
            Event::Start(Tag::Heading { level: HeadingLevel::H1, .. }) if title.is_none() => {
                in_title = true;
                title = Some(String::new());
            }
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_title => in_title = false,
            e if in_title => {
                if let (Some(t), Event::Text(x) | Event::Code(x) | Event::Html(x) | Event::InlineHtml(x)) =
                    (title.as_mut(), &e)
                {
                    t.push_str(&strip_tokens(x));
                } else if let (Some(t), Event::SoftBreak | Event::HardBreak) = (title.as_mut(), &e) {
                    t.push(' ');
                }
            }
            Event::Start(Tag::Heading { level, id, classes, attrs }) => {
                out_events.push(Event::Start(Tag::Heading { level: deeper(level), id, classes, attrs }))
            }
            Event::End(TagEnd::Heading(level)) => out_events.push(Event::End(TagEnd::Heading(deeper(level)))),
            Event::Start(Tag::Paragraph) => match (events.get(i), events.get(i + 1)) {
                (Some(Event::Text(t)), Some(Event::End(TagEnd::Paragraph))) if token_index(t.trim()).is_some() => {
                    let n = token_index(t.trim()).unwrap_or_default();
                    out_events.push(Event::Html(format!("<figure class=\"chart\">{}</figure>\n", chart(n)).into()));
                    i += 2;
                }
                _ => out_events.push(Event::Start(Tag::Paragraph)),
            },
            e @ Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
                in_label += 1;
                out_events.push(safe_event(e));
            }
            e @ Event::End(TagEnd::Link | TagEnd::Image) => {
                in_label = in_label.saturating_sub(1);
                out_events.push(e);
            }
            Event::Text(t) if t.contains(TOKEN_OPEN) => {
                for (part, token) in split_tokens(&t) {
                    if !part.is_empty() {
                        out_events.push(Event::Text(part.to_string().into()));
                    }
                    match token {
                        Some(n) if in_label == 0 => {
                            out_events.push(Event::Html(format!("<span class=\"chart\">{}</span>", chart(n)).into()))
                        }
                        _ => {}
                    }
                }
            }
            e => out_events.push(safe_event(e)),
        }
    }
    let mut out = String::new();
    html::push_html(&mut out, out_events.into_iter());
    (title.map(|t| visible_controls(t.trim()).into_owned()), visible_controls(&out).into_owned())
}

/// A heading one level down (a level-6 heading stays one).
fn deeper(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

const TOKEN_OPEN: char = '\u{E000}';
const TOKEN_CLOSE: char = '\u{E001}';

/// The stand-in for chart `n` in a section's Markdown (private-use characters and digits:
/// no Markdown reads anything into it), replaced by `section_to_safe_html`. A stand-in typed by
/// the author could only show one of the charts drawn by manyi.
pub fn chart_token(n: usize) -> String {
    format!("{TOKEN_OPEN}{n}{TOKEN_CLOSE}")
}

fn token_index(s: &str) -> Option<usize> {
    s.strip_prefix(TOKEN_OPEN)?.strip_suffix(TOKEN_CLOSE)?.parse().ok()
}

/// A text cut at its chart stand-ins: (text before, the chart after it).
fn split_tokens(s: &str) -> Vec<(&str, Option<usize>)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find(TOKEN_OPEN) {
        let after = &rest[open + TOKEN_OPEN.len_utf8()..];
        let Some(close) = after.find(TOKEN_CLOSE) else { break };
        match after[..close].parse::<usize>() {
            Ok(n) => {
                out.push((&rest[..open], Some(n)));
                rest = &after[close + TOKEN_CLOSE.len_utf8()..];
            }
            Err(_) => {
                out.push((&rest[..open + TOKEN_OPEN.len_utf8()], None));
                rest = after;
            }
        }
    }
    out.push((rest, None));
    out
}

fn strip_tokens(s: &str) -> String {
    split_tokens(s).into_iter().map(|(t, _)| t).collect()
}

/// The Markdown of a section for report.md: the first level-1 heading (the title, shown by
/// the template) taken out, other headings one level down (written as `##` headings), then
/// made safe as `to_safe_markdown` does.
pub fn section_to_safe_markdown(markdown: &str) -> String {
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut title_seen = false;
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(markdown, page_options()).into_offset_iter().collect();
    for (i, (event, range)) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { level, .. }) = event else { continue };
        if *level == HeadingLevel::H1 && !title_seen {
            title_seen = true;
            // The title goes with the blank lines after it.
            let blank = markdown[range.end..].len() - markdown[range.end..].trim_start_matches(['\n', '\r']).len();
            edits.push((range.start..range.end + blank, String::new()));
            continue;
        }
        // The heading's inline text as written, on one line.
        let mut inner: Option<Range<usize>> = None;
        for (e, r) in &events[i + 1..] {
            if matches!(e, Event::End(TagEnd::Heading(_))) {
                break;
            }
            inner = Some(inner.map_or(r.clone(), |x| x.start.min(r.start)..x.end.max(r.end)));
        }
        let text = inner.map_or(String::new(), |r| markdown[r].replace(['\r', '\n'], " "));
        let ending = if markdown[range.clone()].ends_with('\n') { "\n" } else { "" };
        edits.push((range.clone(), format!("{} {text}{ending}", "#".repeat(deeper(*level) as usize))));
    }
    let mut out = String::with_capacity(markdown.len() + 16);
    let mut at = 0;
    for (range, new) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&markdown[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&markdown[at..]);
    to_safe_markdown(out.trim_start_matches(['\n', '\r']))
}

/// How many times report.md's Markdown is rewritten and parsed again before giving up and
/// escaping every mark (each round settles what the previous one uncovered, e.g. a link
/// that was inside a raw HTML block).
const ROUNDS: usize = 8;

/// The Markdown for report.md: the author's text as written, with raw HTML escaped, unsafe
/// links, images and reference definitions rewritten to `#`, control characters shown as
/// `\u{1b}`.
pub fn to_safe_markdown(markdown: &str) -> String {
    let mut md = visible_controls(markdown).into_owned();
    for _ in 0..ROUNDS {
        let mut changed = false;
        for options in markdown_dialects() {
            if let Some(next) = rewrite(&md, options) {
                md = next;
                changed = true;
            }
        }
        if !changed {
            return md;
        }
    }
    // Did not settle: every mark escaped, so nothing is a link or a tag any more.
    md.lines().map(escape_marks).collect::<Vec<_>>().join("\n")
}

/// ASCII punctuation backslash-escaped: the text reads literally in any Markdown.
fn escape_marks(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// One pass over `md` in one dialect: the rewritten text, or `None` when nothing is unsafe.
fn rewrite(md: &str, options: Options) -> Option<String> {
    let parser = Parser::new_ext(md, options).into_offset_iter();
    let mut edits: Vec<(Range<usize>, String)> = parser
        .reference_definitions()
        .iter()
        .filter(|(_, def)| !safe_url(&def.dest))
        .filter_map(|(_, def)| Some((def.span.clone(), definition_to_hash(&md[def.span.clone()])?)))
        .collect();
    // A reference link is made safe by its definition; its own text is rewritten only when
    // the definition could not be (a later round).
    let definitions_rewritten = !edits.is_empty();
    let by_reference = |t: &LinkType| {
        definitions_rewritten && matches!(t, LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut)
    };
    let events: Vec<(Event, Range<usize>)> = parser.collect();
    let mut in_code_block = 0usize;
    for (i, (event, range)) in events.iter().enumerate() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block += 1,
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => in_code_block = in_code_block.saturating_sub(1),
            Event::Html(_) | Event::InlineHtml(_) => edits.push((range.clone(), escape_lt(&md[range.clone()]))),
            Event::Text(_) if in_code_block == 0 && md[range.clone()].contains('<') => {
                edits.push((range.clone(), escape_lt(&md[range.clone()])))
            }
            Event::Start(Tag::Link { link_type, dest_url, .. }) if !safe_url(dest_url) && !by_reference(link_type) => {
                edits.push((range.clone(), link_to_hash(md, &events, i, "", *link_type)))
            }
            Event::Start(Tag::Image { link_type, dest_url, .. }) if !safe_url(dest_url) && !by_reference(link_type) => {
                edits.push((range.clone(), link_to_hash(md, &events, i, "!", *link_type)))
            }
            _ => {}
        }
    }
    edits.retain(|(range, new)| md[range.clone()] != *new);
    if edits.is_empty() {
        return None;
    }
    // Outermost first; an edit inside one already taken waits for the next round.
    edits.sort_by_key(|(r, _)| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(md.len() + 16);
    let mut at = 0;
    for (range, new) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&md[at..range.start]);
        out.push_str(&new);
        at = range.end;
    }
    out.push_str(&md[at..]);
    Some(out)
}

/// `<` as `&lt;` unless backslash-escaped already: raw HTML reads as text.
fn escape_lt(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev = '\0';
    for c in s.chars() {
        if c == '<' && prev != '\\' {
            out.push_str("&lt;");
        } else {
            out.push(c);
        }
        prev = c;
    }
    out
}

/// The link or image starting at `events[start]` as `[text](#)` (`![text](#)`), its text as
/// written; an autolink's text (the address itself) escaped so it stays text.
fn link_to_hash(md: &str, events: &[(Event, Range<usize>)], start: usize, bang: &str, link_type: LinkType) -> String {
    let mut depth = 0usize;
    let mut inner: Option<Range<usize>> = None;
    for (event, range) in &events[start + 1..] {
        match event {
            Event::End(_) if depth == 0 => break,
            Event::Start(_) => depth += 1,
            Event::End(_) => depth -= 1,
            _ => {}
        }
        inner = Some(match inner {
            Some(r) => r.start.min(range.start)..r.end.max(range.end),
            None => range.clone(),
        });
    }
    let text = inner.map_or("", |r| &md[r]);
    let text = match link_type {
        LinkType::Autolink | LinkType::Email => escape_marks(text),
        _ => text.to_string(),
    };
    format!("{bang}[{text}](#)")
}

/// A reference definition `[label]: dest "title"` as `[label]: #` (with the line end it had).
fn definition_to_hash(def: &str) -> Option<String> {
    let open = def.find('[')?;
    let mut escaped = false;
    let mut close = None;
    for (i, c) in def[open + 1..].char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            ']' if !escaped => {
                close = Some(open + 1 + i);
                break;
            }
            _ => escaped = false,
        }
    }
    let close = close?;
    let ending = &def[def.trim_end_matches(['\n', '\r']).len()..];
    Some(format!("{}: #{ending}", &def[..=close]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_and_script_urls_are_neutralised() {
        let html = to_safe_html("改进 **建议**\n\n<script>alert(1)</script>\n\nok <img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://example.com) [c](report.md)");
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://example.com\"") && html.contains("href=\"report.md\""), "{html}");
        assert!(html.contains("<strong>建议</strong>"));
    }

    #[test]
    fn a_section_takes_its_title_and_moves_headings_down() {
        let md = "Intro\n\n# 改进 *计划*\n\n## Step one\n\nSub\n---\n\n# Second h1\n\n<b>x</b>\n";
        let (title, html) = section_to_safe_html(md, &|_| String::new());
        assert_eq!(title.as_deref(), Some("改进 计划"));
        assert_eq!(
            html,
            "<p>Intro</p>\n<h3>Step one</h3>\n<h3>Sub</h3>\n<h2>Second h1</h2>\n<p>&lt;b&gt;x&lt;/b&gt;</p>\n"
        );
        assert_eq!(
            section_to_safe_markdown(md),
            "Intro\n\n### Step one\n\n### Sub\n\n## Second h1\n\n&lt;b>x&lt;/b>\n"
        );
    }

    #[test]
    fn chart_stand_ins_become_charts_in_text_only() {
        let md = format!(
            "# T\n\n{}\n\nsee {} here [{}](https://x) `{}`\n",
            chart_token(0),
            chart_token(1),
            chart_token(2),
            chart_token(3)
        );
        let (_, html) = section_to_safe_html(&md, &|n| format!("<svg id=\"c{n}\"></svg>"));
        assert!(html.starts_with("<figure class=\"chart\"><svg id=\"c0\"></svg></figure>\n"), "{html}");
        assert!(html.contains("<p>see <span class=\"chart\"><svg id=\"c1\"></svg></span> here"), "{html}");
        assert!(html.contains("<a href=\"https://x\"></a>"), "no chart inside a link: {html}");
        assert!(!html.contains("c2") && !html.contains("c3"), "{html}");
    }

    #[test]
    fn schemes_are_recognised_as_a_browser_reads_them() {
        assert!(!safe_url(" JavaScript:alert(1)"));
        assert!(!safe_url("data:text/html,x"));
        assert!(!safe_url("\u{1}\u{1b} java\tscript:alert(1)"));
        assert!(!safe_url("&#106;avascript:alert(1)") && !safe_url("&#X6a;avascript:alert(1)"));
        assert!(!safe_url("javascript&colon;alert(1)") && !safe_url("java&Tab;script:x"));
        assert!(safe_url("charts/a.svg") && safe_url("#top") && safe_url("a/b:c") && safe_url("MAILTO:x@y"));
        assert!(safe_url("?a=1&amp;b=2") && safe_url("https://x/?q=&#"));
    }

    #[test]
    fn markdown_keeps_the_text_and_rewrites_only_what_is_unsafe() {
        let md = "# 结论\n\n**交货** [ok](https://example.com) `a < b` <https://example.com/x>\n\n\
                  [bad](javascript:alert(1)) ![img](data:text/html,x) <vbscript:x> [ref] [t][r2]\n\n\
                  [ref]: <javascript:alert(1)> \"title\"\n[r2]: https://example.com/r\n\n<div onclick=x>\n";
        let safe = to_safe_markdown(md);
        assert_eq!(
            safe,
            "# 结论\n\n**交货** [ok](https://example.com) `a < b` <https://example.com/x>\n\n\
             [bad](#) ![img](#) [vbscript\\:x](#) [ref] [t][r2]\n\n\
             [ref]: #\n[r2]: https://example.com/r\n\n&lt;div onclick=x>\n"
        );
        assert_eq!(to_safe_markdown(&safe), safe, "settled");
    }

    #[test]
    fn a_link_uncovered_by_escaping_html_is_rewritten_too() {
        let safe = to_safe_markdown("<div>\n[x](javascript:alert(1))\n</div>\n");
        assert_eq!(safe, "&lt;div>\n[x](#)\n&lt;/div>\n");
        let nested = to_safe_markdown("[![i](javascript:a)](javascript:b) [a|b](javascript:c)\n");
        assert_eq!(nested, "[![i](#)](#) [a|b](#)\n");
    }

    #[test]
    fn markdown_that_does_not_settle_is_escaped_whole() {
        let mut md = String::from("x");
        for i in 0..40 {
            md = format!("![{md}](javascript:{i})");
        }
        let safe = to_safe_markdown(&md);
        assert!(safe.starts_with("\\!\\[\\!\\["), "{safe}");
        for options in markdown_dialects() {
            assert!(Parser::new_ext(&safe, options)
                .all(|e| !matches!(e, Event::Start(Tag::Link { .. } | Tag::Image { .. }))));
        }
    }
}
