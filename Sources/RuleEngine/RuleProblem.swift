/// One thing wrong with a rule set: the file, the rule id when known, and what is wrong.
public struct RuleProblem: Sendable, Hashable, CustomStringConvertible {
    public let file: String
    public let ruleID: String?
    public let message: String

    public init(file: String, ruleID: String?, message: String) {
        self.file = file
        self.ruleID = ruleID
        self.message = message
    }

    /// `pii.json5: pii.email: 'patern' is not a rule key`: one line, as `prehook check` prints it.
    public var description: String {
        if let ruleID { return "\(file): \(ruleID): \(message)" }
        return "\(file): \(message)"
    }
}

/// A rule set that could not be loaded, with every problem found (not only the first).
public struct RuleSetError: Error, Sendable, CustomStringConvertible {
    public let problems: [RuleProblem]
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
