//! Document tests: invented pages run through the whole pipeline (clean, extract, normalize),
//! one per document-level rule (scope, subjects, periods the page dates, parts of a stated
//! whole), written in our own words after the phrasing of real articles.

use super::*;

#[test]
fn shares_of_the_inspected_whole_are_parts() {
    // rule part.share_of_stated_whole: our own words (invented figures) after the shape of a
    // provincial paper's inspection news; cues `trò chơi điện tử` make the page an ICT one
    let text = "Kiểm tra các điểm trò chơi điện tử công cộng\n\n\
        Đoàn kiểm tra liên ngành của Sở Thông tin và Truyền thông tỉnh Sơn La vừa kiểm tra hoạt động tại 37 điểm cung cấp dịch vụ trò chơi điện tử công cộng trên địa bàn tỉnh.\n\n\
        Kết quả, 31/37 cơ sở có giấy phép kinh doanh; 12/37 cơ sở vi phạm giờ mở cửa dịch vụ trò chơi điện tử công cộng.\n";
    let facts = doc_facts(text);
    let inspected: Vec<f64> = facts.iter().filter(|f| f.metric == "entities_inspected").map(|f| f.value).collect();
    assert_eq!(inspected, vec![37.0], "{facts:?}");
}

#[test]
fn a_fine_for_posts_on_facebook_is_an_ict_fine() {
    // ict_cues `facebook`, `thông tin truyền thông`: our own words (invented figures) after the
    // shape of fake-news fines, which name few of the older cues
    let text = " date 2019-10-08 Ngày 7/10, Công an tỉnh Nghệ An cho biết đã xác minh tài khoản Facebook của chị N.T.M. đăng tải tin bịa đặt về dịch bệnh gây hoang mang dư luận. Tài khoản Facebook này có nhiều bài viết sai sự thật.\n\n\
        Căn cứ hành vi vi phạm, Sở Thông tin và Truyền thông tỉnh Nghệ An đã ra quyết định xử phạt vi phạm hành chính 7,5 triệu đồng đối với chị M.\n";
    let facts = doc_facts(text);
    assert!(
        facts.iter().any(|f| f.metric == "admin_fines" && f.value == 7_500_000.0),
        "{facts:?}"
    );
}

#[test]
fn a_unit_that_stands_for_a_company_makes_its_figures_the_companys() {
    // rule company.unit_anaphora: our own words (invented figures) after the shape of a
    // provincial paper quoting an operator's director, then the inspectorate's
    let page = |speaker: &str, figure: &str| {
        format!(
            "Hạ tầng số của Quảng Bình sau bão\n\nViettel Quảng Bình vừa hoàn thành khắc phục sự cố trạm phát sóng sau bão. Ông Nguyễn Văn B, {speaker} cho hay, đơn vị {figure}.\n"
        )
    };
    let values = |t: &str, metric: &str| -> Vec<f64> { doc_facts(t).into_iter().filter(|f| f.metric == metric).map(|f| f.value).collect() };
    let company = page("Giám đốc Viettel Quảng Bình", "hiện có hơn 650 trạm BTS trên địa bàn toàn tỉnh");
    assert_eq!(values(&company, "bts_stations"), Vec::<f64>::new());
    let company = page("Giám đốc Viettel Quảng Bình", "đã kiểm tra 35 đại lý Internet trên địa bàn tỉnh");
    assert_eq!(values(&company, "entities_inspected"), Vec::<f64>::new());
    // the whole province named before a later figure makes that one the province's
    let both = page(
        "Giám đốc Viettel Quảng Bình",
        "hiện có hơn 650 trạm BTS, toàn tỉnh có 2.150 trạm BTS",
    );
    assert_eq!(values(&both, "bts_stations"), vec![2150.0]);
    // an agency named after the company: the unit is the agency, the figure the province's
    let agency = page(
        "Chánh Thanh tra Sở Thông tin và Truyền thông",
        "đã kiểm tra 35 đại lý Internet trên địa bàn tỉnh",
    );
    assert_eq!(values(&agency, "entities_inspected"), vec![35.0]);
    // nor is money an agency states the company's of the sentence before
    // (company.previous_sentence)
    let fines = page(
        "Chánh Thanh tra Sở Thông tin và Truyền thông",
        "đã xử phạt vi phạm hành chính 12 trường hợp với tổng số tiền 86 triệu đồng",
    );
    assert_eq!(values(&fines, "admin_fines"), vec![86_000_000.0]);
}

