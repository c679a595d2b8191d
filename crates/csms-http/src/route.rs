//! Which operation a method and path name.

use http::Method;

/// An operation with its raw (still percent-encoded) path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route<'a> {
    CreateEvent { project: &'a str },
    ListEvents { project: &'a str },
    ShowEvent { project: &'a str, name: &'a str },
    UpdateEvent { project: &'a str, name: &'a str },
    DeleteEvent { project: &'a str, name: &'a str },
    ListRecords { project: &'a str },
    OpenApi,
    Health,
}

impl<'a> Route<'a> {
    /// The route of `method` and `path`; one trailing `/` is tolerated.
    pub(crate) fn parse(method: &Method, path: &'a str) -> Option<Self> {
        let path = path.strip_suffix('/').filter(|p| !p.is_empty()).unwrap_or(path);
        let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
        let route = match (method, segments.as_slice()) {
            (&Method::GET, ["openapi.json"]) => Route::OpenApi,
            (&Method::GET, ["healthz"]) => Route::Health,
            (m, ["v1", project, "csms", "events"]) if !project.is_empty() => match *m {
                Method::POST => Route::CreateEvent { project },
                Method::GET => Route::ListEvents { project },
                _ => return None,
            },
            (m, ["v1", project, "csms", "events", name]) if !project.is_empty() && !name.is_empty() => {
                match *m {
                    Method::GET => Route::ShowEvent { project, name },
                    Method::PUT => Route::UpdateEvent { project, name },
                    Method::DELETE => Route::DeleteEvent { project, name },
                    _ => return None,
                }
            }
            (&Method::GET, ["v1", project, "csms", "notification-records"]) if !project.is_empty() => {
                Route::ListRecords { project }
            }
            _ => return None,
        };
        Some(route)
    }

    /// The raw project id of the path, for operations under `/v1/{project_id}`.
    pub(crate) fn project(&self) -> Option<&'a str> {
        match *self {
            Route::CreateEvent { project }
            | Route::ListEvents { project }
            | Route::ShowEvent { project, .. }
            | Route::UpdateEvent { project, .. }
            | Route::DeleteEvent { project, .. }
            | Route::ListRecords { project } => Some(project),
            Route::OpenApi | Route::Health => None,
        }
    }

    /// The raw event name of the path, if the operation has one.
    pub(crate) fn event_name(&self) -> Option<&'a str> {
        match *self {
            Route::ShowEvent { name, .. }
            | Route::UpdateEvent { name, .. }
            | Route::DeleteEvent { name, .. } => Some(name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let p = |m: Method, path: &'static str| Route::parse(&m, path);
        assert_eq!(p(Method::POST, "/v1/p/csms/events"), Some(Route::CreateEvent { project: "p" }));
        assert_eq!(p(Method::GET, "/v1/p/csms/events/"), Some(Route::ListEvents { project: "p" }));
        assert_eq!(
            p(Method::PUT, "/v1/p/csms/events/e"),
            Some(Route::UpdateEvent { project: "p", name: "e" })
        );
        assert_eq!(p(Method::PATCH, "/v1/p/csms/events/e"), None);
        assert_eq!(p(Method::GET, "/v1//csms/events"), None);
        assert_eq!(p(Method::GET, "/v1/p/csms/events/a/b"), None);
        assert_eq!(p(Method::GET, "/v2/p/csms/events"), None);
        assert_eq!(p(Method::GET, "/"), None);
        assert_eq!(
            p(Method::GET, "/v1/p/csms/notification-records"),
            Some(Route::ListRecords { project: "p" })
        );
    }
}
