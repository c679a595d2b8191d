//! Long reads apart from point reads: a read that walks a whole project (its every tag, a search by tag
//! over its every secret) runs on a thread of its own, below the priority of the threads that answer
//! everyone else, fed by a bounded queue. A point read of one tenant never waits behind another tenant's
//! walk: the walk neither holds a runtime thread nor takes a core from one that has work.
//!
//! The thread starts with the first long read and ends with the store (it holds the backend weakly).

use std::sync::{Arc, OnceLock, Weak};

use tokio::sync::{mpsc, oneshot};

use crate::backend::{Backend, Job};
use crate::{StoreError, StoreResult};

/// Long reads waiting at most; a caller beyond them waits for a place (it holds nothing meanwhile).
const QUEUE: usize = 64;

/// How much lower than the other threads the scan thread runs (`nice`), on Linux.
#[cfg(target_os = "linux")]
const NICENESS: i32 = 10;

type Scan = (Job, oneshot::Sender<StoreResult<()>>);

/// The long-read thread of one store, started on first use.
#[derive(Default)]
pub(crate) struct Scans {
    queue: OnceLock<mpsc::Sender<Scan>>,
}

impl Scans {
    /// Runs `job` as a read of `backend` on the scan thread; resolves with its outcome.
    pub(crate) async fn read(&self, backend: &Arc<dyn Backend>, job: Job) -> StoreResult<()> {
        let queue = self.queue.get_or_init(|| start(Arc::downgrade(backend)));
        let (answer, answered) = oneshot::channel();
        queue.send((job, answer)).await.map_err(|_| StoreError::backend("the scan thread has stopped"))?;
        answered.await.map_err(|_| StoreError::backend("the scan thread dropped a read"))?
    }
}

fn start(backend: Weak<dyn Backend>) -> mpsc::Sender<Scan> {
    let (sender, mut receiver) = mpsc::channel::<Scan>(QUEUE);
    let runtime = tokio::runtime::Handle::current();
    let spawned = std::thread::Builder::new().name("csms-scan".into()).spawn(move || {
        lower_priority();
        while let Some((job, answer)) = receiver.blocking_recv() {
            let outcome = match backend.upgrade() {
                Some(backend) => runtime.block_on(backend.read(job)),
                None => Err(StoreError::backend("the store is closed")),
            };
            let _ = answer.send(outcome);
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "the scan thread could not start: long reads will fail");
    }
    sender
}

/// Lowers this thread's scheduling priority, so that the runtime's threads run first when they have work.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let thread = rustix::thread::gettid();
        if let Err(e) = rustix::process::setpriority_process(Some(thread), NICENESS) {
            tracing::debug!(error = %e, "the scan thread keeps its priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Store;

    /// A long read runs on the scan thread, not where its caller is, and a point read where its caller
    /// is: a walk of a whole project never holds the thread that answers point reads.
    #[tokio::test]
    async fn long_reads_run_apart_from_point_reads() {
        let store = Store::memory();
        let here = std::thread::current().id();
        let scanned = store.scan(|_| Ok(std::thread::current())).await.unwrap();
        assert_ne!(scanned.id(), here);
        assert_eq!(scanned.name(), Some("csms-scan"));
        let read = store.read(|_| Ok(std::thread::current().id())).await.unwrap();
        assert_eq!(read, here);
        // More at once than the queue holds: the others wait for a place, and each is answered.
        let many: Vec<_> = (0..super::QUEUE * 2)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move { store.scan(move |_| Ok(i)).await.unwrap() })
            })
            .collect();
        for (i, task) in many.into_iter().enumerate() {
            assert_eq!(task.await.unwrap(), i);
        }
    }
}
