//! Issue 15, hostile content: script links in the conclusions (item 6), formula injection in
//! rejected.csv (item 7) and control characters in values (item 8). Each test builds a small
//! project through the real `manyi` binary and reads the outputs as their readers would: a
//! browser, a Markdown renderer, a spreadsheet, an XML parser, a terminal.

mod common;
use common::manyi;

use pulldown_cmark::{Event, Options, Parser, Tag};
use std::path::{Path, PathBuf};

/// A fresh project folder in the test's temp folder with the given files.
fn project(case: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("inject-{case}"));
    let _ = std::fs::remove_dir_all(&dir);
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    dir
}

fn build(project: &Path) -> (PathBuf, String) {
    let o = manyi(&["build", project.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "build failed: {stderr}");
    (common::built_dir(&o, &project.join("public")), stderr)
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Item 6: dangerous links in the conclusions Markdown, on the page and in report.md.

/// Hostile destinations: inline, reference, autolink, image, entity-encoded, mixed case,
/// leading spaces and control characters, data:text/html, vbscript:, and links hidden where
/// one renderer sees text and another a link. Each is its own paragraph.
const HOSTILE: &[&str] = &[
    "[v01](javascript:alert(1))",
    "[v02](JAVASCRIPT:alert(2))",
    "[v03](JaVaScRiPt:alert(3))",
    "[v04](&#106;avascript:alert(4))",
    "[v05](&#x6A;avascript:alert(5))",
    "[v06](javascript&colon;alert(6))",
    "[v07](java&#9;script:alert(7))",
    "[v08](<java\tscript:alert(8)>)",
    "[v09](   javascript:alert(9))",
    "[v10](&#1;javascript:alert(10))",
    "[v11](<\u{1b} javascript:alert(11)>)",
    "[v12](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMik8L3NjcmlwdD4=)",
    "[v13](DATA:text/html,<script>alert(13)</script>)",
    "[v14](vbscript:msgbox(14))",
    "![v15](javascript:alert(15))",
    "![v16](data:text/html,x16)",
    "[v17][r17]\n\n[r17]: javascript:alert(17)",
    "[v18][]\n\n[v18]: <vbscript:msgbox(18)> \"title\"",
    "[v19]\n\n[v19]: data:text/html,x19",
    "![v20][r20]\n\n[r20]: &#106;avascript:alert(20)",
    "<javascript:alert(21)>",
    "<VBScript:msgbox(22)>",
    "[![v23](javascript:alert(23))](javascript:alert(230))",
    "<a href=\"javascript:alert(24)\">v24</a>",
    "<div>\n[v25](javascript:alert(25))\n</div>",
    "| a | b |\n|---|---|\n| [v26\\|x](javascript:alert(26)) | y |",
    "[x27][^v27]\n\n[^v27]: javascript:alert(27)",
];

/// Safe links that must stay links: (Markdown, href as the page writes it).
const SAFE: &[(&str, &str)] = &[
    ("[ok1](https://example.com/ok?a=1&b=2)", "https://example.com/ok?a=1&amp;b=2"),
    ("[ok2](charts/items.svg)", "charts/items.svg"),
    ("[ok3](mailto:someone@example.com)", "mailto:someone@example.com"),
    ("<https://example.com/auto>", "https://example.com/auto"),
    ("[ok5](#top)", "#top"),
    ("[ok6][safe]\n\n[safe]: https://example.com/ref", "https://example.com/ref"),
];

/// What a browser makes of a URL attribute value: the scheme, if it has one. Leading and
/// trailing C0 controls and spaces are dropped, tabs and line breaks removed, case ignored.
fn scheme_of(url: &str) -> Option<String> {
    let u: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let (scheme, _) = u.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)))
        .then(|| scheme.to_string())
}

fn allowed(url: &str) -> bool {
    scheme_of(url).is_none_or(|s| matches!(s.as_str(), "http" | "https" | "mailto"))
}

