import FoundationEssentials
import JSONBytes
import RuleEngine
import TwilioWebhook

/// The default rules (or `PREHOOK_FUZZ_RULES`) on fuzzed fields. The first byte picks the event;
/// the rest is cut at 0xFF bytes (never part of UTF-8) into the values of the fields the rules
/// read, in order; everything else, valid UTF-8 or not, is a value. The answer must be the same
/// when evaluated twice with the same reused workspace, and a rewrite must be a JSON object.
enum PipelineHarness {
    static let pipeline: Pipeline = {
        let directory = ProcessInfo.processInfo.environment["PREHOOK_FUZZ_RULES"] ?? defaultRules
        do {
            return try RuleSetLoader.load(directory: directory)
        } catch {
            fatalError("the pipeline harness needs a rule set that loads: \(directory): \(error)")
        }
    }()
    /// `Rules/` of this checkout, found from this file's path.
    static let defaultRules: String = {
        var path = "\(#filePath)"
        for _ in 0..<4 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        return path + "/Rules"
    }()
    nonisolated(unsafe) static let workspace = PipelineWorkspace()
    /// The two answers' bodies, reused across inputs.
    nonisolated(unsafe) static var firstBody: [UInt8] = []
    nonisolated(unsafe) static var secondBody: [UInt8] = []

    struct Fields: EventFields {
        let values: [UnsafeBufferPointer<UInt8>]
        func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? {
            field.index < values.count ? values[field.index] : nil
        }
    }

    @Sendable static func run(_ data: UnsafeBufferPointer<UInt8>) {
        guard let selector = data.first else { return }
        let events = PreEventType.allCases
        let event = events[Int(selector) % events.count]
        var values: [UnsafeBufferPointer<UInt8>] = []
        var start = 1
        while start <= data.count && values.count < pipeline.fieldNames.count {
            var end = start
            while end < data.count && data[end] != 0xFF { end += 1 }
            values.append(UnsafeBufferPointer(rebasing: data[start..<end]))
            start = end + 1
        }
        let fields = Fields(values: values)
        // A deadline is passed (so its checks run) but far away: a fuzzer starved of CPU by other
        // work once saw its second evaluation pass a 10 s deadline, which is not a difference in
        // the rules' answer.
        let first = pipeline.evaluate(event, fields: fields, workspace: workspace, deadline: MonotonicClock.now().adding(milliseconds: 3_600_000))
        let firstExceeded = first.deadlineExceeded
        let answer = WebhookAnswer.encode(first, onError: .allow, into: &PipelineHarness.firstBody)
        if answer.hasJSONBody {
            PipelineHarness.firstBody.withUnsafeBufferPointer { body in
                do {
                    try JSON.validate(body)
                } catch {
                    invariant(false, "a rewrite that is not JSON (\(error)) for \(event)")
                }
            }
        }
        let second = pipeline.evaluate(event, fields: fields, workspace: workspace, deadline: MonotonicClock.now().adding(milliseconds: 3_600_000))
        let secondExceeded = second.deadlineExceeded
        let again = WebhookAnswer.encode(second, onError: .allow, into: &PipelineHarness.secondBody)
        invariant(answer == again && PipelineHarness.firstBody == PipelineHarness.secondBody,
                  "two evaluations disagree for \(event): \(answer) vs \(again) (deadline exceeded: \(firstExceeded), \(secondExceeded))")
    }
}
