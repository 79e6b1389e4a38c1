//! Tests of the rank rules, in our own words (invented ranks).

use super::*;

/// What rank::read finds in `text` (a document of 2016), and the text's match form.
fn read_text(text: &str) -> (String, Ranks) {
    let res = Resources::load(None, None).unwrap();
    let doc = crate::clean::doc_from_text("t", text, None, Some(Period::year(2016)), &res.clean, &res.provinces, &res.outlets);
    let hay = crate::text::match_form(&doc.text);
    let found = read(&doc, &hay, &crate::text::DocHits::default(), &res);
    (hay, found)
}

fn ranks_by_year(text: &str) -> Vec<(String, f64, i32)> {
    read_text(text)
        .1
        .ranks
        .into_iter()
        .map(|m| {
            let c = m.claim.unwrap();
            (c.province.unwrap().name.to_string(), m.value.unwrap(), c.period.unwrap().year)
        })
        .collect()
}

fn ranks(text: &str) -> Vec<(String, f64)> {
    ranks_by_year(text).into_iter().map(|(p, r, _)| (p, r)).collect()
}

#[test]
fn each_province_takes_the_rank_stated_beside_it() {
    // our own words, in the shape of ICT Index news
    let got = ranks(
        "Theo Vietnam ICT Index 2016, Bình Dương giữ vị trí thứ 9, tăng 2 bậc. Trong bảng xếp hạng, Đà Nẵng tiếp tục dẫn đầu, \
         Hà Nội đứng thứ 2, ở vị trí thứ ba là TP. HCM. Chỉ số hạ tầng kỹ thuật của Bình Dương xếp thứ 12. \
         Xét theo chỉ số thành phần, Bình Dương xếp thứ 15 về ứng dụng CNTT.",
    );
    assert_eq!(
        got,
        vec![
            ("Bình Dương".to_string(), 9.0),
            ("Đà Nẵng".to_string(), 1.0),
            ("Hà Nội".to_string(), 2.0),
            ("TP Hồ Chí Minh".to_string(), 3.0),
        ]
    );
}

#[test]
fn a_province_moving_gets_both_ranks_and_steps_or_streaks_are_no_rank() {
    // our own words (invented ranks)
    let got = ranks(
        "Theo ICT Index 2016, Đà Nẵng năm thứ 4 liên tiếp dẫn đầu. TP.HCM tiếp tục xếp ở vị trí thứ 2, trong khi \
         Nghệ An tiến thêm 12 bậc, xếp thứ 9. Một số tỉnh tụt hạng như Bắc Giang, từ vị trí thứ 5 năm 2015 xuống thứ 17 năm 2016.",
    );
    assert_eq!(
        got,
        vec![
            ("Đà Nẵng".to_string(), 1.0),
            ("TP Hồ Chí Minh".to_string(), 2.0),
            ("Nghệ An".to_string(), 9.0),
            ("Bắc Giang".to_string(), 5.0),
            ("Bắc Giang".to_string(), 17.0),
        ]
    );
}

fn owned(v: &[(&str, f64)]) -> Vec<(String, f64)> {
    v.iter().map(|&(p, r)| (p.to_string(), r)).collect()
}

#[test]
fn spelled_ranks_and_steps_and_a_wider_subject_phrase() {
    // our own words (invented ranks): rule `rank.spelled` and the preamble of `rank.named_province`
    let got = ranks(
        "Theo ICT Index 2016, Hà Nam xếp thứ hai mươi mốt; Bắc Ninh tăng bảy bậc lên vị trí thứ tư. \
         Cần Thơ cũng đã hai năm duy trì ở vị trí thứ ba, Hải Phòng vươn lên đứng thứ 6. \
         Tỉnh Lạng Sơn tăng 20 bậc so với năm 2015, xếp thứ 30/63.",
    );
    let want = [
        ("Hà Nam", 21.0),
        ("Bắc Ninh", 4.0),
        ("Cần Thơ", 3.0),
        ("Hải Phòng", 6.0),
        ("Lạng Sơn", 30.0),
    ];
    assert_eq!(got, owned(&want));
}

#[test]
fn a_rank_named_before_its_province() {
    // our own words: `xếp hạng hai là P`, `thứ 3 là P`
    let got = ranks("Theo ICT Index 2016, Đà Nẵng bỏ xa hai thành phố xếp hạng hai là Hà Nội và thứ 3 là TP Hồ Chí Minh.");
    assert_eq!(got, owned(&[("Đà Nẵng", 1.0), ("Hà Nội", 2.0), ("TP Hồ Chí Minh", 3.0)][1..]));
}

#[test]
fn lists_in_the_same_order_pair_up() {
    // our own words (invented ranks): rule `rank.respectively`
    let got = ranks_by_year(
        "Theo ICT Index 2016, hai vị trí thứ năm và thứ sáu là Quảng Ninh và Thừa Thiên Huế. \
         Hai tỉnh Bình Dương và Đồng Nai lần lượt tụt hạng từ vị trí thứ 7, thứ 8 của năm 2014 xuống vị trí thứ 11 và 12.",
    );
    let want = [
        ("Quảng Ninh", 5.0, 2016),
        ("Thừa Thiên Huế", 6.0, 2016),
        ("Bình Dương", 7.0, 2014),
        ("Đồng Nai", 8.0, 2014),
        ("Bình Dương", 11.0, 2016),
        ("Đồng Nai", 12.0, 2016),
    ];
    assert_eq!(got, want.iter().map(|&(p, r, y)| (p.to_string(), r, y)).collect::<Vec<_>>());
    // lists of different lengths pair nothing
    assert!(ranks("Theo ICT Index 2016, các vị trí thứ 5, thứ 6 và thứ 7 là Quảng Ninh và Huế.").is_empty());
}

