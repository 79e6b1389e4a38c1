//! Rule `run.free_where_made`: a document's output is freed by the worker that made it, not by
//! the writer thread that wrote it.
//!
//! Input: each written [`DocOutput`] and the index of the pool worker that made it. Output:
//! nothing; the worker drops what it is handed back when it starts its next group of
//! documents, and every worker empties its bin before the aggregate.
//! Invariant: no output is kept past the worker's next group, or past the stream's end.
//!
//! Why: an output holds a few hundred small allocations (mentions' reasons, facts' strings).
//! Freed on the writer thread, each went back to its worker's heap through the allocator's
//! cross-thread list: an atomic push by the writer, and a walk of that list by the worker
//! before it could reuse the memory (mimalloc's `_mi_page_free_collect`, about 1 % of the
//! run's samples on the 20k bench corpus, `perf`). Freed where they were made, they go straight
//! back to the worker's own free list: on that corpus, 21 pairs against the build before ran
//! with a median of 3 % less CPU (all tables byte-for-byte the same), for a peak memory about
//! 2 % higher (an output waits for its worker's next group, 32 documents at most).

use std::sync::Mutex;

use crate::records::DocOutput;

/// One bin per pool worker, of outputs written and waiting to be freed by their maker.
pub(super) struct Bins(Vec<Mutex<Vec<DocOutput>>>);

impl Bins {
    /// Bins for a pool of `workers` threads.
    pub(super) fn new(workers: usize) -> Self {
        Bins((0..workers).map(|_| Mutex::default()).collect())
    }

    /// Hand a written output back to worker `worker` (the writer thread). An output of a
    /// worker the pool does not have (none: a defect) is freed here.
    pub(super) fn give(&self, worker: usize, out: DocOutput) {
        match self.0.get(worker) {
            Some(bin) => bin.lock().unwrap_or_else(|e| e.into_inner()).push(out),
            None => drop(out),
        }
    }

    /// Free what was handed back to the calling pool worker (none, off the pool).
    pub(super) fn empty_mine(&self) {
        let Some(bin) = rayon::current_thread_index().and_then(|w| self.0.get(w)) else {
            return;
        };
        // (taken out under the lock, freed after it: the writer is never kept waiting)
        let outputs = std::mem::take(&mut *bin.lock().unwrap_or_else(|e| e.into_inner()));
        drop(outputs);
    }

    /// Outputs waiting in the bins (tests).
    #[cfg(test)]
    pub(super) fn waiting(&self) -> usize {
        self.0.iter().map(|b| b.lock().map(|v| v.len()).unwrap_or(0)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Reject, RejectKind};

    fn output() -> DocOutput {
        DocOutput::Rejected(Reject {
            source: "a.txt".into(),
            doc: None,
            line: None,
            kind: RejectKind::Empty,
            reason: "empty".into(),
        })
    }

    /// A worker empties its own bin only: what was handed to the other waits for it.
    #[test]
    fn a_worker_frees_its_own_bin() {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let bins = Bins::new(2);
        bins.give(0, output());
        bins.give(1, output());
        bins.give(1, output());
        assert_eq!(bins.waiting(), 3);
        // off the pool nothing is freed
        bins.empty_mine();
        assert_eq!(bins.waiting(), 3);
        pool.broadcast(|c| {
            if c.index() == 1 {
                bins.empty_mine()
            }
        });
        assert_eq!(bins.waiting(), 1);
        pool.broadcast(|_| bins.empty_mine());
        assert_eq!(bins.waiting(), 0);
    }

    /// An output for a worker the pool does not have is freed at once, not kept.
    #[test]
    fn an_unknown_worker_keeps_nothing() {
        let bins = Bins::new(1);
        bins.give(5, output());
        assert_eq!(bins.waiting(), 0);
    }
}
