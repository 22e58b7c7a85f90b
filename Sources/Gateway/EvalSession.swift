import JSONBytes
import RuleEngine
import TwilioWebhook

/// `prehook eval`: one JSON object of Twilio parameters in, one JSON line out, showing exactly what
/// the webhook would answer. Every buffer is reused from line to line.
public struct EvalSession {
    public let pipeline: Pipeline
    public let onError: ErrorPolicy
    private let workspace = PipelineWorkspace()
    private var fields = JSONStringFields(reservingBytes: 4096, fields: 16)
    private var answerBody: [UInt8] = []
    private static let eventTypeKey = Array("EventType".utf8)

    public init(pipeline: Pipeline, onError: ErrorPolicy = .allow) {
        self.pipeline = pipeline
        self.onError = onError
        answerBody.reserveCapacity(4096)
    }

    /// Evaluates one input line and appends one output line (with its newline) to `out`.
    ///
    /// Output: `{"status":200,"response":null|{...},"rules":[...],"monitored":[...]}`, plus `"reason"`
    /// for a rejection and `"failed"` when a rule ran out of budget; `{"error":"..."}` for a bad line.
    public mutating func evaluate(line: UnsafeBufferPointer<UInt8>, lineNumber: Int, into out: inout [UInt8]) {
        do {
            try JSON.parseStringObject(line, into: &fields)
        } catch {
            appendError("line \(lineNumber): not a JSON object of string values: \(error)", to: &out)
            return
        }
        let fields = self.fields
        fields.storage.withUnsafeBufferPointer { storage in
            let source = JSONLineFields(fields: fields, storage: storage)
            guard let eventType = source.value(named: EvalSession.eventTypeKey) else {
                appendError("line \(lineNumber): missing EventType", to: &out)
                return
            }
            guard let event = PreEventType(utf8: eventType) else {
                // Unknown or post-event types are let through unchanged, as the server does.
                out.append(contentsOf: #"{"status":200,"response":null,"rules":[],"monitored":[],"evaluated":false}"#.utf8)
                out.append(0x0A)
                return
            }
            let decision = pipeline.evaluate(event, fields: source, workspace: workspace)
            let answer = WebhookAnswer.encode(decision, onError: onError, into: &answerBody)
            out.append(contentsOf: #"{"status":"#.utf8)
            JSON.appendInteger(answer.status, to: &out)
            out.append(contentsOf: #","response":"#.utf8)
            if answer.hasJSONBody { out.append(contentsOf: answerBody) } else { out.append(contentsOf: "null".utf8) }
            appendIDs(key: "rules", decision, mode: .enforce, to: &out)
            appendIDs(key: "monitored", decision, mode: .monitor, to: &out)
            if case .reject = decision.outcome, let rule = decision.decidingRule {
                out.append(contentsOf: #","reason":"#.utf8)
                JSON.appendString(rule.reason ?? rule.id, to: &out)
            }
            if case .failed = decision.outcome, let rule = decision.decidingRule {
                out.append(contentsOf: #","failed":"#.utf8)
                JSON.appendString(rule.id, to: &out)
            }
            out.append(contentsOf: "}\n".utf8)
        }
    }

    private func appendIDs(key: String, _ decision: Decision, mode: RuleMode, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"\(key)\":[".utf8)
        var first = true
        for fired in decision.firedRules where fired.mode == mode {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSON.appendString(pipeline.rules[fired.ruleIndex].id, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    private func appendError(_ message: String, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"error":"#.utf8)
        JSON.appendString(message, to: &out)
        out.append(contentsOf: "}\n".utf8)
    }
}

/// Serves a parsed JSON line's parameters to the pipeline without copying them.
struct JSONLineFields: EventFields {
    let fields: JSONStringFields
    let storage: UnsafeBufferPointer<UInt8>

    func value(named name: [UInt8]) -> UnsafeBufferPointer<UInt8>? {
        for field in fields.fields where UnsafeBufferPointer(rebasing: storage[field.key]).sameBytes(as: name) {
            return UnsafeBufferPointer(rebasing: storage[field.value])
        }
        return nil
    }

    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { value(named: field.utf8) }
}
