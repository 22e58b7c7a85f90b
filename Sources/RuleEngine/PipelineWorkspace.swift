import PCRE2
import TextMatch

/// Everything one evaluation needs that would otherwise be allocated per message: PCRE2 match data,
/// the folding buffer of the word matcher, span and trace arrays, and output buffers per field.
///
/// One per worker thread, reused for every event; it also survives rule reloads (it grows as needed).
/// After ``Pipeline/evaluate(_:fields:workspace:)`` it holds that evaluation's trace and rewrites,
/// which the ``Decision`` reads, until the next evaluation.
public final class PipelineWorkspace {
    let match: MatchScratch
    let fold = FoldScratch()
    var spans: [Span] = []
    var trace: [FiredRule] = []
    var outputs: [[UInt8]] = []
    var rewritten: [Bool] = []
    /// This evaluation's value of each field its rules read (by field index); other slots are stale.
    var values: [UnsafeBufferPointer<UInt8>?] = []
    var temp: [UInt8] = []
    var redactions = 0
    /// The byte summary of the last field value a prefilter looked at (most rules read `Body`).
    private var summaryOf: (base: UnsafePointer<UInt8>?, count: Int) = (nil, -1)
    private var lastSummary = Prefilter.Summary()
    /// Word-list scans that found nothing in a value during this evaluation: (words key, value).
    private var cleanScans: [(key: Int, base: UnsafePointer<UInt8>?, count: Int)] = []

    public init(limits: MatchScratch.Limits = .default) {
        match = MatchScratch(limits: limits)
        spans.reserveCapacity(64)
        trace.reserveCapacity(64)
        cleanScans.reserveCapacity(8)
        temp.reserveCapacity(4096)
    }

    /// Clears the previous evaluation, keeping every buffer's capacity.
    func begin(fieldCount: Int) {
        while outputs.count < fieldCount {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1024)
            outputs.append(buffer)
            rewritten.append(false)
            values.append(nil)
        }
        for i in 0..<rewritten.count where rewritten[i] { rewritten[i] = false }
        spans.removeAll(keepingCapacity: true)
        trace.removeAll(keepingCapacity: true)
        redactions = 0
        forgetValues()
    }

    /// Drops what was remembered about field values: their buffers may be reused for other bytes.
    func forgetValues() {
        summaryOf = (nil, -1)
        cleanScans.removeAll(keepingCapacity: true)
    }

    /// The byte summary of `value`, computed once per value per evaluation.
    func summary(of value: UnsafeBufferPointer<UInt8>) -> Prefilter.Summary {
        if summaryOf.base != value.baseAddress || summaryOf.count != value.count {
            lastSummary = Prefilter.summarize(value)
            summaryOf = (value.baseAddress, value.count)
        }
        return lastSummary
    }

    func isKnownClean(_ key: Int, _ value: UnsafeBufferPointer<UInt8>) -> Bool {
        cleanScans.contains { $0.key == key && $0.base == value.baseAddress && $0.count == value.count }
    }

    func recordClean(_ key: Int, _ value: UnsafeBufferPointer<UInt8>) {
        cleanScans.append((key, value.baseAddress, value.count))
    }

    /// Adds a span keeping `spans` sorted by start, longer first, then rule order. Insertion keeps the
    /// common case (a few spans) allocation-free, unlike a general sort.
    func insert(_ span: Span) {
        var i = spans.count
        spans.append(span)
        while i > 0 && span.precedes(spans[i - 1]) {
            spans[i] = spans[i - 1]
            i -= 1
        }
        spans[i] = span
    }
}

/// A match one rule wants to replace in a field.
struct Span {
    let start: Int
    let end: Int
    let rule: Int

    func precedes(_ other: Span) -> Bool {
        if start != other.start { return start < other.start }
        if end != other.end { return end > other.end }
        return rule < other.rule
    }
}

/// One rule that fired during an evaluation.
public struct FiredRule: Sendable, Hashable {
    /// Something about the firing worth reporting besides the hit count.
    public enum Note: Sendable, Hashable {
        /// An enrich rule found `Attributes` that is not a JSON object and left it alone.
        case attributesNotObject
        /// The rule ran out of its PCRE2 match budget.
        case limitExceeded
        /// The request's deadline passed before this rule could start; it did not run.
        case deadlineExceeded
    }
    /// Index into ``Pipeline/rules``.
    public let ruleIndex: Int
    public let mode: RuleMode
    /// Matches found (for enrich and set rules: 1).
    public let hits: Int
    public let note: Note?
}
