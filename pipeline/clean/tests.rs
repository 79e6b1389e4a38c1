//! Tests of clean: sentences, dates and years, and the metadata engine on whole documents.

use super::meta::*;
use super::sentences::*;
use super::url::*;
use super::*;

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;

use crate::records::{DocMeta, RawDoc};

mod sentences_and_dates {
    use super::*;

    fn abbr() -> HashSet<String> {
        ["tp", "pgs", "ts"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn sentences_survive_numbers_and_abbreviations_and_glued_stops() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Tổng số thuê bao là 2.003.300, đạt 170 thuê bao/100 dân. TP. Thanh Hóa có 20 trạm. PGS. TS. Nguyễn Văn A phát biểu. Hết",
                &[
                    "Tổng số thuê bao là 2.003.300, đạt 170 thuê bao/100 dân.",
                    "TP. Thanh Hóa có 20 trạm.",
                    "PGS. TS. Nguyễn Văn A phát biểu.",
                    "Hết",
                ],
            ),
            // rule sentence.glued_stop (invented text)
            (
                "Doanh thu tăng 6% so với năm 2013.Hiện tại, mạng có 30 triệu thuê bao.Công ty cũng lắp 45 trạm (2G: 20 trạm).Về phía Tp.Hồ Chí Minh, mic.gov.vn có 2.003.300 lượt.",
                &[
                    "Doanh thu tăng 6% so với năm 2013.",
                    "Hiện tại, mạng có 30 triệu thuê bao.",
                    "Công ty cũng lắp 45 trạm (2G: 20 trạm).",
                    "Về phía Tp.Hồ Chí Minh, mic.gov.vn có 2.003.300 lượt.",
                ],
            ),
            // a glued ellipsis; one before a lower-case word goes on (invented text)
            (
                "Lợi nhuận đạt 900 tỷ đồng…Trong khi đó, công ty kia lỗ… nhưng vẫn nộp 12 tỷ đồng.",
                &[
                    "Lợi nhuận đạt 900 tỷ đồng…",
                    "Trong khi đó, công ty kia lỗ… nhưng vẫn nộp 12 tỷ đồng.",
                ],
            ),
        ];
        for (p, want) in cases {
            let spans = split_sentences(p, &abbr());
            let got: Vec<&str> = spans.iter().map(|&(s, e)| &p[s..e]).collect();
            assert_eq!(&got, want, "{p}");
        }
    }

    #[test]
    fn a_run_without_full_stops_is_cut_into_bounded_sentences() {
        let p = (0..500)
            .map(|i| format!("huyện {i} có {i} thuê bao"))
            .collect::<Vec<_>>()
            .join("; ");
        let spans = split_sentences(&p, &abbr());
        assert!(spans.len() > 5);
        assert!(spans.iter().all(|(s, e)| e - s <= MAX_SENTENCE));
        // nothing is lost: the spans cover the text but for the white space between them
        let joined: String = spans.iter().map(|&(s, e)| p[s..e].trim()).collect::<Vec<_>>().join(" ");
        assert_eq!(joined.split_whitespace().count(), p.split_whitespace().count());
    }

    #[test]
    fn repairs_a_year_with_a_dropped_digit_from_the_years_the_text_mentions() {
        let years = BTreeMap::from([(2009, 3), (2010, 4)]);
        assert_eq!(repair_year("210", &years), Some(2010));
        assert_eq!(repair_year("209", &years), Some(2009));
        assert_eq!(repair_year("999", &BTreeMap::new()), None);
    }
}

mod metadata {
    use super::*;
    use std::path::Path;

    fn meta_of(text: &str) -> DocMeta {
        let r = crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let raw = RawDoc {
            doc: "t".into(),
            source: "t".into(),
            line: None,
            format: crate::records::Format::Txt,
            encoding: "utf-8".into(),
            content_hash: String::new(),
            text: text.into(),
            given: Default::default(),
            warnings: Vec::new(),
        };
        clean(raw, &r.clean, &r.provinces, &r.outlets).0.meta
    }

    /// The report period `clean` gives a text, as the tables write it.
    fn period_of(text: &str) -> Option<String> {
        meta_of(text).period.map(|p| p.to_string())
    }

