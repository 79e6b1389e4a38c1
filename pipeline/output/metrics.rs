//! The aggregate's tables: `province_metrics.parquet`, its Hive partitions by year
//! (`province_metrics/year=YYYY/part-0.parquet`, the year living in the folder name) and
//! `anomalies.parquet`. What `run` and `ictstat aggregate` both write.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use arrow::array::{Int32Array, RecordBatch};

use crate::aggregate::{Accumulator, AggregateOut, AggregateReport};
use crate::config::Resources;
use crate::output::parquet::{RunStamp, TableWriter};
use crate::output::rows;
use crate::output::schema::TableSchema;
use crate::output::sink::Sink;
use crate::records::{Anomaly, ProvinceMetric};
use crate::{Error, Result};

/// The aggregate's two sinks, fed row by row as the barrier makes them; each batch of
/// `province_metrics` goes to its year partitions as it is written.
struct Out {
    metrics: Sink,
    years: YearPartitions,
    anomalies: Sink,
}

impl AggregateOut for Out {
    fn metric(&mut self, m: &ProvinceMetric<&str>) -> Result<()> {
        rows::push_province_metric(self.metrics.rows()?, m);
        let years = &mut self.years;
        self.metrics.flush_also(&mut |b| years.write(b))
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
        years: YearPartitions::new(dir, res, stamp)?,
        anomalies,
    };
    let report = acc.aggregate(&res.catalog, &res.provinces, &mut out)?;
    let Out {
        metrics,
        mut years,
        anomalies,
    } = out;
    counts.insert("province_metrics", metrics.finish_also(&mut |b| years.write(b))?);
    years.finish()?;
    counts.insert("anomalies", anomalies.finish()?);
    Ok(report)
}

/// The memory at which a year partition's writer closes a row group: a quarter of every other
/// table's limit, since all the years' writers are open at once while the barrier runs. On the
/// 1 GB bench corpus (18 years open) the run's peak was 321–324 MB with the tables' 4 MB, 290 MB
/// with 2 MB and 253 MB with 1 MB, against 242–251 MB for the build that read the table back
/// (row groups of about 1 000–3 000 rows; 256 kB closed one at almost every batch).
const PARTITION_ROW_GROUP_MEMORY: usize = 1 << 20;

/// Hive-style partitions of `province_metrics` by year, the year living in the folder name
/// (rule `output.partitions_as_written`): each batch written to `province_metrics` is split by
/// year as it is written, and each year's rows go to its file in the table's order. Nothing is
/// read back: the table had been read back whole once for every four years (five times on the
/// 20k bench corpus), and filtered once for every year.
/// A year's writer is opened with its first row; every year's stays open until the barrier ends,
/// so each closes its row groups at a quarter of the other tables' memory limit
/// ([`PARTITION_ROW_GROUP_MEMORY`]).
struct YearPartitions {
    dir: PathBuf,
    stamp: RunStamp,
    /// `province_metrics` without its `year` column.
    table: TableSchema,
    /// The columns of `table` in a `province_metrics` batch.
    keep: Vec<usize>,
    /// The `year` column in a `province_metrics` batch.
    year: usize,
    writers: BTreeMap<i32, TableWriter>,
}

impl YearPartitions {
    fn new(dir: &Path, res: &Resources, stamp: &RunStamp) -> Result<Self> {
        let full = res.table("province_metrics");
        let table = full.without(&["year"]);
        let index = |name: &str| {
            full.arrow_schema()
                .index_of(name)
                .map_err(|e| Error::Bug(format!("province_metrics has no column {name}: {e}")))
        };
        let keep = table
            .arrow_schema()
            .fields()
            .iter()
            .map(|f| index(f.name()))
            .collect::<Result<_>>()?;
        Ok(YearPartitions {
            dir: dir.to_path_buf(),
            stamp: stamp.clone(),
            year: index("year")?,
            table,
            keep,
            writers: BTreeMap::new(),
        })
    }

