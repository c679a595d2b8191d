use std::fmt;

use csms_model::{ErrorCode, ErrorResponse};

/// Which kind of rule a value broke: for machines (tests, clients that map errors to fields), beside the
/// sentence meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ViolationKind {
    /// A string or list of the wrong length.
    Length,
    /// A string that breaks its pattern.
    Pattern,
    /// A value outside an enum's known values.
    Enum,
    /// A list with repeated items.
    Unique,
    /// A required value that is absent or `null`.
    Missing,
    /// A value of the wrong JSON type.
    Type,
    /// A number outside its range.
    Range,
    /// Members that exclude each other given together, or none of them given where one is required.
    Exclusive,
    /// A name that refers to nothing stored (a subscription to an event the project does not have).
    Reference,
}

/// One broken rule: where (a JSON pointer such as `/event_types/3`), which kind, and what (a fixed-form
/// sentence).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer of the offending value: into the body, or `/{name}` of a path or query parameter.
    pub path: String,
    /// The kind of rule broken.
    pub kind: ViolationKind,
    /// The whole sentence, naming the path and the constraint.
    pub message: String,
}

/// Every violation found in one input, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Violations(Vec<Violation>);

impl Violations {
    pub(crate) fn push(&mut self, path: &str, kind: ViolationKind, message: String) {
        self.0.push(Violation { path: path.to_owned(), kind, message });
    }

    /// Appends the violations of another input (a path parameter, say).
    pub fn extend(&mut self, other: Violations) {
        self.0.extend(other.0);
    }

    /// The violations of a part of a larger input, at paths under `prefix` (`/secrets/3`): each path
    /// and the path quoted in each message are moved under it.
    pub(crate) fn nested(self, prefix: &str) -> Violations {
        Violations(
            self.0
                .into_iter()
                .map(|v| {
                    let path = format!("{prefix}{}", v.path);
                    let message = v.message.replacen(&format!("'{}'", v.path), &format!("'{path}'"), 1);
                    Violation { path, message, ..v }
                })
                .collect(),
        )
    }

    /// Orders the violations by path (stable: violations of one path keep their order).
    pub fn sort_by_path(&mut self) {
        self.0.sort_by(|a, b| a.path.cmp(&b.path));
    }

