//! Every bound of the KMS interface as this service keeps it, written once.

/// A key's id: a UUID in lower case.
pub const KEY_ID_PATTERN: &str = "^[0-9a-z]{8}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{12}$";
/// A key's alias: 1 to 255 of `[A-Za-z0-9:/_-]`; a custom alias may not end in `/default`.
pub const KEY_ALIAS_PATTERN: &str = "^[a-zA-Z0-9:/_-]{1,255}$";
/// The suffix of a default key's alias (`csms/default`), which a custom key may not take.
pub const DEFAULT_ALIAS_SUFFIX: &str = "/default";
/// The alias of CSMS's default key, which seals the secrets that name no key.
pub const CSMS_DEFAULT_ALIAS: &str = "csms/default";
/// Most characters of a key's description.
pub const DESCRIPTION_MAX_CHARS: usize = 255;
/// Most characters of `sequence`.
pub const SEQUENCE_MAX_CHARS: usize = 36;
/// The key specs a key may be created with (only `AES_256` keys seal and open here).
pub const KEY_SPECS: &[&str] = &[
    "AES_256",
    "SM4",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_P256",
    "EC_P384",
    "SECP256K1",
    "SM2",
    "ED25519",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "HMAC_SM3",
];
/// The key spec this service can seal and open with.
pub const SERVED_KEY_SPEC: &str = "AES_256";
/// The usages a key may have.
pub const KEY_USAGES: &[&str] = &["ENCRYPT_DECRYPT", "SIGN_VERIFY"];
/// Where a key's material comes from.
pub const ORIGINS: &[&str] = &["kms", "external"];
/// Days a scheduled deletion waits, at least and at most.
pub const PENDING_DAYS: (u32, u32) = (7, 1096);
/// A key's rotation interval in days, at least and at most; enabling rotation sets the longest.
pub const ROTATION_INTERVAL_DAYS: (i32, i32) = (30, 365);
/// Keys listed at most by one list-keys (and when no `limit` is given).
pub const LIST_LIMIT_MAX: usize = 1_000;
/// Keys a project may hold.
pub const KEYS_PER_PROJECT: usize = 1_000;
/// Tags a key may carry.
pub const TAGS_PER_KEY: usize = 20;
/// Most characters of a tag key and of a tag value.
pub const TAG_KEY_MAX_CHARS: usize = 36;
/// Most characters of a tag value.
pub const TAG_VALUE_MAX_CHARS: usize = 43;
/// The tag actions of the batch tag operation.
pub const TAG_ACTIONS: &[&str] = &["create", "delete"];
/// The actions of the search by tag.
pub const RESOURCE_ACTIONS: &[&str] = &["filter", "count"];
/// A data key's length in bits: at least, at most, and when none is given.
pub const DATAKEY_BITS: (u32, u32, u32) = (8, 8192, 256);
/// The data key specs create-datakey takes, with their lengths in bits.
pub const DATAKEY_SPECS: &[(&str, u32)] = &[("AES_256", 256), ("AES_128", 128)];
/// Random bytes of one gen-random, in bits: at least and at most (a multiple of 8).
pub const RANDOM_BITS: (u32, u32) = (8, 8192);
/// Most bytes encrypt-data takes.
pub const PLAIN_TEXT_MAX_BYTES: usize = 4096;
/// Most characters of `additional_authenticated_data`.
pub const AAD_MAX_CHARS: usize = 128;
/// The encryption algorithms of encrypt-data and decrypt-data (a symmetric key takes the first).
pub const ENCRYPTION_ALGORITHMS: &[&str] = &["SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_256", "SM2_ENCRYPT"];
