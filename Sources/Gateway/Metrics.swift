import RuleEngine
import Synchronization
import TwilioWebhook

/// What happened to one webhook request, as counted and logged.
public enum RequestOutcome: Int, CaseIterable, Sendable {
    /// Evaluated, let through unchanged.
    case allowed
    /// Evaluated, fields rewritten.
    case rewritten
    /// Evaluated, rejected by a rule (403).
    case rejected
    /// A rule ran out of budget or the deadline passed; answered by policy `allow` (200).
    case failedOpen
    /// Same, answered by policy `reject` (503).
    case failedClosed
    /// A post-event or an unknown event type: let through without evaluation.
    case passedThrough
    /// Missing or wrong signature (403, never evaluated).
    case badSignature
    /// Undecodable parameters or an unsupported content type (400/415, never evaluated).
    case badRequest

    public var label: String {
        switch self {
        case .allowed: return "allowed"
        case .rewritten: return "rewritten"
        case .rejected: return "rejected"
        case .failedOpen: return "failed_open"
        case .failedClosed: return "failed_closed"
        case .passedThrough: return "passed_through"
        case .badSignature: return "bad_signature"
        case .badRequest: return "bad_request"
        }
    }
}

/// The event label of a request: a pre-event, `post` (any post-event), `unknown` or `none` (no EventType).
public enum EventLabel: Sendable, Hashable {
    case pre(PreEventType), post, unknown, none

    static let count = PreEventType.allCases.count + 3
    var index: Int {
        switch self {
        case .pre(let event): return event.index
        case .post: return PreEventType.allCases.count
        case .unknown: return PreEventType.allCases.count + 1
        case .none: return PreEventType.allCases.count + 2
        }
    }
    static func name(at index: Int) -> String {
        let pre = PreEventType.allCases
        if index < pre.count { return pre[index].rawValue }
        return ["post", "unknown", "none"][index - pre.count]
    }
}

/// Counters one worker updates for every request. Plain integers behind the worker's own mutex:
/// uncontended except while `/metrics` reads it.
struct WorkerCounters: Sendable {
    /// `[event * outcomes + outcome]`
    var requests = [Int](repeating: 0, count: EventLabel.count * RequestOutcome.allCases.count)
    /// Hits per rule index of `hitsPipeline`; folded into `foldedHits` when the worker changes rule set.
    var hits: [Int] = []
    var hitsPipeline: Pipeline?
    var foldedHits: [RuleKey: Int] = [:]
    /// Failures per `[rule index * 2 + reason]` of `hitsPipeline` (reason 0: match limit, 1: deadline),
    /// folded into `foldedFailures` like the hits.
    var failures: [Int] = []
    var foldedFailures: [FailureKey: Int] = [:]
    var signatureFailures = [Int](repeating: 0, count: SignatureFailure.allCases.count)
    /// Server-side refusals by HTTP status (400, 408, 413, 431, 503, ...) and route misses (404, 405).
    var httpErrors: [Int: Int] = [:]
    var latencyBuckets = [Int](repeating: 0, count: Metrics.latencyBounds.count)
    var latencyCount = 0
    var latencyNanoseconds: UInt64 = 0

    struct RuleKey: Hashable, Sendable { let id: String; let mode: RuleMode }
    struct FailureKey: Hashable, Sendable { let id: String; let reason: String }
    static let failureReasons = ["match_limit", "deadline"]

    mutating func countHits(_ pipeline: Pipeline, _ fired: [FiredRule]) {
        if hitsPipeline !== pipeline { switchPipeline(to: pipeline) }
        for rule in fired {
            switch rule.note {
            case nil: hits[rule.ruleIndex] += 1
            case .limitExceeded?: failures[rule.ruleIndex * 2] += 1
            case .deadlineExceeded?: failures[rule.ruleIndex * 2 + 1] += 1
            case .attributesNotObject?: break
            }
        }
    }

