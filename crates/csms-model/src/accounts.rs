//! Who owns what: SMN topic URNs, and accounts that group projects.

use std::collections::HashMap;

/// The project of an SMN topic URN `urn:smn:{region}:{project}:{topic}`, if `urn` is one (a topic name is
/// 1 to 255 of `[A-Za-z0-9_-]`, starting with a letter or digit).
///
/// ```
/// assert_eq!(csms_model::topic_project("urn:smn:cn-north-4:0123abc:alerts"), Some("0123abc"));
/// assert_eq!(csms_model::topic_project("demo-smn-id"), None);
/// ```
pub fn topic_project(urn: &str) -> Option<&str> {
    let mut parts = urn.split(':');
    let (Some("urn"), Some("smn"), Some(region), Some(project), Some(topic), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    let name_ok = topic.len() <= 255
        && topic.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    (!region.is_empty() && !project.is_empty() && name_ok).then_some(project)
}

/// Accounts, each owning some projects (the credentials file's `[[account]]` entries). A project belongs
/// to at most one account; a project in none is its own owner.
///
/// ```
/// let accounts = csms_model::Accounts::default().with_account("acme", ["p1", "p2"]);
/// assert!(accounts.same_owner("p1", "p2"));
/// assert!(accounts.same_owner("p3", "p3"));
/// assert!(!accounts.same_owner("p1", "p3"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Accounts {
    owner: HashMap<String, String>,
}

impl Accounts {
    /// Adds the account `name` owning `projects`.
    pub fn with_account<P: Into<String>>(
        mut self,
        name: &str,
        projects: impl IntoIterator<Item = P>,
    ) -> Self {
        for project in projects {
            self.owner.insert(project.into(), name.to_owned());
        }
        self
    }

    /// The account owning `project`, if any.
    pub fn account_of(&self, project: &str) -> Option<&str> {
        self.owner.get(project).map(String::as_str)
    }

    /// Whether `a` and `b` are the same project, or projects of one account.
    pub fn same_owner(&self, a: &str, b: &str) -> bool {
        a == b || self.account_of(a).is_some_and(|account| self.account_of(b) == Some(account))
    }

    /// Whether a notification of `project` may go to `target_id`: a topic URN of the project itself or of a
    /// project of its account. A target id that is not a topic URN names no project and passes here (its
    /// delivery is INVALID).
    pub fn may_notify(&self, project: &str, target_id: &str) -> bool {
        topic_project(target_id).is_none_or(|topic| self.same_owner(project, topic))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_urns() {
        assert_eq!(topic_project("urn:smn:cn-north-4:0123abc:topic-1"), Some("0123abc"));
        for bad in [
            "demo-smn-id",
            "urn:smn:r:p",
            "urn:smn:r:p:t:x",
            "urn:sns:r:p:t",
            "urn:smn::p:t",
            "urn:smn:r:p:-t",
        ] {
            assert_eq!(topic_project(bad), None, "{bad}");
        }
    }

    #[test]
    fn targets_of_other_owners_are_refused() {
        let accounts = Accounts::default().with_account("acme", ["p", "q"]);
        assert!(accounts.may_notify("p", "urn:smn:r:p:t"));
        assert!(accounts.may_notify("p", "urn:smn:r:q:t"), "the same account");
        assert!(!accounts.may_notify("p", "urn:smn:r:victim:t"));
        assert!(!Accounts::default().may_notify("p", "urn:smn:r:q:t"));
        assert!(accounts.may_notify("p", "demo-smn-id"), "not a topic: refused at delivery");
    }
}
