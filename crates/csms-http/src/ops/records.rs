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
        Ok(ListRecords { project: call.project() })
    }
}

/// The records of the last [`RECORD_RETENTION_DAYS`] days, newest first, at most [`RECORDS_MAX`].
///
/// The stored documents are the records as `Record` serialises them (checked by the store): the answer
/// is `ListNotificationRecordsResponse` written around them, not decoded and encoded again.
pub(crate) async fn list(state: &State, input: ListRecords) -> Result<RawJson, ApiError> {
    let since = state.clock.now_ms() - RECORD_RETENTION_DAYS * MS_PER_DAY;
    let records =
        state.store.record_documents(&input.project, since, RECORDS_MAX).await.map_err(ApiError::internal)?;
    let page_info = PageInfo { current_count: records.len() as i32, ..PageInfo::default() };
    let page_info = serde_json::to_string(&page_info).map_err(ApiError::internal)?;
    let mut body =
        String::with_capacity(records.iter().map(|r| r.len() + 1).sum::<usize>() + page_info.len() + 32);
    body.push_str(r#"{"records":["#);
    body.push_str(&records.join(","));
    body.push_str(r#"],"page_info":"#);
    body.push_str(&page_info);
    body.push('}');
    Ok(RawJson(body))
}