    /// Write a batch of `province_metrics`' rows to the partitions of their years, in order.
    fn write(&mut self, b: &RecordBatch) -> Result<()> {
        let bug = |e: arrow::error::ArrowError| Error::Bug(e.to_string());
        let years = b
            .column(self.year)
            .as_any()
            .downcast_ref::<Int32Array>()
            .ok_or_else(|| Error::Bug("province_metrics has no year column of 32-bit integers".into()))?;
        let present: BTreeSet<i32> = years.iter().flatten().collect();
        let rows = b.project(&self.keep).map_err(bug)?;
        let schema = self.table.arrow_schema();
        for y in present {
            let writer = match self.writers.entry(y) {
                std::collections::btree_map::Entry::Occupied(w) => w.into_mut(),
                std::collections::btree_map::Entry::Vacant(v) => {
                    let path = self.dir.join("province_metrics").join(format!("year={y}")).join("part-0.parquet");
                    v.insert(TableWriter::create(&path, &self.table, &self.stamp)?.with_row_group_memory(PARTITION_ROW_GROUP_MEMORY))
                }
            };
            let mask = arrow::compute::kernels::cmp::eq(years, &Int32Array::new_scalar(y)).map_err(bug)?;
            let of_year = arrow::compute::filter_record_batch(&rows, &mask).map_err(bug)?;
            writer.write(&RecordBatch::try_new(schema.clone(), of_year.columns().to_vec()).map_err(bug)?)?;
        }
        Ok(())
    }