    #[test]
    fn the_address_of_a_page_gives_its_date_words_and_host() {
        assert_eq!(
            url_host("https://m.BaoThaiNguyen.vn/tin-tuc/x.html").as_deref(),
            Some("m.baothainguyen.vn")
        );
        assert_eq!(
            url_words("http://dic.gov.vn/vi/news/tinh-dien-bien-tap-trung.html"),
            "vi news tinh dien bien tap trung html"
        );
        assert_eq!(url_date("https://hotvietnam.net/doanh-thu-20200707095743042.html"), ymd(2020, 7, 7));
        assert_eq!(url_date("https://x.vn/2015/06/22/bai-viet"), ymd(2015, 6, 22));
        assert_eq!(url_date("https://cafef.vn/ty-le-188230630135401355.chn"), None);
        assert_eq!(url_date("https://x.vn/2015/0622/bai"), None);
        assert_eq!(url_month("https://bao.vn/khoa-hoc/202401/975-dan-so-1000127"), ymd(2024, 1, 1));
        assert_eq!(url_month("https://x.vn/2015/06/bai"), ymd(2015, 6, 1));
        assert_eq!(url_month("https://x.vn/tin/2015-bai-13/"), None);
        assert_eq!(date_stamp(" date 2023-03 Theo Bộ TT&TT"), Some((2023, 3, None)));
        assert_eq!(date_stamp("date 2025-10-24 Hạ tầng"), Some((2025, 10, Some(24))));
        assert_eq!(date_stamp("date 2025-13 x"), None);
        assert_eq!(date_stamp("Ngày 2023-03"), None);
        assert_eq!(
            slug_year(&url_words("https://x.vn/Hoat-dong-nganh-tinh-nam-2010--Nhung-ket-qua.html")),
            Some(2010)
        );
        assert_eq!(slug_year(&url_words("https://x.vn/giai-doan-2016-2020-12345.html")), None);
        // rule period.url_months
        let months = |u: &str| slug_months(&url_words(u), Some(2020)).map(|p| p.to_string());
        assert_eq!(
            months("https://x.vn/doanh-thu-vien-thong-den-het-thang-5-dat-52-nghin-ty-2020070709.html").as_deref(),
            Some("2020-5M")
        );
        assert_eq!(
            months("https://x.vn/9-thang-dau-nam-2022-thue-bao-tang.html").as_deref(),
            Some("2022-9M")
        );
        assert_eq!(months("https://x.vn/quy-1-nam-2021-doanh-thu.html"), None);
        assert_eq!(months("https://x.vn/12-thang-qua-ket-qua.html"), None);
        assert_eq!(
            slug_year(&url_words("https://x.vn/mic_2020/Pages/Tinh-Dak-Nong-nam-2010-ket-qua.html")),
            Some(2010)
        );
        assert_eq!(slug_year(&url_words("https://x.vn/tin-tuc-281794-85.html")), None);
        // a portal's folder is no date
        assert_eq!(
            slug_year(&url_words("https://x.vn/mic_2020/Pages/TinTuc/1034/Lap-bien-ban.html")),
            None
        );
    }

