//! Grants: a resource (a secret, by name or id; or a group) granted to users or groups, each grantee
//! once, with an optional expiry. One document per resource in the project's settings; a secret's go
//! with it. A record only: a grant changes nobody's access here.

use csms_model::limits::MAX_GRANTEES_PER_RESOURCE;
use csms_model::{GrantData, GrantDto, GrantUserInfo};
use serde::{Deserialize, Serialize};

use super::shared::secret::{
    GRANTS_PREFIX, SECRET, by_id, group_grants_key, legacy_grants_key, load, secret_grants_key,
};
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

/// Where a resource's grants are kept: the key of its document among the project's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    key: String,
    /// The granted secret's name (a `SECRET` grant).
    name: Option<String>,
}

/// The secret `resource` names, by name or id.
fn named_secret(tx: &mut dyn Tx, project: &str, resource: &str) -> StoreResult<Option<csms_model::Secret>> {
    if let Some(secret) = load(tx, project, resource)? {
        return Ok(Some(secret));
    }
    match by_id(tx, project, resource) {
        Ok(secret) => Ok(Some(secret)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The place of the grants of `kind` on `resource`: a `SECRET` grant is kept under its secret's id,
/// whether it names the secret by name or by id ([`StoreError::NotFound`] when no secret of the project
/// has that name or id: the one check of CreateGrants and UpdateGrant); a `GROUP` grant under its own id,
/// apart from every secret's.
fn place(tx: &mut dyn Tx, project: &str, resource: &str, kind: &str) -> StoreResult<Place> {
    if kind == SECRET {
        let secret = named_secret(tx, project, resource)?.ok_or(StoreError::NotFound)?;
        return Ok(Place { key: secret_grants_key(&secret.id), name: Some(secret.name) });
    }
    Ok(Place { key: group_grants_key(resource), name: None })
}

/// The grants on `resource` as they are kept, whatever their kind: a secret's (it names one), else a
/// group's; then, for a store written before grants were kept by kind, the document under the resource
/// as given.
fn find(tx: &mut dyn Tx, project: &str, resource: &str) -> StoreResult<Option<(String, Grants)>> {
    let mut keys = Vec::with_capacity(3);
    if let Some(secret) = named_secret(tx, project, resource)? {
        keys.push(secret_grants_key(&secret.id));
    }
    keys.push(group_grants_key(resource));
    keys.push(legacy_grants_key(resource));
    for key in keys {
        if let Some(doc) = tx.setting(project, &key)? {
            return Ok(Some((key, serde_json::from_str(&doc)?)));
        }
    }
    Ok(None)
}

/// Writes `grants` at `key`, moving them off `from` (a legacy key, or the other kind's) when it differs.
fn save(tx: &mut dyn Tx, project: &str, key: &str, from: Option<&str>, grants: &Grants) -> StoreResult<()> {
    if let Some(from) = from.filter(|from| *from != key) {
        tx.remove_setting(project, from)?;
    }
    if grants.grantees.is_empty() {
        tx.remove_setting(project, key)?;
        return Ok(());
    }
    tx.put_setting(project, key, &serde_json::to_string(grants)?)
}

/// How many resources of the project carry grants.
fn granted_resources(tx: &mut dyn Tx, project: &str) -> StoreResult<u64> {
    Ok(tx.settings(project, GRANTS_PREFIX)?.len() as u64)
}

fn create(cx: &mut Cx<'_>, project: &str, new: NewGrant, quota: u64, now: i64) -> StoreResult<GrantData> {
    let place = place(cx.tx, project, &new.resource_id, &new.kind)?;
    let (from, existing) = match find(cx.tx, project, &new.resource_id)? {
        // Only grants of the same place: a group's grants are not a secret's of the same id.
        Some((key, grants))
            if key == place.key
                || (key == legacy_grants_key(&new.resource_id) && grants.kind == new.kind) =>
        {
            (Some(key), Some(grants))
        }
        _ => (None, cx.tx.setting(project, &place.key)?.map(|d| serde_json::from_str(&d)).transpose()?),
    };
    if existing.is_none() && granted_resources(cx.tx, project)? >= quota {
        return Err(StoreError::Invalid(format!(
            "The grant quota of this project ({quota} resources) has been reached; delete a grant first."
        )));
    }
    let mut grants = existing.unwrap_or(Grants {
        resource_id: new.resource_id.clone(),
        kind: new.kind.clone(),
        name: place.name.clone(),
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
    grants.name = place.name;
    grants.update_time = now;
    grants.grantees.push(grantee.clone());
    save(cx.tx, project, &place.key, from.as_deref(), &grants)?;
    Ok(grants.data(&grantee, now))
}

fn update(cx: &mut Cx<'_>, project: &str, new: NewGrant, now: i64) -> StoreResult<GrantData> {
    let (from, mut grants) = find(cx.tx, project, &new.resource_id)?.ok_or(StoreError::NotFound)?;
    let at = grants.grantees.iter().position(|g| g.user == new.grantee).ok_or(StoreError::NotFound)?;
    // The same check as CreateGrants: a SECRET grant names a secret of the project.
    let place = place(cx.tx, project, &new.resource_id, &new.kind)?;
    let mut grantee = grants.grantees.remove(at);
    grantee.grantee_type = new.grantee_type;
    grantee.validity_time = new.validity_time;
    grantee.update_time = now;
    if place.key == from || from == legacy_grants_key(&new.resource_id) {
        grants.grantees.insert(at, grantee.clone());
        grants.kind = new.kind;
        grants.name = place.name;
        grants.update_time = now;
        save(cx.tx, project, &place.key, Some(&from), &grants)?;
        return Ok(grants.data(&grantee, now));
    }
    // Another kind: the grantee moves to that kind's grants of the resource.
    save(cx.tx, project, &from, None, &grants)?;
    let doc = cx.tx.setting(project, &place.key)?;
    let mut there: Grants = match doc {
        Some(doc) => serde_json::from_str(&doc)?,
        None => Grants {
            resource_id: new.resource_id.clone(),
            kind: new.kind.clone(),
            name: place.name.clone(),
            create_time: now,
            update_time: now,
            grantees: Vec::new(),
        },
    };
    there.grantees.retain(|g| g.user != grantee.user);
    there.grantees.push(grantee.clone());
    there.update_time = now;
    save(cx.tx, project, &place.key, None, &there)?;
    Ok(there.data(&grantee, now))
}

fn delete(cx: &mut Cx<'_>, project: &str, resource: &str, grantee: Option<&str>) -> StoreResult<()> {
    let (key, mut grants) = find(cx.tx, project, resource)?.ok_or(StoreError::NotFound)?;
    match grantee {
        None => grants.grantees.clear(),
        Some(user) => {
            let before = grants.grantees.len();
            grants.grantees.retain(|g| g.user != user);
            if grants.grantees.len() == before {
                return Err(StoreError::NotFound);
            }
        }
    }
    save(cx.tx, project, &key, None, &grants)
}

impl Store {
    /// Grants a resource to a grantee at `now`: a `SECRET` must name a secret of the project (by name or
    /// id; else [`StoreError::NotFound`]); a grantee already granted is [`StoreError::AlreadyExists`];
    /// at most [`MAX_GRANTEES_PER_RESOURCE`] grantees.
    pub async fn create_grant(
        &self,
        project: &str,
        grant: NewGrant,
        quota: u64,
        now: i64,
    ) -> StoreResult<GrantData> {
        job!(self.write(project), |cx| create(cx, project, grant, quota, now))
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
                let (_, grants) = find(cx.tx, project, resource)?.ok_or(StoreError::NotFound)?;
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
