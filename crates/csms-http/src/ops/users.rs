//! The user directory of the caller's account (ListUsers, ShowUserDetail) and the caller's own password
//! (UpdateUserPassword): PBKDF2-HMAC-SHA256 in the store, compared in constant time, never logged or
//! answered.

use csms_model::{
    ErrorCode, ListUsersResponse, UpdateUserPasswordResponse, UserDetail, UserExtension, UserOrgRelation,
    UserSummary,
};
use csms_store::{PasswordRecord, StoreError};
use csms_validate::UsersQuery;
use subtle::ConstantTimeEq;

use super::{Call, Input, Json, State, together};
use crate::auth::Principal;
use crate::directory::DirectoryUser;
use crate::error::ApiError;

/// `YYYY-MM-DD HH:MM:SS.mmm`, UTC, as upstream writes the directory's times.
fn time_text(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

fn relations(user: &DirectoryUser) -> Vec<UserOrgRelation> {
    if user.org_id.is_empty() {
        return Vec::new();
    }
    vec![UserOrgRelation { org_id: user.org_id.clone(), relation_type: "1".into() }]
}

fn summary(user: &DirectoryUser, changed: Option<i64>) -> UserSummary {
    let updated = changed.unwrap_or(user.created_at).max(user.created_at);
    UserSummary {
        user_id: user.user_id.clone(),
        user_name: user.user_name.clone(),
        name: user.name.clone(),
        org_id: user.org_id.clone(),
        mobile: user.mobile.clone(),
        email: user.email.clone(),
        created_at: time_text(user.created_at),
        updated_at: time_text(updated),
        pwd_change_at: changed.map(time_text).unwrap_or_default(),
        pwd_must_modify: changed.is_none() && user.initial_password.is_none(),
        disabled: "false".into(),
        locked: "false".into(),
        grade: "1".into(),
        extension: "{}".into(),
        user_org_relation_list: relations(user),
    }
}

/// `GET /v1/csms/users?offset=&limit=&org_id=&user_info=`.
pub(crate) struct ListUsers {
    query: UsersQuery,
    principal: Option<Principal>,
}

impl Input for ListUsers {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let query = together(
            call.path_violations(),
            csms_validate::parse_users_query(call.parts.uri.query()).map_err(Into::into),
        )?;
        Ok(ListUsers { query, principal: call.parts.extensions.remove() })
    }
}

/// A page (`offset` is its number, from 0) of the account's users, filtered by organisation and by a
/// part of the name or login name, in any case.
pub(crate) async fn list(state: &State, input: ListUsers) -> Result<Json<ListUsersResponse>, ApiError> {
    let account = state.account_of(input.principal.as_ref());
    let UsersQuery { page, limit, org_id, user_info } = input.query;
    let changes = state.store.password_changes(&account).await.map_err(ApiError::internal)?;
    // `user_info` is a search: a part of the login or display name, in any case.
    let info = user_info.map(|i| i.to_lowercase());
    let found = |text: &str, part: &str| text.to_lowercase().contains(part);
    let matching: Vec<&DirectoryUser> = state
        .directory
        .of(&account)
        .into_iter()
        .filter(|u| org_id.as_ref().is_none_or(|o| &u.org_id == o))
        .filter(|u| info.as_ref().is_none_or(|i| found(&u.user_name, i) || found(&u.name, i)))
        .collect();
    let users = matching
        .iter()
        .skip((page.saturating_mul(limit)) as usize)
        .take(limit as usize)
        .map(|u| summary(u, changes.get(&u.user_id).copied()))
        .collect();
    Ok(Json(ListUsersResponse { total: matching.len() as i64, users }))
}

/// `GET /v1/csms/users/{user_id}`.
pub(crate) struct ShowUser {
    id: String,
    principal: Option<Principal>,
}

impl Input for ShowUser {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        together(call.path_violations(), Ok(()))?;
        Ok(ShowUser { id: call.user_id()?, principal: call.parts.extensions.remove() })
    }
}