#[test]
fn generic_activities_count_where_the_article_or_the_paragraph_before_speaks_of_ict() {
    // our own words, after the shape of inspection news: ICT in the title, not in the paragraph
    let ict_title = "Thanh tra chuyên ngành viễn thông và Internet trên địa bàn tỉnh Lâm Đồng\n\n\
        Năm 2021, Sở Thông tin và Truyền thông tỉnh Lâm Đồng đã kiểm tra các đại lý Internet và doanh nghiệp viễn thông trên địa bàn.\n\n\
        Trong năm, Sở tổ chức 6 cuộc kiểm tra đối với 30 chủ thể, xử phạt vi phạm hành chính 45 triệu đồng.\n";
    let m = doc_metrics(ict_title);
    assert!(
        m.contains(&"inspections".to_string()) && m.contains(&"admin_fines".to_string()),
        "{m:?}"
    );

    // a continuation of an ICT paragraph
    let continued = "Sở Thông tin và Truyền thông tỉnh Lâm Đồng tổng kết năm 2021\n\n\
        Năm 2021, toàn tỉnh có 1.250 trạm BTS; Thanh tra Sở kiểm tra 12 đại lý Internet và 3 doanh nghiệp viễn thông.\n\n\
        Đồng thời, Sở xử phạt vi phạm hành chính 38 triệu đồng.\n";
    assert!(doc_metrics(continued).contains(&"admin_fines".to_string()));

    // a paragraph of another sector in a general report stays out
    let other = "Tình hình kinh tế - xã hội tỉnh Lâm Đồng năm 2021\n\n\
        Năm 2021, toàn tỉnh có 1.250 trạm BTS và 920.000 thuê bao di động; Sở Thông tin và Truyền thông đã phát triển hạ tầng viễn thông.\n\n\
        Ngành y tế kiểm tra 140 cơ sở kinh doanh thực phẩm, xử phạt vi phạm hành chính 260 triệu đồng.\n";
    let m = doc_metrics(other);
    assert!(m.contains(&"bts_stations".to_string()), "{m:?}");
    assert!(
        !m.contains(&"admin_fines".to_string()),
        "a food-safety fine became an ICT fact: {m:?}"
    );
}

#[test]
fn office_informatics_is_ict() {
    // our own words (invented figures): a paragraph of computer classes speaks of ICT when it
    // names only `tin học văn phòng`, `mã nguồn mở`
    let text = "Tình hình kinh tế - xã hội tỉnh Bình Định năm 2012\n\n\
        Năm 2012, toàn tỉnh có 1.100 trạm BTS và 950.000 thuê bao di động; Sở Thông tin và Truyền thông đã phát triển hạ tầng viễn thông.\n\n\
        Ngành giáo dục khai giảng năm học mới.\n\n\
        Trong năm, Sở mở 4 lớp tin học văn phòng mã nguồn mở cho cán bộ, công chức với số lượng là 96 học viên.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"it_trainees".to_string()), "{m:?}");
}

#[test]
fn a_paragraph_about_the_sector_goes_on_with_the_ict_paragraph_before_it() {
    // rule scope.sector_anaphora: our own words, after the shape of the Ministry's monthly
    // figures as news pages reprint them (invented figures)
    let text = "Tin tổng hợp\n\n\
        Theo Bộ Thông tin và Truyền thông, doanh thu dịch vụ viễn thông tháng 7 ước đạt 11.200 tỷ đồng; thuê bao băng rộng cố định đạt 21 triệu thuê bao; cả nước có 125 triệu thuê bao di động.\n\n\
        Nộp ngân sách nhà nước của ngành ước đạt 7.900 tỷ đồng, tăng 2% so với cùng kỳ.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"budget_contribution".to_string()), "{m:?}");
    // the same paragraph after a paragraph of another sector stays out
    let other = "Tin tổng hợp\n\n\
        Theo Bộ Thông tin và Truyền thông, doanh thu dịch vụ viễn thông tháng 7 ước đạt 11.200 tỷ đồng; thuê bao băng rộng cố định đạt 21 triệu thuê bao; cả nước có 125 triệu thuê bao di động.\n\n\
        Ngành thuế cho biết số thu nội địa tháng 7 tăng khá.\n\n\
        Nộp ngân sách nhà nước của ngành ước đạt 7.900 tỷ đồng, tăng 2% so với cùng kỳ.\n";
    let m = doc_metrics(other);
    assert!(!m.contains(&"budget_contribution".to_string()), "{m:?}");
}

