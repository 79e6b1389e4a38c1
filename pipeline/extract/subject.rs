//! Subject rules: whose figure it is (one company's, a peer province's, the country's level).
//!
//! Input: the document's match form and a figure with its own clause. Output: yes or no per
//! rule (`company.owner`, peer and national references, parenthesised qualifiers). Invariant:
//! they read the figure's sentence only.

use super::{DocCtx, Quantity};
use crate::records::UnitKind;
use crate::text::floor_char_boundary;

/// The sentence is about one company: it opens with the company, or the figure's clause does
/// (`Riêng Viettel chi nhánh tỉnh đã ...`, `VNPT Bình Định hiện có ...`, `Dự kiến đến cuối năm,
/// VNPT sẽ lắp ...`), names no other (a name and its abbreviation in parentheses are one), and
/// says nothing of the whole province (`toàn tỉnh`, checked by the caller). Several operators
/// together (`Viettel, VNPT và MobiFone đã ...`) are not one company. The rule that decided:
/// `company.subject` (it opens the sentence or the clause), `company.owner` or
/// `company.verb_subject`.
pub(super) fn company_subject(ctx: &DocCtx<'_>, s: crate::records::Sentence, first_figure: usize) -> Option<&'static str> {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let company = lex.code.company;
    let mut names = ctx.features.hits_in(s.start, s.end).filter(|h| h.2 == company).map(|h| (h.0, h.1));
    let (at, first_end) = names.next()?;
    let first = &hay[at..first_end];
    // rule `company.abbreviation`: `Tập đoàn Bưu chính Viễn thông Việt Nam (VNPT)` names one
    // company twice: a name in parentheses right after another is the same company
    let mut prev_end = first_end;
    let one = names.all(|(ns, ne)| {
        // (a name inside another, `mobifone` in `tổng công ty viễn thông mobifone`, is the same)
        let same = hay[ns..ne] == *first || ns < prev_end || hay[prev_end..ns].trim() == "(";
        prev_end = ne;
        same
    });
    // the company opens the sentence, or the clause the figure is in (`Dự kiến tới cuối năm,
    // VNPT sẽ lắp thêm 7.000 trạm BTS`)
    let clause_opening = hay[s.start..at]
        .rfind(',')
        .is_some_and(|k| hay[s.start + k + 1..at].split_whitespace().count() == 0 && !hay[at..first_figure.max(at)].contains(','));
    let opening = hay[s.start..at].split_whitespace().count() <= 2 || clause_opening;
    // rule `company.owner`: `tổng số thuê bao trên mạng của VNPT là 30,5 triệu`, `thuê bao hoạt
    // động trên mạng MobiFone đạt 40,2 triệu`, `doanh thu của VNPT`: the company owns the figure
    let before = hay[s.start..at].trim_end();
    let owner = before.ends_with(" của") || before.ends_with(" mạng") || before == "mạng";
    if !one || at >= first_figure {
        return None;
    }
    if opening {
        Some("company.subject")
    } else if owner {
        Some("company.owner")
    } else {
        verb_subject(ctx, first_end, first_figure).then_some("company.verb_subject")
    }
}

/// Rule `company.unit_anaphora`: `đơn vị này` (`đơn vị`) opening the sentence or a clause
/// before the first figure stands for the organisation named last before it, in the sentence or
/// the three before: when that is a company with no agency named after it, the figures are the
/// company's. `Ông Trần Văn A, Giám đốc VNPT Hà Tĩnh cho hay, đơn vị hiện có hơn 400 trạm BTS`
/// counts the company's stations; `Theo Tổng cục Thống kê, ... đơn vị này cho biết` does not.
pub(super) fn unit_anaphora(ctx: &DocCtx<'_>, si: usize, first_figure: usize) -> bool {
    let lex = &ctx.res.lexicon;
    let hay = &ctx.hay;
    let s = ctx.doc.sentences[si];
    let company = lex.code.company;
    if first_figure <= s.start {
        return false;
    }
    let opening = lex
        .unit_anaphora
        .iter_in(hay, &ctx.hits, s.start, first_figure)
        .map(|h| s.start + h.start)
        .find(|&a| {
            let lead = hay[s.start..a].trim_end();
            lead.is_empty() || lead.ends_with(',')
        });
    let Some(at) = opening else {
        return false;
    };
    let from = ctx.doc.sentences[si.saturating_sub(3)].start;
    let Some(named) = ctx.features.hits_in(from, at).filter(|h| h.2 == company).map(|h| h.1).max() else {
        return false;
    };
    !lex.agencies.any_in(hay, &ctx.hits, named, at)
}

/// Rule `company.verb_subject`: the company stands right before the verb of the predicate that
/// gives the figures (`điểm nhấn là Tổng công ty Bưu điện Việt Nam đạt doanh thu 8.811 tỷ đồng,
/// đóng góp ngân sách 375 tỷ đồng`), wherever it is in the sentence; `company_verbs` in
/// `lexicon.toml` lists the verbs.
fn verb_subject(ctx: &DocCtx<'_>, name_end: usize, first_figure: usize) -> bool {
    let hay = &ctx.hay;
    if first_figure <= name_end {
        return false;
    }
    let after = &hay[name_end..first_figure];
    let skip = after.len() - after.trim_start().len();
    // the verb follows the name after one space, not after a comma or another word
    skip == 1 && ctx.res.lexicon.company_verbs.find_all(&after[skip..]).iter().any(|h| h.start == 0)
}

/// Text in parentheses that qualifies, rather than breaks down, what comes before it: no digits
/// but those of a mobile generation (`3G và 4G`).
pub(super) fn qualifier(inner: &str) -> bool {
    let b = inner.as_bytes();
    !inner.trim().is_empty()
        && b.iter()
            .enumerate()
            .all(|(i, c)| !c.is_ascii_digit() || b.get(i + 1).is_some_and(|n| n.eq_ignore_ascii_case(&b'g')))
}

/// A figure of another province set beside the figure before it: `..., trong khi tỉnh Vĩnh Phúc
/// đã đạt 88,2%`, `còn Bình Định là 12/63`. Like a national level, it takes its subject from the
/// figure before it (its province comes from its own clause).
pub(super) fn peer_reference(ctx: &DocCtx<'_>, left_start: usize, q: &Quantity) -> bool {
    let own = ctx.hay[left_start..q.start].trim_start_matches([',', ';', ' ']);
    let from = q.start - own.len();
    (own.starts_with("trong khi ") || own.starts_with("còn ")) && ctx.res.provinces.any_in(&ctx.hay, &ctx.hits, from, q.start)
}

/// A figure that gives the national level to compare a provincial figure with: `thấp hơn bình
/// quân cả nước (5,9 máy/100 dân)`, `cao hơn mức bình quân cả nước là 18%`, `thấp hơn mức 54% của
/// cả nước`. It is a level, not a difference, and takes its subject from the figure before it.
/// Without a connector (`cao hơn cả nước 2,3 điểm`) the figure stays a difference.
pub(super) fn national_reference(hay: &str, left_start: usize, q: &Quantity, sentence_end: usize) -> bool {
    let mut before = hay[left_start..q.start].trim_end();
    // `(khoảng 15,2 thuê bao/100 dân)`: a bound between the connector and the figure
    for w in ["khoảng", "gần", "xấp xỉ", "trên", "hơn", "chừng"] {
        if let Some(r) = before.strip_suffix(w).filter(|r| r.ends_with([' ', '('])) {
            before = r.trim_end();
            break;
        }
    }
    let stripped = before.trim_end_matches(['(', ':']).trim_end();
    let mut connector = stripped.len() < before.len();
    let mut rest = stripped;
    for w in ["là", "đạt", "ở mức"] {
        if let Some(r) = stripped.strip_suffix(w).filter(|r| r.ends_with(' ')) {
            rest = r.trim_end();
            connector = true;
            break;
        }
    }
    let named_before = rest.ends_with("cả nước") || rest.ends_with("toàn quốc");
    let after_end = floor_char_boundary(hay, (q.end + 32).min(sentence_end));
    let after = hay[q.end..after_end].trim_start();
    let named_after = before.ends_with("mức") && (after.starts_with("của cả nước") || after.starts_with("của toàn quốc"));
    (named_before && connector) || named_after
}

/// Rule `company.owner_after`: a company named right after the figure with `của` owns it
/// (`trong đó có 03 trạm BTS của Viettel`, `63,6 triệu thuê bao của nhà mạng Viettel`), as `của` before the
/// company does in [`company_subject`].
pub(super) fn owner_after(ctx: &DocCtx<'_>, q: &Quantity, sentence_end: usize) -> bool {
    let company = ctx.res.lexicon.code.company;
    let hay = &ctx.hay;
    let rest = &hay[q.end..sentence_end.max(q.end)];
    let after = rest.trim_start();
    let Some(name) = after.strip_prefix("của ") else { return false };
    // (`của nhà mạng Viettel`, `của mạng VinaPhone`)
    let name = ["nhà mạng ", "mạng "].iter().find_map(|w| name.strip_prefix(w)).unwrap_or(name);
    let at = sentence_end - name.trim_start().len();
    ctx.features
        .hits_in(at, sentence_end)
        .next()
        .is_some_and(|h| h.0 == at && h.2 == company)
}

/// Rule `company.share_denominator`: a province-wide phrase that names the whole a share is of
/// (`chiếm 47% tổng số thuê bao điện thoại cả nước`) says nothing about whose figures the
/// sentence gives. True when the phrase at `at` follows `chiếm` in its own clause.
pub(super) fn share_denominator(hay: &str, sentence_start: usize, at: usize) -> bool {
    let before = &hay[sentence_start..at];
    let clause = crate::text::rfind_any_ascii(before, b",;(").map_or(before, |k| &before[k + 1..]);
    clause.contains("chiếm")
}

/// Rules `company.*`, sentence by sentence: which figures of sentence `si` are one company's
/// (the rule that says so), not the province's. `wide` are the sentence's province-wide phrases
/// (`toàn tỉnh`), which make a figure after them the province's.
pub(super) fn company_of_figures(ctx: &DocCtx<'_>, si: usize, qs: &[Quantity], wide: &[(usize, usize)]) -> Vec<Option<&'static str>> {
    let (lex, hay, doc) = (&ctx.res.lexicon, &ctx.hay, ctx.doc);
    let s = doc.sentences[si];
    let company_id = lex.code.company;
    // rule `company.clause`: a sentence of several `;` clauses can name one company per clause
    // (`... của VNPT đạt 40,4 triệu; Viettel có 54,25 triệu`): each clause is judged alone, and a
    // province-wide phrase counts against a figure only when it comes before it in its clause
    // (`Viettel có 54 triệu thuê bao tại Việt Nam` is still Viettel's); a clause that names no
    // company keeps the sentence's subject (`Doanh thu của Bưu điện tỉnh tăng 6%; doanh thu 02
    // tháng đầu năm tăng 12%`)
    let first = qs.first().map_or(s.end, |q| q.start);
    // (`đơn vị hiện có hơn 400 trạm BTS trên địa bàn toàn tỉnh`: the whole province after the
    // figure says where the company's stations are, not whose they are)
    // (asked once a sentence, and only when no company is the subject)
    let unit = std::cell::OnceCell::new();
    let unit_company =
        || *unit.get_or_init(|| (wide.iter().all(|&(a, _)| a > first) && unit_anaphora(ctx, si, first)).then_some("company.unit_anaphora"));
    let sentence_company = if wide.is_empty() {
        company_subject(ctx, s, first).or_else(unit_company)
    } else {
        unit_company()
    };
    // rule `company.previous_sentence`: `Năm 2007, doanh thu của VNPT đã đạt 45.300 tỷ đồng. Nộp
    // ngân sách Nhà nước 6.917 tỷ đồng`: money a sentence states with no subject of its own (no
    // company, province or whole-province phrase), right after a sentence of its paragraph about
    // one company (or after sentences of no subject of their own that follow it), is that
    // company's too; a sentence that names a field of the sector (`Doanh thu
    // bưu chính, viễn thông ước đạt 742 tỷ đồng` after `Riêng Viettel Hòa Bình chiếm 61% thị
    // phần`) has a subject of its own
    // (the cheap questions first: most sentences fail them, and the sentence's features are
    // gathered once)
    let money_of_previous_company = sentence_company.is_none()
        && wide.is_empty()
        && si > 0
        && doc.sentences[si - 1].paragraph == s.paragraph
        && qs.iter().any(|q| q.unit_kind == UnitKind::Vnd)
        && {
            let feats = ctx.features.set(s.start, s.end);
            !feats.meets(lex.ict_domain_mask) && !feats.has(company_id)
        }
        && !ctx.res.provinces.any_in(hay, &ctx.hits, s.start, s.end)
        // (an agency is a subject of its own: `Chánh Thanh tra Sở cho hay, đơn vị đã xử phạt ...`)
        && !lex.agencies.any_in(hay, &ctx.hits, s.start, first)
        && {
            // (through at most two sentences of the paragraph with no subject of their own either:
            // `Lợi nhuận trước thuế ước đạt 7.300 tỷ đồng.` between the company's sentence and
            // this one)
            let mut k = si;
            let mut company = false;
            while k > 0 && si - k < 3 {
                k -= 1;
                let prev = doc.sentences[k];
                if prev.paragraph != s.paragraph || lex.province_wide.any_in(hay, &ctx.hits, prev.start, prev.end) {
                    break;
                }
                if company_subject(ctx, prev, prev.end).is_some() {
                    company = true;
                    break;
                }
                let feats = ctx.features.set(prev.start, prev.end);
                let own_subject = ctx.res.provinces.any_in(hay, &ctx.hits, prev.start, prev.end)
                    || feats.meets(lex.ict_domain_mask);
                if own_subject {
                    break;
                }
            }
            company
        };
    // the rule that makes each figure one company's, if any
    qs.iter()
        .map(|q| {
            let from = crate::text::rfind_ascii(&hay[s.start..q.start], b';').map_or(s.start, |k| s.start + k + 1);
            let to = crate::text::find_ascii(&hay[q.end..s.end], b';').map_or(s.end, |k| q.end + k);
            let names_company = ctx.features.set(from, to).has(company_id);
            if names_company && owner_after(ctx, q, to) {
                return Some("company.owner_after");
            }
            if !names_company {
                if money_of_previous_company && q.unit_kind == UnitKind::Vnd {
                    return Some("company.previous_sentence");
                }
                return sentence_company;
            }
            let clause = crate::records::Sentence { start: from, end: to, ..s };
            let first = qs.iter().find(|o| o.start >= from).map_or(q.start, |o| o.start);
            if wide.iter().any(|&(a, _)| a >= from && a < q.start) {
                return None;
            }
            // (`Giám đốc Viettel Quảng Bình cho hay, đơn vị hiện có ...`: the company named in
            // the clause that opens the sentence, and the unit that stands for it after)
            company_subject(ctx, clause, first).or_else(unit_company)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::share_denominator;

    #[test]
    fn share_denominator_is_the_whole_after_chiem() {
        let s = "riêng thuê bao của vnpt đạt 60 triệu, chiếm 45% tổng số thuê bao cả nước";
        assert!(share_denominator(s, 0, s.find("cả nước").unwrap()));
        let s = "vnpt cho biết, cả nước có 60 triệu thuê bao";
        assert!(!share_denominator(s, 0, s.find("cả nước").unwrap()));
        // a new clause ends the share
        let s = "vnpt chiếm 45% thị phần, cả nước có 120 triệu thuê bao";
        assert!(!share_denominator(s, 0, s.find("cả nước").unwrap()));
    }
}
