//! Document tests of the periods a page dates: invented pages run through the whole pipeline,
//! one per period rule that reads beyond a figure's sentence (the page's date, its lead, the
//! sentence before, a span of years), written in our own words after real articles.

use super::*;

#[test]
fn the_stores_date_stamp_never_dates_the_first_sentence() {
    // rule date.stamp_apart: our own words (invented figures) after a stored national brief that
    // opens with the store's stamp on the line of its first sentence
    let text = " date 2016-05 Theo Tổng cục Thống kê, tại thời điểm cuối tháng 6, cả nước có 5,1 triệu thuê bao Internet, tăng 20% so với cùng kỳ năm trước.\n\nSố người sử dụng Internet trong 6 tháng đầu năm 2013 tiếp tục tăng.";
    assert_eq!(period_of(text, "internet_subscribers").as_deref(), Some("2013-H1"));
}

#[test]
fn last_year_counts_back_from_the_page_date() {
    // rule period.last_year: our own words (invented figures), a page published 20 September 2018
    let text = " date 2018-09-20 Theo Sách trắng năm 2018, tính đến cuối năm ngoái, cả nước có gần 40,1 triệu thuê bao băng rộng di động.";
    assert_eq!(period_of(text, "mobile_broadband_subscribers").as_deref(), Some("2017"));
}

#[test]
fn an_undated_page_whose_years_are_all_bases_is_after_them() {
    // rule period.after_base: our own words (invented figures); the page names no year but the
    // one it compares with
    let text = "Hạ tầng số của tỉnh Yên Bái\n\nTrong 6 tháng đầu năm, tỉnh Yên Bái đã xóa 25 vùng lõm sóng; sóng di động 4G phủ 97,9% thôn, bản, tăng 0,9% so với năm 2022.\n";
    assert_eq!(period_of(text, "mobile_coverage_population_pct").as_deref(), Some("2023-H1"));
}

#[test]
fn taken_together_over_one_whole_year_is_of_that_year() {
    // rule scope.one_whole_year: our own words (invented figures) after a national year-end brief
    let text = "Thuê bao điện thoại năm 2012\n\n\
        Theo Tổng cục Thống kê, đến cuối tháng 12/2012 cả nước có 141,2 triệu thuê bao điện thoại.\n\n\
        Nếu tính chung số thuê bao điện thoại phát triển mới của cả năm 2012 thì cả nước đạt hơn 9,5 triệu thuê bao, trong đó có 31,2 nghìn thuê bao cố định và 9,47 triệu thuê bao di động.";
    let facts = doc_facts(text);
    let has = |m: &str, v: f64| facts.iter().any(|f| f.metric == m && (f.value - v).abs() < 1.0);
    assert!(has("telephone_subscribers", 9_500_000.0), "{facts:?}");
    assert!(has("mobile_subscribers", 9_470_000.0), "{facts:?}");
    // a span of years taken together is no fact of the report period: of the span
    // (period.several_years)
    let text = "Thuê bao điện thoại năm 2012\n\n\
        Tính chung giai đoạn 2008 - 2012, cả nước phát triển mới 60 triệu thuê bao điện thoại di động.";
    let periods: Vec<String> = doc_facts(text)
        .iter()
        .filter(|f| f.metric == "mobile_subscribers")
        .map(|f| f.period.map(|p| p.to_string()).unwrap_or_default())
        .collect();
    assert_eq!(periods, vec!["2008-2012".to_string()]);
}

#[test]
fn an_act_the_lead_dates_is_of_that_month() {
    // rule period.event_lead: our own words (invented figures) after the shape of a provincial
    // inspectorate's news of one fine: the lead dates the decision, a later sentence gives the sum
    let text = "Xử phạt một trang tin điện tử hoạt động không phép\n\n\
        Cập nhật: 15/11/2021 08:10\n\n\
        Ngày 09/11/2021, Thanh tra Sở Thông tin và Truyền thông tỉnh Phú Yên đã ban hành quyết định xử phạt vi phạm hành chính đối với một trang thông tin điện tử.\n\n\
        Trang tin này đã thiết lập và hoạt động khi chưa có giấy phép theo quy định. Thanh tra Sở đã xử phạt người quản lý trang với mức phạt 15 triệu đồng.\n";
    assert_eq!(period_of(text, "admin_fines").as_deref(), Some("2021-M11"));
    // a page whose lead dates a review of the year keeps the year for the year's sums
    let review = "Công tác thanh tra năm 2021\n\n\
        Cập nhật: 15/01/2022 08:10\n\n\
        Ngày 12/01/2022, Thanh tra Sở Thông tin và Truyền thông tỉnh Phú Yên tổ chức hội nghị tổng kết công tác thanh tra viễn thông và Internet năm 2021.\n\n\
        Trong năm 2021, Thanh tra Sở đã xử phạt vi phạm hành chính 9 trường hợp vi phạm trong lĩnh vực viễn thông, Internet với tổng số tiền 95 triệu đồng.\n";
    assert_eq!(period_of(review, "admin_fines").as_deref(), Some("2021"));
}