#[test]
fn a_short_excerpt_with_two_ict_cues_is_about_ict() {
    // rule scope.short_excerpt: a news digest's one-paragraph excerpt (invented figures)
    let text = "Theo Tổng cục Thống kê, trong tháng 5, cả nước có thêm 1,2 triệu thuê bao điện thoại, nâng tổng số thuê bao điện thoại lên 120,5 triệu.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"telephone_subscribers".to_string()), "{m:?}");
    // a short page of another sector stays out
    let water = "Công ty cấp nước cho biết đang cung cấp nước sạch cho 52.300 thuê bao tại thành phố.\n";
    assert!(doc_metrics(water).is_empty());
}

#[test]
fn a_report_on_coverage_gaps_is_about_ict() {
    // our own words, after the shape of news on mobile dead zones: no `viễn thông`, no
    // `Internet`, only coverage words (invented figures)
    let text = "Gian nan xóa vùng lõm sóng ở miền núi Quảng Trị\n\n\
        Nhiều thôn vùng cao vẫn là vùng lõm sóng, người dân phải leo đồi tìm sóng điện thoại.\n\n\
        Theo Sở Khoa học và Công nghệ, năm 2025 toàn tỉnh có 2.150 trạm thu phát sóng, các nhà mạng \
        đảm bảo phủ sóng 98% khu dân cư.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"bts_stations".to_string()), "{m:?}");
}

#[test]
fn a_headline_rounding_a_figure_of_the_article_is_no_second_fact() {
    let text = "Xử phạt hơn 120 triệu đồng vi phạm trong lĩnh vực viễn thông, Internet\n\n\
        Năm 2021, Thanh tra Sở Thông tin và Truyền thông tỉnh Lâm Đồng kiểm tra 25 đại lý Internet, xử phạt vi phạm hành chính 123,5 triệu đồng.\n";
    let fines: Vec<String> = doc_metrics(text).into_iter().filter(|m| m == "admin_fines").collect();
    assert_eq!(fines.len(), 1, "{fines:?}");
}

#[test]
fn an_article_about_one_district_gives_only_the_province_wide_figures() {
    // our own words, after the shape of district features in provincial papers
    let district = "Tân Hồng đưa Internet cáp quang về các xã biên giới\n\n\
        Những năm qua, huyện Tân Hồng tập trung phát triển hạ tầng số cho vùng biên giới.\n\n\
        Đến nay, trên địa bàn có 64 trạm BTS và 21.300 thuê bao Internet băng rộng cố định.\n\n\
        Theo Sở Thông tin và Truyền thông, toàn tỉnh Đồng Tháp hiện có 1.950 trạm BTS.\n";
    let m = doc_metrics(district);
    assert_eq!(m, vec!["bts_stations".to_string()], "only the province-wide 1.950 stations: {m:?}");

    // a provincial article whose capital city shares the province's name is no district article
    let province = "Bến Tre: hạ tầng viễn thông tiếp tục được đầu tư\n\n\
        Năm 2022, Sở Thông tin và Truyền thông tỉnh Bến Tre cho biết toàn tỉnh có 1.420 trạm BTS; \
        riêng thành phố Bến Tre có 180 trạm.\n\n\
        Thuê bao Internet băng rộng cố định đạt 268.000 thuê bao.\n";
    let m = doc_metrics(province);
    assert!(
        m.contains(&"broadband_subscribers".to_string()) && m.contains(&"bts_stations".to_string()),
        "{m:?}"
    );
}

#[test]
fn a_bare_figure_cut_off_by_the_end_of_the_text_is_no_fact() {
    // our own words: an excerpt that stops inside its last sentence
    let head = "Viễn thông Quảng Ninh năm 2020\n\nSở Thông tin và Truyền thông tỉnh Quảng Ninh cho biết, năm 2020 toàn tỉnh có 1.200.000 thuê bao điện thoại, tăng 5% so với năm 2019.\n\nSố thuê bao Internet băng rộng cố định trên địa bàn tỉnh đạt ";
    let cut = doc_metrics(&format!("{head}350.4"));
    assert!(cut.contains(&"telephone_subscribers".to_string()), "{cut:?}");
    assert!(!cut.contains(&"broadband_subscribers".to_string()), "{cut:?}");
    let whole = doc_metrics(&format!("{head}350.400 thuê bao."));
    assert!(whole.contains(&"broadband_subscribers".to_string()), "{whole:?}");
}

