import PCRE2
import TextMatch

/// What a rule does when it fires.
public enum RuleKind: String, Sendable, CaseIterable {
    /// Replace matches in a field with a template (`[email]`, `[card ending {last4}]`).
    case redact
    /// Reject the event (or, with `action: "mask"`, star out the matched words).
    case block
    /// Merge keys into the `Attributes` JSON object.
    case enrich
    /// Give an empty field a value.
    case set
}

/// `enforce` rules change the answer; `monitor` rules only count and report what they would have done.
public enum RuleMode: String, Sendable {
    case enforce, monitor
}

/// A rule compiled from a rule file: immutable, shared by every worker.
///
/// A class so the hot path passes one reference around instead of copying a dozen reference-counted
/// fields per rule per message (measured: a third of a clean message's time went to that).
public final class Rule: Sendable {
    public let id: String
    public let description: String
    public let kind: RuleKind
    public let mode: RuleMode
    public let events: [PreEventType]
    /// The request parameter the rule reads (`Body`, `Author`, `Attributes`, `Identity`, ...).
    public let field: String
    /// The file the rule came from, relative to the rules directory.
    public let file: String
    /// For `block` rules: the reason id reported when the rule rejects an event.
    public let reason: String?

    let fieldIndex: Int
    let matcher: Matcher?
    let prefilter: Prefilter?
    /// Rules with the same word lists share this key (the index of the first of them): one clean
    /// scan of a field answers for all of them.
    let wordsKey: Int?
    let action: Action
    let examples: Examples

    init(id: String, description: String, kind: RuleKind, mode: RuleMode, events: [PreEventType], field: String,
         file: String, reason: String?, fieldIndex: Int, matcher: Matcher?, prefilter: Prefilter?, wordsKey: Int?,
         action: Action, examples: Examples) {
        self.id = id
        self.description = description
        self.kind = kind
        self.mode = mode
        self.events = events
        self.field = field
        self.file = file
        self.reason = reason
        self.fieldIndex = fieldIndex
        self.matcher = matcher
        self.prefilter = prefilter
        self.wordsKey = wordsKey
        self.action = action
        self.examples = examples
    }

    /// True for a block rule that masks words instead of rejecting the event.
    public var masks: Bool { if case .mask = action { return true } else { return false } }
}

/// How a rule finds what it acts on.
enum Matcher: Sendable {
    case pattern(Regex, validator: Validator?)
    case words(WordListMatcher)
}

enum Action: Sendable {
    case redact(Template)
    case reject
    case mask
    case enrich(EnrichSpec)
    case set(value: [UInt8])
}

/// A replacement text with placeholders filled from the match, e.g. `[card ending {last4}]`.
struct Template: Sendable {
    enum Segment: Sendable {
        case literal([UInt8])
        /// The last four ASCII letters or digits of the match (card numbers: the last four digits).
        case last4
    }
    let segments: [Segment]

    /// Parses `{name}` placeholders; `{{` and `}}` are literal braces.
    init(parsing text: String) throws(TemplateError) {
        var segments: [Segment] = []
        var literal: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "{"), bytes.first == UInt8(ascii: "{") {
                bytes.removeFirst(); literal.append(byte)
            } else if byte == UInt8(ascii: "}"), bytes.first == UInt8(ascii: "}") {
                bytes.removeFirst(); literal.append(byte)
            } else if byte == UInt8(ascii: "{") {
                guard let close = bytes.firstIndex(of: UInt8(ascii: "}")) else {
                    throw TemplateError(message: "unclosed '{' in replacement")
                }
                let name = String(decoding: bytes[..<close], as: UTF8.self)
                bytes = bytes[(close + 1)...]
                guard name == "last4" else {
                    throw TemplateError(message: "unknown placeholder {\(name)} in replacement (known: {last4})")
                }
                if !literal.isEmpty { segments.append(.literal(literal)); literal = [] }
                segments.append(.last4)
            } else if byte == UInt8(ascii: "}") {
                throw TemplateError(message: "unmatched '}' in replacement (write '}}' for a brace)")
            } else {
                literal.append(byte)
            }
        }
        if !literal.isEmpty { segments.append(.literal(literal)) }
        self.segments = segments
    }

    /// Appends the filled-in template for `match` to `out`.
    func render(match: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        for segment in segments {
            switch segment {
            case .literal(let bytes): out.append(contentsOf: bytes)
            case .last4:
                var found = 0
                var start = match.count
                while start > 0 && found < 4 {
                    start -= 1
                    let b = match[start]
                    if isDigit(b) || isLetter(b) { found += 1 }
                }
                for b in match[start...] where isDigit(b) || isLetter(b) { out.append(b) }
            }
        }
    }
}

struct TemplateError: Error { let message: String }

/// What an `enrich` rule merges into `Attributes`, and when.
struct EnrichSpec: Sendable {
    enum When: String, Sendable {
        /// On every event the rule applies to.
        case always
        /// When any other rule fired (enforced or monitored).
        case fired
        /// When the pipeline rewrote a field.
        case rewritten
    }
    /// Values computed from the evaluation, written where a rule file says `"$rules"` etc.
    enum Derived: String, Sendable, CaseIterable {
        case rules = "$rules"
        case monitored = "$monitored"
        case redactions = "$redactions"
        case version = "$version"
        case event = "$event"
    }
    enum Piece: Sendable {
        case literal([UInt8])
        case derived(Derived)
    }
    struct Member: Sendable {
        /// The key, already JSON-encoded with its quotes.
        let encodedKey: [UInt8]
        /// The unescaped key, to find and replace an existing member of the same name.
        let key: [UInt8]
        let value: [Piece]
    }
    let when: When
    let members: [Member]
}

/// Example inputs a rule must fire on (optionally with the expected rewrite) and must not fire on.
struct Examples: Sendable {
    struct Positive: Sendable {
        let text: String
        let result: String?
    }
    let match: [Positive]
    let noMatch: [String]
}

extension Rule {
    /// How many examples the rule carries (all of them pass once the rule set has loaded).
    public var exampleCount: Int { examples.match.count + examples.noMatch.count }
}
