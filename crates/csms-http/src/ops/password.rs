//! GenerateRandomPassword: a password from the classes the request leaves in, drawn uniformly with the
//! operating system's cryptographic generator.

use csms_model::limits::{PASSWORD_LENGTH_DEFAULT, PASSWORD_PUNCTUATION};
use csms_model::{CreatePasswordRequestBody, CreatePasswordResponse, ErrorCode, SecretValue};

use super::{Call, Input, NoStore, State, together};
use crate::error::ApiError;

/// `POST /csms/generate-password` (the body may be absent).
pub(crate) struct Generate {
    options: CreatePasswordRequestBody,
}

impl Input for Generate {
    fn parse(call: &mut Call) -> Result<Self, ApiError> {
        let options = together(call.path_violations(), csms_validate::parse_password_body(&call.body))?;
        Ok(Generate { options })
    }
}

pub(crate) async fn generate(
    _: &State,
    input: Generate,
) -> Result<NoStore<CreatePasswordResponse>, ApiError> {
    let password = password(&input.options).map_err(|m| ApiError::new(ErrorCode::InvalidParameter, m))?;
    Ok(NoStore(CreatePasswordResponse { password: SecretValue::new(password) }))
}

/// The classes of characters, as the request leaves them: lower case, upper case, digits, punctuation;
/// each without the excluded characters.
fn classes(options: &CreatePasswordRequestBody) -> Vec<Vec<char>> {
    let excluded = options.exclude_characters.as_deref().unwrap_or_default();
    let class = |skip: Option<bool>, chars: &mut dyn Iterator<Item = char>| -> Vec<char> {
        if skip == Some(true) { Vec::new() } else { chars.filter(|c| !excluded.contains(*c)).collect() }
    };
    vec![
        class(options.exclude_lowercase, &mut ('a'..='z')),
        class(options.exclude_uppercase, &mut ('A'..='Z')),
        class(options.exclude_numbers, &mut ('0'..='9')),
        class(options.exclude_punctuation, &mut PASSWORD_PUNCTUATION.chars()),
    ]
}

/// A password for `options`, or why none can be made.
fn password(options: &CreatePasswordRequestBody) -> Result<String, String> {
    // The rules bound the length to 1..=4096.
    let length = options.length.unwrap_or(PASSWORD_LENGTH_DEFAULT) as usize;
    let classes: Vec<Vec<char>> = classes(options).into_iter().filter(|c| !c.is_empty()).collect();
    let mut alphabet: Vec<char> = classes.concat();
    let excluded = options.exclude_characters.as_deref().unwrap_or_default();
    if options.include_space == Some(true) && !excluded.contains(' ') {
        alphabet.push(' ');
    }
    if alphabet.is_empty() {
        return Err("Every character is excluded: leave at least one class of characters in.".into());
    }
    let required = if options.require_each_included_type == Some(true) { classes.len() } else { 0 };
    if length < required {
        return Err(format!(
            "A password of {length} characters cannot hold one of each of the {required} classes of characters \
             left in (require_each_included_type)."
        ));
    }
    let mut rng = Rng::default();
    let mut out: Vec<char> = classes.iter().take(required).map(|c| c[rng.below(c.len())]).collect();
    while out.len() < length {
        out.push(alphabet[rng.below(alphabet.len())]);
    }
    // Fisher-Yates, so that the required characters are anywhere.
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    Ok(out.into_iter().collect())
}

/// Uniform draws from the operating system's generator, a block of bytes at a time.
#[derive(Default)]
struct Rng {
    buffer: Vec<u8>,
}

impl Rng {
    fn byte(&mut self) -> u8 {
        if self.buffer.is_empty() {
            self.buffer = vec![0; 256];
            getrandom::fill(&mut self.buffer).expect("the operating system's random generator works");
        }
        self.buffer.pop().unwrap_or_default()
    }

    /// A number below `n` (at most 65,536), without bias: draws outside the largest multiple of `n` are
    /// drawn again.
    fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0 && n <= 1 << 16);
        let span = 1usize << 16;
        let zone = span - span % n;
        loop {
            let draw = usize::from(self.byte()) << 8 | usize::from(self.byte());
            if draw < zone {
                return draw % n;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(json: serde_json::Value) -> CreatePasswordRequestBody {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn defaults_and_classes() {
        let p = password(&CreatePasswordRequestBody::default()).unwrap();
        assert_eq!(p.chars().count(), 32);
        assert!(!p.contains(' '));
        let p = password(&options(serde_json::json!({"length": 4096, "exclude_punctuation": true}))).unwrap();
        assert!(p.chars().all(|c| c.is_ascii_alphanumeric()), "{p}");
        // 4096 draws from 62 characters: every class shows up.
        assert!(p.chars().any(|c| c.is_ascii_digit()) && p.chars().any(|c| c.is_ascii_uppercase()));
        let p = password(&options(
            serde_json::json!({"length": 50, "exclude_characters": "abcdefghijklmnopqrstuvwxy",
            "exclude_uppercase": true, "exclude_numbers": true, "exclude_punctuation": true}),
        ))
        .unwrap();
        assert_eq!(p, "z".repeat(50));
    }

    #[test]
    fn each_included_type_is_present() {
        for _ in 0..200 {
            let p = password(&options(serde_json::json!({"length": 4, "require_each_included_type": true})))
                .unwrap();
            assert!(p.chars().any(|c| c.is_ascii_lowercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_uppercase()), "{p}");
            assert!(p.chars().any(|c| c.is_ascii_digit()), "{p}");
            assert!(p.chars().any(|c| PASSWORD_PUNCTUATION.contains(c)), "{p}");
        }
    }

    #[test]
    fn impossible_requests_are_refused() {
        let all = serde_json::json!({"exclude_lowercase": true, "exclude_uppercase": true,
            "exclude_numbers": true, "exclude_punctuation": true});
        assert!(password(&options(all)).unwrap_err().contains("Every character"));
        let short = serde_json::json!({"length": 3, "require_each_included_type": true});
        assert!(password(&options(short)).unwrap_err().contains("cannot hold"));
        let space = serde_json::json!({"length": 8, "include_space": true, "exclude_lowercase": true,
            "exclude_uppercase": true, "exclude_numbers": true, "exclude_punctuation": true});
        assert_eq!(password(&options(space)).unwrap(), " ".repeat(8));
    }

    #[test]
    fn draws_are_uniform_enough() {
        let mut rng = Rng::default();
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[rng.below(3)] += 1;
        }
        // Each is 10,000 expected; six standard deviations (about 490) either side.
        assert!(counts.iter().all(|&c| (9_500..=10_500).contains(&c)), "{counts:?}");
    }
}