#[test]
fn subscribers_whose_kind_the_end_of_the_text_cut_off_are_no_fact() {
    // rule text.cut_off: our own words (invented figures), an excerpt that stops inside the kind
    // word after its unit
    let text = "Hạ tầng viễn thông tỉnh Bến Tre năm 2021\n\nToàn tỉnh có 1.900 trạm BTS; hơn 1,3 triệu thuê bao điện thoại di động; hơn 0,4 triệu thuê bao int";
    let m = doc_metrics(text);
    assert!(m.contains(&"mobile_subscribers".to_string()), "{m:?}");
    assert!(!m.contains(&"telephone_subscribers".to_string()), "{m:?}");
}

#[test]
fn a_sentence_the_page_broke_over_lines_keeps_its_figure() {
    // rule clean.hard_wrap: our own words, after the shape of a provincial history book and a
    // formal plan copied from PDF (invented figures)
    let text = "Lịch sử ngành bưu điện tỉnh Kon Tum\n\n\
        Bưu điện tỉnh năm 1993 có 6 tổng đài, phần lớn là tổng đài nhân công, các cuộc gọi phải chờ lâu.\n\
        Tổng số máy điện thoại của tỉnh năm 1993 là 412 máy, bình quân trên\n\
        100 dân là 0,15 máy. Mạng lưới còn mỏng, các xã vùng sâu chưa có điện thoại.\n\
        Đến năm 1998, mạng viễn thông đã về tới các huyện và các bưu cục được mở rộng.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"telephone_density".to_string()), "{m:?}");
    let text = "Hiện trạng hạ tầng số tỉnh Phú Thọ năm 2022\n\n\
        Mạng thông tin di động của các doanh nghiệp viễn thông đã phủ tới mọi xã, phường; 98,7% thôn, bản\n\
        đã được phủ sóng điện thoại di động, số còn lại là các bản vùng sâu.\n";
    let m = doc_metrics(text);
    assert!(m.contains(&"mobile_coverage_population_pct".to_string()), "{m:?}");
}

#[test]
fn an_old_page_about_telephone_sets_and_post_offices_is_about_ict() {
    // lexicon ict_cues: bưu cục and máy điện thoại are words only ICT reporting uses; our own
    // words after the shape of a provincial history of the 1990s (invented figures), longer
    // than a short excerpt and naming viễn thông once
    let text = "Những chặng đường phát triển của tỉnh\n\n\
        Năm 1992, toàn tỉnh chỉ có 9 bưu cục, chủ yếu đặt ở trung tâm các huyện và thị xã. Đến năm 1996 số \
        bưu cục tăng lên 14 và mạng lưới viễn thông bắt đầu về tới một số xã vùng thấp, phục vụ kịp thời nhu \
        cầu liên lạc của cán bộ và nhân dân trong tỉnh.\n\n\
        Cùng với sự mở rộng đó, năm 1992 số xã, phường có máy điện thoại là 15, đến năm 1996 là 40. Năm 1996, \
        tổng số máy điện thoại toàn tỉnh đạt 3.850 máy, gấp nhiều lần so với năm 1992, khi cả tỉnh mới có \
        vài trăm máy đặt chủ yếu ở các cơ quan nhà nước và doanh nghiệp lớn.\n\n\
        Giá lắp đặt và cước liên lạc giảm dần qua từng năm, nhờ đó nhu cầu của người dân ngày càng tăng. \
        Những năm cuối thập kỷ, tỉnh tập trung đầu tư cho các huyện vùng cao, đưa bưu cục và điểm liên lạc \
        về gần dân hơn, rút ngắn thời gian chuyển thư từ, báo chí tới các xã.\n";
    assert!(text.len() > 1000, "longer than a short excerpt: {}", text.len());
    let m = doc_metrics(text);
    assert!(m.contains(&"telephone_subscribers".to_string()), "{m:?}");
}

