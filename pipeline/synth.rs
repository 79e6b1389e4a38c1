//! Synth: a deterministic generator of realistic synthetic reports, with their gold facts.
//!
//! Input: a document count, a seed and the province table. Output: JSON Lines shards of
//! documents (`id`, `text`, `source`, `published`) and a gold file in the format `eval` reads,
//! so scale runs are accuracy runs too. The reports vary province, year, report period,
//! outlet, phrasing, number formats and qualifiers, and carry what real pages carry:
//! decision numbers, dates, `3G`, district figures, year-on-year differences, web debris and a
//! repeated paragraph. Invariant: the same seed gives byte-identical output.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use crate::extract::number_format::format_digits;
use crate::reference::Provinces;
use crate::{Error, Result};

/// splitmix64: tiny, fast and stable across platforms and crate versions, which matters more
/// here than statistical quality (a corpus must be reproducible from its seed forever).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[lo, hi]`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next_u64() % xs.len() as u64) as usize]
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// One gold fact of a synthetic document.
#[derive(Debug)]
struct Gold {
    metric: &'static str,
    value: f64,
    value_high: Option<f64>,
    unit: &'static str,
    basis: Option<&'static str>,
    status: &'static str,
    bound: Option<&'static str>,
}

impl Gold {
    fn new(metric: &'static str, value: f64, unit: &'static str, basis: Option<&'static str>, status: &'static str) -> Self {
        Gold {
            metric,
            value,
            value_high: None,
            unit,
            basis,
            status,
            bound: None,
        }
    }
    fn bound(mut self, b: Option<&'static str>) -> Self {
        self.bound = b;
        self
    }
    fn high(mut self, h: f64) -> Self {
        self.value_high = Some(h);
        self
    }
}

fn money(rng: &mut Rng, lo: u64, hi: u64) -> (String, f64) {
    let ty = rng.range(lo, hi);
    if rng.chance(0.3) && ty >= 1000 {
        // the gold is the figure as printed: one decimal of nghìn tỷ
        let v = (ty as f64 / 100.0).round() / 10.0;
        (format!("{} nghìn tỷ đồng", format_digits(v, 1)), v * 1e12)
    } else {
        (format!("{} tỷ đồng", format_digits(ty as f64, 0)), ty as f64 * 1e9)
    }
}

fn count(rng: &mut Rng, v: u64) -> String {
    if v >= 1_000_000 && rng.chance(0.3) {
        format!("{} triệu", format_digits((v as f64 / 1e5).round() / 10.0, 1))
    } else {
        format_digits(v as f64, 0)
    }
}

/// Read back what `count` wrote, as the figure's value.
fn count_value(text: &str, v: u64) -> f64 {
    if text.ends_with("triệu") {
        (v as f64 / 1e5).round() / 10.0 * 1e6
    } else {
        v as f64
    }
}

const OUTLETS: [&str; 6] = [
    "Mic.gov.vn",
    "Baothanhhoa.vn",
    "Baonghean.vn",
    "Baobacgiang.vn",
    "Baoquangninh.vn",
    "Baodanang.vn",
];
const DEBRIS: [&str; 6] = [
    "ĐÁNH GIÁ BÀI VIẾT( 0)",
    "Tin liên quan",
    "Đọc nhiều",
    "Chia sẻ thông tin với bạn bè!",
    "0 bình luận",
    "{name} - {time}",
];

