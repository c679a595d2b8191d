//! The credentials file, and the development credentials made when there is none.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use csms_http::auth::{ProjectScope, StaticCredentials};
use csms_model::Accounts;
use serde::{Deserialize, Serialize};

/// The TOML credentials file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CredentialsFile {
    #[serde(default, rename = "token")]
    pub(crate) tokens: Vec<TokenEntry>,
    #[serde(default, rename = "access_key")]
    pub(crate) access_keys: Vec<AccessKeyEntry>,
    /// Accounts grouping projects: an event may notify the SMN topics of the projects of its account.
    #[serde(default, rename = "account", skip_serializing_if = "Vec::is_empty")]
    pub(crate) accounts: Vec<AccountEntry>,
    /// The user directory (ListUsers, ShowUserDetail, UpdateUserPassword).
    #[serde(default, rename = "user", skip_serializing_if = "Vec::is_empty")]
    pub(crate) users: Vec<UserEntry>,
    /// When the file was last written, epoch milliseconds: the directory's users' creation time.
    #[serde(skip)]
    pub(crate) written_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserEntry {
    pub(crate) user_id: String,
    pub(crate) user_name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) name: String,
    /// The account the user belongs to: an `[[account]]` name, `project:<id>` for a project of no
    /// account, or `*` (the account of credentials valid for every project). Absent: the account of the
    /// credentials that name the user, or `*` when none does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) account: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) org_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) mobile: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub(crate) email: String,
    /// The first password, until UpdateUserPassword changes it (absent: the first change takes an empty
    /// old_password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) password: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountEntry {
    pub(crate) name: String,
    /// The account's project ids.
    pub(crate) projects: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenEntry {
    pub(crate) token: String,
    /// `["*"]` for every project, else project ids.
    pub(crate) projects: Vec<String>,
    /// The `[[user]]` these credentials are, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessKeyEntry {
    pub(crate) ak: String,
    pub(crate) sk: String,
    pub(crate) projects: Vec<String>,
    /// The `[[user]]` these credentials are, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user: Option<String>,
}

/// Shortest token accepted from a file: anything shorter is guessable.
const MIN_TOKEN_LEN: usize = 16;

impl CredentialsFile {
    pub(crate) fn parse(text: &str) -> anyhow::Result<Self> {
        let mut file: CredentialsFile = toml::from_str(text)?;
        if file.tokens.is_empty() && file.access_keys.is_empty() {
            bail!("no [[token]] or [[access_key]] entries: nobody could call the service");
        }
        for (i, t) in file.tokens.iter().enumerate() {
            if t.token.len() < MIN_TOKEN_LEN {
                bail!("token #{} is shorter than {MIN_TOKEN_LEN} characters", i + 1);
            }
            if t.projects.is_empty() {
                bail!("token #{} has an empty `projects` list (use [\"*\"] for every project)", i + 1);
            }
        }
        for k in &file.access_keys {
            if k.ak.is_empty() || k.sk.is_empty() {
                bail!("an [[access_key]] has an empty ak or sk");
            }
            if k.projects.is_empty() {
                bail!("access key {} has an empty `projects` list (use [\"*\"] for every project)", k.ak);
            }
        }
        let mut owners = std::collections::HashMap::new();
        for account in &file.accounts {
            if account.name.is_empty() || account.projects.is_empty() {
                bail!("an [[account]] needs a name and at least one project");
            }
            for project in &account.projects {
                if project == "*" {
                    bail!(
                        "account {}: \"*\" is not a project (list the account's project ids)",
                        account.name
                    );
                }
                if let Some(other) = owners.insert(project.as_str(), account.name.as_str()) {
                    bail!("project {project} is in two accounts ({other} and {})", account.name);
                }
            }
        }
        let mut ids = std::collections::HashSet::new();
        for user in &file.users {
            if user.user_id.is_empty() || user.user_name.is_empty() {
                bail!("a [[user]] needs a user_id and a user_name");
            }
            if !ids.insert(user.user_id.as_str()) {
                bail!("two [[user]] entries have the user_id {}", user.user_id);
            }
        }
        // Each credential naming a user acts for that user's account (ListUsers, UpdateUserPassword).
        let accounts = file.to_accounts();
        let tokens = file.tokens.iter().map(|t| (&t.user, &t.projects, "a token".to_owned()));
        let keys = file.access_keys.iter().map(|k| (&k.user, &k.projects, format!("access key {}", k.ak)));
        let named: Vec<(String, String, String)> = tokens
            .chain(keys)
            .filter_map(|(user, projects, what)| {
                let account = ProjectScope::from_list(projects).account(&accounts);
                user.clone().map(|user| (user, account, what))
            })
            .collect();
        for (user, account, what) in &named {
            let Some(entry) = file.users.iter_mut().find(|u| &u.user_id == user) else {
                bail!("credentials name the user {user}, which no [[user]] declares");
            };
            match &entry.account {
                None => entry.account = Some(account.clone()),
                Some(declared) if declared != account => bail!(
                    "{what} names the user {user} of account {declared} but acts for account {account} \
                     (its projects decide its account)"
                ),
                Some(_) => {}
            }
        }
        Ok(file)
    }