#[test]
fn a_page_on_a_portal_two_levels_below_the_province_gives_no_province_facts() {
    // rule district.portal (our own words, the shape of a commune's plan on its own portal)
    let facts = |url: &str| {
        let line = serde_json::json!({
            "id": "p",
            "url": url,
            "text": "Kế hoạch phát triển hạ tầng số giai đoạn 2023-2025\n\n- Số thuê bao băng rộng di động/100 dân: 85%.\n- Số thuê bao băng rộng cố định/100 dân: 24%.",
        })
        .to_string();
        let raw = crate::records::RawInput {
            doc: "p".into(),
            source: "p.jsonl".into(),
            line: Some(1),
            format: crate::records::Format::Jsonl,
            payload: crate::records::Payload::JsonLine(line.into_bytes()),
        };
        match crate::process::process(raw, res()) {
            crate::records::DocOutput::Done { facts, .. } => facts.len(),
            crate::records::DocOutput::Rejected(r) => panic!("rejected: {}", r.reason),
        }
    };
    assert_eq!(facts("https://binhminh.tamduong.vinhphuc.gov.vn/ke-hoach-ha-tang-so"), 0);
    // the same page on the province's own portal gives the province's facts
    assert_eq!(facts("https://vinhphuc.gov.vn/ke-hoach-ha-tang-so"), 2);
}

/// Rule `scan.once`: the scan clean makes of a document is its text's match form and scan, and
/// extract reading it finds what extract scanning again finds (the seeds, each whole).
#[test]
fn clean_s_scan_is_the_one_extract_would_make() {
    let r = res();
    let mut seen = 0;
    for entry in std::fs::read_dir("data/raw").expect("seeds") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("seed text");
        let raw = crate::records::RawDoc {
            doc: path.display().to_string(),
            source: path.display().to_string(),
            line: None,
            format: crate::records::Format::Txt,
            encoding: "utf-8".into(),
            content_hash: String::new(),
            text,
            given: crate::records::GivenMeta::default(),
            warnings: Vec::new(),
        };
        let (doc, _, scan) = crate::clean::clean_scanned(raw.clone(), &r.clean, &r.provinces, &r.outlets, Some(&r.lexicon.scan));
        let scan = scan.expect("a scan when the union is given");
        assert_eq!(scan.hay, crate::text::match_form(&doc.text), "{}", doc.doc);
        // the province and everything else clean decides are the same without the scan
        let (plain, _) = crate::clean::clean(raw, &r.clean, &r.provinces, &r.outlets);
        assert_eq!(format!("{:?}", plain.meta), format!("{:?}", doc.meta), "{}", doc.doc);
        let (with, _) = crate::extract::extract_scanned(&doc, r, Some(scan));
        let (without, _) = crate::extract::extract(&doc, r);
        assert_eq!(format!("{with:?}"), format!("{without:?}"), "{}", doc.doc);
        seen += 1;
    }
    assert!(seen >= 5, "the seeds are read");
}

#[test]
fn a_fine_of_one_field_is_a_part_of_the_pages_total() {
    // rule fine.field_part: our own words (invented figures) after an inspectorate's yearly
    // review giving its total fine, then the fines field by field
    let text = "Công tác thanh tra năm 2022 của Sở Thông tin và Truyền thông tỉnh Nam Định\n\n\
        Năm 2022, Thanh tra Sở Thông tin và Truyền thông đã xử phạt vi phạm hành chính 40 tổ chức, cá nhân với tổng số tiền 410 triệu đồng.\n\n\
        Về lĩnh vực bưu chính: Thanh tra Sở đã xử phạt vi phạm hành chính 2 doanh nghiệp với số tiền 15 triệu đồng.";
    let fines = |t: &str| -> Vec<f64> {
        doc_facts(t)
            .into_iter()
            .filter(|f| f.metric == "admin_fines")
            .map(|f| f.value)
            .collect()
    };
    assert_eq!(fines(text), vec![410_000_000.0]);
    // a page that gives fines by field alone keeps them
    let alone = "Công tác thanh tra năm 2022 của Sở Thông tin và Truyền thông tỉnh Nam Định\n\n\
        Về lĩnh vực bưu chính: Thanh tra Sở đã xử phạt vi phạm hành chính 2 doanh nghiệp với số tiền 15 triệu đồng.";
    assert_eq!(fines(alone), vec![15_000_000.0]);
    // the details after a total (`Cụ thể: ...`), each fine of one company, are parts of it
    let details = "Công tác thanh tra năm 2022 của Sở Thông tin và Truyền thông tỉnh Nam Định\n\n\
        Năm 2022, Thanh tra Sở Thông tin và Truyền thông đã xử phạt vi phạm hành chính 6 trang thông tin điện tử với tổng số tiền 95 triệu đồng.\n\n\
        Cụ thể: trang thông tin điện tử tổng hợp của Công ty A bị xử phạt 20 triệu đồng; trang tin của Công ty B bị xử phạt 12,5 triệu đồng.";
    assert_eq!(fines(details), vec![95_000_000.0]);
}

