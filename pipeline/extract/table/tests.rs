//! Unit tests of rule `table.cell` (tables of figures by year), beside the code.

use super::*;

fn res() -> &'static Resources {
    static R: OnceLock<Resources> = OnceLock::new();
    R.get_or_init(|| Resources::load(None, None).unwrap())
}

fn cells(text: &str) -> Vec<(String, f64, String)> {
    let doc = crate::clean::doc_from_text(
        "t",
        text,
        res()
            .provinces
            .rows
            .iter()
            .position(|p| p.name == "Đà Nẵng")
            .map(|i| res().provinces.reference(i)),
        Some(Period::year(2021)),
        &res().clean,
        &res().provinces,
        &res().outlets,
    );
    read(&doc, res())
        .mentions
        .into_iter()
        .map(|m| {
            let c = m.claim.unwrap();
            (c.metric, m.value.unwrap(), c.period.unwrap().to_string())
        })
        .collect()
}

/// Whether the cells read hold `metric` = `value` of `period`.
fn has_cell(got: &[(String, f64, String)], metric: &str, value: f64, period: &str) -> bool {
    got.iter().any(|(m, v, p)| m == metric && (v - value).abs() < 1e-6 && p == period)
}

#[test]
fn an_inline_table_gives_each_cell_of_its_named_columns() {
    // invented figures; the shape of a thesis table copied without its line breaks
    let text = "Bảng 3: Số thuê bao điện thoại tại Đà Nẵng giai đoạn 2010 – 2013\nĐơn vị tính: thuê bao\nNăm Số thuê bao điện thoại Tổng số thuê bao Tốc độ tăng trưởng (%) Mật độ thuê bao/100 dân Cố định Di động Cố định Di động 2010 100.200 400.300 500.500 10,50 40,20 2011 90.100 500.400 590.500 117,98 9,40 50,10 2012 80.000 600.000 680.000 115,15 8,30 60,00\nNguồn: Sở TT&TT.";
    let got = cells(text);
    let has = |metric: &str, value: f64, period: &str| has_cell(&got, metric, value, period);
    assert!(has("fixed_telephone_subscribers", 100_200.0, "2010"), "{got:?}");
    assert!(has("mobile_subscribers", 600_000.0, "2012"), "{got:?}");
    assert!(has("telephone_subscribers", 590_500.0, "2011"), "{got:?}");
    assert!(has("fixed_telephone_density", 10.5, "2010"), "{got:?}");
    assert!(has("mobile_density", 60.0, "2012"), "{got:?}");
    // the growth column gives nothing; 3 rows x 5 named columns
    assert!(!got.iter().any(|(_, v, _)| (*v - 117.98).abs() < 1e-6), "{got:?}");
    assert_eq!(got.len(), 15, "{got:?}");
}

#[test]
fn a_yearbook_table_of_two_metrics_gives_each_its_column() {
    // rule table.metric_pair: invented figures, laid out as a yearbook page exported with a
    // blank line between lines and its column headings out of order
    let text = "Trang 300\n\n201. Số thuê bao điện thoại và internet\n\nNumber of telephone and internet subscribers\n\nSố thuê bao internet\n\nNumber of internet\n\nsubscribers\n\nTổng số\n\nTrong đó: Di động\n\nTotal\n\nOf which: Mobi-phone\n\n2017\n\n900.000\n\n850.000\n\n300.000\n\n2018\n\n950.000\n\n900.500\n\n350.000\n\n2019\n\n1.000.000\n\n950.000\n\n400.000\n\n2018\n\n105,56 105,94 116,67";
    let got = cells(text);
    let has = |metric: &str, value: f64, period: &str| has_cell(&got, metric, value, period);
    assert!(has("telephone_subscribers", 950_000.0, "2018"), "{got:?}");
    assert!(has("mobile_subscribers", 900_500.0, "2018"), "{got:?}");
    assert!(has("internet_subscribers", 400_000.0, "2019"), "{got:?}");
    // 3 rows x 3 columns; the index rows below give nothing
    assert_eq!(got.len(), 9, "{got:?}");
    assert_eq!(
        years::metric_pair("Số thuê bao điện thoại và internet"),
        Some(("Số thuê bao điện thoại".to_string(), "Số thuê bao internet".to_string()))
    );
}

#[test]
fn a_yearbook_table_gives_its_parts_with_ids_of_their_own() {
    // invented figures, laid out as a statistical yearbook page
    let text = "Số thuê bao điện thoại\n\nTổng số\nTotal\n\nChia ra - Of which\n\nDi động - Mobile\n\nCố định - Fixed\n\nThuê bao - Subscribers\n\n2018\n\n1.500.000\n\n1.400.000\n\n100.000\n\n2019\n\n1.600.000\n\n1.510.000\n\n90.000\n\n2020\n\n1.700.000\n\n1.620.000\n\n80.000\n\nNguồn: Niên giám thống kê";
    let got = cells(text);
    let has = |metric: &str, value: f64, period: &str| has_cell(&got, metric, value, period);
    assert!(has("telephone_subscribers", 1_600_000.0, "2019"), "{got:?}");
    assert!(has("mobile_subscribers", 1_620_000.0, "2020"), "{got:?}");
    assert!(has("fixed_telephone_subscribers", 100_000.0, "2018"), "{got:?}");
    assert_eq!(got.len(), 9, "{got:?}");
}

#[test]
fn an_inline_table_whose_labels_do_not_fit_gives_nothing() {
    let text = "Năm Số thuê bao Mật độ 2010 100.200 400.300 500.500 2011 90.100 500.400 590.500 2012 80.000 600.000 680.000\nHết.";
    assert!(cells(text).is_empty());
}

