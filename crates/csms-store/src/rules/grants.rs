//! Grants: a resource (a secret, by name or id; or a group) granted to users or groups, each grantee
//! once, with an optional expiry. One document per resource in the project's settings; a secret's go
//! with it. A record only: a grant changes nobody's access here.

use csms_model::limits::MAX_GRANTEES_PER_RESOURCE;
use csms_model::{GrantData, GrantDto, GrantUserInfo};
use serde::{Deserialize, Serialize};

use super::shared::secret::{by_id, grant_key, load};
use crate::backend::Tx;
use crate::store::{Cx, job};
use crate::{Store, StoreError, StoreResult};

/// A grant to make or change: what CreateGrants and UpdateGrant carry, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGrant {
    /// The resource.
    pub resource_id: String,
    /// `SECRET` or `GROUP`.
    pub kind: String,
    /// `"0"` (a user) or `"2"` (a group).
    pub grantee_type: String,
    /// The grantee.
    pub grantee: String,
    /// The end of the grant's last day, epoch milliseconds.
    pub validity_time: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grantee {
    uuid: String,
    user: String,
    grantee_type: String,
    create_time: i64,
    update_time: i64,
    validity_time: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Grants {
    resource_id: String,
    kind: String,
    name: Option<String>,
    create_time: i64,
    update_time: i64,
    grantees: Vec<Grantee>,
}

impl Grants {
    fn data(&self, grantee: &Grantee, now: i64) -> GrantData {
        GrantData {
            uuid: grantee.uuid.clone(),
            resource_id: self.resource_id.clone(),
            r#type: self.kind.clone(),
            grantee_user: grantee.user.clone(),
            create_time: grantee.create_time,
            update_time: grantee.update_time,
            validity_time: grantee.validity_time,
            state: i32::from(grantee.validity_time.is_some_and(|t| t < now)),
            signature: String::new(),
        }
    }
}

fn load_grants(tx: &mut dyn Tx, project: &str, resource: &str) -> StoreResult<Option<Grants>> {
    let doc = tx.setting(project, &grant_key(resource))?;
    Ok(doc.map(|d| serde_json::from_str(&d)).transpose()?)
}

fn save(tx: &mut dyn Tx, project: &str, grants: &Grants) -> StoreResult<()> {
    tx.put_setting(project, &grant_key(&grants.resource_id), &serde_json::to_string(grants)?)
}

/// The name of the secret a `SECRET` grant names (by name or id), or [`StoreError::NotFound`].
fn secret_name(tx: &mut dyn Tx, project: &str, resource: &str) -> StoreResult<String> {
    if let Some(secret) = load(tx, project, resource)? {
        return Ok(secret.name);
    }
    Ok(by_id(tx, project, resource)?.name)
}

fn create(cx: &mut Cx<'_>, project: &str, new: NewGrant, now: i64) -> StoreResult<GrantData> {
    let name = match new.kind.as_str() {
        "SECRET" => Some(secret_name(cx.tx, project, &new.resource_id)?),
        _ => None,
    };
    let mut grants = load_grants(cx.tx, project, &new.resource_id)?.unwrap_or(Grants {
        resource_id: new.resource_id.clone(),
        kind: new.kind.clone(),
        name,
        create_time: now,
        update_time: now,
        grantees: Vec::new(),
    });
    if grants.grantees.iter().any(|g| g.user == new.grantee) {
        return Err(StoreError::AlreadyExists);
    }
    if grants.grantees.len() >= MAX_GRANTEES_PER_RESOURCE {
        return Err(StoreError::Invalid(format!(
            "A resource is granted to at most {MAX_GRANTEES_PER_RESOURCE} grantees."
        )));
    }
    let grantee = Grantee {
        uuid: uuid::Uuid::new_v4().hyphenated().to_string(),
        user: new.grantee,
        grantee_type: new.grantee_type,
        create_time: now,
        update_time: now,
        validity_time: new.validity_time,
    };
    grants.kind = new.kind;
    grants.update_time = now;
    grants.grantees.push(grantee.clone());
    save(cx.tx, project, &grants)?;
    Ok(grants.data(&grantee, now))
}

fn update(cx: &mut Cx<'_>, project: &str, new: NewGrant, now: i64) -> StoreResult<GrantData> {
    let mut grants = load_grants(cx.tx, project, &new.resource_id)?.ok_or(StoreError::NotFound)?;
    let grantee = grants.grantees.iter_mut().find(|g| g.user == new.grantee).ok_or(StoreError::NotFound)?;
    grantee.grantee_type = new.grantee_type;
    grantee.validity_time = new.validity_time;
    grantee.update_time = now;
    let grantee = grantee.clone();
    grants.kind = new.kind;
    grants.update_time = now;
    save(cx.tx, project, &grants)?;
    Ok(grants.data(&grantee, now))
}

fn delete(cx: &mut Cx<'_>, project: &str, resource: &str, grantee: Option<&str>) -> StoreResult<()> {
    let key = grant_key(resource);
    let Some(mut grants) = load_grants(cx.tx, project, resource)? else {
        return Err(StoreError::NotFound);
    };
    match grantee {
        None => {
            cx.tx.remove_setting(project, &key)?;
        }
        Some(user) => {
            let before = grants.grantees.len();
            grants.grantees.retain(|g| g.user != user);
            if grants.grantees.len() == before {
                return Err(StoreError::NotFound);
            }
            if grants.grantees.is_empty() {
                cx.tx.remove_setting(project, &key)?;
            } else {
                save(cx.tx, project, &grants)?;
            }
        }
    }
    Ok(())
}

impl Store {
    /// Grants a resource to a grantee at `now`: a `SECRET` must name a secret of the project (by name or
    /// id; else [`StoreError::NotFound`]); a grantee already granted is [`StoreError::AlreadyExists`];
    /// at most [`MAX_GRANTEES_PER_RESOURCE`] grantees.
    pub async fn create_grant(&self, project: &str, grant: NewGrant, now: i64) -> StoreResult<GrantData> {
        job!(self.write(project), |cx| create(cx, project, grant, now))
    }

    /// The grants of a resource ([`StoreError::NotFound`] if none); a grantee's name is `names`' for it,
    /// or its id.
    pub async fn grants(
        &self,
        project: &str,
        resource: &str,
        names: std::collections::HashMap<String, String>,
    ) -> StoreResult<GrantDto> {
        job!(self.read(project, resource), |cx| {
            {
                let grants = load_grants(cx.tx, project, resource)?.ok_or(StoreError::NotFound)?;
                Ok(GrantDto {
                    id: grants.resource_id,
                    name: grants.name,
                    r#type: Some(grants.kind),
                    create_time: grants.create_time,
                    update_time: Some(grants.update_time),
                    grantee_user: grants
                        .grantees
                        .into_iter()
                        .map(|g| GrantUserInfo {
                            user_name: names.get(&g.user).cloned().unwrap_or_else(|| g.user.clone()),
                            user_id: g.user,
                            create_time: g.create_time,
                            validity_time: g.validity_time,
                        })
                        .collect(),
                })
            }
        })
    }

    /// Changes a grantee's grant (its kind and expiry): [`StoreError::NotFound`] if not granted.
    pub async fn update_grant(&self, project: &str, grant: NewGrant, now: i64) -> StoreResult<GrantData> {
        job!(self.write(project), |cx| update(cx, project, grant, now))
    }

    /// Removes a grantee's grant, or every grant of the resource (`grantee` `None`);
    /// [`StoreError::NotFound`] if there was none.
    pub async fn delete_grants(
        &self,
        project: &str,
        resource: &str,
        grantee: Option<&str>,
    ) -> StoreResult<()> {
        let grantee = grantee.map(str::to_owned);
        job!(self.write(project, resource), |cx| delete(cx, project, resource, grantee.as_deref()))
    }
}
