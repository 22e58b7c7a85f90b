import FoundationEssentials
import JSONBytes
import PCRE2
import TextMatch

/// Loads `Rules/`: every `*.json5` file (in name order) and the word lists they name, checks every key,
/// compiles patterns and word lists, runs each rule's own examples, and builds the ``Pipeline``.
public enum RuleSetLoader {
    /// The keys each rule kind accepts, besides the common ones.
    static let commonKeys: Set<String> = ["id", "description", "kind", "events", "field", "mode", "examples"]
    static let kindKeys: [RuleKind: Set<String>] = [
        .redact: ["pattern", "flags", "validator", "requires", "replacement"],
        .block: ["pattern", "flags", "validator", "requires", "words", "allow", "reason", "action"],
        .enrich: ["set", "when"],
        .set: ["value"],
    ]

    /// Loads and compiles the rule set in `directory`.
    /// - Parameter runExamples: run every rule's examples (what `check` and the server do); tools that
    ///   only need the pipeline may skip it.
    public static func load(directory: String, limits: MatchScratch.Limits = .default, runExamples: Bool = true) throws(RuleSetError) -> Pipeline {
        try load(source: .directory(directory), limits: limits, runExamples: runExamples)
    }

    /// Loads and compiles the rule set `source` holds (a directory, or files in memory).
    public static func load(source: RuleSource, limits: MatchScratch.Limits = .default, runExamples: Bool = true) throws(RuleSetError) -> Pipeline {
        var problems: [RuleProblem] = []
        guard let listed = source.fileNames() else {
            throw RuleSetError(problems: [RuleProblem(file: source.label, ruleID: nil, message: "cannot read the rules directory")])
        }
        let names = listed.filter { $0.hasSuffix(".json5") && !$0.hasPrefix(".") }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        if names.isEmpty {
            throw RuleSetError(problems: [RuleProblem(file: source.label, ruleID: nil, message: "no *.json5 rule files")])
        }

        var hasher = VersionHasher()
        var specs: [(file: String, tree: JSONTree)] = []
        for name in names {
            guard let data = source.contents(of: name) else {
                problems.append(RuleProblem(file: name, ruleID: nil, message: "cannot read the file"))
                continue
            }
            hasher.add(name: name, contents: data)
            do {
                specs.append((name, try JSONTree.parseJSON5(data)))
            } catch {
                problems.append(RuleProblem(file: name, ruleID: nil, message: "not valid JSON5: \(error)"))
            }
        }

        // Word lists are read once each, even when several rules name them, and are part of the version.
        var wordLists: [String: Result<[String], RuleProblemMessage>] = [:]
        func readWordList(_ name: String) -> Result<[String], RuleProblemMessage> {
            if let cached = wordLists[name] { return cached }
            let result: Result<[String], RuleProblemMessage>
            if name.hasPrefix("/") || name.split(separator: "/").contains("..") {
                result = .failure(.init("word list '\(name)' must be a file inside the rules directory"))
            } else if let data = source.contents(of: name) {
                hasher.add(name: name, contents: data)
                result = .success(parseWordList(String(decoding: data, as: UTF8.self)))
            } else {
                result = .failure(.init("word list '\(name)' not found in the rules directory"))
            }
            wordLists[name] = result
            return result
        }

        // First pass: read every rule; the version must be known before enrich values are checked.
        var drafts: [RuleDraft] = []
        var seenIDs: [String: String] = [:]
        for (file, tree) in specs {
            guard var top = ObjectReader(tree) else {
                problems.append(RuleProblem(file: file, ruleID: nil, message: "the file must hold an object with a 'rules' list"))
                continue
            }
            _ = top.string("description")
            guard case .array(let items)? = top.value("rules") else {
                problems.append(RuleProblem(file: file, ruleID: nil, message: "missing 'rules' list"))
                continue
            }
            for key in top.unknownKeys {
                problems.append(RuleProblem(file: file, ruleID: nil, message: "'\(key)' is not a file key (expected 'rules', 'description')"))
            }
            for problem in top.problems { problems.append(RuleProblem(file: file, ruleID: nil, message: problem)) }
            for (position, item) in items.enumerated() {
                let draft = RuleDraft(file: file, position: position, tree: item, readWordList: readWordList)
                problems.append(contentsOf: draft.problems)
                guard let id = draft.id else { continue }
                if let earlier = seenIDs[id] {
                    problems.append(RuleProblem(file: file, ruleID: id, message: "duplicate rule id (also in \(earlier))"))
                    continue
                }
                seenIDs[id] = file
                if draft.problems.isEmpty { drafts.append(draft) }
            }
        }
        guard problems.isEmpty else { throw RuleSetError(problems: problems) }

        let version = hasher.hexDigest
        let pipeline = Pipeline(version: version, files: names, drafts: drafts)
        if runExamples {
            problems.append(contentsOf: ExampleRunner(pipeline: pipeline, limits: limits).run())
        }
        guard problems.isEmpty else { throw RuleSetError(problems: problems) }
        return pipeline
    }

    /// One term per line; `#` starts a comment line; blank lines are skipped; whitespace trimmed.
    public static func parseWordList(_ text: String) -> [String] {
        var terms: [String] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let term = trimmed(line)
            if !term.isEmpty && !term.hasPrefix("#") { terms.append(term) }
        }
        return terms
    }

    private static func trimmed(_ line: Substring) -> String {
        var text = line[...]
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}

/// Where rule files come from: a directory (the product), or files in memory (the fuzzer, tests).
public struct RuleSource: Sendable {
    /// What problems name when the listing itself fails (the directory path).
    public let label: String
    private let list: @Sendable () -> [String]?
    private let read: @Sendable (String) -> Data?

    public init(label: String, list: @escaping @Sendable () -> [String]?, read: @escaping @Sendable (String) -> Data?) {
        self.label = label
        self.list = list
        self.read = read
    }

    /// The file names (not paths), or `nil` when they cannot be listed.
    public func fileNames() -> [String]? { list() }
    /// A file's bytes by name, relative to the source.
    public func contents(of name: String) -> Data? { read(name) }

    public static func directory(_ path: String) -> RuleSource {
        RuleSource(label: path,
                   list: { try? FileManager.default.contentsOfDirectory(atPath: path) },
                   read: { FileManager.default.contents(atPath: path + "/" + $0) })
    }

    public static func files(_ files: [String: Data], label: String = "(memory)") -> RuleSource {
        RuleSource(label: label, list: { Array(files.keys) }, read: { files[$0] })
    }
}

struct RuleProblemMessage: Error, Sendable { let text: String; init(_ text: String) { self.text = text } }

/// FNV-1a 64 over file names and contents: a short, stable rule-set version for logs and metrics.
struct VersionHasher {
    private var state: UInt64 = 0xcbf2_9ce4_8422_2325
    mutating func add(name: String, contents: Data) {
        for byte in name.utf8 { mix(byte) }
        mix(0)
        for byte in contents { mix(byte) }
        mix(0)
    }
    private mutating func mix(_ byte: UInt8) {
        state ^= UInt64(byte)
        state = state &* 0x0000_0100_0000_01B3
    }
    var hexDigest: String {
        let hex = String(state, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
