//! Escaping of everything a report page takes from the tables.
//!
//! Input: document text, titles, URLs, reasons: untrusted (a crawled page may contain
//! `<script>`, `</textarea>`, `javascript:` URLs or quotes meant to break out of an attribute).
//! Output: strings that an HTML parser reads back as the same characters, as text.
//! Invariants: [`html`] output contains no `<`, `>`, `&`, `"`, `'` other than in entities, so
//! it is safe in text and in double- or single-quoted attributes; the number of code points a
//! browser sees is the number in the input (NUL and CR are written as references, which the
//! parser neither drops nor folds), so spans counted in code points stay aligned in the page;
//! [`json_for_script`] never contains `<`, so no `</script>` can end the data block early;
//! [`safe_url`] lets only `http:` and `https:` addresses become links.

/// Escape `s` for HTML text and quoted attribute values.
///
/// ```text
/// html("<script>\"x\"&'y'") == "&lt;script&gt;&quot;x&quot;&amp;&#39;y&#39;"
/// ```
pub(crate) fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    push_html(&mut out, s);
    out
}

/// [`html`], appending to `out`.
pub(crate) fn push_html(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // the parser drops a raw NUL in text and folds CR LF into LF: either would shift
            // every span after it; as references both stay one code point
            '\0' => out.push_str("&#xFFFD;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
}

/// Serialize `v` as JSON for a `<script type="application/json">` block: `<`, `>` and `&`
/// become `\u003c`, `\u003e`, `\u0026`, so the text `</script>` cannot occur; U+2028 and U+2029
/// are escaped too, so the data is also valid JavaScript.
///
/// ```text
/// json_for_script(&"</script>") == "\"\\u003c/script\\u003e\""
/// ```
pub(crate) fn json_for_script<T: serde::Serialize + ?Sized>(v: &T) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The URL when it may become a link: an `http:` or `https:` address, with no character a
/// browser strips from a scheme (controls, spaces). Anything else (`javascript:`, `data:`,
/// `vbscript:`, relative paths) is shown as text only.
///
/// ```text
/// safe_url("https://mic.gov.vn/a") == Some("https://mic.gov.vn/a")
/// safe_url(" javascript:alert(1)") == None
/// ```
pub(crate) fn safe_url(url: &str) -> Option<&str> {
    if url.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return None;
    }
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

/// A file name for a document's page: BLAKE3 of its name, so the same document gets the same
/// page in every report and no name (`../`, `<`, a 4 kB id) reaches the file system.
pub(crate) fn page_name(doc: &str) -> String {
    let h = blake3::hash(doc.as_bytes()).to_hex();
    format!("{}.html", &h[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_character_that_could_end_text_or_an_attribute() {
        let cases = [
            (
                "<script>document.title='x'</script>",
                "&lt;script&gt;document.title=&#39;x&#39;&lt;/script&gt;",
            ),
            ("</textarea><b>", "&lt;/textarea&gt;&lt;b&gt;"),
            ("\" onmouseover=\"alert(1)", "&quot; onmouseover=&quot;alert(1)"),
            ("a & b &amp;", "a &amp; b &amp;amp;"),
            ("Thuê bao đạt 1.070.000", "Thuê bao đạt 1.070.000"),
            ("a\r\nb\0c", "a&#13;\nb&#xFFFD;c"),
        ];
        for (input, want) in cases {
            assert_eq!(html(input), want, "{input:?}");
        }
    }

    #[test]
    fn json_for_script_cannot_close_its_block() {
        let s = json_for_script(&serde_json::json!({"t": "</script><script>alert(1)</script>", "u": "a\u{2028}b&"}));
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        assert!(s.contains("\\u2028"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "</script><script>alert(1)</script>");
        assert_eq!(back["u"], "a\u{2028}b&");
    }

    #[test]
    fn only_http_addresses_become_links() {
        for ok in ["http://a.vn/x?y=1&z=\"", "HTTPS://mic.gov.vn/"] {
            assert_eq!(safe_url(ok), Some(ok));
        }
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>",
            "vbscript:x",
            "//evil.example/",
            "/relative",
            "",
            "https://a.vn/\nx",
        ] {
            assert_eq!(safe_url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn page_names_are_fixed_length_hex() {
        for d in ["a.txt", "../../etc/passwd", "<script>", &"x".repeat(5000)] {
            let n = page_name(d);
            assert_eq!(n.len(), 21);
            assert!(n[..16].chars().all(|c| c.is_ascii_hexdigit()), "{n}");
        }
        assert_eq!(page_name("a.txt"), page_name("a.txt"));
        assert_ne!(page_name("a.txt"), page_name("b.txt"));
    }
}