/// Generate one report: its text and gold facts. `facts` draws the figures (one stream per
/// province and year, so two reports of the same province and year agree); `rng` the wording.
fn report(rng: &mut Rng, facts: &mut Rng, province: &str, pop: f64, year: i32) -> (String, Vec<Gold>, String) {
    let mut gold = Vec::new();
    let mut paras: Vec<String> = Vec::new();
    let outlet = *rng.pick(&OUTLETS);
    let next = year + 1;
    paras.push(format!("Sở Thông tin và Truyền thông {province} tổng kết công tác năm {year}"));
    let (d, m) = (rng.range(5, 25), rng.range(1, 2));
    paras.push(format!(
        "Thứ {}, {d:02}/{m:02}/{next} {:02}:{:02}",
        rng.pick(&["hai", "ba", "tư", "năm", "sáu"]),
        rng.range(7, 17),
        rng.range(0, 59)
    ));
    let lead = format!(
        "({outlet}) - Sáng {d}/{m}/{next}, Sở Thông tin và Truyền thông tỉnh {province} đã tổ chức hội nghị tổng kết công tác năm {year} và triển khai nhiệm vụ năm {next}. Dự hội nghị có đại diện lãnh đạo UBND tỉnh, các doanh nghiệp bưu chính, viễn thông trên địa bàn."
    );
    paras.push(lead.clone());

    // telecom paragraph
    let density = facts.range(60, 160) as f64 + facts.range(0, 9) as f64 / 10.0;
    let subs = (density * pop / 100.0).round() as u64;
    let est = facts.chance(0.4);
    let status = if est { "estimate" } else { "actual" };
    let verb = if est { "ước đạt" } else { "đạt" };
    let subs_text = count(facts, subs);
    let mut t = format!(
        "Năm {year}, tổng số thuê bao điện thoại trên địa bàn {verb} {subs_text} thuê bao, mật độ {} thuê bao/100 dân",
        format_digits(density, 1)
    );
    gold.push(Gold::new(
        "telephone_subscribers",
        count_value(&subs_text, subs),
        "subscribers",
        Some("stock"),
        status,
    ));
    gold.push(Gold::new("telephone_density", density, "per_100_inhabitants", None, status));
    if rng.chance(0.5) {
        t.push_str(&format!(
            ", tăng {} thuê bao so với cùng kỳ",
            format_digits(rng.range(1000, 90000) as f64, 0)
        ));
    }
    t.push('.');
    let flow = facts.range(2000, 60000);
    let inet = (pop * facts.range(8, 40) as f64 / 100.0).round() as u64;
    t.push_str(&format!(
        " Thuê bao Internet băng rộng cố định phát triển mới {} thuê bao, nâng tổng số thuê bao Internet băng rộng lên {} thuê bao.",
        format_digits(flow as f64, 0),
        format_digits(inet as f64, 0)
    ));
    gold.push(Gold::new(
        "broadband_subscribers",
        flow as f64,
        "subscribers",
        Some("flow"),
        "actual",
    ));
    gold.push(Gold::new(
        "broadband_subscribers",
        inet as f64,
        "subscribers",
        Some("stock"),
        "actual",
    ));
    let bts_new = facts.range(20, 400);
    let bts = facts.range(600, 8000);
    t.push_str(&format!(
        " Các doanh nghiệp đã xây dựng mới {bts_new} trạm BTS lắp đặt thiết bị 3G, 4G, nâng tổng số trạm BTS toàn tỉnh lên {} trạm; riêng huyện miền núi có {} trạm.",
        format_digits(bts as f64, 0),
        rng.range(10, 90)
    ));
    gold.push(Gold::new("bts_stations", bts_new as f64, "stations", Some("flow"), "actual"));
    gold.push(Gold::new("bts_stations", bts as f64, "stations", Some("stock"), "actual"));
    let cov = facts.range(90, 99);
    let lower = facts.chance(0.5);
    t.push_str(&format!(" Sóng di động đã phủ {}{cov}% dân cư.", if lower { "trên " } else { "" }));
    gold.push(Gold::new("mobile_coverage_population_pct", cov as f64, "percent", None, "actual").bound(lower.then_some("lower")));
    paras.push(t);

    // revenue paragraph
    let (rev_text, rev) = money(facts, 300, 9000);
    let (bud_text, bud) = money(facts, 10, 300);
    let growth = facts.range(3, 25);
    paras.push(format!(
        "Doanh thu bưu chính, viễn thông năm {year} {verb} {rev_text}, tăng {growth}% so với năm {}; nộp ngân sách nhà nước {bud_text}. Theo Quyết định số {}/QĐ-UBND ngày {}/{}/{year}, tỉnh tiếp tục thực hiện quy hoạch hạ tầng viễn thông thụ động giai đoạn {}-{}.",
        year - 1,
        rng.range(100, 2999),
        rng.range(1, 28),
        rng.range(1, 12),
        year,
        year + 5
    ));
    gold.push(Gold::new("postal_telecom_revenue", rev, "VND", None, status));
    // `tăng X% so với năm ...` of a revenue is a growth-rate fact too (and the revenue's column)
    gold.push(Gold::new("revenue_growth_pct", growth as f64, "percent", None, status));
    // an estimate cue governs the rest of its sentence (the seeds' convention)
    gold.push(Gold::new("budget_contribution", bud, "VND", None, status));

    // IT and inspection paragraph
    let classes = facts.range(5, 60);
    let trainees = facts.range(200, 3000);
    let insp = facts.range(2, 15);
    let fine = facts.range(2, 90) * 1_000_000;
    paras.push(format!(
        "Về công nghệ thông tin, Sở đã tổ chức {classes} lớp đào tạo, bồi dưỡng cho trên {} học viên; triển khai dịch vụ công trực tuyến mức độ 3, 4 và hệ thống quản lý chất lượng ISO 9001:2015. Thanh tra Sở thực hiện {insp:02} cuộc thanh tra, kiểm tra, xử phạt vi phạm hành chính {} đồng.",
        format_digits(trainees as f64, 0),
        format_digits(fine as f64, 0)
    ));
    gold.push(Gold::new("it_training_classes", classes as f64, "count", Some("flow"), "actual"));
    gold.push(Gold::new("it_trainees", trainees as f64, "count", Some("flow"), "actual").bound(Some("lower")));
    gold.push(Gold::new("inspections", insp as f64, "count", Some("flow"), "actual"));
    gold.push(Gold::new("admin_fines", fine as f64, "VND", None, "actual"));

    // targets for next year
    // a target range that does not start at this year's growth (the scorer keeps one fact per value)
    let mut tgt = facts.range(5, 12);
    if tgt == growth {
        tgt += 13;
    }
    paras.push(format!(
        "Năm {next}, ngành phấn đấu tốc độ tăng trưởng doanh thu đạt {tgt}% - {}%, tiếp tục đẩy mạnh chuyển đổi số, cách mạng công nghiệp 4.0 trên địa bàn tỉnh.",
        tgt + 2
    ));
    gold.push(Gold::new("revenue_growth_pct", tgt as f64, "percent", None, "target").high((tgt + 2) as f64));
    // the lead repeated, then web debris
    if rng.chance(0.5) {
        paras.push(lead);
    }
    for _ in 0..rng.range(1, 4) {
        paras.push(rng.pick(&DEBRIS).to_string());
    }
    let published = format!("{next}-{m:02}-{d:02}");
    (paras.join("\n\n"), gold, published)
}

