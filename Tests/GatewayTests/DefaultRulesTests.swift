import Foundation
import Testing
import RuleEngine
@testable import Gateway

/// The shipped Rules/ through `eval`: behaviours the default rule set promises beyond its own examples.
@Suite struct DefaultRulesTests {
    let pipeline: Pipeline
    init() throws { pipeline = try RuleSetLoader.load(directory: repoRules) }

    func evalOne(_ params: [String: String]) throws -> [String: Any] {
        var session = EvalSession(pipeline: pipeline)
        var out: [UInt8] = []
        let line = try JSONSerialization.data(withJSONObject: params)
        [UInt8](line).withUnsafeBufferPointer { session.evaluate(line: $0, lineNumber: 1, into: &out) }
        return try JSONSerialization.jsonObject(with: Data(out)) as! [String: Any]
    }

    @Test func longDigitRunsStayWithinTheMatchBudget() throws {
        // 4,000 characters of digits and separators: patterns that backtrack badly would run out of
        // budget here (outcome "failed"); every rule must finish.
        var text = ""
        var state: UInt64 = 42
        while text.utf8.count < 4_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = Int(state >> 33)
            text += String(r % 10)
            if r % 5 == 0 { text += [" ", "-", ".", "/", "+"][r / 5 % 5] }
        }
        let result = try evalOne(["EventType": "onMessageAdd", "Body": text])
        #expect(result["failed"] == nil)
        #expect(result["status"] as? Int == 200)
    }

    @Test func identitiesThatArePersonalDataAreRejected() throws {
        for identity in ["ann@example.com", "+14155550134", "whatsapp:+4915123456789"] {
            let result = try evalOne(["EventType": "onParticipantAdd", "Identity": identity])
            #expect(result["status"] as? Int == 403, "\(identity)")
        }
        for identity in ["ann", "agent_42", "3f2a1c9e-8b7d-4e6f-9a1b-2c3d4e5f6a7b"] {
            let result = try evalOne(["EventType": "onParticipantUpdate", "Identity": identity])
            #expect(result["status"] as? Int == 200, "\(identity)")
        }
    }

    @Test func conversationNamesLoseContactDetailsAndCreationIsCounted() throws {
        let result = try evalOne(["EventType": "onConversationAdd", "FriendlyName": "Chat with +1 415 555 0134", "Attributes": "{}"])
        #expect((result["response"] as? [String: String])?["friendly_name"] == "Chat with [phone]")
        #expect(result["monitored"] as? [String] == ["audit.conversation-created"])
    }

    @Test func decoysSurviveUnchanged() throws {
        for body in ["order 112-3456789-1234567 shipped", "ISBN 978-3-16-148410-0", "UPS 1Z999AA10123456784",
                     "v10.0.19041.1", "meeting 09:30-10:45 on 12.03.2024", "total $1,299.99", "code 483920"] {
            let result = try evalOne(["EventType": "onMessageAdd", "Body": body])
            #expect(result["response"] is NSNull, "\(body)")
        }
    }
}
