//! Versions: add one (its stages taken from the versions that held them), list them (never their
//! values), open one with its value, and change a version's expiry.

use csms_model::{LATEST, Version, VersionMetadata};

use super::shared::version::{add, find, open, put_version, staged_versions, to_seconds, usable_staged};
use crate::backend::Tx;
use crate::store::job;
use crate::{NewVersion, Origin, Payload, Store, StoreError, StoreResult};

fn update_version(
    tx: &mut dyn Tx,
    project: &str,
    name: &str,
    id: &str,
    expire_time: i64,
    origin: &Origin,
) -> StoreResult<VersionMetadata> {
    let (_, stages) = usable_staged(tx, project, name)?;
    let mut row = find(staged_versions(tx, project, name, &stages)?, id)?;
    row.meta.expire_time = Some(to_seconds(expire_time));
    // Every new expiry fires once, when the scan finds it due.
    row.expiry_fired = false;
    row.expiry_request_id = origin.request_id.clone();
    put_version(tx, project, name, &row, None)?;
    Ok(row.meta)
}

impl Store {
    /// Adds the next version `v{n}`: it takes its stages (`SYSCURRENT` by default) from the versions
    /// that held them, the former `SYSCURRENT` becomes `SYSPREVIOUS`, and beyond
    /// [`MAX_VERSIONS_PER_SECRET`](csms_model::limits::MAX_VERSIONS_PER_SECRET) the oldest versions
    /// without a stage are removed.
    pub async fn create_version(
        &self,
        project: &str,
        name: &str,
        value: Payload,
        new: NewVersion,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        job!(self.write(project, name), |cx| add(cx, project, name, value, new, None, &origin))
    }

    /// Up to `limit` versions of the secret after the `after`-th, oldest first (never their values).
    pub async fn list_versions(
        &self,
        project: &str,
        name: &str,
        after: Option<i64>,
        limit: usize,
    ) -> StoreResult<Vec<VersionMetadata>> {
        let after = after.unwrap_or(0);
        job!(self.read(project, name), |cx| {
            let (_, stages) = usable_staged(cx.tx, project, name)?;
            let all = staged_versions(cx.tx, project, name, &stages)?;
            Ok(all.into_iter().filter(|v| v.seq > after).take(limit).map(|v| v.meta).collect())
        })
    }

    /// One version with its value, decrypted: `id` is `v{n}` or [`csms_model::LATEST`].
    pub async fn version(&self, project: &str, name: &str, id: &str) -> StoreResult<Version> {
        job!(self.read(project, name, id), |cx| open(cx, project, name, id))
    }

    /// The SYSCURRENT version of each named secret, with its value, in one read: a name that is unknown,
    /// pending deletion or without a current version is passed over (each is answered or refused on its
    /// own), and a name given twice is answered once.
    pub async fn current_versions(&self, project: &str, names: Vec<String>) -> StoreResult<Vec<Version>> {
        job!(self.read(project), |cx| {
            let mut out: Vec<Version> = Vec::with_capacity(names.len());
            for name in names {
                if out.iter().any(|v| v.version_metadata.secret_name == name) {
                    continue;
                }
                match open(cx, project, &name, LATEST) {
                    Ok(version) => out.push(version),
                    Err(StoreError::NotFound | StoreError::PendingDeletion | StoreError::VersionNotFound) => {
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        })
    }

    /// Sets a version's `expire_time` (stored in whole seconds), which fires once when the scan finds it
    /// due.
    pub async fn update_version(
        &self,
        project: &str,
        name: &str,
        id: &str,
        expire_time: i64,
        origin: Origin,
    ) -> StoreResult<VersionMetadata> {
        job!(self.write(project, name, id), |cx| update_version(
            cx.tx,
            project,
            name,
            id,
            expire_time,
            &origin
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::super::shared::version::version_id;
    use super::*;

    #[test]
    fn version_ids_and_expiry_seconds() {
        assert_eq!(csms_model::version_number(&version_id(20)), Some(20));
        for bad in ["v0", "v01", "v", "1", "vx", "v-1", "latest", "v99999999999999999999"] {
            assert_eq!(csms_model::version_number(bad), None, "{bad}");
        }
        assert_eq!(to_seconds(1_700_000_000_999), 1_700_000_000_000);
        assert_eq!(to_seconds(-1), -1000);
    }
}