    /// The accounts of the file.
    pub(crate) fn to_accounts(&self) -> Accounts {
        self.accounts.iter().fold(Accounts::default(), |all, a| all.with_account(&a.name, &a.projects))
    }

    pub(crate) fn load(path: &Path) -> anyhow::Result<Self> {
        let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let mut file =
            Self::parse(&text).with_context(|| format!("in credentials file {}", path.display()))?;
        let written = fs::metadata(path).and_then(|m| m.modified()).ok();
        let since_epoch = written.and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        file.written_at = since_epoch.map_or(0, |d| d.as_millis() as i64);
        Ok(file)
    }

    pub(crate) fn to_static(&self) -> StaticCredentials {
        let mut credentials = StaticCredentials::new();
        for t in &self.tokens {
            let scope = ProjectScope::from_list(&t.projects);
            credentials = credentials.with_user_token(&t.token, scope, t.user.clone());
        }
        for k in &self.access_keys {
            let scope = ProjectScope::from_list(&k.projects);
            credentials = credentials.with_user_access_key(&k.ak, &k.sk, scope, k.user.clone());
        }
        credentials
    }

    /// The user directory of the file.
    pub(crate) fn to_directory(&self) -> csms_http::Directory {
        self.users.iter().fold(csms_http::Directory::default(), |directory, u| {
            directory.with_user(csms_http::DirectoryUser {
                user_id: u.user_id.clone(),
                user_name: u.user_name.clone(),
                name: if u.name.is_empty() { u.user_name.clone() } else { u.name.clone() },
                account: u.account.clone().unwrap_or_else(|| "*".to_owned()),
                org_id: u.org_id.clone(),
                mobile: u.mobile.clone(),
                email: u.email.clone(),
                initial_password: u.password.clone(),
                created_at: self.written_at,
            })
        })
    }
}

fn random_hex(bytes: usize) -> anyhow::Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    Ok(hex::encode(buf))
}