#[test]
fn a_page_on_the_inspection_of_printing_houses_is_about_ict() {
    // lexicon ict_cues: cơ sở in, nhận in, đặt in are the Department's printing field (our own
    // words and invented figures, longer than a short excerpt, naming the Department once)
    let text = "Thanh tra hoạt động in trên địa bàn tỉnh\n\n\
        Vừa qua, Đoàn thanh tra liên ngành của Sở TT-TT và Công an tỉnh đã tiến hành thanh tra 14 cơ sở in \
        trên địa bàn tỉnh. Qua thanh tra, đoàn đã xử phạt vi phạm hành chính đối với 2 cơ sở nhận in không \
        đúng quy định với tổng số tiền 8 triệu đồng, tạm giữ một số ấn phẩm để xử lý theo quy định.\n\n\
        Đồng thời, đoàn nhắc nhở một số cơ sở còn hạn chế trong quá trình hoạt động như chưa ghi chép đầy đủ \
        sổ sách theo dõi, chưa ký hợp đồng với khách hàng đặt in tờ rơi, nhãn hàng hóa và biểu mẫu, chưa lưu \
        giữ bản mẫu có chữ ký của người đứng đầu cơ quan, tổ chức đứng tên đặt in. Các cơ sở cam kết sẽ khắc \
        phục ngay những tồn tại đã được chỉ ra trong thời gian tới để bảo đảm hoạt động đúng pháp luật.\n\n\
        Thời gian tới, Sở sẽ tiếp tục tăng cường công tác kiểm tra, hướng dẫn các cơ sở thực hiện đúng quy \
        định, góp phần đưa hoạt động trên địa bàn đi vào nền nếp.\n";
    assert!(text.len() > 1000, "longer than a short excerpt: {}", text.len());
    let m = doc_metrics(text);
    assert!(m.contains(&"entities_inspected".to_string()), "{m:?}");
    assert!(m.contains(&"admin_fines".to_string()), "{m:?}");
}

#[test]
fn a_companys_paragraph_goes_on_through_sentences_with_no_subject() {
    // rule company.previous_sentence: our own words (invented figures) after a national
    // year-end brief that gives each operator's results in a paragraph of its own
    let text = "Kết quả năm 2014 của các doanh nghiệp viễn thông\n\n\
        Theo Bộ Thông tin và Truyền thông, năm 2014 cả nước có 136 triệu thuê bao di động.\n\n\
        Trong năm 2014, Tổng công ty Viễn thông MobiFone đạt tổng doanh thu 30.000 tỷ đồng. Lợi nhuận trước thuế ước đạt 5.000 tỷ đồng, tăng 4% so với năm 2013. Nộp ngân sách nhà nước ước thực hiện 2.500 tỷ đồng.\n";
    let facts = doc_facts(text);
    assert!(!facts.iter().any(|f| f.metric == "budget_contribution"), "{facts:?}");
    assert!(facts.iter().any(|f| f.metric == "mobile_subscribers"), "{facts:?}");
    // a sentence between that names the whole province ends the company's paragraph
    let text = "Kết quả năm 2014 của ngành thông tin và truyền thông tỉnh Nam Định\n\n\
        Trong năm 2014, Viettel Nam Định đạt doanh thu 900 tỷ đồng. Toàn tỉnh có 1.500 trạm BTS. Nộp ngân sách nhà nước ước thực hiện 120 tỷ đồng.\n";
    let facts = doc_facts(text);
    assert!(facts.iter().any(|f| f.metric == "budget_contribution"), "{facts:?}");
}

#[test]
fn subscribers_lost_are_a_difference_not_a_level() {
    // lexicon comparison.difference `mất khoảng`: our own words (invented figures) after the
    // shape of a national market letter
    let text = "Thị trường viễn thông hai tháng đầu năm 2015\n\n\
        Theo Cục Viễn thông, tính tới hết tháng 2/2015 thị trường có 136 triệu thuê bao di động, giảm mất hơn 200.000 thuê bao so với cuối năm 2014.\n\n\
        Trong hai tháng đầu năm, thị trường Internet lại chứng kiến sự giảm nhẹ của các thuê bao ADSL (mất khoảng 25.000 thuê bao).\n";
    let facts = doc_facts(text);
    assert!(!facts.iter().any(|f| f.metric == "broadband_subscribers"), "{facts:?}");
    assert!(facts.iter().any(|f| f.metric == "mobile_subscribers"), "{facts:?}");
}