    #[test]
    fn date_and_outlet_forms_table() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        // (text, published, event, outlet)
        type Case<'a> = (&'a str, Option<NaiveDate>, Option<NaiveDate>, Option<&'a str>);
        let cases: &[Case] = &[
            (
                "Tin Hà Tĩnh\n\n15:16:24 | 7/2/2012\n\nNăm 2011, ngành ...",
                d(2012, 2, 7),
                None,
                None,
            ),
            (
                "Tin\n\nThứ năm, 27/03/2014 10:50\n\nSáng 26/03/2014, Sở tổ chức hội nghị.",
                d(2014, 3, 27),
                d(2014, 3, 26),
                None,
            ),
            (
                "Tin\n\nCập nhật: 10/01/2017 - 15:20\n\n(BDO) Ngày 10-1, hội nghị tổng kết.",
                d(2017, 1, 10),
                d(2017, 1, 10),
                Some("baobinhduong.vn"),
            ),
            (
                "Tin\n\n16:42, 30/12/2014\n\nHGĐT- Chiều 30.12, Sở tổ chức hội nghị.",
                d(2014, 12, 30),
                d(2014, 12, 30),
                Some("baohagiang.vn"),
            ),
            (
                "Tin\n\nThứ Hai, 05/01/2015 - 10:12\n\n(BLC) - Sáng 30/12, Sở tổ chức.",
                d(2015, 1, 5),
                d(2014, 12, 30),
                Some("baolaocai.vn"),
            ),
            (
                "Tin\n\n(Mic.gov.vn) - Ngày 16/1/2009, Sở TT&TT Phú Thọ tổ chức hội nghị.",
                None,
                d(2009, 1, 16),
                Some("mic.gov.vn"),
            ),
            ("Tin\n\nTheo Công văn số 12/UBND ngày 14-9-2018, Sở triển khai.", None, None, None),
            // rule `date.timed_stamp`: the site's header shows today's date; the article's own
            // stamp, with its time, is the publication
            (
                "Thứ Tư, 20/05/2026\n\nKinh tế\n\nThứ Ba, 14/3/2017 8:15 (GMT+7)\n\nTin\n\nCả nước có 120 triệu thuê bao.",
                d(2017, 3, 14),
                None,
                None,
            ),
            // a bare date earlier than a timed one (a comment, a related story) is no header
            (
                "Tin\n\nThứ Hai, 02/01/2017\n\nXem thêm 10:20 05/02/2019\n\nNăm 2016, ngành ...",
                d(2017, 1, 2),
                None,
                None,
            ),
        ];
        for (text, published, event, outlet) in cases {
            let text = text.to_string();
            let m = meta_of(&text);
            assert_eq!(m.published, *published, "published: {text}");
            assert_eq!(m.event_date, *event, "event: {text}");
            assert_eq!(m.outlet.as_deref(), *outlet, "outlet: {text}");
        }
    }

    /// A JSONL document with the metadata a caller gave, cleaned with the shipped rules.
    fn cleaned(text: &str, given: crate::records::GivenMeta) -> CleanDoc {
        let r = crate::config::Resources::load(Some(Path::new("schemas")), Some(Path::new("data/reference/provinces.csv"))).unwrap();
        let raw = RawDoc {
            doc: "t".into(),
            source: "t".into(),
            line: None,
            format: crate::records::Format::Jsonl,
            encoding: "utf-8".into(),
            content_hash: String::new(),
            text: text.into(),
            given,
            warnings: Vec::new(),
        };
        clean(raw, &r.clean, &r.provinces, &r.outlets).0
    }

    fn meta_with_url(text: &str, url: &str) -> DocMeta {
        let given = crate::records::GivenMeta {
            url: Some(url.into()),
            ..Default::default()
        };
        cleaned(text, given).meta
    }

    #[test]
    fn a_stated_province_decides_and_an_unknown_one_is_ignored_with_a_warning() {
        // rule province.given (invented text)
        let doc = |given: Option<&str>| {
            let given = crate::records::GivenMeta {
                province: given.map(String::from),
                ..Default::default()
            };
            cleaned("Sở TT&TT Nghệ An tổng kết năm 2020\n\nToàn tỉnh có 120 trạm BTS mới.", given)
        };
        let name = |d: &CleanDoc| d.meta.province.as_ref().map(|p| p.name.clone());
        assert_eq!(name(&doc(None)).as_deref(), Some("Nghệ An"));
        assert_eq!(name(&doc(Some("Hà Tĩnh"))).as_deref(), Some("Hà Tĩnh"));
        assert_eq!(name(&doc(Some("42"))).as_deref(), Some("Hà Tĩnh"));
        let unknown = doc(Some("Atlantis"));
        assert_eq!(name(&unknown).as_deref(), Some("Nghệ An"));
        assert!(unknown.warnings.iter().any(|w| w.contains("`Atlantis`")), "{:?}", unknown.warnings);
    }

    #[test]
    fn a_provincial_outlet_writing_of_the_country_is_national_and_of_itself_its_province() {
        // rule province.outlet yields to province.national when the text names no province
        // (invented figures)
        let national = meta_with_url(
            "Điện thoại cố định ngày càng ít\n\nTheo Bộ TT&TT, số thuê bao điện thoại cố định của Việt Nam đến hết tháng 6 năm 2019 còn 4,1 triệu.",
            "https://kinhtedothi.vn/dien-thoai-co-dinh.html",
        );
        assert_eq!(national.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        let own = meta_with_url(
            "Hạ tầng viễn thông phát triển\n\nTheo Sở TT&TT, toàn thành phố có 12.000 trạm BTS.",
            "https://kinhtedothi.vn/ha-tang.html",
        );
        assert_eq!(own.province.map(|p| p.name).as_deref(), Some("Hà Nội"));
    }

    #[test]
    fn a_page_naming_no_province_is_national_unless_it_speaks_of_its_own_department() {
        // rule province.national, its cues from clean.toml (invented figures)
        let national = meta_of(
            "Các doanh nghiệp viễn thông nộp 40.000 tỷ đồng\n\nNăm 2022, tổng doanh thu dịch vụ viễn thông ước đạt 135.000 tỷ đồng; nộp ngân sách nhà nước 40.000 tỷ đồng.",
        );
        assert_eq!(national.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        let local = meta_of(
            "Hạ tầng viễn thông tiếp tục phát triển\n\nTheo Sở TT&TT, năm 2022 toàn tỉnh có 1.200 trạm BTS; nộp ngân sách nhà nước 40 tỷ đồng.",
        );
        assert_eq!(local.province, None);
        let unknown = meta_of("Hạ tầng viễn thông tiếp tục phát triển\n\nNăm 2022 có 1.200 trạm BTS.");
        assert_eq!(unknown.province, None);
    }

    #[test]
    fn a_national_page_naming_a_province_only_as_a_venue_stays_national() {
        // rule province.venue, its cues from clean.toml (invented figures)
        let venue = meta_of(
            "Bộ TT&TT tổng kết năm 2019\n\nHội nghị tổng kết của Bộ Thông tin và Truyền thông được tổ chức sáng 12/1, tại Đà Nẵng.\n\nNăm 2019, doanh thu toàn ngành ước đạt 1.000.000 tỷ đồng.",
        );
        assert_eq!(venue.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        // the same place named as the subject of a figure is the document's province
        let subject = meta_of("Hạ tầng viễn thông năm 2019\n\nTheo Bộ Thông tin và Truyền thông, năm 2019 Đà Nẵng có 1.500 trạm BTS.");
        assert_eq!(subject.province.map(|p| p.name).as_deref(), Some("Đà Nẵng"));
        // a provincial department's own conference held in its province keeps the province
        let local = meta_of("Tổng kết năm 2019\n\nSở TT&TT tổ chức hội nghị tổng kết tại Đà Nẵng; toàn thành phố có 1.500 trạm BTS.");
        assert_eq!(local.province.map(|p| p.name).as_deref(), Some("Đà Nẵng"));
        // one bridge point of the Ministry's online conference names where someone attended
        let bridge = meta_of(
            "Doanh thu toàn ngành ước đạt 3.000 tỷ đồng\n\nĐiểm cầu Quảng Bình tham dự hội nghị trực tuyến tổng kết năm 2021\n\nNăm 2021, doanh thu toàn ngành thông tin và truyền thông cả nước ước đạt 3.000 tỷ đồng.",
        );
        assert_eq!(bridge.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        // the venue's words after the place (`Ngày 17-5, tại Hà Nội, Bộ ... đã tổ chức Lễ kỷ niệm`)
        let after = meta_of(
            "Kỷ niệm Ngày Viễn thông thế giới\n\nNgày 17-5, tại Hà Nội, Bộ Thông tin và Truyền thông đã tổ chức Lễ kỷ niệm Ngày Viễn thông.\n\nViệt Nam hiện có 118 triệu thuê bao di động.",
        );
        assert_eq!(after.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
        // rule province.dateline: where a national story was filed from
        let dateline = meta_of(
            "Viễn thông sẽ là ngành mũi nhọn\n\nTT (Hà Nội) - Đến năm 2010, doanh thu ngành viễn thông Việt Nam sẽ đạt 50.000 tỉ đồng, theo quy hoạch vừa được Thủ tướng Chính phủ phê duyệt.",
        );
        assert_eq!(dateline.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
    }

    #[test]
    fn a_ministry_headline_over_an_article_plainly_about_one_province_keeps_the_province() {
        // rule province.ministry_headline (invented figures): the Ministry in the headline makes
        // a page naming no province national, but not a page whose text keeps naming one
        let visit = meta_of(
            "Thứ trưởng Bộ TT&TT thăm khu công nghệ thông tin tập trung

Những năm qua, Long An là một trong những tỉnh dẫn đầu về chuyển đổi số.

Hạ tầng viễn thông tại Long An phát triển nhanh.

Toàn tỉnh Long An có 3.900 trạm BTS.",
        );
        assert_eq!(visit.province.map(|p| p.name).as_deref(), Some("Long An"));
        // one passing mention does not outweigh the headline
        let national = meta_of(
            "Bộ TT&TT công bố số liệu thuê bao

Cả nước có 125 triệu thuê bao di động; doanh nghiệp mới nhất đặt trụ sở tại Long An.",
        );
        assert_eq!(national.province.map(|p| p.name).as_deref(), Some("Việt Nam"));
    }

    #[test]
    fn an_undated_page_forecasting_the_year_end_reports_the_months_so_far() {
        // rule period.year_end_forecast, its words from clean.toml (invented figures)
        let text = "Thuê bao băng rộng tăng đều\n\nTheo Bộ TT&TT, hiện thuê bao băng rộng cố định đạt 19,5 triệu.\n\nVới tốc độ tăng trưởng của 9 tháng đầu năm 2021, ước đến cuối năm 2021 đạt 20,3 triệu thuê bao.";
        assert_eq!(period_of(text).as_deref(), Some("2021-9M"));
        // a page that reviews the whole year keeps the year
        let review = "Thuê bao băng rộng tăng đều\n\nTổng kết năm 2021, thuê bao băng rộng cố định đạt 20,3 triệu.\n\nRiêng 9 tháng đầu năm 2021 tăng 1,1 triệu thuê bao.";
        assert_eq!(period_of(review).as_deref(), Some("2021"));
    }

    #[test]
    fn this_year_is_the_pages_year_and_a_contrast_year_no_period() {
        // rules period.this_year and the contrast words of clean.toml's baseline_before
        // (invented figures)
        let text = "date 2006-12\n\nĐến cuối năm nay, cả nước có 20 triệu máy điện thoại, đạt 24 máy/100 dân.\n\nMạng bưu chính có 15.000 điểm phục vụ, trong khi, năm 1990 mới chỉ có 1.700 bưu cục.";
        assert_eq!(period_of(text).as_deref(), Some("2006"));
        // without the contrast word, the year opening its clause still weighs as before
        let plain = "date 2006-12\n\nMạng bưu chính có 15.000 điểm phục vụ.\n\nNăm 1990, cả nước mới chỉ có 1.700 bưu cục.";
        assert_eq!(period_of(plain).as_deref(), Some("1990"));
    }

    #[test]
    fn a_dated_page_comparing_with_a_same_period_two_years_back_reports_the_year_between() {
        // rule period.comparison_base on a dated page (invented figures)
        let text = "date 2021-03\n\nToàn tỉnh hiện có 300 điểm phục vụ bưu chính. Doanh thu bưu chính tăng 20% so với cùng kỳ năm 2019 (doanh thu đạt 180 tỷ đồng).";
        assert_eq!(period_of(text).as_deref(), Some("2020"));
        // a base one year back: the page reports the months of its own year so far
        let text = "date 2021-03\n\nToàn tỉnh hiện có 300 điểm phục vụ bưu chính. Doanh thu bưu chính tăng 20% so với cùng kỳ năm 2020.";
        assert_eq!(period_of(text).as_deref(), Some("2021-Q1"));
    }

    #[test]
    fn a_quarters_report_quoted_first_is_the_period_reported() {
        // rule period.named_report (invented figures): the dates of single figures further down
        // do not outweigh the quarter's report the page opens on
        let text = "date 2024-07\n\nTheo báo cáo tình hình hoạt động quý II/2024 của Bộ, số thuê bao băng rộng cố định đạt 23 triệu.\n\nSố thuê bao băng rộng di động đạt 87 triệu thuê bao.\n\nCập nhật tới tháng 5/2024, tốc độ băng rộng cố định đạt 95 Mbps. Tới tháng 5/2024, tốc độ di động đạt 50 Mbps.\n\nTính đến ngày 31/5/2024, có 4 triệu khách hàng dùng Mobile Money.";
        assert_eq!(period_of(text).as_deref(), Some("2024-Q2"));
    }

    #[test]
    fn a_month_counted_up_to_is_no_monthly_report() {
        // rule period.monthly_report (invented figures): `báo cáo ..., đến tháng 8/2007` dates a
        // stock; the months up to it are the window, not the one month
        let text = "Theo báo cáo tại hội nghị, đến tháng 8/2007, cả nước có 30 triệu thuê bao điện thoại. Hiện cả nước có hơn 4 triệu thuê bao Internet.";
        assert_eq!(period_of(text).as_deref(), Some("2007-8M"));
    }

    #[test]
    fn a_players_and_a_menus_lines_take_no_place_in_the_lead() {
        // rule period.lead_skips_chrome (invented text): seven lines of chrome before the first
        // paragraph of prose, whose month-end date is the window
        let text = "Mỗi người dân có hơn một thuê bao\n\n0:00 / 0:00\n\n0:00\n\n• Nam miền Bắc\n\n• Nữ miền Bắc\n\n• Nữ miền Nam\n\n• Nam miền Nam\n\nTheo Bộ, tính đến tháng 5/2021, tổng số thuê bao di động là 120 triệu.";
        assert_eq!(period_of(text).as_deref(), Some("2021-5M"));
    }

    #[test]
    fn the_end_of_a_span_of_dates_is_no_stocks_date() {
        // (invented figures) inspections from one October to the next are the year's
        let text = "date 2021-11\n\nTừ ngày 15/10/2020 đến ngày 14/10/2021, Thanh tra Sở tiến hành 9 cuộc kiểm tra đối với 52 đại lý Internet trong năm 2021.";
        assert_eq!(period_of(text).map(|p| p[..4].to_string()).as_deref(), Some("2021"));
        assert_ne!(period_of(text).as_deref(), Some("2021-10M"));
    }

    #[test]
    fn an_administrative_documents_date_line_is_its_date() {
        // rule date.document_line (invented text): the line broken by a PDF copy, and a plan to
        // a later year that no longer passes for the period reported
        let m = meta_of(
            "ỦY BAN NHÂN DÂN TỈNH YÊN BÁI\n\nYên Bái, ngày 12\ntháng 9 năm 2023\n\nKẾ HOẠCH PHÁT TRIỂN HẠ TẦNG SỐ ĐẾN NĂM 2025\n\nĐến nay, 99% thôn, bản được phủ sóng di động; mục tiêu đến năm 2025 đạt 100%.",
        );
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2023, 9, 12));
        assert_eq!(m.period.map(|p| p.year), Some(2023));
    }

    #[test]
    fn the_ends_of_a_span_are_no_year_an_undated_page_reports() {
        // rule period.span_years (invented figures): an undated page about a programme
        let text = "Hạ tầng số phục vụ xây dựng nông thôn mới giai đoạn 2021 - 2025\n\nTừ 01/01/2023 đến nay đã phát triển 40 vị trí trạm BTS, nâng tổng số trạm lên 2.100 trạm.";
        assert_eq!(period_of(text).map(|p| p[..4].to_string()).as_deref(), Some("2023"));
    }

    #[test]
    fn a_photo_caption_is_never_the_title() {
        // rule title.not_caption, its patterns from clean.toml (invented text)
        let m = meta_of(
            "Kỹ thuật viên MobiFone kiểm tra thiết bị trên cột ăng ten. Ảnh: Hoàng Lan |\n\nHạ tầng viễn thông Tây Ninh tiếp tục mở rộng\n\nĐến nay, toàn tỉnh có 2.100 trạm BTS.",
        );
        assert_eq!(m.title.as_deref(), Some("Hạ tầng viễn thông Tây Ninh tiếp tục mở rộng"));
        // a headline that only mentions a photo is still a headline
        let m = meta_of("Ảnh đẹp về hạ tầng viễn thông Tây Ninh\n\nĐến nay, toàn tỉnh có 2.100 trạm BTS.");
        assert_eq!(m.title.as_deref(), Some("Ảnh đẹp về hạ tầng viễn thông Tây Ninh"));
    }

    #[test]
    fn a_line_opening_on_a_connective_is_never_the_title() {
        // rule title.not_prose, its words from clean.toml (invented text)
        let m = meta_of(
            "Ngoài ra, tính đến cuối tháng 6, số khách hàng dùng ví điện tử của VinaPhone đạt 2 triệu khách\n\nĐến nay, toàn tỉnh có 2.100 trạm BTS.",
        );
        assert_eq!(m.title, None);
        // the same words inside a headline are no opener
        let m = meta_of("Hạ tầng viễn thông ngoài ra còn phục vụ du lịch\n\nĐến nay, toàn tỉnh có 2.100 trạm BTS.");
        assert_eq!(m.title.as_deref(), Some("Hạ tầng viễn thông ngoài ra còn phục vụ du lịch"));
    }

    #[test]
    fn a_birth_year_is_not_the_period_reported() {
        // rule period: `sinh năm 1980` names a person's birth, not the report's year; a page
        // with no other year stays undated rather than dated 1980 (invented figures)
        let text = "Thanh tra Sở TT&TT Hà Nội xử phạt người đăng tin sai sự thật\n\nTại Quyết định số 12/QĐ-XPVPHC, Thanh tra Sở xử phạt ông N.V.B, sinh năm 1980, số tiền 5.000.000 đồng.";
        assert_eq!(period_of(text), None);
        // `phát sinh năm 2020` is not a birth
        assert_eq!(
            period_of("Thuê bao mới\n\nSố thuê bao phát sinh năm 2020 của tỉnh Hà Nam đạt 20.000 thuê bao.").as_deref(),
            Some("2020")
        );
    }

    #[test]
    fn a_month_without_its_year_takes_the_year_its_paragraph_named() {
        // rule period.year_in_context: an archive page stamped years later (`date 2019-05`)
        // still reports the half year it names (invented figures)
        let text = "date 2019-05\n\nTheo Tổng cục Thống kê, 6 tháng đầu năm 2013 cả nước có thêm 4,1 triệu thuê bao. Tính đến cuối tháng 6, thuê bao cả nước ước đạt 130,2 triệu.";
        assert_eq!(period_of(text).as_deref(), Some("2013-H1"));
        // a founding date is an event's, not the year of a later month
        let m = meta_of(
            "Tin\n\nThứ Sáu, 26/06/2015 09:18\n\nSở được thành lập từ ngày 1-7-2005. Tính đến cuối tháng 5, toàn tỉnh có 1.100 trạm BTS.",
        );
        assert_eq!(m.period.map(|p| p.year), Some(2015));
    }

    #[test]
    fn a_plan_in_the_next_clause_does_not_undo_the_months_reported() {
        // rule period.plan_after_clause: our own words, after the shape of the Ministry's
        // nine-month figures as news pages reprint them (invented figures)
        let text = "Thuê bao băng rộng tăng đều\n\n10:20 25/10/2021\n\nVới mức tăng bình quân 0,8% mỗi tháng của 9 tháng đầu năm 2021, dự kiến đến cuối năm 2021 sẽ đạt mục tiêu đề ra.\n\nThuê bao băng rộng cố định ước đạt 18,2 triệu thuê bao, tăng 9% so với cùng kỳ; đạt kế hoạch năm 2021.";
        assert_eq!(period_of(text).as_deref(), Some("2021-9M"));
        // a period phrase opening its sentence is what the sentence's plan is about
        let plan = "Phát triển hạ tầng\n\n10:20 25/10/2021\n\n9 tháng đầu năm 2022, tỉnh sẽ đầu tư thêm 300 trạm BTS.\n\nNăm 2021, toàn tỉnh có 1.500 trạm BTS.";
        assert_ne!(period_of(plan).as_deref(), Some("2022-9M"));
    }

    #[test]
    fn a_year_not_over_at_publication_is_not_the_period_reported() {
        // rule period.year_not_over: an October page reports the part of its year that is over
        // (invented figures)
        let text = "Tin\n\n10:14 24/10/2022\n\nNăm 2022, ngành viễn thông tỉnh phát triển mạnh.\n\nNăm 2022, số thuê bao tăng nhanh. Sau 9 tháng đầu năm 2022, doanh thu đạt 500 tỷ đồng.";
        assert_eq!(period_of(text).as_deref(), Some("2022-9M"));
        // a December page may report its year
        let text = "Tin\n\n10:14 20/12/2022\n\nNăm 2022, ngành viễn thông tỉnh phát triển mạnh.\n\nNăm 2022, số thuê bao tăng nhanh. Sau 9 tháng đầu năm 2022, doanh thu đạt 500 tỷ đồng.";
        assert_eq!(period_of(text).as_deref(), Some("2022"));
    }

    #[test]
    fn a_monthly_briefing_reports_its_month() {
        // a monthly report or briefing named in the text (`giao ban ... tháng 5/2022`) is of
        // that month, over the year words of its targets (invented figures)
        let text = "date 2022-05\n\nThông tin này được nêu tại Hội nghị giao ban quản lý nhà nước tháng 5/2022 của Bộ Thông tin và Truyền thông.\n\nƯớc tính tháng 5/2022, tỷ lệ hộ gia đình dùng cáp quang đạt 70% tăng 5% so với cùng kỳ năm ngoái. Mục tiêu năm 2022 đạt 80%.";
        assert_eq!(period_of(text).as_deref(), Some("2022-M05"));
    }

    #[test]
    fn the_window_reported_so_far_outweighs_the_year_compared_with() {
        // `tính đến 09 tháng đầu năm 2024` is the window reported; `so với cùng kỳ của năm 2023`
        // names the base, however often (invented figures)
        let text = "Tin\n\nỞ lĩnh vực viễn thông, tính đến 09 tháng đầu năm 2024, tổng số thuê bao điện thoại đạt 1.100.000 thuê bao, bằng 91% so với cùng kỳ của năm 2023; thuê bao di động đạt 1.050.000 thuê bao, bằng 92% so với cùng kỳ của năm 2023; doanh thu đạt 1.300 tỷ đồng, bằng 95% so với cùng kỳ của năm 2023.";
        assert_eq!(period_of(text).as_deref(), Some("2024-9M"));
    }

    #[test]
    fn province_and_period_table() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "Sở TT&TT Phú Thọ triển khai công tác năm 2009\n\nNgày 16/1/2009, Sở tổ chức Hội nghị tổng kết công tác năm 2008 và triển khai nhiệm vụ năm 2009.",
                "Phú Thọ",
                "2008",
            ),
            (
                "Nghệ An triển khai chương trình công tác quý II/2014\n\nSáng 26/03/2014, Sở TT&TT Nghệ An đánh giá công tác quý I và triển khai chương trình công tác quý II/2014.",
                "Nghệ An",
                "2014-Q1",
            ),
            (
                "An Giang: Sơ kết công tác 6 tháng đầu năm 2021\n\nSáng 13/7/2021, Sở tổ chức sơ kết công tác 6 tháng đầu năm và triển khai nhiệm vụ 6 tháng cuối năm 2021.",
                "An Giang",
                "2021-H1",
            ),
            (
                "Bộ Thông tin và Truyền thông triển khai nhiệm vụ năm 2013\n\nSáng 26/12/2012, tại Hà Nội, Bộ tổ chức Hội nghị tổng kết công tác năm 2012.",
                "Việt Nam",
                "2012",
            ),
            (
                "Đắk Nông: Tổng kết ngành\n\nSở Thông tin và Truyền thông tỉnh Đak Nông tổ chức hội nghị tổng kết công tác năm 2009.",
                "Đắk Nông",
                "2009",
            ),
            (
                "Thành phố Hồ Chí Minh: kết quả 9 tháng năm 2019\n\nSở TT&TT TP.HCM đánh giá kết quả 9 tháng năm 2019.",
                "TP Hồ Chí Minh",
                "2019-9M",
            ),
            (
                "Tình hình phát triển viễn thông 10 tháng đầu năm 2017\n\nTính đến hết tháng 10/2017, Sở TT&TT Bắc Ninh cho biết toàn tỉnh có 1.460 nghìn thuê bao.",
                "Bắc Ninh",
                "2017-10M",
            ),
            (
                "BÁO CÁO TÌNH HÌNH HOẠT ĐỘNG THÁNG 11 NĂM 2011\n\nTrong tháng 11, Bộ Thông tin và Truyền thông đã ban hành 5 văn bản.",
                "Việt Nam",
                "2011-M11",
            ),
            (
                "Hạ tầng viễn thông Hưng Yên\n\nThứ ba, 31/10/2017 - 16:01\n\nĐến nay toàn tỉnh Hưng Yên có 1.120 trạm BTS, mật độ điện thoại gấp 90 lần năm 1997; Bưu điện tỉnh thành lập năm 1997.",
                "Hưng Yên",
                "2017-10M",
            ),
            (
                "Hạ tầng viễn thông Hưng Yên\n\nThứ năm, 12/01/2017 - 08:01\n\nHiện nay toàn tỉnh Hưng Yên có 1.120 trạm BTS.",
                "Hưng Yên",
                "2016",
            ),
            (
                "Lượng thuê bao cả nước tiếp tục tăng\n\nTheo Tổng cục Thống kê, quý I/2012 cả nước có 134 triệu thuê bao; tại Hà Nội, các doanh nghiệp mở thêm điểm giao dịch.",
                "Việt Nam",
                "2012-Q1",
            ),
            // rule period.comparison_base: every year is a base; `cùng kỳ năm 2011` dates it 2012
            (
                "Thuê bao cả nước tăng trong quý đầu\n\nBa tháng đầu năm, cả nước phát triển mới 2,6 triệu thuê bao, tăng 35% so với cùng kỳ năm 2011; thuê bao Internet tại Hà Nội tăng 17% so với cùng kỳ năm 2011.",
                "Việt Nam",
                "2012-Q1",
            ),
            (
                "Thuê bao di động của Thái Nguyên vượt 1 triệu\n\nDoanh thu bưu chính tăng 23% so với cùng kỳ năm 2019; số trạm phát sóng ở Thái Nguyên tăng 50% so với năm 2015.",
                "Thái Nguyên",
                "2020",
            ),
            // a month without its year ends the months reported (`tính đến hết tháng Sáu`)
            (
                "Thuê bao di động băng rộng tăng nhanh trong năm 2019\n\nTính đến hết tháng Sáu, cả nước có 134,5 triệu thuê bao, bằng 112% so với cùng kỳ năm 2018.",
                "Việt Nam",
                "2019-H1",
            ),
            // `10 tháng năm nay`: this year's first ten months
            (
                "Thuê bao mới ngày càng ít\n\n14:26 31/10/2011\n\nSố thuê bao điện thoại phát triển mới của cả nước 10 tháng năm nay ước đạt 9,3 triệu.",
                "Việt Nam",
                "2011-10M",
            ),
            // `ước tính đến 31/12/2020` in a November article: the year
            (
                "Đắk Lắk xử lý thuê bao rác (25/11/2020, 15:06)\n\nSở TT&TT Đắk Lắk ước tính đến 31/12/2020 tổng số thuê bao đạt 1,95 triệu; cùng kỳ năm 2019 là 2 triệu thuê bao (năm 2019 tỉnh thu hồi 50 số).",
                "Đắk Lắk",
                "2020",
            ),
        ];
        for (text, province, period) in cases {
            let text = text.to_string();
            let m = meta_of(&text);
            assert_eq!(m.province.map(|p| p.name).as_deref(), Some(*province), "{text}");
            assert_eq!(m.period.map(|p| p.to_string()).as_deref(), Some(*period), "{text}");
        }
    }
}

