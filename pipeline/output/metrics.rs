//! The aggregate's tables: `province_metrics.parquet`, its Hive partitions by year
//! (`province_metrics/year=YYYY/part-0.parquet`, the year living in the folder name) and
//! `anomalies.parquet`. What `run` and `ictstat aggregate` both write.

use std::collections::BTreeMap;
use std::path::Path;

use arrow::array::{Int32Array, RecordBatch};
use rayon::prelude::*;

use crate::aggregate::{Accumulator, AggregateOut, AggregateReport};
use crate::config::Resources;
use crate::output::parquet::{RunStamp, TableWriter, for_each_batch};
use crate::output::rows;
use crate::output::sink::Sink;
use crate::records::{Anomaly, ProvinceMetric};
use crate::{Error, Result};

/// Year partitions written in one pass over the table ([`write_year_partitions`]).
const YEARS_PER_PASS: usize = 4;

/// The aggregate's two sinks, fed row by row as the barrier makes them.
struct Out {
    metrics: Sink,
    anomalies: Sink,
}

impl AggregateOut for Out {
    fn metric(&mut self, m: &ProvinceMetric) -> Result<()> {
        rows::push_province_metric(self.metrics.rows()?, m);
        self.metrics.flush()
    }
    fn anomaly(&mut self, a: &Anomaly) -> Result<()> {
        rows::push_anomaly(self.anomalies.rows()?, a);
        self.anomalies.flush()
    }
}

/// Run the fold's barrier and write the aggregate's tables into an output folder, recording
/// their rows in `counts`. Rows go from the barrier to the writers one at a time; `anomalies`
/// may already hold the rows a run wrote while it folded, and the aggregate's follow them.
pub(crate) fn write_aggregate(
    dir: &Path,
    res: &Resources,
    stamp: &RunStamp,
    acc: Accumulator,
    anomalies: Sink,
    counts: &mut BTreeMap<&'static str, usize>,
) -> Result<AggregateReport> {
    let mut out = Out {
        metrics: Sink::open(dir, "province_metrics", res, stamp)?,
        anomalies,
    };
    let report = acc.aggregate(&res.catalog, &res.provinces, &mut out)?;
    counts.insert("province_metrics", out.metrics.finish()?);
    write_year_partitions(dir, res, stamp)?;
    counts.insert("anomalies", out.anomalies.finish()?);
    Ok(report)
}

/// Hive-style partitions of `province_metrics` by year, the year living in the folder name:
/// the table written is read back a batch at a time, [`YEARS_PER_PASS`] years in each pass, and
/// each year's rows go to its file in order. A writer holds its row group's rows about as large
/// as they are until the group is closed: with the twenty years of the 1 GB corpus open together
/// the partitions had added 90 MB to the run's peak; one year a pass took three seconds. The
/// passes run side by side on the run's threads (each reads the table on its own).
fn write_year_partitions(dir: &Path, res: &Resources, stamp: &RunStamp) -> Result<()> {
    let table = res.table("province_metrics");
    let part_table = table.without(&["year"]);
    let schema = part_table.arrow_schema();
    let keep: Vec<usize> = schema
        .fields()
        .iter()
        .map(|f| {
            table
                .arrow_schema()
                .index_of(f.name())
                .map_err(|e| Error::Bug(format!("province_metrics has no column {}: {e}", f.name())))
        })
        .collect::<Result<_>>()?;
    let path = dir.join("province_metrics.parquet");
    let year_column = |b: &RecordBatch| -> Result<Int32Array> {
        b.column_by_name("year")
            .and_then(|c| c.as_any().downcast_ref::<Int32Array>())
            .cloned()
            .ok_or_else(|| Error::Bug("province_metrics.parquet has no year column of 32-bit integers".into()))
    };
    let mut years = std::collections::BTreeSet::new();
    for_each_batch(&path, Some(&["year"]), |b| {
        years.extend(year_column(&b)?.iter().flatten());
        Ok(())
    })?;
    let years: Vec<i32> = years.into_iter().collect();
    // the passes read the table on their own and write files of their own: they run side by
    // side (each reader and its writers on one thread; two passes' writers open at once)
    years.par_chunks(YEARS_PER_PASS).try_for_each(|pass| -> Result<()> {
        let mut writers = pass
            .iter()
            .map(|y| {
                let out = dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
                Ok((*y, TableWriter::create(&out, &part_table, stamp)?))
            })
            .collect::<Result<Vec<_>>>()?;
        for_each_batch(&path, None, |b| {
            let years = year_column(&b)?;
            let b = b.project(&keep).map_err(|e| Error::Bug(e.to_string()))?;
            for (y, w) in &mut writers {
                let mask = arrow::compute::kernels::cmp::eq(&years, &Int32Array::new_scalar(*y)).map_err(|e| Error::Bug(e.to_string()))?;
                let rows = arrow::compute::filter_record_batch(&b, &mask).map_err(|e| Error::Bug(e.to_string()))?;
                w.write(&RecordBatch::try_new(schema.clone(), rows.columns().to_vec()).map_err(|e| Error::Bug(e.to_string()))?)?;
            }
            Ok(())
        })?;
        for (_, w) in writers {
            w.finish()?;
        }
        Ok(())
    })
}
