//! The rules behind the `validator` derives (feature `validator`), built from [`crate::limits`] and the
//! enums' [`StringEnum::KNOWN`] lists.
//!
//! They serve Rust code that builds values (an admin tool, an embedder seeding a store) as a pre-flight
//! check; the service checks wire input with `csms-validate`, which also turns the errors of these derives
//! into its violations with JSON-pointer paths. A client never has to run them.
//!
//! ```
//! use csms_model::{Notification, TargetType};
//! use validator::Validate;
//!
//! let notification = Notification {
//!     target_type: TargetType::from("SNS"),
//!     target_id: "urn:smn:cn-north-4:p:topic".into(),
//!     target_name: "no spaces allowed".into(),
//! };
//! let errors = notification.validate().unwrap_err();
//! let fields = errors.field_errors();
//! assert_eq!(fields["target_type"][0].code, csms_model::validation::CODE_ENUM);
//! assert_eq!(fields["target_name"][0].code, csms_model::validation::CODE_PATTERN);
//! assert!(!fields.contains_key("target_id"));
//! ```

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;
use validator::ValidationError;

use crate::enums::{EventState, EventType, StringEnum, TargetType};
use crate::limits::{self, StringRule};

/// The error code of a value of the wrong length (params `min`, `max`, and `length` or `value`).
pub const CODE_LENGTH: &str = "length";
/// The error code of a string that breaks its pattern (param `pattern`).
pub const CODE_PATTERN: &str = "regex";
/// The error code of an enum value that is not known (params `known`, and `indices` for list items).
pub const CODE_ENUM: &str = "enum";
/// The error code of a list with repeated items.
pub const CODE_UNIQUE: &str = "unique";

/// A [`StringRule`] with its pattern compiled once.
struct Rule {
    rule: StringRule,
    regex: Regex,
}

impl Rule {
    fn new(rule: StringRule) -> Self {
        Rule {
            rule,
            regex: Regex::new(&rule.pattern()).expect("limits patterns are valid regular expressions"),
        }
    }

    /// The length first (in characters, as JSON Schema counts), then the pattern: one error at most.
    fn check(&self, value: &str) -> Result<(), ValidationError> {
        let length = value.chars().count();
        if length < self.rule.min_len || length > self.rule.max_len {
            let mut error = ValidationError::new(CODE_LENGTH);
            error.add_param("min".into(), &self.rule.min_len);
            error.add_param("max".into(), &self.rule.max_len);
            error.add_param("length".into(), &length);
            return Err(error);
        }
        if !self.regex.is_match(value) {
            let mut error = ValidationError::new(CODE_PATTERN);
            error.add_param("pattern".into(), &self.rule.pattern());
            return Err(error);
        }
        Ok(())
    }
}

static EVENT_NAME: LazyLock<Rule> = LazyLock::new(|| Rule::new(limits::EVENT_NAME));
static TARGET_ID: LazyLock<Rule> = LazyLock::new(|| Rule::new(limits::TARGET_ID));
static TARGET_NAME: LazyLock<Rule> = LazyLock::new(|| Rule::new(limits::TARGET_NAME));

pub(crate) fn event_name(value: &str) -> Result<(), ValidationError> {
    EVENT_NAME.check(value)
}

pub(crate) fn target_id(value: &str) -> Result<(), ValidationError> {
    TARGET_ID.check(value)
}

pub(crate) fn target_name(value: &str) -> Result<(), ValidationError> {
    TARGET_NAME.check(value)
}

pub(crate) const fn count(n: usize) -> u64 {
    n as u64
}

fn known<E: StringEnum>(value: &E) -> Result<(), ValidationError> {
    if value.is_known() {
        return Ok(());
    }
    let mut error = ValidationError::new(CODE_ENUM);
    error.add_param("known".into(), &E::KNOWN);
    Err(error)
}

pub(crate) fn known_state(value: &EventState) -> Result<(), ValidationError> {
    known(value)
}

pub(crate) fn known_target_type(value: &TargetType) -> Result<(), ValidationError> {
    known(value)
}

/// Every item a known event type; the error lists the positions of the others (`indices`).
pub(crate) fn known_event_types(items: &[EventType]) -> Result<(), ValidationError> {
    let unknown: Vec<usize> =
        items.iter().enumerate().filter(|(_, t)| !t.is_known()).map(|(i, _)| i).collect();
    if unknown.is_empty() {
        return Ok(());
    }
    let mut error = ValidationError::new(CODE_ENUM);
    error.add_param("known".into(), &EventType::KNOWN);
    error.add_param("indices".into(), &unknown);
    Err(error)
}

pub(crate) fn unique_event_types(items: &[EventType]) -> Result<(), ValidationError> {
    let mut seen = HashSet::new();
    if items.iter().all(|t| seen.insert(t.as_str())) {
        Ok(())
    } else {
        Err(ValidationError::new(CODE_UNIQUE))
    }
}
