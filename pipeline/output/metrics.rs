//! The aggregate's tables: `province_metrics.parquet`, its Hive partitions by year
//! (`province_metrics/year=YYYY/part-0.parquet`, the year living in the folder name) and
//! `anomalies.parquet`. What `run` and `ictstat aggregate` both write.

use std::collections::BTreeMap;
use std::path::Path;

use crate::Result;
use crate::config::Resources;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows::{self, BatchBuilder};
use crate::output::sink::Sink;
use crate::records::{Anomaly, ProvinceMetric};

/// Write the aggregate's tables into an output folder and record their rows in `counts`.
pub(crate) fn write_aggregate(
    dir: &Path,
    res: &Resources,
    stamp: &RunStamp,
    metrics: &[ProvinceMetric],
    anomalies: &[Anomaly],
    counts: &mut BTreeMap<&'static str, usize>,
) -> Result<()> {
    let pm_table = res.table("province_metrics");
    let mut pm = Sink::open(dir, "province_metrics", res, stamp)?;
    for m in metrics {
        rows::push_province_metric(pm.rows()?, m);
    }
    counts.insert("province_metrics", pm.finish()?);
    // Hive-style partitions by year, the partition column living in the folder name
    let part_table = pm_table.without(&["year"]);
    let mut years: Vec<i32> = metrics.iter().map(|m| m.year).collect();
    years.sort_unstable();
    years.dedup();
    for y in years {
        let path = dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
        let mut pw = TableWriter::create(&path, &part_table, stamp)?;
        let mut pb = BatchBuilder::new(&part_table)?;
        for m in metrics.iter().filter(|m| m.year == y) {
            rows::push_province_metric(&mut pb, m);
        }
        pw.write(&pb.finish()?)?;
        pw.finish()?;
    }
    let mut an = Sink::open(dir, "anomalies", res, stamp)?;
    for a in anomalies {
        rows::push_anomaly(an.rows()?, a);
    }
    counts.insert("anomalies", an.finish()?);
    Ok(())
}
