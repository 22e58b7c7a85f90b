import Foundation
import Testing
@testable import TextMatch

/// Inputs the pipeline fuzzer found, against the shipped word lists.
@Suite struct FuzzFoundTests {
    static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Rules")

    static func list(_ name: String) throws -> [String] {
        try String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// 1,049 bytes of '|', NUL and a few others: every '|' a l33t letter, every NUL a separator.
    /// Spaced walks started at many pieces, each with a budget as long as the rest of the run:
    /// quadratic work (about 40 ms for this message in a release build). The scan now has a total
    /// budget, so the work stays linear in the text.
    @Test func pipesAndSeparatorsStayLinear() throws {
        let bytes = Array(Data(base64Encoded: "AAR8fAB8fgB8fHwAfHwAfFykfIN8AHxcpHyDfCh8fC58fHwAfAB8XKR8g3wAfFykfIN8KHx8Lnx8fAB8g3wofHwufHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8AHx8AHxcpHyDpHyDfCh8fHyDfCh8fC58fHx+AHx8fAB8fAB8PwR8fAB8fgB8fHx8AHx+AHx8fAB8fAB8XKR8g3wofHx8g3wofHwufHx8fgB8pHyDfCh8fC58fEB4fAB8fgB8fHwAfHwAfHx8AHx8AHx8fAB8fAB8PwR8fAB8fgB8fHwAfHwAfFykfIOkfIN8KHx8fIN8KHx8Lnx8fH4AfHx8AHx8AHw/BHx8AHx+AHx8fHwAfH4AfHx8AHx8AHxcpHyDfCh8fHyDfCh8fC58fHx+AHykAHx8AHxcpHyDpHyDfCh8fHyDfCh8fC58fHx+AHx8fAB8fAB8PwR8fAB8fgB8fHx8AHx+AHx8fCh8fC58fHx+AHx8fAB8fAB8PwR8fAB8fgB8fHwAfHwAfFykfIOkfIN8KHx8fIN8KHx8Lnx8fH4AfHx8AHx8AHw/BHx8AHx+AHx8fHwAfH4pfHx8AHx8AHxcpHyDfCh8fHyDfCh8fC58fHx+AHykfIN8KHx8fHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8fAB8fHwAfHwAfFykfIN8KHx8fIN8KHx8Lnx8fH4AfHx8AHx8AHw/BHx8AHx+AHx8fAB8fAB8XKR8g6R8g3wofHx8g3wofHwufHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8fAB8fgB8fHwAfHwAfFykfIN8KHx8fIN8KHx8Lnx8fH4AfKR8g3wofHwufHxAeHwAfH4AfHx8AHx8AHx8fAB8fAB8XKR8g3wofHx8g3wofHwufHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8AHx8AHxcpHyDpHyDfCh8fHyDfCh8fC58fHx+AHx8fAB8fAB8PwR8fAB8fgB8fHx8AHx+AHx8fAB8fAB8XKR8g3wofHx8g3wofHwufHx8fgB8pAB8fAB8XKR8g6R8g3wofHx8g3wofHwufHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8fAB8fgB8fHwofHwufHx8fgB8fHwAfHwAfD8EfHwAfH4AfHx8AHx8AHxcpHyDpHyDfCh8fHyDfCh8fC58fHx+AHx8fAB8fAB8PwR8fAB8fgB8fHx8AHx+KXx8fAB8fAB8XKR8g3wofHx8g3wofHwufHx8fgB8pHyDfCh8fC58fEB4fAB8fgB8fHwAfHwAfD8EfHwAfH4AfHx8AHx8AHxcpHyDpHxcpHxoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaHx8pHyDfCh8fC58fEB4pl0=")!)
        let matcher = try WordListMatcher(terms: FuzzFoundTests.list("profanity-words.txt"), allowed: FuzzFoundTests.list("profanity-allow.txt"))
        let scratch = FoldScratch()
        _ = bytes.withUnsafeBufferPointer { matcher.firstMatch(in: $0, scratch: scratch) }
        #expect(scratch.lastMatchSteps <= 48 * bytes.count, "\(scratch.lastMatchSteps) steps for \(bytes.count) bytes")
    }
}
