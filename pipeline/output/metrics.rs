//! The aggregate's tables: `province_metrics.parquet`, its Hive partitions by year
//! (`province_metrics/year=YYYY/part-0.parquet`, the year living in the folder name) and
//! `anomalies.parquet`. What `run` and `ictstat aggregate` both write.

use std::collections::BTreeMap;
use std::path::Path;

use crate::Result;
use crate::aggregate::Aggregated;
use crate::config::Resources;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows::{self, BatchBuilder};
use crate::output::sink::Sink;

/// Write the aggregate's tables into an output folder and record their rows in `counts`. Rows
/// go from the aggregate's frames to the writers one at a time; `anomalies` may already hold
/// the rows a run wrote while it folded, and the aggregate's follow them.
pub(crate) fn write_aggregate(
    dir: &Path,
    res: &Resources,
    stamp: &RunStamp,
    agg: &Aggregated,
    mut anomalies: Sink,
    counts: &mut BTreeMap<&'static str, usize>,
) -> Result<()> {
    let pm_table = res.table("province_metrics");
    let mut pm = Sink::open(dir, "province_metrics", res, stamp)?;
    // written as they are made, in batches (a sink holds one batch, not the table)
    agg.for_each_metric(None, |m| {
        rows::push_province_metric(pm.rows()?, m);
        pm.flush()
    })?;
    counts.insert("province_metrics", pm.finish()?);
    // Hive-style partitions by year, the partition column living in the folder name
    let part_table = pm_table.without(&["year"]);
    for &y in agg.years() {
        let path = dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
        let mut pw = TableWriter::create(&path, &part_table, stamp)?;
        let mut pb = BatchBuilder::new(&part_table)?;
        agg.for_each_metric(Some(y), |m| {
            rows::push_province_metric(&mut pb, m);
            Ok(())
        })?;
        pw.write(&pb.finish()?)?;
        pw.finish()?;
    }
    agg.for_each_anomaly(|a| {
        rows::push_anomaly(anomalies.rows()?, a);
        anomalies.flush()
    })?;
    counts.insert("anomalies", anomalies.finish()?);
    Ok(())
}
