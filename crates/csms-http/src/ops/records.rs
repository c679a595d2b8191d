//! The notification record resource: ListNotificationRecords.

use csms_model::limits::{MS_PER_DAY, RECORD_RETENTION_DAYS, RECORDS_MAX};
use csms_model::{ListNotificationRecordsResponse, PageInfo};

use super::{Call, Input, Json, State, together};
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
pub(crate) async fn list(
    state: &State,
    input: ListRecords,
) -> Result<Json<ListNotificationRecordsResponse>, ApiError> {
    let since = state.clock.now_ms() - RECORD_RETENTION_DAYS * MS_PER_DAY;
    let records =
        state.store.records(&input.project, since, RECORDS_MAX).await.map_err(ApiError::internal)?;
    let page_info = PageInfo { current_count: records.len() as i32, ..PageInfo::default() };
    Ok(Json(ListNotificationRecordsResponse { records, page_info }))
}