    /// Close every year's file.
    fn finish(self) -> Result<()> {
        for w in self.writers.into_values() {
            w.finish()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use arrow::array::{Array, Int64Array};

    use super::*;
    use crate::output::parquet::read_all;
    use crate::output::rows::BatchBuilder;

    /// A row of year `year` whose `char_start` says where it came in.
    fn row(year: i32, place: i64) -> ProvinceMetric {
        ProvinceMetric {
            province: "Bắc Ninh".into(),
            province_code: Some("27".into()),
            region: None,
            province_2025: None,
            period: year.to_string(),
            year,
            metric: "mobile_subscribers".into(),
            tier: "core".into(),
            unit: "subscribers".into(),
            status: "actual".into(),
            basis: None,
            value: 1.0,
            value_high: None,
            value_min: 1.0,
            value_max: 1.0,
            n_facts: 1,
            n_docs: 1,
            doc: "d".into(),
            char_start: place,
            char_end: place + 1,
            conflict: false,
            flag: None,
            population: None,
            population_extrapolated: None,
            per_100_inhabitants: None,
            implied_population: None,
            growth_vs_prev_pct: None,
        }
    }

    /// Rule `aggregate.rows_borrowed`: a row borrowed from the barrier's frame writes the cells
    /// its owned copy writes, and copying it back gives the row (each text field distinct, so a
    /// field [`ProvinceMetric::map_text`] puts in another's place shows in the cells).
    #[test]
    fn a_borrowed_row_writes_what_its_owned_copy_writes() {
        let res = crate::extract::tests::res();
        let mut owned = row(2021, 7);
        owned.region = Some("Đồng bằng sông Hồng".into());
        owned.province_2025 = Some("Bắc Ninh (mới)".into());
        owned.basis = Some("cumulative".into());
        owned.flag = Some("implausible".into());
        owned.value_high = Some(2.0);
        owned.population = Some(1_400_000.0);
        let borrowed = owned.map_text(String::as_str);
        assert_eq!(borrowed.to_owned_row(), owned);
        let batch = |push: &dyn Fn(&mut BatchBuilder)| {
            let mut b = BatchBuilder::new(res.table("province_metrics")).unwrap();
            push(&mut b);
            b.finish().unwrap()
        };
        assert_eq!(
            batch(&|b| rows::push_province_metric(b, &borrowed)),
            batch(&|b| rows::push_province_metric(b, &owned))
        );
    }

    /// Year partitions in a new temporary folder (the folder lives as long as the guard).
    fn partitions(res: &Resources) -> (tempfile::TempDir, YearPartitions) {
        let dir = tempfile::tempdir().unwrap();
        let stamp = RunStamp {
            run_id: "t".into(),
            version: "0".into(),
        };
        let parts = YearPartitions::new(dir.path(), res, &stamp).unwrap();
        (dir, parts)
    }

    /// Rule `output.partitions_as_written`: rows of several years, in two batches, reach each
    /// year's file in the order they were written, without the `year` column, and a year is
    /// opened when its first row comes.
    #[test]
    fn each_year_gets_its_rows_in_order_across_batches() {
        let res = crate::extract::tests::res();
        let (dir, mut parts) = partitions(res);
        let years = [2020, 2021, 2020, 2019, 2021, 2020, 2022];
        for (from, to) in [(0, 4), (4, 7)] {
            let mut b = BatchBuilder::new(res.table("province_metrics")).unwrap();
            for (place, &y) in years.iter().enumerate().take(to).skip(from) {
                rows::push_province_metric(&mut b, &row(y, place as i64));
            }
            parts.write(&b.finish().unwrap()).unwrap();
            if from == 0 {
                assert!(!dir.path().join("province_metrics/year=2022").exists());
            }
        }
        parts.finish().unwrap();
        let mut found: Vec<String> = std::fs::read_dir(dir.path().join("province_metrics"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        found.sort();
        assert_eq!(found, ["year=2019", "year=2020", "year=2021", "year=2022"]);
        for (y, want) in [(2019, vec![3]), (2020, vec![0, 2, 5]), (2021, vec![1, 4]), (2022, vec![6])] {
            let batches = read_all(&dir.path().join(format!("province_metrics/year={y}/part-0.parquet"))).unwrap();
            let mut places = Vec::new();
            for b in &batches {
                assert!(b.schema().index_of("year").is_err(), "year {y}: a year column");
                assert_eq!(b.num_columns(), res.table("province_metrics").columns.len() - 1);
                let c = b
                    .column_by_name("char_start")
                    .unwrap()
                    .as_any()
                    .downcast_ref::<Int64Array>()
                    .unwrap();
                places.extend((0..c.len()).map(|i| c.value(i)));
            }
            assert_eq!(places, want, "year {y}");
        }
    }

    /// The partitions close their row groups at [`PARTITION_ROW_GROUP_MEMORY`], not at the
    /// other tables' 4 MB: 12 000 rows of one year with distinct documents fill several.
    #[test]
    fn a_partition_closes_its_row_groups_at_its_own_memory_limit() {
        let res = crate::extract::tests::res();
        let (dir, mut parts) = partitions(res);
        for batch in 0..24 {
            let mut b = BatchBuilder::new(res.table("province_metrics")).unwrap();
            for i in 0..500 {
                let place = batch * 500 + i;
                let mut m = row(2020, place);
                m.doc = format!("document-{place:08}-{}", place * 7919 % 104_729);
                m.value = place as f64 * 1.37;
                rows::push_province_metric(&mut b, &m);
            }
            parts.write(&b.finish().unwrap()).unwrap();
        }
        parts.finish().unwrap();
        let path = dir.path().join("province_metrics/year=2020/part-0.parquet");
        let groups: Vec<usize> = read_all(&path).unwrap().iter().map(RecordBatch::num_rows).collect();
        assert_eq!(groups.iter().sum::<usize>(), 12_000);
        let file = std::fs::File::open(&path).unwrap();
        let md = parquet::file::reader::FileReader::metadata(&parquet::file::reader::SerializedFileReader::new(file).unwrap()).clone();
        assert!(md.num_row_groups() >= 6, "{} row groups", md.num_row_groups());
    }
}