/// Write `docs` synthetic reports into `out/corpus/` (JSONL shards of 10 000 documents) and
/// their gold into `out/gold.jsonl`.
pub fn synth(out: &Path, docs: usize, seed: u64, provinces: &Provinces) -> Result<(usize, usize)> {
    let corpus = out.join("corpus");
    std::fs::create_dir_all(&corpus).map_err(|e| Error::io("cannot create folder", &corpus, e))?;
    let mut rng = Rng::new(seed);
    let gold_path = out.join("gold.jsonl");
    let mut gold_file = std::io::BufWriter::new(std::fs::File::create(&gold_path).map_err(|e| Error::io("cannot create", &gold_path, e))?);
    let mut shard: Option<std::io::BufWriter<std::fs::File>> = None;
    let mut n_gold = 0;
    for i in 0..docs {
        if i % 10_000 == 0 {
            let p = corpus.join(format!("part-{:04}.jsonl", i / 10_000));
            shard = Some(std::io::BufWriter::new(
                std::fs::File::create(&p).map_err(|e| Error::io("cannot create", &p, e))?,
            ));
        }
        let prov = rng.pick(&provinces.rows).clone();
        let year = rng.range(2009, 2023) as i32;
        let pop = provinces.population(&prov.name, year).map_or(1e6, |p| p.value);
        let mut facts = Rng::new(seed ^ (u64::from(prov.code.parse::<u8>().unwrap_or(0)) << 32) ^ year as u64);
        let (text, gold, published) = report(&mut rng, &mut facts, &prov.name, pop, year);
        let id = format!("synth-{seed}-{i:07}");
        let line = json!({"id": id, "text": text, "published": published, "source": "synth"});
        let w = shard.as_mut().expect("shard open");
        writeln!(w, "{line}").map_err(|e| Error::io("cannot write", out, e))?;
        for g in gold {
            let mut o = json!({
                "doc": id, "metric": g.metric, "value": g.value, "unit": g.unit, "province": prov.name,
                "period": year.to_string(), "status": g.status,
            });
            if g.status == "target" {
                o["period"] = json!((year + 1).to_string());
            }
            if let Some(h) = g.value_high {
                o["value_high"] = json!(h);
            }
            if let Some(b) = g.basis {
                o["basis"] = json!(b);
            }
            if let Some(b) = g.bound {
                o["bound"] = json!(b);
            }
            writeln!(gold_file, "{o}").map_err(|e| Error::io("cannot write", &gold_path, e))?;
            n_gold += 1;
        }
    }
    if let Some(mut w) = shard {
        w.flush().map_err(|e| Error::io("cannot write", out, e))?;
    }
    gold_file.flush().map_err(|e| Error::io("cannot write", &gold_path, e))?;
    Ok((docs, n_gold))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_corpus_and_another_seed_another() {
        let p = Provinces::parse(include_str!("../data/reference/provinces.csv"), Path::new("p")).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
        synth(&a, 30, 7, &p).unwrap();
        synth(&b, 30, 7, &p).unwrap();
        synth(&c, 30, 8, &p).unwrap();
        let read = |d: &Path| std::fs::read(d.join("corpus/part-0000.jsonl")).unwrap();
        assert_eq!(read(&a), read(&b));
        assert_ne!(read(&a), read(&c));
        assert_eq!(
            std::fs::read(a.join("gold.jsonl")).unwrap(),
            std::fs::read(b.join("gold.jsonl")).unwrap()
        );
    }
}
