use super::*;
use crate::grammar::shipped;

fn lex() -> &'static crate::lexicon::Lexicon {
    &crate::extract::tests::res().lexicon
}

fn p(s: &str) -> Option<Period> {
    Period::parse(s)
}

#[test]
fn month_window_table() {
    // (sentence before the figure, document year, a level?, period)
    let cases: &[(&str, Option<i32>, bool, Option<&str>)] = &[
        ("tính đến hết tháng 10/2017, toàn tỉnh có ", None, true, Some("2017-10M")),
        ("đến cuối tháng 6/2012, thuê bao đạt ", None, true, Some("2012-H1")),
        ("trong tháng 11/2011, bộ đã thực hiện ", None, false, Some("2011-M11")),
        ("tháng 9/2023, doanh thu dịch vụ bưu chính ước đạt ", None, false, Some("2023-M09")),
        ("tính đến tháng 12-2012, cả nước đạt hơn ", None, true, Some("2012")),
        ("tháng 12/2007, thuê bao internet toàn tỉnh lên ", None, true, Some("2007")),
        (
            "doanh thu tháng 10 ước đạt 11.430 tỷ đồng; lũy kế 10 tháng ước đạt ",
            Some(2023),
            false,
            None,
        ),
        ("khai trương vào tháng 3/2019, đến nay đã phục vụ ", Some(2020), true, None),
        ("tăng 5% so với tháng 10/2023, đạt ", Some(2023), false, None),
        // rule period.spelled_month (our words)
        (
            "theo số liệu mới, tính tới tháng sáu, cả nước có ",
            Some(2019),
            true,
            Some("2019-H1"),
        ),
        ("đến hết tháng mười một năm 2021, toàn tỉnh có ", None, true, Some("2021-11M")),
        ("trong tháng giêng, doanh thu ước đạt ", Some(2022), false, Some("2022-M01")),
        // a word that only starts like a month is no month; `một số` is "some"
        ("tính tới tháng bảyx, có ", Some(2019), true, None),
        ("trong tháng một số doanh nghiệp đã ", Some(2019), false, None),
        // rule period.months_after_month (our words): the count of months is the window
        (
            "trong tháng 10, toàn tỉnh phát triển thêm 12.400 thuê bao, nâng tổng số thuê bao 10 tháng đầu năm lên ",
            Some(2019),
            true,
            None,
        ),
        ("trong tháng 10, toàn tỉnh phát triển thêm ", Some(2019), false, Some("2019-M10")),
    ];
    for (before, year, stock, want) in cases {
        assert_eq!(month_window(lex(), before, *year, *stock), want.and_then(p), "{before}");
    }
}

#[test]
fn event_day_table() {
    let res = crate::config::Resources::load(None, None).unwrap();
    // (sentence, period); invented sentences, match form
    let published = chrono::NaiveDate::from_ymd_opt(2021, 1, 12);
    let cases: &[(&str, Option<&str>)] = &[
        (
            "ngày 14/9/2020, thanh tra sở đã ban hành quyết định xử phạt 15 triệu đồng đối với công ty a.",
            Some("2020-M09"),
        ),
        (
            "thanh tra sở vừa ban hành quyết định số 03/qđ-xphc ngày 02/3/2021 xử phạt 12 triệu đồng.",
            Some("2021-M03"),
        ),
        // a date without its year: of the publication's year, or the year before
        ("ngày 28/12 vừa qua, thanh tra sở đã xử phạt 8 triệu đồng.", Some("2020-M12")),
        // the date of a legal basis, of the decision an inspection carries out, of a span
        (
            "căn cứ nghị định số 15/2020/nđ-cp ngày 03/02/2020 của chính phủ, thanh tra sở xử phạt 7,5 triệu đồng.",
            None,
        ),
        (
            "thực hiện quyết định số 33/qđ-stttt ngày 21/5/2019 của giám đốc sở, đoàn kiểm tra đã kiểm tra 24 cơ sở.",
            None,
        ),
        ("từ ngày 03/6/2019 đến ngày 14/6/2019, đoàn kiểm tra đã kiểm tra 24 cơ sở.", None),
        // two acts of two months are no one act's
        ("ngày 05/3/2021 và ngày 12/4/2021, thanh tra sở xử phạt 2 đơn vị.", None),
        ("thanh tra sở xử phạt 20 triệu đồng.", None),
    ];
    for (sentence, want) in cases {
        let got = event_day(shipped(), sentence, Some(2020), published, &res.lexicon.part.not_an_act).map(|p| p.to_string());
        assert_eq!(got.as_deref(), *want, "{sentence}");
    }
}