mod period_words {
    use super::*;

    #[test]
    fn period_words_are_data_checked_at_load() {
        let text = std::fs::read_to_string("schemas/clean.toml").unwrap();
        let rules = CleanRules::parse(&text, Path::new("schemas")).unwrap();
        assert!(rules.period.review.iter().any(|w| w == "tổng kết"));
        assert!(rules.period.plan_after.iter().any(|w| w == " sẽ "));
        // a word not in match form would never match: the file is refused, naming the list
        let bad = text.replacen("review = [\"tổng kết\"", "review = [\"Tổng kết\"", 1);
        assert_ne!(bad, text);
        let err = CleanRules::parse(&bad, Path::new("schemas")).unwrap_err().to_string();
        assert!(err.contains("[period] review") && err.contains("Tổng kết"), "{err}");
    }

    #[test]
    fn the_period_grammar_is_data_checked_at_load() {
        let text = std::fs::read_to_string("schemas/clean.toml").unwrap();
        let rules = CleanRules::parse(&text, Path::new("schemas")).unwrap();
        let c = rules.grammar.month_end.captures("tính đến hết tháng 9/2024").unwrap();
        assert_eq!((&c[2], &c[3]), ("9", "2024"));
        // a group added would shift what the report-period rule reads: the file is refused
        let bad = text.replacen("(?:báo cáo|tình hình|kết quả)[^", "(báo cáo|tình hình|kết quả)[^", 1);
        assert_ne!(bad, text);
        let err = CleanRules::parse(&bad, Path::new("schemas")).unwrap_err().to_string();
        assert!(
            err.contains("[grammar.quarterly_report]: 3 capture groups, but its rule reads 2"),
            "{err}"
        );
        // an entry left out
        let cut = &text[..text.find("[grammar.month_end]").unwrap()];
        let err = CleanRules::parse(cut, Path::new("schemas")).unwrap_err().to_string();
        assert!(err.contains("month_end"), "{err}");
    }
}