    mutating func switchPipeline(to pipeline: Pipeline) {
        if let old = hitsPipeline { WorkerCounters.fold(hits, failures, of: old, into: &foldedHits, &foldedFailures) }
        hitsPipeline = pipeline
        hits = [Int](repeating: 0, count: pipeline.rules.count)
        failures = [Int](repeating: 0, count: pipeline.rules.count * 2)
    }

    /// Adds per-index counts of `pipeline` to counts keyed by rule id, which outlive rule sets.
    static func fold(_ hits: [Int], _ failures: [Int], of pipeline: Pipeline,
                     into foldedHits: inout [RuleKey: Int], _ foldedFailures: inout [FailureKey: Int]) {
        for (index, count) in hits.enumerated() where count > 0 {
            foldedHits[RuleKey(id: pipeline.rules[index].id, mode: pipeline.rules[index].mode), default: 0] += count
        }
        for (slot, count) in failures.enumerated() where count > 0 {
            foldedFailures[FailureKey(id: pipeline.rules[slot / 2].id, reason: failureReasons[slot % 2]), default: 0] += count
        }
    }

    mutating func observe(latency nanoseconds: UInt64) {
        latencyCount += 1
        latencyNanoseconds &+= nanoseconds
        for (i, bound) in Metrics.latencyBoundsNanoseconds.enumerated() where nanoseconds <= bound {
            latencyBuckets[i] += 1
            return
        }
    }
}

/// Why a signature was refused, for the metrics label.
enum SignatureFailure: Int, CaseIterable {
    case missing, mismatch, bodyHashMismatch, unknownSharedKey, unsupportedAlgorithm
    /// Not a failure: the signature is valid (never counted).
    case none
    var label: StaticString {
        switch self {
        case .none: return "valid"
        case .missing: return "missing"
        case .mismatch: return "mismatch"
        case .bodyHashMismatch: return "body_hash_mismatch"
        case .unknownSharedKey: return "unknown_shared_key"
        case .unsupportedAlgorithm: return "unsupported_algorithm"
        }
    }
}

/// The gateway's metrics: per-worker counters plus process-wide reload counts, rendered in the
/// Prometheus text format. No label carries request content: only event names, outcomes, rule ids.
public final class Metrics: Sendable {
    /// Histogram bucket upper bounds, in seconds.
    static let latencyBounds: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    static let latencyBoundsNanoseconds: [UInt64] = latencyBounds.map { UInt64($0 * 1e9) }

    /// A `Mutex` cannot live in an array (it is not copyable): one box per worker.
    private final class Slot: Sendable {
        let counters = Mutex(WorkerCounters())
    }
    private let workers: [Slot]
    let reloadSuccesses = Atomic<Int>(0)
    let reloadFailures = Atomic<Int>(0)

    public init(workerCount: Int) {
        workers = (0..<max(1, workerCount)).map { _ in Slot() }
    }

    func withWorker<R>(_ index: Int, _ body: (inout WorkerCounters) -> R) -> R {
        workers[index % workers.count].counters.withLock { body(&$0) }
    }

    /// Sums every worker's counters (a snapshot: each worker is read under its own lock).
    func snapshot() -> WorkerCounters {
        var total = WorkerCounters()
        for worker in workers {
            worker.counters.withLock { counters in
                for i in total.requests.indices { total.requests[i] += counters.requests[i] }
                for i in total.signatureFailures.indices { total.signatureFailures[i] += counters.signatureFailures[i] }
                for (status, count) in counters.httpErrors { total.httpErrors[status, default: 0] += count }
                for i in total.latencyBuckets.indices { total.latencyBuckets[i] += counters.latencyBuckets[i] }
                total.latencyCount += counters.latencyCount
                total.latencyNanoseconds &+= counters.latencyNanoseconds
                for (key, count) in counters.foldedHits { total.foldedHits[key, default: 0] += count }
                for (key, count) in counters.foldedFailures { total.foldedFailures[key, default: 0] += count }
                if let pipeline = counters.hitsPipeline {
                    WorkerCounters.fold(counters.hits, counters.failures, of: pipeline, into: &total.foldedHits, &total.foldedFailures)
                }
            }
        }
        return total
    }

