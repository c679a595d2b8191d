//! The files of an open database, and whether they are still the ones on disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files the database lives in, as they were when opened. A commit is acknowledged only while they
/// are still the files on disk: a commit into a file that was removed or replaced would be gone at the
/// next start. Once they are not, the store refuses every write until it is opened again.
///
/// The store holds a handle of its own on each file: a file removed (or replaced by a rename) has no link
/// left, which its handle tells without a path lookup.
pub(super) struct Files {
    handles: Vec<(PathBuf, std::fs::File)>,
    wal: PathBuf,
    broken: Mutex<Option<String>>,
}

/// Whether the file behind `handle` still has a name on disk (where the platform can tell).
fn linked(handle: &std::fs::File) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        handle.metadata().is_ok_and(|m| m.nlink() > 0)
    }
    #[cfg(not(unix))]
    {
        let _ = handle;
        true
    }
}

impl Files {
    pub(super) fn capture(db: &Path) -> Self {
        let mut wal = db.as_os_str().to_owned();
        wal.push("-wal");
        let wal = PathBuf::from(wal);
        let handles = [db.to_path_buf(), wal.clone()]
            .into_iter()
            .filter_map(|path| std::fs::File::open(&path).ok().map(|file| (path, file)))
            .collect();
        // The WAL's directory entry is durable before any commit in it is acknowledged: SQLite syncs the
        // directory of a new WAL only at the WAL's first sync, which a pipelined commit does not make.
        #[cfg(unix)]
        if let Some(dir) = db.parent().map(|d| if d.as_os_str().is_empty() { Path::new(".") } else { d })
            && let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all())
        {
            tracing::warn!(error = %e, dir = %dir.display(), "syncing the database's directory failed");
        }
        Files { handles, wal, broken: Mutex::new(None) }
    }

    /// The size of the WAL file, in bytes (0 when there is none): from the handle kept on it, else by path.
    pub(super) fn wal_len(&self) -> u64 {
        let held = self.handles.iter().find(|(path, _)| *path == self.wal).map(|(_, file)| file.metadata());
        held.unwrap_or_else(|| std::fs::metadata(&self.wal)).map_or(0, |m| m.len())
    }

    /// `Err` once the files were found gone or replaced, without looking again.
    pub(super) fn known_broken(&self) -> Result<(), String> {
        match &*self.broken.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(reason) => Err(reason.clone()),
            None => Ok(()),
        }
    }

    /// Makes everything written to the WAL so far durable (`fdatasync` on the store's own handle: on
    /// Linux it flushes the file's dirty pages whichever descriptor wrote them, so the writer's
    /// connection need not wait in it). A failed sync may have dropped pages: the store then refuses
    /// every write until it is opened again, as PostgreSQL stops on a failed fsync.
    pub(super) fn sync_wal(&self) -> Result<(), String> {
        self.known_broken()?;
        let synced = match self.handles.iter().find(|(path, _)| *path == self.wal) {
            Some((_, handle)) => handle.sync_data(),
            None => std::fs::File::open(&self.wal).and_then(|file| file.sync_data()),
        };
        if let Err(e) = synced {
            let reason = format!(
                "syncing {} failed ({e}): writes are refused until the service restarts",
                self.wal.display()
            );
            tracing::error!(reason, "SQLite WAL sync failed");
            *self.broken.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
            return Err(reason);
        }
        self.check()
    }

    /// `Err` once a file is gone or replaced (and from then on).
    pub(super) fn check(&self) -> Result<(), String> {
        self.known_broken()?;
        let Some((path, _)) = self.handles.iter().find(|(_, handle)| !linked(handle)) else { return Ok(()) };
        let reason = format!(
            "{} was removed or replaced while open: writes are refused until the service restarts",
            path.display()
        );
        tracing::error!(reason, "SQLite database lost");
        *self.broken.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason.clone());
        Err(reason)
    }
}
