import Foundation
import MallocCounter
import RuleEngine
import TwilioWebhook
import SeededRandom

// prehook-bench: the rule pipeline on one thread (messages/s, heap allocations per message, load
// time, scaling with message length and rule count) and HTTP round trips through an in-process
// gateway (allocations per request). Prints figures; never fails on a timing.
// Usage: prehook-bench [--rules DIR] [--quick] [--case NAME]

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
        FileHandle.standardError.write(Data("usage: prehook-bench [--rules DIR] [--quick] [--case NAME]\n".utf8))
        exit(2)
    }
}

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func format(_ value: Double, _ decimals: Int = 0) -> String { String(format: "%.\(decimals)f", value) }
func pad(_ s: String, _ width: Int) -> String { s.count >= width ? s : s + String(repeating: " ", count: width - s.count) }
func lpad(_ s: String, _ width: Int) -> String { s.count >= width ? s : String(repeating: " ", count: width - s.count) + s }

/// Loads a rule set `times` times; returns it and the median load time in ms.
func load(_ directory: String, times: Int) -> (Pipeline, Double) {
    var samples: [Double] = []
    var pipeline: Pipeline?
    for _ in 0..<times {
        let start = now()
        do { pipeline = try RuleSetLoader.load(directory: directory) } catch { print(error); exit(1) }
        samples.append(Double(now() - start) / 1e6)
    }
    return (pipeline!, samples.sorted()[samples.count / 2])
}

let (pipeline, loadMs) = load(rulesDirectory, times: quick ? 1 : 5)
// The load allocates plenty: a non-zero count here shows the counter is live, so a 0 below is real.
print("rule set \(pipeline.version): \(pipeline.rules.count) rules; load (read, compile, JIT, run every example): \(format(loadMs, 1)) ms median  [target <= 100 ms]  (\(prehook_allocation_count()) allocations so far)")

/// One event's parameters in one buffer, served by field index as the server's decoder does.
final class Event {
    let storage: [UInt8]
    let ranges: [String: Range<Int>]
    let event: PreEventType
    init(_ event: PreEventType, _ params: [String: String]) {
        var storage: [UInt8] = []
        var ranges: [String: Range<Int>] = [:]
        for (k, v) in params.sorted(by: { $0.key < $1.key }) { let s = storage.count; storage.append(contentsOf: v.utf8); ranges[k] = s..<storage.count }
        self.storage = storage
        self.ranges = ranges
        self.event = event
    }
}

struct Resolved: EventFields {
    let slots: [UnsafeBufferPointer<UInt8>?]
    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { slots[field.index] }
}

let workspace = PipelineWorkspace()
let repetitions = quick ? 1 : 3
var answerBody: [UInt8] = []
answerBody.reserveCapacity(64 * 1024)

/// Evaluates + encodes each event in turn, `rounds` times over the list; returns msgs/s,
/// allocations per message and the status of the last answer.
@MainActor func measure(_ events: [Event], on pipeline: Pipeline, rounds: Int) -> (rate: Double, allocations: Double, status: Int) {
    // Resolve every event's fields up front (the server's decoder does this per request, allocation-free).
    let pointers = events.map { event in
        event.storage.withUnsafeBufferPointer { storage in
            pipeline.fieldNames.map { field in event.ranges[field.name].map { UnsafeBufferPointer(rebasing: storage[$0]) } }
        }
    }
    let fields = pointers.map(Resolved.init)
    var status = 0
    for (i, event) in events.enumerated() {  // warm-up: buffers reach their working size
        status = WebhookAnswer.encode(pipeline.evaluate(event.event, fields: fields[i], workspace: workspace), onError: .allow, into: &answerBody).status
    }
    // The best of a few timed repetitions: this machine is shared, and interference only ever slows a run down.
    var best = 0.0
    // A real deadline, as the server passes one: the per-rule deadline check is part of the cost.
    let deadline = MonotonicClock.now().adding(milliseconds: 3_600_000)
    let before = prehook_allocation_count()
    for _ in 0..<repetitions {
        let start = now()
        for _ in 0..<rounds {
            for i in 0..<events.count {
                let decision = pipeline.evaluate(events[i].event, fields: fields[i], workspace: workspace, deadline: deadline)
                status = WebhookAnswer.encode(decision, onError: .allow, into: &answerBody).status
            }
        }
        best = max(best, Double(rounds * events.count) / (Double(now() - start) / 1e9))
    }
    let count = Double(rounds * events.count * repetitions)
    withExtendedLifetime(events) {}
    return (best, Double(prehook_allocation_count() - before) / count, status)
}