    /// The `/metrics` page.
    func render(version: String?, ruleCount: Int, openConnections: Int, uptimeSeconds: Double, signatureEnforced: Bool) -> String {
        let s = snapshot()
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        family("prehook_requests_total", "counter", "Webhook requests by event type and outcome.")
        for event in 0..<EventLabel.count {
            for outcome in RequestOutcome.allCases {
                let count = s.requests[event * RequestOutcome.allCases.count + outcome.rawValue]
                guard count > 0 else { continue }
                out += "prehook_requests_total{event=\"\(EventLabel.name(at: event))\",outcome=\"\(outcome.label)\"} \(count)\n"
            }
        }
        family("prehook_rule_hits_total", "counter", "Times each rule fired, by rule id and mode.")
        for (key, count) in s.foldedHits.sorted(by: { ($0.key.id, $0.key.mode.rawValue) < ($1.key.id, $1.key.mode.rawValue) }) {
            out += "prehook_rule_hits_total{rule=\"\(key.id)\",mode=\"\(key.mode.rawValue)\"} \(count)\n"
        }
        family("prehook_rule_failures_total", "counter",
               "Times a rule could not finish, by rule id and reason (match_limit: its PCRE2 budget; deadline: the request's); answered by the error policy.")
        for (key, count) in s.foldedFailures.sorted(by: { ($0.key.id, $0.key.reason) < ($1.key.id, $1.key.reason) }) {
            out += "prehook_rule_failures_total{rule=\"\(key.id)\",reason=\"\(key.reason)\"} \(count)\n"
        }
        family("prehook_signature_failures_total", "counter", "Requests refused for a missing or wrong X-Twilio-Signature.")
        for failure in SignatureFailure.allCases where failure != .none {
            out += "prehook_signature_failures_total{reason=\"\(failure.label)\"} \(s.signatureFailures[failure.rawValue])\n"
        }
        family("prehook_http_errors_total", "counter", "Requests answered with an HTTP error before reaching the webhook (bad HTTP, timeouts, overload, unknown paths).")
        for (status, count) in s.httpErrors.sorted(by: { $0.key < $1.key }) {
            out += "prehook_http_errors_total{status=\"\(status)\"} \(count)\n"
        }
        family("prehook_request_duration_seconds", "histogram", "Time from a webhook request's first byte to its answer.")
        var cumulative = 0
        for (i, bound) in Metrics.latencyBounds.enumerated() {
            cumulative += s.latencyBuckets[i]
            out += "prehook_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)\n"
        }
        out += "prehook_request_duration_seconds_bucket{le=\"+Inf\"} \(s.latencyCount)\n"
        out += "prehook_request_duration_seconds_sum \(Double(s.latencyNanoseconds) / 1e9)\n"
        out += "prehook_request_duration_seconds_count \(s.latencyCount)\n"
        family("prehook_rule_reloads_total", "counter", "Rule set reloads by result (a failed reload keeps the last good set).")
        out += "prehook_rule_reloads_total{result=\"success\"} \(reloadSuccesses.load(ordering: .relaxed))\n"
        out += "prehook_rule_reloads_total{result=\"failure\"} \(reloadFailures.load(ordering: .relaxed))\n"
        family("prehook_open_connections", "gauge", "Client connections open now.")
        out += "prehook_open_connections \(openConnections)\n"
        family("prehook_rules_loaded", "gauge", "Rules in the active rule set, labelled with its version.")
        if let version { out += "prehook_rules_loaded{version=\"\(version)\"} \(ruleCount)\n" }
        family("prehook_signature_check_enforced", "gauge", "1 when X-Twilio-Signature is checked, 0 under --insecure-skip-signature.")
        out += "prehook_signature_check_enforced \(signatureEnforced ? 1 : 0)\n"
        family("prehook_uptime_seconds", "gauge", "Seconds since the gateway started.")
        out += "prehook_uptime_seconds \(Int(uptimeSeconds))\n"
        return out
    }
}