/// HTML character references of an attribute value decoded (the ones a writer may use).
fn decode_attr(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest.find(';').expect("an entity ends with ;");
        let name = &rest[1..end];
        let c = match name {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            n if n.starts_with("#x") || n.starts_with("#X") => {
                char::from_u32(u32::from_str_radix(&n[2..], 16).unwrap()).unwrap()
            }
            n if n.starts_with('#') => char::from_u32(n[1..].parse().unwrap()).unwrap(),
            other => panic!("unexpected entity &{other};"),
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out + rest
}

/// Every `href`/`src` attribute of the tags of an HTML text, decoded (text is escaped, so a
/// raw `<` starts a tag).
fn url_attributes(html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for (at, _) in html.match_indices('<') {
        let tag = &html[at..at + html[at..].find('>').unwrap()];
        for attr in [" href=\"", " src=\""] {
            if let Some(a) = tag.find(attr) {
                let start = a + attr.len();
                let end = start + tag[start..].find('"').unwrap();
                urls.push(decode_attr(&tag[start..end]));
            }
        }
    }
    urls
}

/// Every link and image destination and reference definition of a Markdown text as one
/// parser dialect reads it, and whether it holds raw HTML.
fn markdown_urls(md: &str, options: Options) -> (Vec<String>, usize) {
    let parser = Parser::new_ext(md, options);
    let mut urls: Vec<String> = parser.reference_definitions().iter().map(|(_, d)| d.dest.to_string()).collect();
    let mut raw_html = 0;
    for event in parser {
        match event {
            Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. }) => {
                urls.push(dest_url.to_string())
            }
            Event::Html(_) | Event::InlineHtml(_) => raw_html += 1,
            _ => {}
        }
    }
    (urls, raw_html)
}

fn conclusions_project(case: &str) -> PathBuf {
    let dir = project(case, &[]);
    common::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hand"), &dir);
    let mut md = String::from("结论 **交货** 及时性。\n\n");
    for v in HOSTILE.iter().chain(SAFE.iter().map(|(m, _)| m)) {
        md.push_str(v);
        md.push_str("\n\n");
    }
    std::fs::write(dir.join("conclusions.md"), md).unwrap();
    dir
}

#[test]
fn hostile_links_in_the_conclusions_leave_neither_the_page_nor_report_md() {
    let (out, _) = build(&conclusions_project("links"));

    // The page: every URL of the conclusions section is allowed; the safe ones are links.
    let html = read(out.join("index.html"));
    let start = html.find("<section class=\"conclusions\" id=\"conclusions\">").expect("conclusions section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    for url in url_attributes(section) {
        assert!(allowed(&url), "index.html keeps a dangerous URL {url:?}\n{section}");
    }
    for (_, href) in SAFE {
        assert!(section.contains(&format!("href=\"{href}\"")), "safe link {href} lost from the page\n{section}");
    }
    assert!(!section.contains("<a href=\"javascript") && !section.contains("<div>"), "{section}");

    // report.md, as three Markdown dialects read it and as a CommonMark renderer shows it.
    let md = read(out.join("report.md"));
    let dialects = [
        Options::empty(),
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS,
    ];
    for options in dialects {
        let (urls, raw_html) = markdown_urls(&md, options);
        for url in &urls {
            assert!(allowed(url), "report.md keeps a dangerous link {url:?} ({options:?})\n{md}");
        }
        assert_eq!(raw_html, 0, "report.md holds raw HTML ({options:?})\n{md}");
        let mut rendered = String::new();
        pulldown_cmark::html::push_html(&mut rendered, Parser::new_ext(&md, options));
        for url in url_attributes(&rendered) {
            assert!(allowed(&url), "report.md renders a dangerous URL {url:?} ({options:?})");
        }
        for (_, href) in SAFE {
            assert!(rendered.contains(&format!("href=\"{href}\"")), "safe link {href} lost from report.md\n{md}");
        }
    }
    // The author's text is kept.
    for n in ["v01", "v15", "v17", "v23", "v25", "v26", "**交货**"] {
        assert!(md.contains(n), "{n} lost from report.md\n{md}");
    }
}

