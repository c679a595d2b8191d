//! The route table: the method and path templates of the three families' operations
//! ([`csms_model::Operation`], [`smn_model::Operation`], [`kms_model::Operation`]), plus the service's own
//! `GET /healthz` and `GET /openapi.json`, matched once per request.

use csms_model::Operation;
use csms_model::operation::{HEALTH_PATH, OPENAPI_PATH};
use http::Method;
use percent_encoding::percent_decode_str;

use crate::error::ApiError;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// An operation of CSMS.
    Api(Operation),
    /// An operation of SMN.
    Smn(smn_model::Operation),
    /// An operation of KMS.
    Kms(kms_model::Operation),
    /// `GET /healthz`, without credentials.
    Health,
    /// `GET /openapi.json`, without credentials.
    OpenApi,
}

/// The route of a request: its target and the parameters its path template names, each percent-decoded
/// (invalid UTF-8 becomes U+FFFD, which no pattern accepts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteMatch {
    pub(crate) target: Target,
    params: Vec<(&'static str, String)>,
}

impl RouteMatch {
    /// The parameter `name` of the path, if its template has one.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    /// Every parameter of the path, in template order.
    pub(crate) fn params(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.params.iter().map(|(n, v)| (*n, v.as_str()))
    }

    /// Takes the parameter `name` out. A template without it is a fault of the service (an operation
    /// reading a parameter its route does not have), answered 500, never read as an empty name.
    pub(crate) fn take(&mut self, name: &'static str) -> Result<String, ApiError> {
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some((_, value)) => Ok(std::mem::take(value)),
            None => Err(ApiError::internal(format!(
                "the route {:?} has no path parameter {{{name}}}",
                self.target
            ))),
        }
    }
}

/// The names of the parameters of a path template (`{project_id}`, `{secret_name}`, ...), in order.
pub(crate) fn template_params(template: &'static str) -> Vec<&'static str> {
    template.split('/').filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}')).collect()
}

/// A route: its target and the names of its template's parameters.
type Route = (Target, Vec<&'static str>);

/// Method and path to [`Target`], built from the one route table: a path table per method, so that a
/// fixed segment of one method (`POST /secrets/restore`) does not hide a parameter of another
/// (`GET /secrets/{secret_name}` for a secret named `restore`). Each route keeps the parameter names of
/// its template.
pub(crate) struct Router {
    methods: Vec<(Method, matchit::Router<Route>)>,
}

impl Target {
    /// Answered without credentials (and without reading a body).
    pub(crate) fn is_public(self) -> bool {
        match self {
            Target::Api(_) | Target::Kms(_) => false,
            Target::Smn(op) => op.is_public(),
            Target::Health | Target::OpenApi => true,
        }
    }

    /// The operation's id, for metrics and logs.
    pub(crate) fn id(self) -> &'static str {
        match self {
            Target::Api(op) => op.id(),
            Target::Smn(op) => op.id(),
            Target::Kms(op) => op.id(),
            Target::Health => "healthz",
            Target::OpenApi => "openapi",
        }
    }
}

impl Router {
    pub(crate) fn new() -> Self {
        let mut router = Router { methods: Vec::new() };
        for op in Operation::ALL {
            let method = Method::from_bytes(op.method().as_bytes()).expect("the table's methods are valid");
            router.add(op.path(), method, Target::Api(*op));
        }
        for op in smn_model::Operation::ALL {
            let method = Method::from_bytes(op.method().as_bytes()).expect("the table's methods are valid");
            router.add(op.path(), method, Target::Smn(*op));
        }
        for op in kms_model::Operation::ALL {
            let method = Method::from_bytes(op.method().as_bytes()).expect("the table's methods are valid");
            router.add(op.path(), method, Target::Kms(*op));
        }
        router.add(HEALTH_PATH, Method::GET, Target::Health);
        router.add(OPENAPI_PATH, Method::GET, Target::OpenApi);
        router
    }

    fn add(&mut self, template: &'static str, method: Method, target: Target) {
        let index = match self.methods.iter().position(|(m, _)| *m == method) {
            Some(index) => index,
            None => {
                self.methods.push((method, matchit::Router::new()));
                self.methods.len() - 1
            }
        };
        let route = (target, template_params(template));
        self.methods[index].1.insert(template, route).expect("the route table has no conflicting paths");
    }