#[test]
fn a_remark_on_the_present_dates_no_page() {
    // rule period.as_of_publication: our own words (invented figures); `hiện nay` in a sentence
    // with no figure does not make a dated news item a report of the months so far
    let text = "Kiểm tra các điểm bán sim di động\n\n\
        Cập nhật: 20/08/2015 09:00\n\n\
        Tin nhắn rác đang gây bức xúc cho xã hội hiện nay. Trong năm 2015, Thanh tra Sở Thông tin và Truyền thông tỉnh Hòa Bình đã kiểm tra 9 cơ sở kinh doanh sim thuê bao di động.\n";
    assert_eq!(period_of(text, "entities_inspected").as_deref(), Some("2015"));
    // with a figure, `hiện nay` dates the stock to the months so far
    let now = "Hạ tầng viễn thông tỉnh Hòa Bình\n\n\
        Cập nhật: 20/08/2015 09:00\n\n\
        Hiện nay, toàn tỉnh có 1.250 trạm BTS.\n";
    assert_eq!(period_of(now, "bts_stations").as_deref(), Some("2015-8M"));
}

#[test]
fn a_year_the_sentence_before_states_goes_on_past_comparison_bases() {
    // rule period.paragraph_year with a comparison base (our own words, invented figures): an
    // estimate for the year before in a quarter's report
    let text = "Kết quả quý I/2024 của ngành Thông tin và Truyền thông\n\n\
        Theo Bộ Thông tin và Truyền thông, trong quý I/2024, cả nước có 23 triệu thuê bao băng rộng cố định và doanh thu viễn thông ước đạt 35.000 tỷ đồng.\n\n\
        Trong năm 2023, doanh thu toàn ngành ước đạt 3.600.000 tỷ đồng, tăng 2% so với năm 2022. Nộp ngân sách nhà nước ước đạt 95.000 tỷ đồng, tăng 1% so với năm 2022.\n";
    assert_eq!(period_of(text, "budget_contribution").as_deref(), Some("2023"));
}

#[test]
fn a_total_over_years_its_sentence_names_is_of_that_span() {
    // rule period.several_years: our own words (invented figures) after the shape of a
    // provincial review that sums an inspectorate's work and an operator's investment over years
    let page = |sentence: &str| {
        format!(
            "Sở Thông tin và Truyền thông tỉnh Nam Định tổng kết năm 2020\n\n\
             Năm 2020, toàn tỉnh có 1.900 trạm BTS, mạng viễn thông và Internet phủ khắp các xã.\n\n\
             {sentence}\n"
        )
    };
    let facts = |t: &str, metric: &str| -> Vec<(f64, String)> {
        doc_facts(t)
            .into_iter()
            .filter(|f| f.metric == metric)
            .map(|f| (f.value, f.period.map(|p| p.to_string()).unwrap_or_default()))
            .collect()
    };
    let fines = page(
        "Từ năm 2016 đến nay, Thanh tra Sở đã xử phạt vi phạm hành chính trong lĩnh vực viễn thông, Internet với tổng số tiền 240 triệu đồng.",
    );
    assert_eq!(facts(&fines, "admin_fines"), vec![(240e6, "2016-2020".to_string())]);
    let invested =
        page("Giai đoạn 2016 - 2020, các doanh nghiệp viễn thông đã đầu tư hơn 3.000 tỷ đồng cho hạ tầng mạng lưới trên địa bàn tỉnh.");
    assert_eq!(facts(&invested, "infrastructure_investment"), vec![(3e12, "2016-2020".to_string())]);
    // years the sentence does not name leave the total out, as before
    let unnamed =
        page("Trong những năm qua, các doanh nghiệp viễn thông đã đầu tư hơn 3.000 tỷ đồng cho hạ tầng mạng lưới trên địa bàn tỉnh.");
    assert_eq!(facts(&unnamed, "infrastructure_investment"), vec![]);
    // a span that names a plan is no window of the figure's
    let plan = page(
        "Sở đã tham mưu ban hành Kế hoạch phát triển hạ tầng viễn thông giai đoạn 2016 - 2020 và đầu tư 3.000 tỷ đồng cho hạ tầng mạng lưới.",
    );
    assert!(facts(&plan, "infrastructure_investment").iter().all(|(_, p)| p != "2016-2020"));
}
