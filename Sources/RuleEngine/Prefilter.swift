/// A rule's `requires`: ASCII characters of which at least one must be in a field for the rule's
/// pattern to be worth running. A cheap screen in front of PCRE2: most chat has no digit and no
/// `@`, so most PII patterns are skipped for it.
///
/// Any non-ASCII byte in the field also lets the rule run, so Unicode digits, full-width `＠` and
/// the like (which `\d` and case-folding can match under UCP) are never skipped: the screen is a
/// shortcut, never a change in what the rule finds. The loader checks every `match` example
/// passes it.
struct Prefilter: Sendable, Hashable {
    private var low: UInt64 = 0   // bytes 0..<64
    private var high: UInt64 = 0  // bytes 64..<128

    init() {}

    /// Nil when `characters` is empty or holds anything but printable ASCII.
    init?(requiring characters: String) {
        guard !characters.isEmpty else { return nil }
        for byte in characters.utf8 {
            guard byte > 0x20 && byte < 0x7F else { return nil }
            insert(byte)
        }
    }

    mutating func insert(_ byte: UInt8) {
        if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
    }

    /// The ASCII bytes present in a field, and whether it has any non-ASCII byte.
    struct Summary: Sendable {
        var present = Prefilter()
        var nonASCII = false
    }

    static func summarize(_ value: UnsafeBufferPointer<UInt8>) -> Summary {
        var summary = Summary()
        for byte in value {
            if byte >= 0x80 { summary.nonASCII = true } else { summary.present.insert(byte) }
        }
        return summary
    }

    static func summarize(_ text: String) -> Summary {
        var copy = text
        return copy.withUTF8 { summarize($0) }
    }

    /// True when the rule may match a field with this summary.
    func admits(_ summary: Summary) -> Bool {
        summary.nonASCII || (low & summary.present.low) != 0 || (high & summary.present.high) != 0
    }
}