#[test]
fn the_table_words_are_checked_at_load_and_read_by_the_rules() {
    let cues = &res().lexicon.table;
    assert_eq!(cues.check(), Ok(()));
    assert_eq!(unit_words(cues, "ĐVT: Thuê bao"), Some(" thuê bao"));
    assert_eq!(unit_words(cues, "Đơn vị tính: %"), Some("%"));
    assert_eq!(unit_words(cues, "Đơn vị tính: người"), Some(""));
    assert_eq!(unit_words(cues, "Số thuê bao"), None);
    assert_eq!(title_words(cues, "115. Số máy điện thoại phân theo huyện"), "Số máy điện thoại");
    assert!(is_total(cues, "Tổng số") && !is_total(cues, "Thành thị"));
    let mut bad = cues.clone();
    bad.total_labels.push("Tổng".into());
    assert!(bad.check().unwrap_err().contains("[table] total_labels"));
}

#[test]
fn header_lines_are_years_with_few_words() {
    assert_eq!(
        header_years(&res().lexicon.table, "  2016 2017 2018 2019 Sơ bộ 2020"),
        Some(vec![2016, 2017, 2018, 2019, 2020])
    );
    assert_eq!(
        header_years(&res().lexicon.table, "Chỉ tiêu      Năm 2018      Năm 2019"),
        Some(vec![2018, 2019])
    );
    assert_eq!(
        header_years(&res().lexicon.table, "  12/2006 12/2007 12/2008 12/2009"),
        Some(vec![2006, 2007, 2008, 2009])
    );
    assert_eq!(
        header_years(&res().lexicon.table, "Năm 2019 tăng so với năm 2018 khá nhiều về mọi mặt"),
        None
    );
    assert_eq!(header_years(&res().lexicon.table, "2019 2018"), None);
}

#[test]
fn each_cell_of_a_row_is_a_fact_of_its_column_and_parts_are_not() {
    // our own words and figures, in the shape of a statistics office's table
    let text = "Tỷ lệ người sử dụng Internet của thành phố\n(ĐVT: %)\n  2018 2019 Sơ bộ 2020\n\
                Tỷ lệ người sử dụng Internet 70,10 72,50 75,25\nPhân theo thành thị, nông thôn\n\
                Thành thị 80,00 81,00 82,00\nNông thôn 50,00 52,00 55,00\n";
    let got = cells(text);
    assert_eq!(
        got,
        vec![
            ("internet_users_pct".to_string(), 70.1, "2018".to_string()),
            ("internet_users_pct".to_string(), 72.5, "2019".to_string()),
            ("internet_users_pct".to_string(), 75.25, "2020".to_string()),
        ]
    );
}

#[test]
fn a_total_row_takes_the_title_and_district_rows_give_nothing() {
    let text = "Số máy điện thoại trên địa bàn phân theo huyện\nĐVT: Chiếc\n  12/2007 12/2008\n\
                TỔNG SỐ - TOTAL 49,975 56,665\nHuyện Đà Bắc - Da Bac district 1,430 1,617\n";
    let got = cells(text);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].1, 49975.0);
    assert_eq!(got[1].2, "2008");
    assert!(got.iter().all(|g| g.0 == "telephone_subscribers"), "{got:?}");
}

#[test]
fn rows_that_open_with_their_year_give_their_first_column() {
    // our own figures, in the shape of a statistics office page: total, then two parts
    let text = "Tỷ lệ hộ gia đình có kết nối Internet\n\n(ĐVT: %)\n\nTỔNG SỐ Phân theo thành thị, nông thôn\n\nThành thị Nông thôn\n\n\
                2017 70,10 75,00 60,00\n\n2018 72,20 77,00 62,00\n\nSơ bộ 2019 74,30 79,00 64,00\n";
    let got = cells(text);
    assert_eq!(
        got,
        vec![
            ("households_with_internet_pct".to_string(), 70.1, "2017".to_string()),
            ("households_with_internet_pct".to_string(), 72.2, "2018".to_string()),
            ("households_with_internet_pct".to_string(), 74.3, "2019".to_string()),
        ]
    );
    // a yearbook page: the year and its cells on lines of their own; an index block after it
    let text = "215. Số thuê bao điện thoại cố định\n\nTổng số\n\n2014\n\n120.500\n\n2015\n\n118.300\n\n2016\n\n110.020\n\n\
                2015\n\n98,17\n\n2016\n\n93,00\n\n2017\n\n97,50\n";
    let got = cells(text);
    assert_eq!(got.len(), 3, "the index block (decimals) gives no counts: {got:?}");
    assert!(got.iter().all(|g| g.0 == "fixed_telephone_subscribers"), "{got:?}");
    assert_eq!(got[2], ("fixed_telephone_subscribers".to_string(), 110_020.0, "2016".to_string()));
}

#[test]
fn a_two_column_report_table_reads_by_row_label() {
    let text = "Một số chỉ tiêu chủ yếu:\n\nChỉ tiêu        Năm 2018    Năm 2019\nThuê bao di động      1.100.000   1.200.500\nTrạm BTS   1.300   1.420\n";
    let got = cells(text);
    assert!(
        got.contains(&("mobile_subscribers".to_string(), 1_100_000.0, "2018".to_string())),
        "{got:?}"
    );
    assert!(got.contains(&("bts_stations".to_string(), 1420.0, "2019".to_string())), "{got:?}");
}
