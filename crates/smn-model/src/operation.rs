//! The SMN operations this service serves: the route table, written once (the HTTP layer routes by it, the
//! OpenAPI document takes its paths from it).

csms_model::route_table! {
    /// Creates a topic (201), or answers the topic of that name (200).
    CreateTopic => ("POST", "/v2/{project_id}/notifications/topics"),
    /// Lists the project's topics, newest first, by offset.
    ListTopics => ("GET", "/v2/{project_id}/notifications/topics"),
    /// Shows one topic.
    ListTopicDetails => ("GET", "/v2/{project_id}/notifications/topics/{topic_urn}"),
    /// Changes a topic's display name.
    UpdateTopic => ("PUT", "/v2/{project_id}/notifications/topics/{topic_urn}"),
    /// Deletes a topic and its subscriptions.
    DeleteTopic => ("DELETE", "/v2/{project_id}/notifications/topics/{topic_urn}"),
    /// A topic's attributes (`access_policy`, `introduction`).
    ListTopicAttributes => ("GET", "/v2/{project_id}/notifications/topics/{topic_urn}/attributes"),
    /// Sets one attribute of a topic.
    UpdateTopicAttribute => ("PUT", "/v2/{project_id}/notifications/topics/{topic_urn}/attributes/{name}"),
    /// Clears one attribute of a topic.
    DeleteTopicAttributeByName => ("DELETE", "/v2/{project_id}/notifications/topics/{topic_urn}/attributes/{name}"),
    /// Clears every attribute of a topic.
    DeleteTopicAttributes => ("DELETE", "/v2/{project_id}/notifications/topics/{topic_urn}/attributes"),
    /// A topic's tags (the topic named by id, or by name with `X-SMN-RESOURCEID-TYPE: name`).
    ListResourceTags => ("GET", "/v2/{project_id}/{resource_type}/{resource_id}/tags"),
    /// Adds a tag to a topic, or sets its key's value.
    CreateResourceTag => ("POST", "/v2/{project_id}/{resource_type}/{resource_id}/tags"),
    /// Removes a tag from a topic.
    DeleteResourceTag => ("DELETE", "/v2/{project_id}/{resource_type}/{resource_id}/tags/{key}"),
    /// Sets or removes several tags of a topic at once.
    BatchCreateOrDeleteResourceTags => ("POST", "/v2/{project_id}/{resource_type}/{resource_id}/tags/action"),
    /// Every tag key used on the project's topics, with its values.
    ListProjectTags => ("GET", "/v2/{project_id}/{resource_type}/tags"),
    /// Finds topics by tags, a page at a time, or counts them.
    ListResourceInstances => ("POST", "/v2/{project_id}/{resource_type}/resource_instances/action"),
    /// Subscribes an endpoint (or several) to a topic.
    AddSubscription => ("POST", "/v2/{project_id}/notifications/topics/{topic_urn}/subscriptions"),
    /// Lists the project's subscriptions, oldest first, by offset.
    ListSubscriptions => ("GET", "/v2/{project_id}/notifications/subscriptions"),
    /// Lists a topic's subscriptions, oldest first, by offset.
    ListSubscriptionsByTopic => ("GET", "/v2/{project_id}/notifications/topics/{topic_urn}/subscriptions"),
    /// Changes a subscription's remark.
    UpdateSubscription => ("PUT", "/v2/{project_id}/notifications/topics/{topic_urn}/subscriptions/{subscription_urn}"),
    /// Cancels a subscription.
    CancelSubscription => ("DELETE", "/v2/{project_id}/notifications/subscriptions/{subscription_urn}"),
    /// The confirmation link of a subscription (public: a token in the query).
    ConfirmSubscription => ("GET", "/rest/v2/notifications/subscription/confirm"),
    /// The confirmation link of a subscription, its other path (public).
    SubscribeTopic => ("GET", "/v2/notifications/subscriptions/subscribe"),
    /// The unsubscribe link of a subscription (public).
    UnsubscribeSubscription => ("GET", "/rest/v2/notifications/subscription/unsubscribe"),
    /// The unsubscribe link of a subscription, its other path (public).
    UnsubscribeTopic => ("GET", "/v2/notifications/subscriptions/unsubscribe"),
    /// Publishes a message to a topic's confirmed subscriptions.
    PublishMessage => ("POST", "/v2/{project_id}/notifications/topics/{topic_urn}/publish"),
    /// The certificate that verifies the messages' signatures (public; the form in `signing_cert_url`).
    DownloadHttpCert => ("GET", "/smn/{certificate_id}"),
    /// The certificate that verifies the messages' signatures, its other path (public).
    DownloadHttpSignCert => ("GET", "/v2/notifications/certifications/download/{certificate_id}"),
    /// What became of each message delivered to a subscription, newest first: this service's own
    /// operation (upstream has none), as ListNotificationRecords is for CSMS events.
    ListMessageDeliveries => ("GET", "/v2/{project_id}/notifications/deliveries"),
}

impl Operation {
    /// Whether the operation is answered without credentials: the links a subscriber's message carries,
    /// and the signing certificate.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Operation::ConfirmSubscription
                | Operation::SubscribeTopic
                | Operation::UnsubscribeSubscription
                | Operation::UnsubscribeTopic
                | Operation::DownloadHttpCert
                | Operation::DownloadHttpSignCert
        )
    }

    /// Whether upstream's definitions have the operation (one of this service's own has no row there).
    pub fn is_upstream(self) -> bool {
        !matches!(self, Operation::ListMessageDeliveries)
    }
}