    /// Whether nothing was violated.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many violations there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The violations in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Violation> {
        self.0.iter()
    }

    /// `Ok(value)` if nothing was violated, else `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, Violations> {
        if self.is_empty() { Ok(value) } else { Err(self) }
    }

    /// The 400 `CSMS.0002` body listing every violation.
    pub fn to_error_response(&self) -> ErrorResponse {
        ErrorResponse::new(ErrorCode::InvalidParameter, self.to_string())
    }

    // Message forms, after smithy-rs.
    pub(crate) fn missing(&mut self, path: &str) {
        self.push(
            path,
            ViolationKind::Missing,
            format!("Value at '{path}' failed to satisfy constraint: Member must not be null"),
        );
    }

    pub(crate) fn wrong_type(&mut self, path: &str, expected: &str) {
        self.push(
            path,
            ViolationKind::Type,
            format!("Value at '{path}' failed to satisfy constraint: Member must be {expected}"),
        );
    }

    pub(crate) fn length(&mut self, path: &str, len: usize, min: usize, max: usize) {
        self.push(
            path,
            ViolationKind::Length,
            format!(
                "Value with length {len} at '{path}' failed to satisfy constraint: \
                 Member must have length between {min} and {max}, inclusive"
            ),
        );
    }

    pub(crate) fn pattern(&mut self, path: &str, pattern: &str) {
        self.push(
            path,
            ViolationKind::Pattern,
            format!(
                "Value at '{path}' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: {pattern}"
            ),
        );
    }

    pub(crate) fn enumeration(&mut self, path: &str, known: &[&str]) {
        self.push(
            path,
            ViolationKind::Enum,
            format!(
                "Value at '{path}' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
                known.join(", ")
            ),
        );
    }

    pub(crate) fn unique(&mut self, path: &str) {
        self.push(
            path,
            ViolationKind::Unique,
            format!(
                "Value with repeated values at '{path}' failed to satisfy constraint: \
                 Member must have unique values"
            ),
        );
    }

    pub(crate) fn byte_size(&mut self, path: &str, size: usize, max: usize) {
        self.push(
            path,
            ViolationKind::Length,
            format!(
                "Value with size {size} bytes at '{path}' failed to satisfy constraint: \
                 Member must be at most {max} bytes"
            ),
        );
    }

    pub(crate) fn exactly_one_of(&mut self, path: &str, members: &[&str]) {
        self.push(
            path,
            ViolationKind::Exclusive,
            format!(
                "Value at '{path}' failed to satisfy constraint: Exactly one of {} must be given",
                members.join(", ")
            ),
        );
    }

    pub(crate) fn repeated(&mut self, path: &str) {
        self.push(
            path,
            ViolationKind::Unique,
            format!("Value at '{path}' failed to satisfy constraint: Member must be given at most once"),
        );
    }

    /// A name at `path` that refers to no `what` of the project (found by the store, not the rules).
    pub fn unknown_reference(&mut self, path: &str, what: &str) {
        self.push(
            path,
            ViolationKind::Reference,
            format!("Value at '{path}' failed to satisfy constraint: Member must name an existing {what}"),
        );
    }

    /// A value at `path` that names something of another owner: it must name a `what`.
    pub fn foreign_reference(&mut self, path: &str, what: &str) {
        self.push(
            path,
            ViolationKind::Reference,
            format!("Value at '{path}' failed to satisfy constraint: Member must name {what}"),
        );
    }

    /// A value at `path` that breaks a rule no other form says: "Member must {must}".
    pub(crate) fn constraint(&mut self, path: &str, kind: ViolationKind, must: &str) {
        self.push(path, kind, format!("Value at '{path}' failed to satisfy constraint: Member must {must}"));
    }

    pub(crate) fn integer_range(&mut self, path: &str, min: i64, max: i64) {
        self.push(
            path,
            ViolationKind::Range,
            format!(
                "Value at '{path}' failed to satisfy constraint: \
                 Member must be an integer between {min} and {max}, inclusive"
            ),
        );
    }
}

/// Most violations spelled out in an error message; a body of thousands of bad items gets a message of
/// bounded size, which still counts them all.
pub const MAX_LISTED_VIOLATIONS: usize = 10;

impl fmt::Display for Violations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(f, "{n} validation error{} detected. ", if n == 1 { "" } else { "s" })?;
        for (i, v) in self.0.iter().take(MAX_LISTED_VIOLATIONS).enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            f.write_str(&v.message)?;
        }
        if n > MAX_LISTED_VIOLATIONS {
            write!(f, "; and {} more", n - MAX_LISTED_VIOLATIONS)?;
        }
        Ok(())
    }
}

impl<'a> IntoIterator for &'a Violations {
    type Item = &'a Violation;
    type IntoIter = std::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Why a request body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not JSON, not an object, or missing: 400 `CSMS.0004`.
    Malformed(String),
    /// Well-formed, but rules are broken: 400 `CSMS.0002`.
    Invalid(Violations),
}

impl Rejection {
    /// The error code this rejection is answered with.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Rejection::Malformed(_) => ErrorCode::MalformedBody,
            Rejection::Invalid(_) => ErrorCode::InvalidParameter,
        }
    }

    /// The error body.
    pub fn to_error_response(&self) -> ErrorResponse {
        match self {
            Rejection::Malformed(msg) => ErrorResponse::new(ErrorCode::MalformedBody, msg.clone()),
            Rejection::Invalid(v) => v.to_error_response(),
        }
    }
}

impl From<Violations> for Rejection {
    fn from(v: Violations) -> Self {
        Rejection::Invalid(v)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed(msg) => f.write_str(msg),
            Rejection::Invalid(v) => v.fmt(f),
        }
    }
}

impl std::error::Error for Rejection {}
