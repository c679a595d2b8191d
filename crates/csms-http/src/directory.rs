//! The user directory: the users an account declares (in `csms-server`, the credentials file's
//! `[[user]]` entries), for ListUsers and ShowUserDetail; UpdateUserPassword changes a user's password,
//! kept hashed in the store.

/// One user of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryUser {
    /// The user's id (what grants and credentials name).
    pub user_id: String,
    /// The login name.
    pub user_name: String,
    /// The display name.
    pub name: String,
    /// The account the user belongs to (as `account_of` names accounts: an `[[account]]` name,
    /// `project:<id>`, or `*`).
    pub account: String,
    /// The user's organisation.
    pub org_id: String,
    /// A phone number, or empty.
    pub mobile: String,
    /// An e-mail address, or empty.
    pub email: String,
    /// The first password, checked as UpdateUserPassword's `old_password` until a change; `None`: the
    /// first change takes an empty `old_password`.
    pub initial_password: Option<String>,
    /// When the user was declared, epoch milliseconds.
    pub created_at: i64,
}

/// Every user of every account.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directory {
    users: Vec<DirectoryUser>,
}

impl Directory {
    /// Adds a user.
    pub fn with_user(mut self, user: DirectoryUser) -> Self {
        self.users.push(user);
        self
    }

    /// The users of `account`, in id order.
    pub(crate) fn of(&self, account: &str) -> Vec<&DirectoryUser> {
        let mut users: Vec<&DirectoryUser> = self.users.iter().filter(|u| u.account == account).collect();
        users.sort_by(|a, b| a.user_id.cmp(&b.user_id));
        users
    }

    /// The user `id` of `account`.
    pub(crate) fn user(&self, account: &str, id: &str) -> Option<&DirectoryUser> {
        self.users.iter().find(|u| u.account == account && u.user_id == id)
    }
}
