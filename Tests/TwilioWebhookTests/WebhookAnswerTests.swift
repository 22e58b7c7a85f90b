import Foundation
import Testing
import RuleEngine
import PCRE2
@testable import TwilioWebhook

@Suite struct WebhookAnswerTests {
    let pipeline: Pipeline
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "prehook-answer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try """
        { rules: [
          { id: 'mail', kind: 'redact', description: 'd', pattern: '[a-z]+@[a-z]+\\\\.com', replacement: '[email "x"]',
            examples: { match: ['a@b.com'], noMatch: ['a'] } },
          { id: 'name', kind: 'redact', description: 'd', field: 'FriendlyName', pattern: '\\\\+\\\\d+', replacement: '[phone]',
            events: ['onConversationAdd'], examples: { match: ['+1555'], noMatch: ['a'] } },
          { id: 'no', kind: 'block', description: 'd', pattern: 'forbidden', reason: 'policy',
            examples: { match: ['forbidden'], noMatch: ['fine'] } },
          { id: 'tag', kind: 'enrich', description: 'd', set: { checked: true }, when: 'rewritten', events: ['onMessageAdd', 'onConversationAdd'],
            examples: { match: ['{}'], noMatch: ['1'] } },
          { id: 'slow', kind: 'redact', description: 'd', pattern: '(x+)+$', replacement: 'z',
            examples: { match: ['xx'], noMatch: ['y'] } },
        ] }
        """.write(toFile: directory + "/r.json5", atomically: true, encoding: .utf8)
        pipeline = try RuleSetLoader.load(directory: directory)
    }

    /// Evaluates `params` and returns the status and the body as text.
    func answer(_ event: PreEventType, _ params: [String: String], policy: ErrorPolicy = .allow, limits: MatchScratch.Limits = .default) -> (Int, String, WebhookAnswer.Kind) {
        var storage: [UInt8] = []
        var ranges: [String: Range<Int>] = [:]
        for (k, v) in params { let s = storage.count; storage.append(contentsOf: v.utf8); ranges[k] = s..<storage.count }
        var body: [UInt8] = [0x41] // stale content must be cleared
        let ws = PipelineWorkspace(limits: limits)
        let result = storage.withUnsafeBufferPointer { buffer in
            let decision = pipeline.evaluate(event, fields: Fields(storage: buffer, ranges: ranges), workspace: ws)
            return WebhookAnswer.encode(decision, onError: policy, into: &body)
        }
        return (result.status, String(decoding: body, as: UTF8.self), result.kind)
    }

    struct Fields: EventFields {
        let storage: UnsafeBufferPointer<UInt8>
        let ranges: [String: Range<Int>]
        func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { ranges[field.name].map { UnsafeBufferPointer(rebasing: storage[$0]) } }
    }

    @Test func unchangedIs200WithNoBody() {
        let (status, body, kind) = answer(.onMessageAdd, ["Body": "hello", "Attributes": "{}"])
        #expect(status == 200 && body.isEmpty && kind == .unchanged)
    }

    @Test func rewrittenMessageIs200WithSnakeCaseStringFields() throws {
        let (status, body, kind) = answer(.onMessageAdd, ["Body": "to a@b.com\n", "Attributes": #"{"k":"v"}"#])
        #expect(status == 200 && kind == .rewritten)
        #expect(body == #"{"body":"to [email \"x\"]\n","attributes":"{\"k\":\"v\",\"checked\":true}"}"#)
        // The body is valid JSON whose values are strings; attributes is itself a JSON string.
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: String])
        #expect(object["body"] == "to [email \"x\"]\n")
        let attributes = try JSONSerialization.jsonObject(with: Data(object["attributes"]!.utf8)) as? [String: Any]
        #expect(attributes?["k"] as? String == "v")
        #expect(attributes?["checked"] as? Bool == true)
    }

    @Test func conversationRewriteUsesFriendlyName() {
        let (status, body, _) = answer(.onConversationAdd, ["FriendlyName": "Chat with +15551234", "Attributes": "{}"])
        #expect(status == 200)
        #expect(body == #"{"friendly_name":"Chat with [phone]","attributes":"{\"checked\":true}"}"#)
    }

    @Test func rejectIs403WithNoBody() {
        let (status, body, kind) = answer(.onMessageAdd, ["Body": "forbidden a@b.com"])
        #expect(status == 403 && body.isEmpty && kind == .rejected)
    }

    @Test func failureFollowsThePolicy() {
        let evil = ["Body": String(repeating: "x", count: 3_000) + "!"]
        let limits = MatchScratch.Limits(matchLimit: 5_000)
        let open = answer(.onMessageAdd, evil, policy: .allow, limits: limits)
        #expect(open.0 == 200 && open.1.isEmpty && open.2 == .failedOpen)
        let closed = answer(.onMessageAdd, evil, policy: .reject, limits: limits)
        #expect(closed.0 == 503 && closed.1.isEmpty && closed.2 == .failedClosed)
    }

    @Test func eventsThatCannotBeModifiedOnlyAllowOrReject() {
        let (status, body, _) = answer(.onParticipantAdd, ["Body": "a@b.com", "Identity": "x"])
        #expect(status == 200 && body.isEmpty)
    }
}
