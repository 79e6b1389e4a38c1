//! Rule `run.big_documents`: how many bytes of large documents are in flight at once.
//!
//! Role: a document takes about nine times its size in memory while it is processed (its text,
//! match form, paragraphs, the document scan's hits, its mentions). Batches bound the number and
//! the bytes of the documents between the reader, the workers and the writer, which is all a
//! corpus of articles needs; but two 30 MB documents processed side by side held 720 MB. A
//! document of at least [`BIG_DOCUMENT_BYTES`] takes its size (at most
//! [`BIG_DOCUMENTS_IN_FLIGHT`]) from this budget when the reader has read it, and gives it back
//! when the writer has written its rows: large documents go through a few at a time (a 30 MB one
//! alone), while small ones never wait.
//!
//! Inputs: the size of each document read. Outputs: the reader waits, or not.
//! Invariants: the reader sends the batch it holds before it waits, so every document that holds
//! a share of the budget reaches the writer and gives it back; closing the budget (the writer
//! stopped, the run is failing) wakes a waiting reader, which then stops reading.
//!
//! Example: with the defaults, documents of 20, 10 and 8 MB: the 20 and 10 MB ones are in flight
//! together (30 MB), the 8 MB one waits until one of them is written.

use std::sync::{Condvar, Mutex, PoisonError};

/// A document this large or larger takes from the budget (smaller ones are bounded by batches):
/// the default of `--big-doc-bytes`.
pub const BIG_DOCUMENT_BYTES: usize = 4 << 20;
/// Bytes of large documents in flight at most (a larger document takes all of it, alone): the
/// default of `--big-docs-in-flight`.
pub const BIG_DOCUMENTS_IN_FLIGHT: usize = 32 << 20;

/// The shared budget of large documents' bytes.
#[derive(Debug)]
pub(crate) struct Budget {
    big: usize,
    limit: usize,
    state: Mutex<State>,
    freed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    taken: usize,
    closed: bool,
}

impl Budget {
    pub(crate) fn new(big: usize, limit: usize) -> Self {
        Budget {
            big,
            limit: limit.max(1),
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
        }
    }

    /// What a document of `bytes` takes: nothing when it is small, its size (at most the whole
    /// budget) when it is large.
    pub(crate) fn cost(&self, bytes: usize) -> usize {
        if bytes < self.big { 0 } else { bytes.min(self.limit) }
    }

    /// Take `n` if it is free now.
    pub(crate) fn try_take(&self, n: usize) -> bool {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if n == 0 || s.taken + n <= self.limit {
            s.taken += n;
            true
        } else {
            false
        }
    }

    /// Take `n`, waiting until it is free; false when the budget was closed meanwhile.
    pub(crate) fn take(&self, n: usize) -> bool {
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !s.closed && n > 0 && s.taken + n > self.limit {
            s = self.freed.wait(s).unwrap_or_else(PoisonError::into_inner);
        }
        if s.closed {
            return false;
        }
        s.taken += n;
        true
    }

    /// Give back what a written document took.
    pub(crate) fn give(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        s.taken = s.taken.saturating_sub(n);
        self.freed.notify_all();
    }

    /// No document will be written any more: a waiting reader stops waiting.
    pub(crate) fn close(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).closed = true;
        self.freed.notify_all();
    }
}

/// Closes the budget when dropped: the writer's thread holds one, so however it ends (done,
/// failed, panicked) a reader waiting for its documents to be written is woken.
pub(crate) struct CloseOnDrop<'b>(pub(crate) &'b Budget);

impl Drop for CloseOnDrop<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    #[test]
    fn small_documents_take_nothing_and_a_large_one_at_most_the_whole_budget() {
        let b = Budget::new(4, 10);
        assert_eq!(b.cost(3), 0);
        assert_eq!(b.cost(4), 4);
        assert_eq!(b.cost(25), 10);
        assert!(b.try_take(6));
        assert!(!b.try_take(5), "6 + 5 is over 10");
        assert!(b.try_take(0), "a small document never waits");
        assert!(b.try_take(4));
        b.give(6);
        assert!(b.try_take(5));
    }

    #[test]
    fn a_waiting_reader_goes_on_when_a_document_is_written() {
        let b = Arc::new(Budget::new(1, 10));
        assert!(b.try_take(10));
        let done = Arc::new(AtomicBool::new(false));
        let waiter = {
            let (b, done) = (Arc::clone(&b), Arc::clone(&done));
            std::thread::spawn(move || {
                let took = b.take(7);
                done.store(true, Ordering::SeqCst);
                took
            })
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(!done.load(Ordering::SeqCst), "nothing was given back: it waits");
        b.give(10);
        assert!(waiter.join().unwrap(), "given back: it takes its share");
        assert!(!b.try_take(4), "7 of 10 are taken");
    }

    #[test]
    fn closing_wakes_a_waiting_reader_which_then_stops() {
        let b = Arc::new(Budget::new(1, 10));
        assert!(b.try_take(10));
        let waiter = {
            let b = Arc::clone(&b);
            std::thread::spawn(move || b.take(5))
        };
        {
            let _writer = CloseOnDrop(&b);
        }
        assert!(!waiter.join().unwrap(), "the writer stopped: the reader stops too");
        assert!(!b.take(1), "a closed budget gives nothing");
    }
}
