import JSONBytes
import RuleEngine

/// What the gateway answers when a rule cannot finish in its budget (PCRE2 limit, deadline).
///
/// Twilio publishes the action unmodified when the webhook times out, so `allow` matches what a slow
/// gate would do anyway; `reject` is for deployments where letting one unchecked message through is
/// worse than blocking it.
public enum ErrorPolicy: String, Sendable, CaseIterable {
    case allow, reject
}

/// Exactly what the HTTP handler sends for a pre-event: status code and (possibly empty) JSON body.
///
/// Per the Twilio protocol note: 200 with no body lets the action through unchanged; 200 with a JSON
/// object of lower snake_case keys changes those fields (values are strings: `attributes` is a
/// JSON-encoded string, like the request's); any 4xx/5xx rejects it.
public struct WebhookAnswer: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case unchanged, rewritten, rejected, failedOpen, failedClosed
    }
    public let status: Int
    public let kind: Kind
    /// True when the body is a JSON object (send `Content-Type: application/json`).
    public var hasJSONBody: Bool { kind == .rewritten }

    /// Status for a policy block. Any 4xx/5xx rejects; 403 says "refused on purpose".
    public static let rejectStatus = 403
    /// Status when a rule failed and the policy is `reject`: distinct from a policy block in logs.
    public static let failedClosedStatus = 503

    /// The answer for an event the gateway does not evaluate (unknown event types, post-events): let it through.
    public static let passThrough = WebhookAnswer(status: 200, kind: .unchanged)

    /// Writes the answer body for `decision` into `body` (cleared first, capacity kept) and returns
    /// the answer. No allocation once `body` has grown to its working size.
    public static func encode(_ decision: Decision, onError policy: ErrorPolicy, into body: inout [UInt8]) -> WebhookAnswer {
        body.removeAll(keepingCapacity: true)
        switch decision.outcome {
        case .allow:
            return WebhookAnswer(status: 200, kind: .unchanged)
        case .reject:
            return WebhookAnswer(status: rejectStatus, kind: .rejected)
        case .failed:
            return policy == .allow
                ? WebhookAnswer(status: 200, kind: .failedOpen)
                : WebhookAnswer(status: failedClosedStatus, kind: .failedClosed)
        case .rewrite:
            body.append(UInt8(ascii: "{"))
            var first = true
            decision.forEachRewrite { key, value in
                if !first { body.append(UInt8(ascii: ",")) }
                first = false
                body.append(UInt8(ascii: "\""))
                body.append(contentsOf: key)
                body.append(contentsOf: "\":".utf8)
                JSON.appendString(value, to: &body)
            }
            body.append(UInt8(ascii: "}"))
            return WebhookAnswer(status: 200, kind: .rewritten)
        }
    }
}
