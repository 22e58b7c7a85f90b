import TextMatch
import SeededRandom

/// A realistic starter list (the real list files live with the rules, not here).
enum Fixture {
    static let terms: [String] = [
        "fuck", "shit", "cunt", "ass", "asshole", "bitch", "dick", "cock", "penis", "tit",
        "cum", "rape", "anal", "arse", "butt", "sex", "fag", "piss", "wank", "twat",
        "bastard", "slut", "whore", "crap", "damn", "hell", "motherfucker", "faggot", "dickhead", "f*ck",
    ]

    /// Words that a term plus an inflection (or a repeated letter) happens to spell, and
    /// phrases where a term is innocent. Everything else in the clean list is handled by
    /// word boundaries and needs no entry here.
    static let allowed: [String] = [
        "cumin", "cumming", "cummings", "titin", "titer", "titter", "butter", "butte", "butting",
        "cocky", "cocker", "cocked", "cocking", "dicker", "crappie", "fagin", "assess",
        "cum laude", "chorlton cum hardy", "blue tit", "great tit", "coal tit", "tit for tat", "moby dick",
    ]

    /// The 10-term list used by the scale property and the benchmark.
    static let tenTerms = Array(terms.prefix(10))

    static let matcher: WordListMatcher = try! WordListMatcher(terms: terms, allowed: allowed)
}

/// One match with the original text it covers, for readable expectations.
struct Found: Equatable, CustomStringConvertible {
    var text: String
    var term: String
    var range: Range<Int>
    var description: String { "\(term)@\(range)=\"\(text)\"" }
}

func findAll(_ message: String, _ matcher: WordListMatcher = Fixture.matcher, terms: [String] = Fixture.terms) -> [Found] {
    findAll(bytes: Array(message.utf8), matcher, terms: terms)
}

func findAll(bytes: [UInt8], _ matcher: WordListMatcher = Fixture.matcher, terms: [String] = Fixture.terms) -> [Found] {
    let scratch = FoldScratch()
    var found: [Found] = []
    bytes.withUnsafeBufferPointer { buffer in
        matcher.forEachMatch(in: buffer, scratch: scratch) { match in
            let text = String(decoding: bytes[match.range], as: UTF8.self)
            found.append(Found(text: text, term: terms[match.termIndex], range: match.range))
        }
    }
    return found
}

/// Terms matched in `message` (just the names).
func termsIn(_ message: String) -> [String] { findAll(message).map(\.term) }

func fold(_ text: String) -> (folded: String, scratch: FoldScratch) {
    let scratch = FoldScratch()
    Array(text.utf8).withUnsafeBufferPointer { TextFolder.fold($0, into: scratch) }
    return (scratch.foldedString, scratch)
}
