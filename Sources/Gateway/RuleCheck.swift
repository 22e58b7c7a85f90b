import PCRE2
import RuleEngine

/// `prehook check`: loads and compiles a rules directory and runs every rule's examples.
public enum RuleCheck {
    public struct Report: Sendable {
        /// The lines to print: a summary when the set is good, one line per problem otherwise.
        public let lines: [String]
        public let passed: Bool
    }

    public static func run(directory: String) -> Report {
        do {
            let pipeline = try RuleSetLoader.load(directory: directory)
            return Report(lines: summary(of: pipeline), passed: true)
        } catch {
            let count = error.problems.count
            return Report(lines: error.problems.map(\.description) + ["\(count) problem\(count == 1 ? "" : "s") in \(directory)"], passed: false)
        }
    }

    public static func summary(of pipeline: Pipeline) -> [String] {
        let kinds = pipeline.rulesPerKind.map { "\($0.count) \($0.kind.rawValue)" }.joined(separator: ", ")
        let monitored = pipeline.rules.filter { $0.mode == .monitor }.count
        let examples = pipeline.rules.reduce(0) { $0 + $1.exampleCount }
        return [
            "rule set \(pipeline.version): \(pipeline.rules.count) rules in \(pipeline.files.count) files (\(kinds)); \(monitored) in monitor mode",
            "examples: \(examples) passed",
        ]
    }
}