#[test]
fn a_comparison_base_names_no_time_of_its_own() {
    // (sentence, names a time of its own); invented sentences, match form
    let cases: &[(&str, bool)] = &[
        ("nộp ngân sách ước đạt 99 tỷ đồng, tăng 1,31% so với năm 2022.", false),
        ("doanh thu đạt 50 tỷ đồng, tăng 8% so với cùng kỳ năm 2021.", false),
        ("doanh thu đạt 50 tỷ đồng, tăng 8% so với cùng kỳ.", false),
        ("doanh thu năm 2022 đạt 50 tỷ đồng, tăng 8% so với năm 2021.", true),
        ("đến nay toàn tỉnh có 900 trạm bts.", true),
        ("toàn tỉnh có 900 trạm bts.", false),
    ];
    for (text, want) in cases {
        assert_eq!(names_own_time(lex(), text), *want, "{text}");
    }
}

#[test]
fn event_lead_table() {
    let day = chrono::NaiveDate::from_ymd_opt(2022, 12, 6);
    // (figure's sentence, page period, whether the lead dates an act, period); invented
    // sentences
    let cases: &[(&str, Option<&str>, bool, Option<&str>)] = &[
        (
            "thanh tra sở đã xử phạt công ty a với mức phạt 40 triệu đồng.",
            Some("2022"),
            true,
            Some("2022-M12"),
        ),
        // the sentence dates the figure itself, the page reviews a window, another year, no lead
        ("trong năm 2022, thanh tra sở xử phạt 40 triệu đồng.", Some("2022"), true, None),
        ("thanh tra sở đã xử phạt 40 triệu đồng.", Some("2022-9M"), true, None),
        ("thanh tra sở đã xử phạt 40 triệu đồng.", Some("2021"), true, None),
        ("thanh tra sở đã xử phạt 40 triệu đồng.", Some("2022"), false, None),
    ];
    for (sentence, page, lead, want) in cases {
        let got = event_lead(&lex().period, sentence, page.and_then(p), day.filter(|_| *lead)).map(|x| x.to_string());
        assert_eq!(got.as_deref(), *want, "{sentence} {page:?}");
    }
}

#[test]
fn day_window_table() {
    // (sentence before the figure, period); invented sentences
    let cases: &[(&str, Option<&str>)] = &[
        ("tính đến ngày 04/7/2025, tổng số thuê bao điện thoại đạt ", Some("2025-H1")),
        ("tính đến ngày 30/4/2023, cả nước có ", Some("2023-4M")),
        ("đến hết ngày 31/12/2021, toàn tỉnh có ", Some("2021")),
        ("tính đến ngày 02/01/2020, toàn tỉnh có ", Some("2019")),
        ("tính đến ngày 15/10/2022, có ", Some("2022-10M")),
        ("trước ngày 1/1/2021, tỷ lệ phủ sóng các thôn đạt ", Some("2020")),
        // a date in an earlier clause, a date without a cue, a date that is no date
        ("có 5 doanh nghiệp tính đến ngày 04/7/2025; tổng số thuê bao đạt ", None),
        (
            "tính đến ngày 04/7/2025, tổng số thuê bao đạt 390.046; thuê bao internet đạt ",
            Some("2025-H1"),
        ),
        ("từ ngày 21/10/2018 đến ngày 20/10/2019, sở tổ chức ", None),
        ("ngày 04/7/2025, sở đã kiểm tra ", None),
        ("tính đến ngày 40/7/2025, có ", None),
    ];
    for (before, want) in cases {
        assert_eq!(day_window(lex(), before), want.and_then(p), "{before}");
    }
}

fn cues() -> &'static PeriodCues {
    &crate::extract::tests::res().lexicon.period
}

