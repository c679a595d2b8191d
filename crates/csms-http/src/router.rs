//! The route table: [`csms_model::Operation`]'s method and path templates, plus the service's own
//! `GET /healthz` and `GET /openapi.json`, matched once per request.

use csms_model::Operation;
use csms_model::operation::{HEALTH_PATH, OPENAPI_PATH};
use http::Method;
use percent_encoding::percent_decode_str;

/// What a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// An operation of the API.
    Api(Operation),
    /// `GET /healthz`, without credentials.
    Health,
    /// `GET /openapi.json`, without credentials.
    OpenApi,
}

/// The route of a request: its target and its path parameters, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RouteMatch {
    pub(crate) target: Target,
    /// `{project_id}`, decoded; invalid UTF-8 becomes U+FFFD, which no pattern accepts.
    pub(crate) project: String,
    /// `{event_name}`, decoded, for the operations on one event.
    pub(crate) event_name: Option<String>,
    /// `{secret_name}`, decoded, for the operations on one secret.
    pub(crate) secret_name: Option<String>,
    /// `{version_id}`, decoded, for the operations on one version.
    pub(crate) version_id: Option<String>,
}

/// Method and path to [`Target`], built from the one route table.
pub(crate) struct Router {
    paths: matchit::Router<usize>,
    /// Per path template: the template and its targets by method.
    methods: Vec<(&'static str, Vec<(Method, Target)>)>,
}

impl Target {
    /// Answered without credentials (and without reading a body).
    pub(crate) fn is_public(self) -> bool {
        !matches!(self, Target::Api(_))
    }
}

impl Router {
    pub(crate) fn new() -> Self {
        let mut router = Router { paths: matchit::Router::new(), methods: Vec::new() };
        for op in Operation::ALL {
            let method = Method::from_bytes(op.method().as_bytes()).expect("the table's methods are valid");
            router.add(op.path(), method, Target::Api(*op));
        }
        router.add(HEALTH_PATH, Method::GET, Target::Health);
        router.add(OPENAPI_PATH, Method::GET, Target::OpenApi);
        router
    }

    fn add(&mut self, template: &'static str, method: Method, target: Target) {
        let index = match self.methods.iter().position(|(t, _)| *t == template) {
            Some(index) => index,
            None => {
                self.paths
                    .insert(template, self.methods.len())
                    .expect("the route table has no conflicting paths");
                self.methods.push((template, Vec::new()));
                self.methods.len() - 1
            }
        };
        self.methods[index].1.push((method, target));
    }

    /// The route of `method` and `path`, with the decoded path parameters of an API operation. One
    /// trailing `/` is tolerated; a known path with another method is no route, as upstream answers it.
    pub(crate) fn route(&self, method: &Method, path: &str) -> Option<RouteMatch> {
        let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
        let found = self.paths.at(path).ok()?;
        let target = self.methods[*found.value].1.iter().find(|(m, _)| m == method)?.1;
        let decode = |raw: &str| percent_decode_str(raw).decode_utf8_lossy().into_owned();
        Some(RouteMatch {
            target,
            project: found.params.get("project_id").map(decode).unwrap_or_default(),
            event_name: found.params.get("event_name").map(decode),
            secret_name: found.params.get("secret_name").map(decode),
            version_id: found.params.get("version_id").map(decode),
        })
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
        assert_eq!((route.secret_name.as_deref(), route.version_id.as_deref()), (Some("a-b"), Some("v2")));
        assert_eq!(op(Method::GET, "/healthz"), Some(Target::Health));
        assert_eq!(op(Method::GET, "/openapi.json/"), Some(Target::OpenApi));
        let route = router.route(&Method::GET, "/v1/p%2Dq/csms/events/a%20b%2Fc").unwrap();
        assert_eq!((route.project.as_str(), route.event_name.as_deref()), ("p-q", Some("a b/c")));
    }
}
