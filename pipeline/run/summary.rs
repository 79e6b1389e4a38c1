//! What a run did: the one-screen summary printed at its end, and what `run` returns.

use serde::Serialize;

use crate::incremental::IncrementalReport;

/// What a run did, for the summary screen and the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct RunSummary {
    pub run_id: String,
    pub out: String,
    pub files: usize,
    pub bytes_in: u64,
    pub documents: usize,
    pub rejects: usize,
    pub mentions: usize,
    pub facts: usize,
    pub province_metrics: usize,
    pub anomalies: usize,
    pub elapsed_s: f64,
    pub threads: usize,
    /// What the stages counted (see `manifest.json`'s `stage_counts`); empty when nothing ran.
    pub stage_counts: std::collections::BTreeMap<String, u64>,
    /// Set by `--incremental`: what was reused.
    pub incremental: Option<IncrementalReport>,
}

impl RunSummary {
    /// The one-screen summary printed at the end of a run.
    /// What the stages did, in one line; empty when nothing ran.
    fn stages_line(&self) -> String {
        let n = |k: &str| self.stage_counts.get(k).copied().unwrap_or(0);
        if self.stage_counts.is_empty() {
            return String::new();
        }
        format!(
            "  stages            {} numbers read ({} traps), {} metric mentions, {} repeated figures dropped, {} flagged, {} conflicts\n",
            n("numbers"),
            n("traps"),
            n("metric_mentions"),
            n("duplicates"),
            n("flagged"),
            n("conflicts")
        )
    }

    pub fn render(&self) -> String {
        let mb = self.bytes_in as f64 / 1e6;
        let rate = if self.elapsed_s > 0.0 { mb / self.elapsed_s } else { 0.0 };
        format!(
            "ictstat run {}\n  output            {}\n  input             {} files, {:.1} MB\n  documents         {}\n  rejects           {}\n  mentions          {}\n  facts             {}\n  province_metrics  {}\n  anomalies         {}\n  time              {:.2} s ({:.1} MB/s, {:.0} documents/s, {} threads)\n",
            self.run_id,
            self.out,
            self.files,
            mb,
            self.documents,
            self.rejects,
            self.mentions,
            self.facts,
            self.province_metrics,
            self.anomalies,
            self.elapsed_s,
            rate,
            if self.elapsed_s > 0.0 {
                (self.documents + self.rejects) as f64 / self.elapsed_s
            } else {
                0.0
            },
            self.threads
        ) + &self.stages_line()
            + &match &self.incremental {
                None => String::new(),
                Some(r) if r.mode == "full" => format!(
                    "  incremental       full run: {}\n",
                    r.reason.as_deref().unwrap_or("nothing to reuse")
                ),
                Some(r) => format!(
                    "  incremental       {} of {} inputs reused from run {} ({}), {} processed\n",
                    r.reused,
                    r.reused + r.processed,
                    r.base_run_id.as_deref().unwrap_or("?"),
                    r.mode,
                    r.processed
                ),
            }
    }
}
