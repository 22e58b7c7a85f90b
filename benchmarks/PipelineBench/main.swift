import Foundation
import MallocCounter
import RuleEngine
import TwilioWebhook

// prehook-bench: times the rule pipeline on one thread and counts heap allocations per message.
// Usage: prehook-bench [--rules DIR] [--quick]
// Prints figures; never fails on a timing (CI runs it with --quick so it does not rot).

var rulesDirectory = "Rules"
var quick = false
var onlyCase: String?
var args = CommandLine.arguments.dropFirst()
while let arg = args.popFirst() {
    switch arg {
    case "--rules": rulesDirectory = args.popFirst() ?? rulesDirectory
    case "--quick": quick = true
    case "--case": onlyCase = args.popFirst()
    default:
        FileHandle.standardError.write(Data("usage: prehook-bench [--rules DIR] [--quick]\n".utf8))
        exit(2)
    }
}

let compileStart = DispatchTime.now().uptimeNanoseconds
let pipeline: Pipeline
do {
    pipeline = try RuleSetLoader.load(directory: rulesDirectory)
} catch {
    print(error)
    exit(1)
}
let compileMs = Double(DispatchTime.now().uptimeNanoseconds - compileStart) / 1e6
// The load allocates plenty: a non-zero count here shows the counter is live, so a 0 below is real.
print("rule set \(pipeline.version): \(pipeline.rules.count) rules, loaded + compiled + examples run in \(String(format: "%.1f", compileMs)) ms (\(prehook_allocation_count()) allocations so far)")

/// One event's parameters laid out in a single buffer, as a decoded request would be.
struct Event: EventFields {
    var storage: [UInt8] = []
    var ranges: [String: Range<Int>] = [:]
    init(_ params: [String: String]) {
        for (k, v) in params { let s = storage.count; storage.append(contentsOf: v.utf8); ranges[k] = s..<storage.count }
    }
    // The benchmark resolves fields through a small array, like the server's form decoder will.
    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { nil }
}

struct Resolved: EventFields {
    let slots: [UnsafeBufferPointer<UInt8>?]
    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { slots[field.index] }
}

let workspace = PipelineWorkspace()
var answerBody: [UInt8] = []
answerBody.reserveCapacity(4096)

/// Runs `iterations` evaluations + answer encodings; returns (messages/s, allocations per message).
@MainActor func measure(_ params: [String: String], iterations: Int) -> (rate: Double, allocations: Double, status: Int) {
    let event = Event(params)
    return event.storage.withUnsafeBufferPointer { storage in
        let slots = pipeline.fieldNames.map { field in event.ranges[field.name].map { UnsafeBufferPointer(rebasing: storage[$0]) } }
        let fields = Resolved(slots: slots)
        var status = 0
        // Warm up: buffers reach their working size.
        for _ in 0..<100 {
            status = WebhookAnswer.encode(pipeline.evaluate(.onMessageAdd, fields: fields, workspace: workspace), onError: .allow, into: &answerBody).status
        }
        let before = prehook_allocation_count()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations {
            let decision = pipeline.evaluate(.onMessageAdd, fields: fields, workspace: workspace)
            status = WebhookAnswer.encode(decision, onError: .allow, into: &answerBody).status
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let allocations = Double(prehook_allocation_count() - before) / Double(iterations)
        return (Double(iterations) / elapsed, allocations, status)
    }
}

let clean100 = "Hi! Thanks for getting back to me so quickly. Could we move the call to Thursday afternoon, please?"
/// 4,000 characters of digits and separators: the input that makes careless digit patterns backtrack.
let digitRun: String = {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    var text = ""
    while text.utf8.count < 4_000 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let r = Int(state >> 33)
        text += String(r % 10)
        if r % 7 == 0 { text += [" ", "-", ".", "/"][r / 7 % 4] }
    }
    return text
}()
let cases: [(String, [String: String])] = [
    ("clean, \(clean100.utf8.count) B", ["Body": clean100, "Attributes": "{}"]),
    ("clean, 300 B", ["Body": String(repeating: "see you at the office tomorrow, ", count: 10), "Attributes": #"{"channel":"web"}"#]),
    ("e-mail + card", ["Body": "mail ann.lee@example.com or use card 4111 1111 1111 1111", "Attributes": #"{"channel":"web"}"#]),
    ("profane", ["Body": "this is f.u.c.k.i.n.g ridiculous", "Attributes": "{}"]),
    ("4,000 digits/seps", ["Body": digitRun, "Attributes": "{}"]),
]
let iterations = quick ? 2_000 : 100_000
print("pipeline, one thread, \(iterations) evaluations each (evaluate + encode answer):")
for (name, params) in cases where onlyCase.map({ name.contains($0) }) ?? true {
    let result = measure(params, iterations: iterations)
    print("  \(name.padding(toLength: 18, withPad: " ", startingAt: 0))  status \(result.status)  \(String(format: "%10.0f", result.rate)) msgs/s  \(String(format: "%8.1f", 1e6 / result.rate)) us/msg  \(String(format: "%.2f", result.allocations)) allocations/msg")
}