/// Pieces of Markdown that combine into links, definitions, raw HTML, tables, quotes, lists
/// and code in every order.
const PIECES: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "![",
    "<",
    ">",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "| ",
    " |",
    "\\",
    "`",
    "```\n",
    "    ",
    "javascript:alert(1)",
    "&#106;avascript:x",
    "data:text/html,x",
    "<div>\n",
    "</div>\n",
    "<a href=\"javascript:x\">",
    "[r]: ",
    "[r]",
    "[^r]",
    "https://example.com",
    "ok",
    "\"t\"",
    "\u{1b}",
    "\t",
    " ",
    "a|b",
    "**",
    "](",
    "[x](javascript:alert(1))",
    "![i](JaVaScRiPt:x)",
    "[a|b](vbscript:x)",
    "<javascript:x>",
    "[r]: javascript:x\n",
    "[^r]: data:text/html,x\n",
    "[x][r]",
    "[ok](https://x)",
    "<div>\n[y](javascript:y)\n</div>\n",
    "[![i](javascript:i)](javascript:o)",
    "|---|---|\n",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(400))]

    /// Whatever the pieces make, report.md's Markdown has no dangerous link or raw HTML in
    /// any dialect, and sanitising it again changes nothing.
    #[test]
    fn any_markdown_comes_out_without_dangerous_links(picks in proptest::collection::vec(0..PIECES.len(), 0..40)) {
        let md: String = picks.iter().map(|i| PIECES[*i]).collect();
        let safe = manyi::render::markdown::to_safe_markdown(&md);
        for options in [Options::empty(), Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES] {
            let (urls, raw_html) = markdown_urls(&safe, options);
            for url in &urls {
                proptest::prop_assert!(allowed(url), "{url:?} from {md:?} -> {safe:?}");
            }
            proptest::prop_assert_eq!(raw_html, 0, "raw HTML from {:?} -> {:?}", md, safe);
        }
        proptest::prop_assert_eq!(manyi::render::markdown::to_safe_markdown(&safe), safe.clone());
        let html = manyi::render::markdown::to_safe_html(&md);
        for url in url_attributes(&html) {
            proptest::prop_assert!(allowed(&url), "{url:?} on the page from {md:?}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Item 7: formula injection in rejected.csv.

#[test]
fn rejected_csv_cells_cannot_start_a_formula() {
    let toml = "[survey]\nfiles = [\"@survey.csv\"]\nid = \"id\"\ndate = \"=日期\"\nmax_rejected_share = 1\n\
                [[survey.dimensions]]\nname = \"D\"\nitems = [\"+q1\", \"-q2\"]\n";
    let csv = "id,=日期,+q1,-q2\nR1,2026-01-01,5,4\nR2,2026-13-01,5,4\nR3,2026-01-02,-3,4\nR4,2026-01-03,4,+7\nR5,2026-01-04,4,@x\n";
    let dir = project("formula", &[("manyi.toml", toml.as_bytes()), ("@survey.csv", csv.as_bytes())]);
    let (out, _) = build(&dir);
    let bytes = std::fs::read(out.join("rejected.csv")).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4, "{text}");
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "cell {cell:?} starts a formula\n{text}");
        }
    }
    // Prefixed with ' and quoted; the line numbers stay numbers.
    assert!(text.contains("\"'@survey.csv\",3,\"'=日期\","), "{text}");
    // The reason is worded in the report's language (zh-CN here) from the cell value: a value
    // at its start is prefixed too.
    assert!(text.contains("\"'@survey.csv\",4,\"'+q1\",\"'-3 超出量表范围 1–5\",outside_scale\n"), "{text}");
    assert!(text.contains(",5,\"'-q2\",\"'+7 超出量表范围 1–5\",outside_scale\n"), "{text}");
    assert!(text.starts_with("file,line,column,reason,code\n"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Item 8: control characters in values.

/// Characters XML 1.0 does not allow, even escaped.
fn xml_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// A small well-formedness check: allowed characters, tags nested and closed, `&` only as
/// an entity, attribute values quoted. Enough for plotters' SVG.
fn check_xml(name: &str, xml: &str) {
    if let Some(c) = xml.chars().find(|c| xml_forbidden(*c)) {
        panic!("{name}: character U+{:04X} is not allowed in XML", u32::from(c));
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        check_text(name, &rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<?") || rest.starts_with("<!--") {
            let end = if rest.starts_with("<?") { "?>" } else { "-->" };
            rest = &rest[rest.find(end).unwrap_or_else(|| panic!("{name}: unclosed {end}")) + end.len()..];
            continue;
        }
        let gt = rest.find('>').unwrap_or_else(|| panic!("{name}: unclosed tag"));
        let tag = &rest[1..gt];
        assert!(!tag.contains('<'), "{name}: `<` inside a tag: {tag}");
        if let Some(closing) = tag.strip_prefix('/') {
            assert_eq!(stack.pop(), Some(closing.trim()), "{name}: mismatched </{closing}>");
        } else {
            let self_closing = tag.ends_with('/');
            let tag_name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap();
            let attrs = tag[tag_name.len()..].trim_end_matches('/');
            assert_eq!(attrs.matches('"').count() % 2, 0, "{name}: unbalanced quotes in <{tag}>");
            // Each attribute once (a repeated one makes the whole SVG unreadable in a browser).
            let names: Vec<&str> = attrs
                .split('"')
                .step_by(2)
                .filter_map(|chunk| chunk.trim().strip_suffix('='))
                .map(|n| n.split_whitespace().last().unwrap_or(n))
                .collect();
            for (i, n) in names.iter().enumerate() {
                assert!(!names[..i].contains(n), "{name}: attribute {n} twice in <{tag_name}>");
            }
            check_text(name, attrs);
            if !self_closing {
                stack.push(tag_name);
            }
        }
        rest = &rest[gt + 1..];
    }
    check_text(name, rest);
    assert!(stack.is_empty(), "{name}: unclosed elements {stack:?}");
}

fn check_text(name: &str, text: &str) {
    for (at, _) in text.match_indices('&') {
        let entity = &text[at..text[at..].find(';').map_or(text.len(), |e| at + e + 1)];
        let ok = ["&lt;", "&gt;", "&amp;", "&quot;", "&apos;"].contains(&entity)
            || (entity.starts_with("&#") && entity.ends_with(';'));
        assert!(ok, "{name}: bare & in {text:?}");
    }
}

fn controls_other_than_whitespace(s: &str) -> Vec<char> {
    s.chars().filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')).collect()
}

#[test]
fn control_characters_are_shown_not_sent_to_svg_html_markdown_or_the_terminal() {
    let toml = "[site]\ntitle = \"报告\\u001b[31m\"\n\
                [survey]\nfiles = [\"data/s.csv\"]\nid = \"id\"\ndate = \"date\"\ncomment = \"c\"\nmax_rejected_share = 1\n\
                [[survey.dimensions]]\nname = \"维度\\u0007甲\"\nitems = [\"q1\"]\n\
                [[survey.dimensions]]\nname = \"乙\"\nitems = [\"q2\"]\n\
                [bands]\nlevels = [{ label = \"好\\u0000\", min = 80 }, { label = \"差\\u0085\", min = 0 }]\n\
                [complaints]\nfiles = [\"data/k.csv\"]\nid = \"id\"\nreceived = \"date\"\ncategory = \"cat\"\npareto = [\"cat\"]\n";
    let survey =
        "id,date,q1,q2,c\nR1,2026-01-01,5,4,\"好\x1b]0;pwned\x07\"\nR2,2026-01-02,\x1b[2J9,4,\nR3,2026-01-03,1,2,\x08\x7f\n";
    let complaints = "id,date,cat\nK1,2026-01-05,类\x1b[0m别\nK2,2026-02-05,其\x01他\nK3,2026-03-05,类\x1b[0m别\n";
    let dir = project(
        "controls",
        &[("manyi.toml", toml.as_bytes()), ("data/s.csv", survey.as_bytes()), ("data/k.csv", complaints.as_bytes())],
    );
    let (out, stderr) = build(&dir);

    // Terminal: the rejected answer is quoted with its ESC shown, nothing raw.
    assert_eq!(controls_other_than_whitespace(&stderr.replace('\n', "")), Vec::<char>::new(), "{stderr:?}");
    assert!(stderr.contains("\"\\u{1b}[2J9\" is not an answer"), "{stderr}");

    // SVG charts: well-formed XML, labels readable.
    let mut svgs = 0;
    for entry in std::fs::read_dir(out.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        check_xml(&path.display().to_string(), &read(path.clone()));
        svgs += 1;
    }
    assert!(svgs >= 4);
    assert!(read(out.join("charts/dimensions.svg")).contains("维度\\u{7}甲"));
    assert!(read(out.join("charts/bands.svg")).contains("好\\u{0}"));
    assert!(read(out.join("charts/pareto-1.svg")).contains("类\\u{1b}[0m别"));

    // HTML page and report.md: no raw controls, values shown.
    let html = read(out.join("index.html"));
    assert_eq!(controls_other_than_whitespace(&html), Vec::<char>::new(), "index.html");
    for shown in
        ["报告\\u{1b}[31m", "好\\u{1b}]0;pwned\\u{7}", "\\u{8}\\u{7f}", "\\u{1b}[2J9", "类\\u{1b}[0m别", "其\\u{1}他"]
    {
        assert!(html.contains(shown), "index.html does not show {shown}");
    }
    let md = read(out.join("report.md"));
    assert_eq!(controls_other_than_whitespace(&md), Vec::<char>::new(), "report.md");
    let mut shown = String::new();
    pulldown_cmark::html::push_html(&mut shown, Parser::new_ext(&md, Options::ENABLE_TABLES));
    assert!(shown.contains("维度\\u{7}甲") && shown.contains("报告\\u{1b}[31m"), "{md}");
}

/// Every chart of the fixtures that draw every kind (the sample, the complaint-depth register,
/// the control-chart register) is well-formed XML with each attribute once: a browser shows
/// nothing of an SVG with a repeated attribute.
#[test]
fn every_chart_of_every_kind_is_well_formed() {
    for fixture in ["sample-data", "tests/fixtures/depth", "tests/fixtures/control"] {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(fixture);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("inject-charts-{}", fixture.replace('/', "-")));
        let _ = std::fs::remove_dir_all(&dir);
        common::copy_dir(&src, &dir);
        let (out, _) = build(&dir);
        let charts: Vec<_> = std::fs::read_dir(out.join("charts")).unwrap().map(|e| e.unwrap().path()).collect();
        assert!(charts.len() >= 2, "{fixture}: {charts:?}");
        for c in charts {
            check_xml(&c.display().to_string(), &std::fs::read_to_string(&c).unwrap());
        }
    }
}