    /// The route of `method` and `path`, with the decoded path parameters of an API operation. One
    /// trailing `/` is tolerated; a known path with another method is no route, as upstream answers it.
    /// A fixed segment wins over a parameter (`/csms/tags` over `/csms/{secret_id}/tags`).
    pub(crate) fn route(&self, method: &Method, path: &str) -> Option<RouteMatch> {
        let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
        let paths = &self.methods.iter().find(|(m, _)| m == method)?.1;
        let found = paths.at(path).ok()?;
        let (target, names) = found.value;
        let decode = |raw: &str| percent_decode_str(raw).decode_utf8_lossy().into_owned();
        let params = names.iter().map(|name| (*name, found.params.get(name).map(decode).unwrap_or_default()));
        Some(RouteMatch { target: *target, params: params.collect() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let router = Router::new();
        let op = |m: Method, path: &str| router.route(&m, path).map(|r| r.target);
        let api = |op: Operation| Some(Target::Api(op));
        assert_eq!(op(Method::POST, "/v1/p/csms/events"), api(Operation::CreateSecretEvent));
        assert_eq!(op(Method::GET, "/v1/p/csms/events/"), api(Operation::ListSecretEvents));
        assert_eq!(op(Method::PUT, "/v1/p/csms/events/e"), api(Operation::UpdateSecretEvent));
        assert_eq!(
            op(Method::GET, "/v1/p/csms/notification-records"),
            api(Operation::ListNotificationRecords)
        );
        for (m, path) in [
            (Method::PATCH, "/v1/p/csms/events/e"),
            (Method::GET, "/v1//csms/events"),
            (Method::GET, "/v1/p/csms/events/a/b"),
            (Method::GET, "/v2/p/csms/events"),
            (Method::GET, "/"),
            (Method::POST, "/healthz"),
        ] {
            assert_eq!(router.route(&m, path), None, "{m} {path}");
        }
        assert_eq!(op(Method::GET, "/v1/p/secrets/s/versions/latest"), api(Operation::ShowSecretVersion));
        assert_eq!(
            op(Method::POST, "/v1/p/secrets/s/scheduled-deleted-tasks/cancel"),
            api(Operation::RestoreSecret)
        );
        let route = router.route(&Method::PUT, "/v1/p/secrets/a%2Db/versions/v2").unwrap();
        assert_eq!((route.get("secret_name"), route.get("version_id")), (Some("a-b"), Some("v2")));
        assert_eq!(op(Method::GET, "/healthz"), Some(Target::Health));
        assert_eq!(op(Method::GET, "/openapi.json/"), Some(Target::OpenApi));
        // Fixed segments win over parameters; a fixed segment of one method hides no route of another.
        assert_eq!(op(Method::GET, "/v1/p/csms/tags"), api(Operation::ListProjectSecretsTags));
        assert_eq!(op(Method::GET, "/v1/p/csms/id/tags"), api(Operation::ListSecretTags));
        assert_eq!(
            op(Method::POST, "/v1/p/csms/resource_instances/action"),
            api(Operation::ListResourceInstances)
        );
        assert_eq!(op(Method::POST, "/v1/p/csms/id/tags/action"), api(Operation::BatchCreateOrDeleteTags));
        assert_eq!(op(Method::POST, "/v1/p/secrets/restore"), api(Operation::UploadSecretBlob));
        assert_eq!(op(Method::GET, "/v1/p/secrets/restore"), api(Operation::ShowSecret));
        assert_eq!(op(Method::POST, "/v1/p/secrets/restore/backup"), api(Operation::DownloadSecretBlob));
        assert_eq!(op(Method::POST, "/v1/p/secrets/batch-import"), api(Operation::BatchImportSecrets));
        assert_eq!(op(Method::DELETE, "/v1/p/secrets/batch-import"), api(Operation::DeleteSecret));
        assert_eq!(op(Method::POST, "/v1/p/csms/generate-password"), api(Operation::GenerateRandomPassword));
        let route = router.route(&Method::DELETE, "/v1/p/csms/id/tags/a%20key").unwrap();
        assert_eq!((route.get("secret_id"), route.get("key")), (Some("id"), Some("a key")));
        let route = router.route(&Method::PUT, "/v1/p/secrets/s/stages/st").unwrap();
        assert_eq!((route.get("secret_name"), route.get("stage_name")), (Some("s"), Some("st")));
        let mut route = router.route(&Method::GET, "/v1/p%2Dq/csms/events/a%20b%2Fc").unwrap();
        assert_eq!((route.get("project_id"), route.get("event_name")), (Some("p-q"), Some("a b/c")));
        // A parameter the template does not have is never read as an empty name.
        assert_eq!(route.get("secret_name"), None);
        assert_eq!(route.take("secret_name").unwrap_err().code, csms_model::ErrorCode::Internal);
        assert_eq!(route.take("event_name").unwrap(), "a b/c");
        // SMN and KMS on the same listener: fixed segments before parameters there too.
        let smn = |op: smn_model::Operation| Some(Target::Smn(op));
        assert_eq!(op(Method::GET, "/v2/p/notifications/topics"), smn(smn_model::Operation::ListTopics));
        assert_eq!(
            op(Method::GET, "/v2/p/notifications/topics/urn%3Asmn%3Ar%3Ap%3At"),
            smn(smn_model::Operation::ListTopicDetails)
        );
        assert_eq!(op(Method::GET, "/v2/p/smn_topic/t/tags"), smn(smn_model::Operation::ListResourceTags));
        assert_eq!(op(Method::GET, "/v2/p/smn_topic/tags"), smn(smn_model::Operation::ListProjectTags));
        assert_eq!(
            op(Method::GET, "/v2/notifications/subscriptions/subscribe"),
            smn(smn_model::Operation::SubscribeTopic)
        );
        assert_eq!(op(Method::GET, "/smn/SMN_r_x.pem"), smn(smn_model::Operation::DownloadHttpCert));
        let route = router.route(&Method::GET, "/v2/p/notifications/topics/urn%3Asmn%3Ar%3Ap%3At").unwrap();
        assert_eq!(route.get("topic_urn"), Some("urn:smn:r:p:t"));
        let kms = |op: kms_model::Operation| Some(Target::Kms(op));
        assert_eq!(op(Method::POST, "/v1.0/p/kms/create-key"), kms(kms_model::Operation::CreateKey));
        assert_eq!(op(Method::GET, "/v1.0/p/kms/tags"), kms(kms_model::Operation::ListKmsTags));
        assert_eq!(op(Method::GET, "/v1.0/p/kms/k/tags"), kms(kms_model::Operation::ShowKmsTags));
        assert_eq!(
            op(Method::POST, "/v1.0/p/kms/resource_instances/action"),
            kms(kms_model::Operation::ListKmsByTags)
        );
        let account = router.route(&Method::GET, "/v1/csms/users/u1").unwrap();
        assert_eq!(account.params().collect::<Vec<_>>(), [("user_id", "u1")]);
    }
}