#[test]
fn earlier_years_follow_the_one_province_ranked_just_before() {
    // our own words (invented ranks): rule `rank.earlier_years`
    let got = ranks_by_year(
        "Theo ICT Index 2016, tỉnh Lạng Sơn xếp thứ 30/63. Đây là bước tiến so với vị trí số 50 năm 2015, vị trí số 55 năm 2014.",
    );
    assert_eq!(
        got,
        vec![
            ("Lạng Sơn".to_string(), 30.0, 2016),
            ("Lạng Sơn".to_string(), 50.0, 2015),
            ("Lạng Sơn".to_string(), 55.0, 2014)
        ]
    );
    // a sentence in between breaks the chain
    let got = ranks_by_year("Theo ICT Index 2016, tỉnh Lạng Sơn xếp thứ 30/63. Tỉnh có 500 trạm BTS. So với vị trí số 50 năm 2015.");
    assert_eq!(got, vec![("Lạng Sơn".to_string(), 30.0, 2016)]);
}

#[test]
fn a_component_another_index_or_an_aim_is_no_rank() {
    // our own words: rule `rank.component`, and an aim (`đưa P vươn lên dẫn đầu`)
    let (hay, found) = read_text(
        "Theo ICT Index 2016, ở chỉ số “hạ tầng nhân lực”, Thừa Thiên Huế xếp thứ 2. Lãnh đạo thành phố quyết tâm đưa Hà Nội vươn lên dẫn đầu. \
         Đà Nẵng dẫn đầu chỉ số ứng dụng công nghệ thông tin; xếp hạng 6 về chỉ số công nghiệp công nghệ thông tin.",
    );
    assert!(
        found.ranks.is_empty(),
        "{:?}",
        found.ranks.iter().map(|m| &m.reason).collect::<Vec<_>>()
    );
    let spans: Vec<&str> = found.components.iter().map(|&(s, e)| &hay[s..e]).collect();
    assert_eq!(spans, ["xếp thứ 2", "2", "xếp hạng 6 về ", "dẫn đầu"]);
}

#[test]
fn the_index_itself_as_possessor_is_the_index() {
    // our own words: `Chỉ số ICT Index năm N của P xếp thứ K` is the province's rank
    assert_eq!(
        ranks("Chỉ số ICT Index năm 2016 của Hải Dương xếp thứ 19/63 tỉnh, thành phố."),
        owned(&[("Hải Dương", 19.0)])
    );
    // the index's full name right after a lead is no component, and a long one is cut at a
    // char boundary (a cut inside `ô` had panicked)
    assert_eq!(
        ranks("Theo ICT Index 2016, Đà Nẵng dẫn đầu chỉ số sẵn sàng cho phát triển và ứng dụng công nghệ thông tin và truyền thông."),
        owned(&[("Đà Nẵng", 1.0)])
    );
}

#[test]
fn no_ranking_without_the_index() {
    assert!(ranks("Năm 2016, Đà Nẵng dẫn đầu cả nước về du lịch, Hà Nội đứng thứ 2.").is_empty());
}

#[test]
fn the_provinces_listed_after_the_leader_follow_it() {
    // our own words (invented scores): rule `rank.following`
    let got = ranks(
        "Theo ICT Index 2016, Đà Nẵng dẫn đầu bảng xếp hạng. Tiếp theo sau là các địa phương: Cần Thơ (0,68 điểm), \
         Quảng Ninh (0,65 điểm) và Bắc Ninh (0,64 điểm). Xếp sau Đà Nẵng ở nhóm các thành phố là Hải Phòng và Hà Nội.",
    );
    let want = [
        ("Đà Nẵng", 1.0),
        ("Cần Thơ", 2.0),
        ("Quảng Ninh", 3.0),
        ("Bắc Ninh", 4.0),
        ("Hải Phòng", 2.0),
        ("Hà Nội", 3.0),
    ];
    assert_eq!(got, owned(&want));
    // no leader, no following; a list broken by other words stops there
    assert!(ranks("Theo ICT Index 2016, tiếp theo là Cần Thơ và Quảng Ninh.").is_empty());
    let got = ranks("Theo ICT Index 2016, Đà Nẵng dẫn đầu, tiếp theo là Cần Thơ, trong khi Huế có 0,5 điểm.");
    assert_eq!(got, owned(&[("Cần Thơ", 2.0), ("Đà Nẵng", 1.0)]));
    // a component's list is not the index's
    assert!(ranks("Theo ICT Index 2016, ở chỉ số hạ tầng kỹ thuật, Đà Nẵng dẫn đầu, xếp sau là Cần Thơ.").is_empty());
    assert!(ranks("Theo ICT Index 2016, Đà Nẵng xếp hạng 1 ở chỉ số “hạ tầng kỹ thuật”, đơn vị xếp sau là Cần Thơ.").is_empty());
    // the index's industry component (`lĩnh vực sản xuất kinh doanh`)
    assert!(ranks("Theo ICT Index 2016, ở lĩnh vực sản xuất kinh doanh, Đà Nẵng đứng thứ 2 sau Bắc Ninh.").is_empty());
}
