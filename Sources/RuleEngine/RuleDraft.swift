import JSONBytes
import PCRE2
import TextMatch

/// One rule read from its file and compiled, before it is placed in a pipeline; `problems` lists
/// everything wrong with it.
struct RuleDraft {
    var id: String?
    var description = ""
    var kind: RuleKind = .block
    var mode: RuleMode = .enforce
    var events: [PreEventType] = PreEventType.messageEvents
    var field = "Body"
    var matcher: Matcher?
    /// `requires`: the characters one of which a field must contain for the pattern to run.
    var prefilter: Prefilter?
    /// For word-list rules: the lists' names, so rules sharing them share one scan per field.
    var wordsSource: String?
    var action: Action = .reject
    var reason: String?
    var examples = Examples(match: [], noMatch: [])
    let file: String
    private(set) var problems: [RuleProblem] = []

    init(file: String, position: Int, tree: JSONTree, readWordList: (String) -> Result<[String], RuleProblemMessage>) {
        self.file = file
        guard var reader = ObjectReader(tree) else {
            problems.append(RuleProblem(file: file, ruleID: nil, message: "rule #\(position + 1) is not an object"))
            return
        }
        var messages: [String] = []
        defer {
            messages.append(contentsOf: reader.problems)
            let label = id ?? "rule #\(position + 1)"
            problems.append(contentsOf: messages.map { RuleProblem(file: file, ruleID: label, message: $0) })
        }

        if let id = reader.string("id", required: true) {
            if RuleDraft.isValidID(id) {
                self.id = id
            } else {
                messages.append("id '\(id)' must be 1-64 characters of a-z, 0-9, '.', '_', '-', starting with a letter or digit")
            }
        }
        description = reader.string("description", required: true) ?? ""
        if let kindName = reader.string("kind", required: true) {
            if let kind = RuleKind(rawValue: kindName) {
                self.kind = kind
            } else {
                messages.append("kind '\(kindName)' is not one of redact, block, enrich, set")
                return
            }
        } else {
            return
        }
        if let modeName = reader.string("mode") {
            if let mode = RuleMode(rawValue: modeName) { self.mode = mode } else { messages.append("mode '\(modeName)' is not enforce or monitor") }
        }
        if let names = reader.strings("events") {
            var events: [PreEventType] = []
            for name in names {
                if let event = PreEventType(rawValue: name) {
                    events.append(event)
                } else if name.hasSuffix("ed") || name == "onDeliveryUpdated" || name == "onUserAdded" {
                    messages.append("'\(name)' is a post-event: it cannot be changed or rejected, so no rule can act on it")
                } else {
                    messages.append("unknown event '\(name)' (known: \(PreEventType.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if names.isEmpty { messages.append("'events' is empty") }
            self.events = events
        }
        if let field = reader.string("field") {
            self.field = field
        } else if kind == .enrich {
            self.field = "Attributes"
        }

        switch kind {
        case .redact:
            matcher = compilePattern(&reader, &messages, required: true)
            if let text = reader.string("replacement", required: true) {
                do { action = .redact(try Template(parsing: text)) } catch { messages.append(error.message) }
            }
            requireRewritable(&messages, what: "redact")
        case .block:
            let pattern = compilePattern(&reader, &messages, required: false)
            let words = reader.string("words")
            let allow = reader.string("allow")
            switch (pattern, words) {
            case (nil, nil):
                if reader.value("pattern") == nil { messages.append("a block rule needs 'pattern' or 'words'") }
            case (_?, _?):
                messages.append("a block rule takes 'pattern' or 'words', not both")
            case (let pattern?, nil):
                matcher = pattern
                if allow != nil { messages.append("'allow' goes with 'words', not with 'pattern'") }
            case (nil, let words?):
                matcher = compileWords(words: words, allow: allow, readWordList: readWordList, &messages)
                wordsSource = words + "\u{0}" + (allow ?? "")
            }
            reason = reader.string("reason", required: true)
            if let reason, !RuleDraft.isValidID(reason) {
                messages.append("reason '\(reason)' must be an id: a-z, 0-9, '.', '_', '-'")
            }
            switch reader.string("action") ?? "block" {
            case "block": action = .reject
            case "mask":
                action = .mask
                requireRewritable(&messages, what: "mask")
            case let other: messages.append("action '\(other)' is not block or mask")
            }
        case .enrich:
            if field != "Attributes" { messages.append("enrich rules write 'Attributes' only (field is '\(field)')") }
            let when = reader.string("when") ?? "fired"
            let whenValue = EnrichSpec.When(rawValue: when)
            if whenValue == nil { messages.append("when '\(when)' is not always, fired or rewritten") }
            switch reader.value("set") {
            case .object(let members)? where !members.isEmpty:
                var built: [EnrichSpec.Member] = []
                for member in members {
                    var encodedKey: [UInt8] = []
                    JSON.appendString(member.key, to: &encodedKey)
                    var pieces: [EnrichSpec.Piece] = []
                    var literal: [UInt8] = []
                    if let error = RuleDraft.encode(member.value, literal: &literal, pieces: &pieces) {
                        messages.append("set.\(member.key): \(error)")
                    }
                    if !literal.isEmpty { pieces.append(.literal(literal)) }
                    built.append(.init(encodedKey: encodedKey, key: Array(member.key.utf8), value: pieces))
                }
                action = .enrich(EnrichSpec(when: whenValue ?? .fired, members: built))
            default:
                messages.append("an enrich rule needs 'set': an object of keys to merge into Attributes")
            }
            requireRewritable(&messages, what: "enrich")
        case .set:
            if let value = reader.string("value", required: true) { action = .set(value: Array(value.utf8)) }
            requireRewritable(&messages, what: "set")
        }

        if let characters = reader.string("requires") {
            if case .pattern? = matcher, let prefilter = Prefilter(requiring: characters) {
                self.prefilter = prefilter
            } else if case .pattern? = matcher {
                messages.append("'requires' must be printable ASCII characters without spaces, e.g. \"0123456789\" or \"@\"")
            } else {
                messages.append("'requires' goes with 'pattern'")
            }
        }
        readExamples(&reader, &messages)
        if let prefilter {
            for example in examples.match where !prefilter.admits(Prefilter.summarize(example.text)) {
                messages.append("examples: '\(example.text)' should match but has none of the 'requires' characters, so the rule would never run on it")
            }
        }
        let allowed = RuleSetLoader.commonKeys.union(RuleSetLoader.kindKeys[kind] ?? [])
        for key in reader.unknownKeys {
            messages.append("'\(key)' is not a key of \(kind.rawValue) rules (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    static func isValidID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard (1...64).contains(bytes.count), isDigit(bytes[0]) || (bytes[0] >= 0x61 && bytes[0] <= 0x7A) else { return false }
        return bytes.allSatisfy { isDigit($0) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2D }
    }

    /// A rule that rewrites must only name events where Twilio lets that field be changed.
    private func requireRewritable(_ messages: inout [String], what: String) {
        let refused = events.filter { $0.answerKey(forField: field) == nil }
        if !refused.isEmpty {
            messages.append("\(what) cannot change '\(field)' on \(refused.map(\.rawValue).joined(separator: ", ")): Twilio does not let that event's \(field) be modified (use a block rule to reject instead)")
        }
    }

    private func compilePattern(_ reader: inout ObjectReader, _ messages: inout [String], required: Bool) -> Matcher? {
        var options: Regex.Options = []
        for name in reader.strings("flags") ?? [] {
            if let option = Regex.Options(name: name) { options.insert(option) } else { messages.append("unknown flag '\(name)' (known: caseless, multiline, dotall, extended)") }
        }
        var validator: Validator?
        if let name = reader.string("validator") {
            validator = Validator(rawValue: name)
            if validator == nil { messages.append("unknown validator '\(name)' (known: \(Validator.allCases.map(\.rawValue).joined(separator: ", ")))") }
        }
        guard let pattern = reader.string("pattern", required: required) else {
            if validator != nil { messages.append("'validator' needs a 'pattern'") }
            return nil
        }
        if pattern.isEmpty { messages.append("'pattern' is empty"); return nil }
        do {
            return .pattern(try Regex(pattern, options: options), validator: validator)
        } catch {
            messages.append("pattern does not compile: \(error.message) at offset \(error.patternOffset ?? 0)")
            return nil
        }
    }

    private func compileWords(words: String, allow: String?, readWordList: (String) -> Result<[String], RuleProblemMessage>, _ messages: inout [String]) -> Matcher? {
        let terms: [String]
        switch readWordList(words) {
        case .success(let list): terms = list
        case .failure(let problem): messages.append(problem.text); return nil
        }
        var allowed: [String] = []
        if let allow {
            switch readWordList(allow) {
            case .success(let list): allowed = list
            case .failure(let problem): messages.append(problem.text); return nil
            }
        }
        if terms.isEmpty { messages.append("word list '\(words)' has no terms"); return nil }
        do {
            return .words(try WordListMatcher(terms: terms, allowed: allowed))
        } catch {
            messages.append("word list '\(words)': \(error)")
            return nil
        }
    }

    private mutating func readExamples(_ reader: inout ObjectReader, _ messages: inout [String]) {
        guard let tree = reader.value("examples") else {
            messages.append("missing 'examples': give inputs that must trigger the rule ('match') and near-misses that must not ('noMatch')")
            return
        }
        guard var examples = ObjectReader(tree) else {
            messages.append("'examples' must be an object with 'match' and 'noMatch' lists")
            return
        }
        var match: [Examples.Positive] = []
        switch examples.value("match") {
        case .array(let items)?:
            for item in items {
                switch item {
                case .string(let text): match.append(.init(text: text, result: nil))
                case .object:
                    var entry = ObjectReader(item)!
                    if let text = entry.string("text", required: true) {
                        match.append(.init(text: text, result: entry.string("result")))
                    }
                    if kind == .block && !masksWords && entry.value("result") != nil { messages.append("examples: a rejecting block rule has no 'result' to check") }
                    if kind == .enrich && entry.value("result") != nil { messages.append("examples: enrich examples take no 'result': the merge is checked key by key") }
                    messages.append(contentsOf: entry.problems.map { "examples: \($0)" })
                    messages.append(contentsOf: entry.unknownKeys.map { "examples: '\($0)' is not an example key (text, result)" })
                default:
                    messages.append("examples.match entries must be strings or {text, result} objects")
                }
            }
        case nil: break
        case let other?: messages.append("examples.match must be a list, not \(other.typeName)")
        }
        let noMatch = examples.strings("noMatch") ?? []
        messages.append(contentsOf: examples.problems.map { "examples: \($0)" })
        messages.append(contentsOf: examples.unknownKeys.map { "examples: '\($0)' is not an examples key (match, noMatch)" })
        if match.isEmpty { messages.append("examples.match is empty: every rule needs at least one input that triggers it") }
        if (kind == .redact || kind == .block) && noMatch.isEmpty {
            messages.append("examples.noMatch is empty: give near-misses the rule must leave alone")
        }
        self.examples = Examples(match: match, noMatch: noMatch)
    }

    private var masksWords: Bool { if case .mask = action { return true } else { return false } }

    /// Serialises an enrich value to JSON, turning `"$rules"`-style strings into derived pieces.
    /// `"$$x"` is the literal string `"$x"`. Returns a message for an unknown `$name`.
    static func encode(_ tree: JSONTree, literal: inout [UInt8], pieces: inout [EnrichSpec.Piece]) -> String? {
        var problem: String?
        switch tree {
        case .null: literal.append(contentsOf: "null".utf8)
        case .bool(let b): literal.append(contentsOf: (b ? "true" : "false").utf8)
        case .integer(let i): literal.append(contentsOf: String(i).utf8)
        case .double(let d):
            guard d.isFinite else { return "numbers must be finite" }
            literal.append(contentsOf: "\(d)".utf8)
        case .string(let s):
            if s.hasPrefix("$$") {
                JSON.appendString(String(s.dropFirst()), to: &literal)
            } else if s.hasPrefix("$") {
                guard let derived = EnrichSpec.Derived(rawValue: s) else {
                    return "unknown value '\(s)' (known: \(EnrichSpec.Derived.allCases.map(\.rawValue).joined(separator: ", ")); write '$$' for a literal '$')"
                }
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = [] }
                pieces.append(.derived(derived))
            } else {
                JSON.appendString(s, to: &literal)
            }
        case .array(let items):
            literal.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { literal.append(UInt8(ascii: ",")) }
                problem = problem ?? encode(item, literal: &literal, pieces: &pieces)
            }
            literal.append(UInt8(ascii: "]"))
        case .object(let members):
            literal.append(UInt8(ascii: "{"))
            for (i, member) in members.enumerated() {
                if i > 0 { literal.append(UInt8(ascii: ",")) }
                JSON.appendString(member.key, to: &literal)
                literal.append(UInt8(ascii: ":"))
                problem = problem ?? encode(member.value, literal: &literal, pieces: &pieces)
            }
            literal.append(UInt8(ascii: "}"))
        }
        return problem
    }
}
