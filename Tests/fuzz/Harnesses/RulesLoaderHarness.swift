import FoundationEssentials
import PCRE2
import RuleEngine

/// What a compliance editor (or an attacker with write access to `Rules/`) can put in a rule file:
/// the input up to its first NUL byte is `fuzz.json5`; the rest is every word list the file names.
/// The loader must load the set or list problems; never crash, hang, or run away with memory.
enum RulesLoaderHarness {
    /// A small PCRE2 budget keeps a fuzzed pattern's examples quick; the loader must report the
    /// overrun as a problem, not hang.
    static let limits = MatchScratch.Limits(matchLimit: 20_000, depthLimit: 1_000, heapLimitKiB: 2_000, jitStackBytes: 64 * 1024)

    @Sendable static func run(_ data: UnsafeBufferPointer<UInt8>) {
        let nul = data.firstIndex(of: 0) ?? data.count
        let ruleFile = Data(UnsafeBufferPointer(rebasing: data[0..<nul]))
        let wordList = nul < data.count ? Data(UnsafeBufferPointer(rebasing: data[(nul + 1)...])) : Data()
        let source = RuleSource(label: "fuzz", list: { ["fuzz.json5"] },
                                read: { $0 == "fuzz.json5" ? ruleFile : wordList })
        do {
            let pipeline = try RuleSetLoader.load(source: source, limits: limits)
            invariant(!pipeline.version.isEmpty, "a loaded set without a version")
        } catch {
            invariant(!error.problems.isEmpty, "a refused set without problems")
        }
    }
}
