import PCRE2

/// What the pipeline decided for one event, with its trace and rewrites.
///
/// A view over the ``PipelineWorkspace`` that produced it: valid until that workspace's next evaluation.
public struct Decision {
    public enum Outcome: Sendable, Hashable {
        /// Nothing to change: let the event through as it is.
        case allow
        /// Let the event through with some fields rewritten.
        case rewrite
        /// An enforced block rule rejected the event.
        case reject(ruleIndex: Int)
        /// A rule could not finish (it ran out of its PCRE2 budget): the caller's error policy decides.
        case failed(ruleIndex: Int)
    }

    public let event: PreEventType
    public let outcome: Outcome
    public let pipeline: Pipeline
    let workspace: PipelineWorkspace
    /// Why a rule failed, for `.failed`: its PCRE2 error, or `nil` when the deadline passed first.
    public let failure: PCRE2Error?

    /// True when the decision failed because the request's deadline passed, not a rule's budget.
    public var deadlineExceeded: Bool {
        guard case .failed = outcome else { return false }
        return failure == nil
    }

    init(event: PreEventType, outcome: Outcome, pipeline: Pipeline, workspace: PipelineWorkspace, failure: PCRE2Error? = nil) {
        self.event = event
        self.outcome = outcome
        self.pipeline = pipeline
        self.workspace = workspace
        self.failure = failure
    }

    /// The rules that fired, in the order they ran (enforced and monitored).
    public var firedRules: [FiredRule] { workspace.trace }

    /// How many matches were replaced by redact and mask rules.
    public var redactionCount: Int { workspace.redactions }

    /// The rule that rejected the event, or that failed.
    public var decidingRule: Rule? {
        switch outcome {
        case .reject(let index), .failed(let index): return pipeline.rules[index]
        case .allow, .rewrite: return nil
        }
    }

    /// Calls `body` with the answer key (`body`, `attributes`, ...) and new value of each rewritten field,
    /// in field order. Fields the event may not change are never reported (the loader refuses such rules).
    public func forEachRewrite(_ body: (_ answerKey: [UInt8], _ value: UnsafeBufferPointer<UInt8>) -> Void) {
        guard outcome == .rewrite else { return }
        let keys = pipeline.plans[event.index].answerKeys
        for field in 0..<pipeline.fieldNames.count where workspace.rewritten[field] {
            guard let key = keys[field] else { continue }
            workspace.outputs[field].withUnsafeBufferPointer { body(key, $0) }
        }
    }

    /// The rewritten value of a parameter, as a string (tools and tests; not the hot path).
    public func rewrittenValue(of fieldName: String) -> String? {
        guard outcome == .rewrite, let field = pipeline.field(named: fieldName), workspace.rewritten[field.index] else { return nil }
        return String(decoding: workspace.outputs[field.index], as: UTF8.self)
    }
}