@MainActor func row(_ name: String, _ result: (rate: Double, allocations: Double, status: Int), note: String = "") {
    print("  \(pad(name, 24)) status \(result.status)  \(lpad(format(result.rate), 9)) msgs/s  \(lpad(format(1e6 / result.rate, 2), 8)) us/msg  \(format(result.allocations, 2)) allocations/msg\(note)")
}

@MainActor func enabled(_ name: String) -> Bool { onlyCase.map { name.contains($0) } ?? true }

// MARK: - Single messages

let clean100 = "Hi! Thanks for getting back to me so quickly. Could we move the call to Thursday afternoon, please??"
/// 4,000 characters of digits and separators: the input that makes careless digit patterns backtrack.
let digitRun: String = {
    var rng = SplitMix64(seed: 7)
    var text = ""
    while text.utf8.count < 4_000 {
        let r = Int(rng.next() % 1_000)
        text += String(r % 10)
        if r % 7 == 0 { text += [" ", "-", ".", "/"][r / 7 % 4] }
    }
    return text
}()
let iterations = quick ? 2_000 : 100_000
let singles: [(String, [String: String])] = [
    ("clean, \(clean100.utf8.count) B", ["Body": clean100, "Attributes": "{}"]),
    ("clean, 300 B", ["Body": String(repeating: "see you at the office tomorrow, ", count: 10), "Attributes": #"{"channel":"web"}"#]),
    ("e-mail + card", ["Body": "mail ann.lee@example.com or use card 4111 1111 1111 1111", "Attributes": #"{"channel":"web"}"#]),
    ("profane", ["Body": "this is f.u.c.k.i.n.g ridiculous", "Attributes": "{}"]),
    ("4,000 digits/separators", ["Body": digitRun, "Attributes": "{}"]),
]
print("\npipeline, one thread, evaluate + encode the answer, \(iterations) per message, best of \(repetitions)  [target: clean 100 B >= 500,000 msgs/s, 0 allocations]")
for (name, params) in singles where enabled(name) {
    row(name, measure([Event(.onMessageAdd, params)], on: pipeline, rounds: name.hasPrefix("4,000") ? iterations / 20 : iterations))
}

// MARK: - A seeded mix

/// Seeded (SplitMix64), so the mix is the same on every run and machine.
extension SplitMix64 {
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
}

let words = ["the", "meeting", "is", "moved", "to", "Thursday", "thanks", "for", "your", "help", "can", "you", "send", "me",
             "the", "report", "please", "I'll", "be", "there", "at", "five", "great", "news", "order", "shipped", "yesterday",
             "let", "me", "know", "if", "anything", "changes", "see", "you", "soon", "okay", "perfect", "how", "about", "lunch"]
let piiPieces = ["jane.doe@example.com", "+44 7911 123456", "4111 1111 1111 1111", "(415) 555-0134", "DE89 3704 0044 0532 0130 00",
                 "123-45-6789", "192.168.10.24", "ann.lee+tag@mail.example.org"]
let profanities = ["fuck", "sh1t", "f.u.c.k", "b i t c h", "a$$hole", "fuuuuck"]

@MainActor func sentence(_ rng: inout SplitMix64, bytes: Int) -> String {
    var text = ""
    while text.utf8.count < bytes { text += (text.isEmpty ? "" : " ") + rng.pick(words) }
    return text
}

var rng = SplitMix64(seed: 2026)
var mix: [(kind: String, event: Event)] = []
for _ in 0..<(quick ? 200 : 2_000) {
    let roll = rng.next() % 100
    let length = 20 + Int(rng.next() % 281)  // 20-300 bytes of chat
    var body = sentence(&rng, bytes: length)
    let kind: String
    if roll < 80 {
        kind = "clean"
    } else if roll < 92 {
        kind = "PII"
        body += " " + rng.pick(piiPieces) + " " + sentence(&rng, bytes: 10)
    } else {
        kind = "profane"
        body = rng.pick(profanities) + " " + body
    }
    mix.append((kind, Event(.onMessageAdd, ["Body": body, "Author": "user-4711", "Attributes": #"{"channel":"web"}"#])))
}
let mixRounds = quick ? 5 : 50
print("\nseeded mix (seed 2026, \(mix.count) messages: 80% clean chat of 20-300 B, 12% with PII, 8% profane), \(mixRounds) rounds")
if enabled("mix") {
    row("whole mix", measure(mix.map(\.event), on: pipeline, rounds: mixRounds))
    for kind in ["clean", "PII", "profane"] {
        let events = mix.filter { $0.kind == kind }.map(\.event)
        row("  \(kind) (\(events.count))", measure(events, on: pipeline, rounds: mixRounds))
    }
}

// MARK: - Message length

print("\nmessage length (clean chat; then the same with an e-mail address at the end)")
for size in [100, 1_024, 4_096, 32 * 1_024] where enabled("length") {
    var r = SplitMix64(seed: UInt64(size))
    let body = sentence(&r, bytes: size)
    let rounds = max(20, (quick ? 200_000 : 5_000_000) / size)
    row("\(size) B", measure([Event(.onMessageAdd, ["Body": body, "Attributes": "{}"])], on: pipeline, rounds: rounds))
    row("\(size) B + e-mail", measure([Event(.onMessageAdd, ["Body": String(body.dropLast(30)) + " mail ann.lee@example.com", "Attributes": "{}"])],
                                      on: pipeline, rounds: rounds))
}

// MARK: - Rule count

/// A rule set of `count` redact rules, each a distinct keyword pattern (all of them run on every message).
func syntheticRules(_ count: Int) -> String {
    let directory = NSTemporaryDirectory() + "prehook-bench-rules-\(count)-\(getpid())"
    try? FileManager.default.removeItem(atPath: directory)
    try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var text = "{ rules: [\n"
    for i in 0..<count {
        text += "{ id: 'synthetic.r\(i)', kind: 'redact', description: 'd', pattern: '(?i)\\\\bproject[- ]?\(i)x[a-z]*\\\\b', replacement: '[p]', "
        text += "examples: { match: ['see project-\(i)xab now'], noMatch: ['project \(i)'] } },\n"
    }
    text += "] }\n"
    try! text.write(toFile: directory + "/synthetic.json5", atomically: true, encoding: .utf8)
    return directory
}

print("\nrule count (synthetic keyword redactions; clean \(clean100.utf8.count) B message)")
for count in [10, 100, 1_000] where enabled("rules") {
    let directory = syntheticRules(count)
    let (synthetic, ms) = load(directory, times: 1)
    let rounds = max(200, (quick ? 200_000 : 2_000_000) / count)
    row("\(count) rules", measure([Event(.onMessageAdd, ["Body": clean100])], on: synthetic, rounds: rounds), note: "  load \(format(ms, 1)) ms")
    try? FileManager.default.removeItem(atPath: directory)
}

// MARK: - HTTP

if enabled("http") {
    HTTPRoundTrips.run(rules: rulesDirectory, requests: quick ? 2_000 : 50_000)
}