/// The development credentials file in `data_dir`, made on first start (mode 0600) and reused after.
pub(crate) fn development(data_dir: &Path) -> anyhow::Result<(PathBuf, CredentialsFile)> {
    let path = data_dir.join("dev-credentials.toml");
    if path.exists() {
        return Ok((path.clone(), CredentialsFile::load(&path)?));
    }
    let all = vec!["*".to_owned()];
    let developer = "developer".to_owned();
    let file = CredentialsFile {
        tokens: vec![TokenEntry {
            token: random_hex(32)?,
            projects: all.clone(),
            user: Some(developer.clone()),
        }],
        access_keys: vec![AccessKeyEntry {
            ak: format!("DEV{}", random_hex(9)?.to_uppercase()),
            sk: random_hex(20)?,
            projects: all,
            user: Some(developer.clone()),
        }],
        accounts: Vec::new(),
        users: vec![UserEntry {
            user_id: developer.clone(),
            user_name: developer,
            name: "Developer".into(),
            account: None,
            org_id: String::new(),
            mobile: String::new(),
            email: String::new(),
            password: None,
        }],
        written_at: 0,
    };
    let text = format!(
        "# Development credentials made by csms-server on first start; valid for every project.\n\
         # Point --credentials (CSMS_CREDENTIALS) at a file of your own for anything else.\n{}",
        toml::to_string(&file)?
    );
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut out = options.open(&path).with_context(|| format!("creating {}", path.display()))?;
    out.write_all(text.as_bytes())?;
    out.sync_all()?;
    drop(out);
    Ok((path.clone(), CredentialsFile::load(&path)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_shape() {
        let file = CredentialsFile::parse(
            r#"
            [[token]]
            token = "a-long-random-string"
            projects = ["*"]

            [[access_key]]
            ak = "AK0001"
            sk = "SK0001"
            projects = ["0123456789abcdef0123456789abcdef"]
            "#,
        )
        .unwrap();
        assert_eq!(file.tokens[0].projects, ["*"]);
        assert_eq!(file.access_keys[0].ak, "AK0001");
    }

    #[test]
    fn accounts_group_projects_once_each() {
        let file = CredentialsFile::parse(
            r#"
            [[token]]
            token = "a-long-random-string"
            projects = ["*"]

            [[account]]
            name = "acme"
            projects = ["p1", "p2"]
            "#,
        )
        .unwrap();
        assert!(file.to_accounts().same_owner("p1", "p2"));
        assert!(!file.to_accounts().same_owner("p1", "p3"));
        let twice = "[[token]]\ntoken = \"long-enough-token-1\"\nprojects = [\"*\"]\n\
                     [[account]]\nname = \"a\"\nprojects = [\"p\"]\n[[account]]\nname = \"b\"\nprojects = [\"p\"]";
        assert!(CredentialsFile::parse(twice).unwrap_err().to_string().contains("two accounts"));
    }

    #[test]
    fn users_are_declared_once_and_named_by_credentials() {
        let file = CredentialsFile::parse(
            r#"
            [[token]]
            token = "a-long-random-string"
            projects = ["p1"]
            user = "u1"

            [[user]]
            user_id = "u1"
            user_name = "alice"
            account = "project:p1"
            password = "first-password"
            "#,
        )
        .unwrap();
        assert_eq!(file.users[0].account.as_deref(), Some("project:p1"));
        let inferred = "[[account]]\nname = \"acme\"\nprojects = [\"p2\", \"p1\"]\n\
                        [[access_key]]\nak = \"AK1\"\nsk = \"a-long-secret-key\"\nprojects = [\"p1\"]\nuser = \"u\"\n\
                        [[user]]\nuser_id = \"u\"\nuser_name = \"a\"\n[[user]]\nuser_id = \"v\"\nuser_name = \"b\"";
        let file = CredentialsFile::parse(inferred).unwrap();
        let accounts: Vec<_> = file.users.iter().map(|u| u.account.as_deref()).collect();
        assert_eq!(accounts, [Some("acme"), None], "the account of the credentials naming the user");
        let elsewhere = "[[token]]\ntoken = \"long-enough-token-1\"\nprojects = [\"p1\"]\nuser = \"u\"\n\
                         [[user]]\nuser_id = \"u\"\nuser_name = \"a\"\naccount = \"*\"";
        let refused = CredentialsFile::parse(elsewhere).unwrap_err().to_string();
        assert!(refused.contains("acts for account project:p1"), "{refused}");
        let undeclared = "[[token]]\ntoken = \"long-enough-token-1\"\nprojects = [\"*\"]\nuser = \"nobody\"";
        assert!(CredentialsFile::parse(undeclared).unwrap_err().to_string().contains("no [[user]] declares"));
        let twice = "[[token]]\ntoken = \"long-enough-token-1\"\nprojects = [\"*\"]\n\
                     [[user]]\nuser_id = \"u\"\nuser_name = \"a\"\n[[user]]\nuser_id = \"u\"\nuser_name = \"b\"";
        assert!(CredentialsFile::parse(twice).unwrap_err().to_string().contains("two [[user]]"));
    }

    #[test]
    fn rejects_files_that_would_lock_everyone_out_or_are_weak() {
        assert!(CredentialsFile::parse("").is_err());
        assert!(CredentialsFile::parse("[[token]]\ntoken = \"short\"\nprojects = [\"*\"]").is_err());
        assert!(CredentialsFile::parse("[[token]]\ntoken = \"long-enough-token-1\"\nprojects = []").is_err());
        assert!(
            CredentialsFile::parse(
                "[[token]]\ntoken = \"long-enough-token-1\"\nprojects = [\"*\"]\nextra = 1"
            )
            .is_err()
        );
    }

    #[test]
    fn development_credentials_are_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let (path, first) = development(dir.path()).unwrap();
        let (_, second) = development(dir.path()).unwrap();
        assert_eq!(first, second);
        assert_eq!(first.tokens[0].token.len(), 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(fs::metadata(path).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
