//! The notification record resource: ListNotificationRecords.

use csms_model::PageInfo;
use csms_model::limits::{MS_PER_DAY, RECORD_RETENTION_DAYS, RECORDS_MAX};

use super::{Call, Input, RawJson, State, together};
use crate::error::ApiError;

/// `GET /notification-records`.
pub(crate) struct ListRecords {
    project: String,
}

impl Input for ListRecords {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(ListRecords { project: call.project()? })
    }
}

/// The records of the last [`RECORD_RETENTION_DAYS`] days, newest first, at most [`RECORDS_MAX`].
///
/// The stored documents are the records as `Record` serialises them: the answer is
/// `ListNotificationRecordsResponse` written around them.
pub(crate) async fn list(state: &State, input: ListRecords) -> Result<RawJson, ApiError> {
    let since = state.clock.now_ms() - RECORD_RETENTION_DAYS * MS_PER_DAY;
    let records =
        state.store.record_documents(&input.project, since, RECORDS_MAX).await.map_err(ApiError::internal)?;
    let page_info = PageInfo { current_count: records.len() as i32, ..PageInfo::default() };
    RawJson::page("records", records.iter().map(String::as_str), &page_info)
}
