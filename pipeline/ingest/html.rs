//! HTML to text: the article's body (readability, bounded in size and nesting), its title,
//! canonical address and dates from the page's metadata.

use crate::records::GivenMeta;

use super::decode::*;

/// HTML → the article's main text, title, publication date and site name.
///
/// The main content is found by a Readability implementation (dom_smoothie), which scores the
/// page's blocks and drops navigation, menus, related-news lists and comments; its HTML is then
/// turned into text with paragraph breaks. Pages too small for Readability to judge fall back to
/// the whole body without scripts, styles and navigation.
pub fn html_to_text(html: &str) -> (String, GivenMeta) {
    let (fallback_text, mut meta) = html_body_to_text(html);
    // Readability walks the DOM recursively: its time grows faster than the page on deep
    // nesting and very large pages, which real articles never have; those pages keep the
    // linear whole-body text
    if html.len() > READABILITY_MAX_BYTES || nesting_depth(html) > READABILITY_MAX_DEPTH {
        return (fallback_text, meta);
    }
    let article = dom_smoothie::Readability::new(html, None, None)
        .ok()
        .and_then(|mut r| r.parse().ok());
    let Some(a) = article else { return (fallback_text, meta) };
    let (text, _) = html_body_to_text(&a.content);
    if !a.title.trim().is_empty() && meta.title.is_none() {
        meta.title = Some(crate::text::squash_ws(&a.title));
    }
    // `Headline | Báo Hà Tĩnh`, `Headline - Báo Yên Bái điện tử`: the suffix names the site
    if let Some(t) = meta.title.clone()
        && let Some((head, site)) = t.rsplit_once(" | ").or_else(|| t.rsplit_once(" - "))
    {
        let s = site.trim().to_lowercase();
        if ["báo", "tạp chí", "cổng thông tin", "trang thông tin", "đài"]
            .iter()
            .any(|w| s.starts_with(w))
            || s.contains(".vn")
        {
            meta.title = Some(head.trim().to_string());
            meta.outlet = Some(site.trim().to_string());
        }
    }
    meta.published = meta.published.or_else(|| a.published_time.as_deref().and_then(parse_iso_date));
    meta.outlet = meta
        .outlet
        .or(a.site_name.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()));
    // Readability can be too strict on short pages: keep its choice only when it kept most of the text
    if text.chars().count() * 2 >= fallback_text.chars().count().min(4000) {
        (text, meta)
    } else {
        (fallback_text, meta)
    }
}

/// Pages larger than this skip Readability (real article pages are 50-500 kB).
pub(super) const READABILITY_MAX_BYTES: usize = 4 << 20;
/// Pages nested deeper than this skip Readability (real pages nest 20-60 deep).
pub(super) const READABILITY_MAX_DEPTH: usize = 400;

/// The deepest element nesting of a page, approximately (one linear pass over the tags; void
/// and self-closed elements do not nest).
pub(super) fn nesting_depth(html: &str) -> usize {
    const VOID: [&[u8]; 14] = [
        b"br", b"img", b"meta", b"link", b"input", b"hr", b"area", b"base", b"col", b"embed", b"source", b"track", b"wbr", b"param",
    ];
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'<') {
        i += off + 1;
        let close = b.get(i) == Some(&b'/');
        let start = i + usize::from(close);
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |e| start + e);
        if end == start {
            continue;
        }
        let name = &b[start..end];
        // each byte is looked at once: the scan resumes after the tag's `>`
        let Some(gt) = b[end..].iter().position(|&c| c == b'>').map(|e| end + e) else {
            break;
        };
        if close {
            depth = depth.saturating_sub(1);
        } else if !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) && b[gt - 1] != b'/' {
            depth += 1;
            max = max.max(depth);
        }
        i = gt + 1;
    }
    max
}

/// Whole-body HTML → text: drops scripts, styles, navigation and comments, keeps block breaks,
/// decodes entities; returns the page title and publication date when the head has them.
pub(super) fn html_body_to_text(html: &str) -> (String, GivenMeta) {
    use std::sync::OnceLock;
    static RE: OnceLock<[regex::Regex; 6]> = OnceLock::new();
    let [drop, comment, block, tag, title, published] = RE.get_or_init(|| {
        [
            regex::Regex::new(r"(?is)<(script|style|nav|header|footer|aside|form|noscript|iframe|svg)\b.*?</\s*(script|style|nav|header|footer|aside|form|noscript|iframe|svg)\s*>").unwrap(),
            regex::Regex::new(r"(?s)<!--.*?-->").unwrap(),
            regex::Regex::new(r"(?i)<\s*(br|/p|/div|/h[1-6]|/li|/tr|/section|/article|/blockquote|/title)\b[^>]*>").unwrap(),
            regex::Regex::new(r"(?s)<[^>]*>").unwrap(),
            regex::Regex::new(r"(?is)<title[^>]*>(.*?)</title>").unwrap(),
            regex::Regex::new(r#"(?is)<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate|date)["'][^>]*content\s*=\s*["']([^"']+)["']"#).unwrap(),
        ]
    });
    let mut meta = GivenMeta {
        title: title.captures(html).map(|c| decode_entities(c[1].trim())).filter(|t| !t.is_empty()),
        ..GivenMeta::default()
    };
    meta.published = published.captures(html).and_then(|c| parse_iso_date(&c[1]));
    // the page's own address: where it was published, and so its outlet
    static CANONICAL: OnceLock<[regex::Regex; 2]> = OnceLock::new();
    let [canonical, og_url] = CANONICAL.get_or_init(|| {
        [
            regex::Regex::new(r#"(?i)<link[^>]+rel\s*=\s*["']canonical["'][^>]*href\s*=\s*["']([^"']+)["']"#).unwrap(),
            regex::Regex::new(r#"(?i)<meta[^>]+property\s*=\s*["']og:url["'][^>]*content\s*=\s*["']([^"']+)["']"#).unwrap(),
        ]
    });
    meta.url = canonical
        .captures(html)
        .or_else(|| og_url.captures(html))
        .map(|c| c[1].trim().to_string())
        .filter(|u| u.contains("://"));
    // ASCII case folding only: a lower-cased copy can change byte lengths (`İ`, `K`) and its
    // offsets would not fall on the original's character boundaries
    let body_start = find_ascii_ci(html, "<body").unwrap_or(0);
    let s = comment.replace_all(&html[body_start..], " ");
    let s = drop.replace_all(&s, " ");
    let s = block.replace_all(&s, "\n\n");
    let s = tag.replace_all(&s, " ");
    let text = decode_entities(&s);
    let lines: Vec<String> = text.lines().map(crate::text::squash_ws).collect();
    let mut out = String::new();
    let mut blank = false;
    for l in lines {
        if l.is_empty() {
            blank = true;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        out.push_str(&l);
        blank = false;
    }
    (nfc(out), meta)
}

/// Byte offset of `needle` (ASCII, lower case) in `hay`, ignoring ASCII case.
pub(super) fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    h.windows(n.len()).position(|w| w.eq_ignore_ascii_case(n))
}

pub(super) fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..crate::text::floor_char_boundary(rest, rest.len().min(12))].find(';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if name.starts_with("#x") || name.starts_with("#X") => u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32),
                _ if name.starts_with('#') => name[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            ch.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
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