#[test]
fn the_month_under_report() {
    // invented sentences: the clause before the figure, after it, the report's period
    assert_eq!(
        report_month("trong tháng, sở đã cấp ", " giấy phép", p("2023-7M"), cues()),
        p("2023-M07")
    );
    assert_eq!(
        report_month("đã nộp ", " vào ngân sách trong tháng trước", p("2023-7M"), cues()),
        p("2023-M07")
    );
    assert_eq!(
        report_month("trong tháng qua, doanh thu ước đạt ", "", p("2022-Q3"), cues()),
        p("2022-M09")
    );
    // a month named, months counted, another clause, a year's report
    assert_eq!(report_month("trong tháng 6, sở đã cấp ", "", p("2023-7M"), cues()), None);
    assert_eq!(report_month("trong tháng tới sẽ cấp ", "", p("2023-7M"), cues()), None);
    assert_eq!(
        report_month("đã nộp ", ", tăng so với cùng kỳ trong tháng trước", p("2023-7M"), cues()),
        None
    );
    assert_eq!(report_month("trong tháng, sở đã cấp ", "", p("2023"), cues()), None);
    assert_eq!(
        report_month(
            "nộp 8 tỷ đồng trong tháng trước, nâng tổng số 7 tháng lên ",
            "",
            p("2023-7M"),
            cues()
        ),
        None
    );
}

#[test]
fn last_year_counts_back_from_the_publication() {
    // invented sentences, up to the figure
    assert_eq!(last_year("tính đến cuối năm ngoái, cả nước có ", Some(2017), cues()), p("2016"));
    assert_eq!(last_year("trong năm ngoái, sở đã thực hiện ", Some(2022), cues()), p("2021"));
    // a baseline, a figure of last year's before another, no date of publication
    assert_eq!(last_year("tăng 5% so với năm ngoái, đạt ", Some(2017), cues()), None);
    assert_eq!(last_year("tăng so với cùng kỳ năm ngoái, đạt ", Some(2017), cues()), None);
    assert_eq!(last_year("tăng từ năm ngoái lên ", Some(2017), cues()), None);
    assert_eq!(last_year("tính đến cuối năm ngoái, cả nước có ", None, cues()), None);
}

#[test]
fn comparisons_with_the_month_before() {
    assert_eq!(month_on_month(", tăng 3% so với tháng trước.", p("2023-9M")), p("2023-M09"));
    assert_eq!(month_on_month(", tăng 6% so với tháng 4.", p("2020-5M")), p("2020-M05"));
    assert_eq!(month_on_month(", tăng 6% so với cùng kỳ.", p("2020-5M")), None);
    // the month-on-month rate is no fact when the year-on-year one follows
    assert!(rate_month_on_month(
        &lex().period,
        " so với tháng trước và tăng 17% so với cùng kỳ năm ngoái",
        p("2023-M09")
    ));
    assert!(rate_month_on_month(
        &lex().period,
        " so với tháng 8/2023 và tăng 15% so với tháng 9/2022",
        p("2023-M09")
    ));
    assert!(!rate_month_on_month(&lex().period, " so với tháng trước.", p("2023-M09")));
    assert!(!rate_month_on_month(&lex().period, " so với tháng 9/2022", p("2023-M09")));
}

#[test]
fn a_base_s_own_figure_is_of_the_base_s_period() {
    assert_eq!(
        baseline_period(shipped(), "giảm nhẹ so với tháng trước (", p("2020-M06")),
        p("2020-M05")
    );
    assert_eq!(
        baseline_period(shipped(), "tăng 48% so với tháng 11/2022 (", p("2023-M11")),
        p("2022-M11")
    );
    assert_eq!(baseline_period(shipped(), "cũng như cùng kỳ 2019 (", p("2020-M06")), p("2019-M06"));
    assert_eq!(baseline_period(shipped(), "cùng kỳ năm 2019 là ", p("2020")), p("2019"));
    assert_eq!(
        baseline_period(shipped(), "tăng 7 bậc so với năm 2013 (xếp thứ ", p("2014")),
        p("2013")
    );
    assert_eq!(baseline_period(shipped(), "toàn tỉnh có ", p("2014")), None);
    // a parenthesis stating its own level with a verb is the period reported
    assert_eq!(
        baseline_period(shipped(), "tăng 23% so với cùng kỳ năm 2019 (doanh thu đạt hơn ", p("2020")),
        None
    );
}