pub(crate) async fn show(state: &State, input: ShowUser) -> Result<Json<UserDetail>, ApiError> {
    let account = state.account_of(input.principal.as_ref());
    let Some(user) = state.directory.user(&account, &input.id) else {
        let message = format!("The account has no user '{}'.", input.id);
        return Err(ApiError::new(ErrorCode::NotFound, message));
    };
    let record = state.store.password(&account, &user.user_id).await.map_err(ApiError::internal)?;
    let s = summary(user, record.map(|r| r.changed_at));
    Ok(Json(UserDetail {
        user_id: s.user_id,
        user_name: s.user_name,
        name: s.name,
        org_id: s.org_id,
        domain_id: account,
        mobile: s.mobile,
        email: s.email,
        created_at: s.created_at,
        updated_at: s.updated_at,
        pwd_change_at: s.pwd_change_at,
        pwd_must_modify: s.pwd_must_modify,
        disabled: false,
        locked: s.locked,
        grade: 1,
        extension: UserExtension {},
        user_org_relation_list: s.user_org_relation_list,
    }))
}

/// `POST /v1/csms/users/change-password`.
pub(crate) struct ChangePassword {
    body: csms_model::UpdateUserPasswordRequestBody,
    principal: Option<Principal>,
}

impl Input for ChangePassword {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let body = together(call.path_violations(), csms_validate::parse_user_password_body(&call.body))?;
        Ok(ChangePassword { body, principal: call.parts.extensions.remove() })
    }
}

/// PBKDF2-HMAC-SHA256 rounds of a stored password.
const ROUNDS: u32 = 100_000;

/// `pbkdf2-sha256$<rounds>$<salt hex>$<hash hex>`.
fn hash(password: &str, salt: &[u8], rounds: u32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password.as_bytes(), salt, rounds, &mut out);
    format!("pbkdf2-sha256${rounds}${}${}", hex::encode(salt), hex::encode(out))
}

/// Whether `password` is the one `stored` was made from, compared in constant time.
fn verify(password: &str, stored: &str) -> bool {
    let parts: Vec<&str> = stored.split('$').collect();
    let [_, rounds, salt, _] = parts.as_slice() else { return false };
    let (Ok(rounds), Ok(salt)) = (rounds.parse::<u32>(), hex::decode(salt)) else { return false };
    bool::from(hash(password, &salt, rounds).as_bytes().ct_eq(stored.as_bytes()))
}

/// Changes the caller's own password: the credentials must name a user of the account, and
/// `old_password` must be its current one (its first, or empty for a user who never had one).
pub(crate) async fn change_password(
    state: &State,
    input: ChangePassword,
) -> Result<Json<UpdateUserPasswordResponse>, ApiError> {
    let ChangePassword { body, principal } = input;
    let account = state.account_of(principal.as_ref());
    let Some(user) =
        principal.as_ref().and_then(|p| p.user.as_deref()).and_then(|u| state.directory.user(&account, u))
    else {
        let message = "These credentials name no user of the account: a password belongs to a user.";
        return Err(ApiError::new(ErrorCode::InvalidParameter, message));
    };
    // Locked by recent wrong old passwords: refused before any hashing.
    let who = format!("{account}/{}", user.user_id);
    state.passwords.check(&who, state.clock.now_ms())?;
    let current = state.store.password(&account, &user.user_id).await.map_err(ApiError::internal)?;
    let seen = current.map(|r| r.hash);
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let (new, old) = (body.password.expose().to_owned(), body.old_password.expose().to_owned());
    let initial = user.initial_password.clone();
    let stored = seen.clone();
    // PBKDF2 takes tens of milliseconds: off the runtime's threads, outside the store's transaction, and
    // in the guard's bounded pool.
    let slot = state.passwords.slot().await?;
    let hashed = tokio::task::spawn_blocking(move || {
        let matches = match &stored {
            Some(stored) => verify(&old, stored),
            None => bool::from(old.as_bytes().ct_eq(initial.as_deref().unwrap_or_default().as_bytes())),
        };
        matches.then(|| hash(&new, &salt, ROUNDS))
    })
    .await
    .map_err(ApiError::internal)?;
    drop(slot);
    let wrong =
        || ApiError::new(ErrorCode::InvalidParameter, "The old_password is not the user's current password.");
    let Some(hashed) = hashed else {
        state.passwords.failed(&who, state.clock.now_ms());
        return Err(wrong());
    };
    state.passwords.succeeded(&who);
    let record = PasswordRecord { hash: hashed, changed_at: state.clock.now_ms() };
    // A change made meanwhile from the same record wins: the old password given is no longer current.
    match state.store.change_password(&account, &user.user_id, seen, record).await {
        Ok(()) => Ok(Json(UpdateUserPasswordResponse { user_id: user.user_id.clone() })),
        Err(StoreError::PreconditionFailed) => Err(wrong()),
        Err(e) => Err(ApiError::internal(e)),
    }
}
