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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccessKeyEntry {
    pub(crate) ak: String,
    pub(crate) sk: String,
    pub(crate) projects: Vec<String>,
}

/// Shortest token accepted from a file: anything shorter is guessable.
const MIN_TOKEN_LEN: usize = 16;

impl CredentialsFile {
    pub(crate) fn parse(text: &str) -> anyhow::Result<Self> {
        let file: CredentialsFile = toml::from_str(text)?;
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
        Ok(file)
    }

    /// The accounts of the file.
    pub(crate) fn to_accounts(&self) -> Accounts {
        self.accounts.iter().fold(Accounts::default(), |all, a| all.with_account(&a.name, &a.projects))
    }

    pub(crate) fn load(path: &Path) -> anyhow::Result<Self> {
        let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in credentials file {}", path.display()))
    }

    pub(crate) fn to_static(&self) -> StaticCredentials {
        let mut credentials = StaticCredentials::new();
        for t in &self.tokens {
            credentials = credentials.with_token(&t.token, ProjectScope::from_list(&t.projects));
        }
        for k in &self.access_keys {
            credentials = credentials.with_access_key(&k.ak, &k.sk, ProjectScope::from_list(&k.projects));
        }
        credentials
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
    let file = CredentialsFile {
        tokens: vec![TokenEntry { token: random_hex(32)?, projects: all.clone() }],
        access_keys: vec![AccessKeyEntry {
            ak: format!("DEV{}", random_hex(9)?.to_uppercase()),
            sk: random_hex(20)?,
            projects: all,
        }],
        accounts: Vec::new(),
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
    Ok((path, file))
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
