import Testing
import TextMatch

@Suite("Constructor errors")
struct ErrorTests {
    @Test("bad terms are rejected with their index and text", arguments: [
        ("", WordListError.Kind.emptyEntry),
        ("   ", .noLetters),
        ("\u{200B}", .noLetters),
        ("1337", .noLetters),
        ("!!!", .noLetters),
        ("...", .noLetters),
        ("бля", .unsupportedCharacter),
        ("fuck日本", .unsupportedCharacter),
        ("*uck", .misplacedWildcard),
        ("fuc*", .misplacedWildcard),
        ("f* ck", .misplacedWildcard),
        (String(repeating: "ab", count: 40), .entryTooLong),
    ])
    func badTerm(_ term: String, _ kind: WordListError.Kind) {
        do {
            _ = try WordListMatcher(terms: ["fuck", term], allowed: [])
            Issue.record("\(term.debugDescription) was accepted")
        } catch {
            #expect(error.kind == kind)
            #expect(error.index == 1)
            #expect(error.entry == term)
            #expect(!error.isAllowListEntry)
            #expect(error.description.contains("#1"))
        }
    }

    @Test("allow-list errors say so")
    func badAllowed() {
        #expect(throws: WordListError.self) { try WordListMatcher(terms: ["ass"], allowed: ["classic", "", "x"]) }
        do {
            _ = try WordListMatcher(terms: ["ass"], allowed: ["classic", "1 2 3"])
        } catch {
            #expect(error.kind == .noLetters)
            #expect(error.isAllowListEntry)
            #expect(error.index == 1)
            #expect(error.description == "allow-list entry #1 \"1 2 3\": entry has no letters after folding")
        }
    }

    @Test("unsupported character is named")
    func detail() {
        do {
            _ = try WordListMatcher(terms: ["жопа"])
        } catch {
            #expect(error.detail == "'ж'")
        }
    }

    @Test("accepted forms", arguments: [
        "FUCK", "  shit  ", "$h!t", "son of a bitch", "f*ck", "f**k", "ｆｕｃｋ", "сука", "2girls", "ass-hat",
    ])
    func accepted(_ term: String) throws {
        let matcher = try WordListMatcher(terms: [term])
        #expect(matcher.termCount == 1)
    }

    @Test("terms with look-alikes match their Latin spelling")
    func cyrillicTerm() throws {
        let matcher = try WordListMatcher(terms: ["сука"])  // all four letters are look-alikes
        #expect(findAll("cyka blyat", matcher, terms: ["сука"]).map(\.text) == ["cyka"])
    }

    @Test("duplicates: the first index wins; an entry in both lists is allowed")
    func duplicates() throws {
        let matcher = try WordListMatcher(terms: ["fuck", "FUCK", "damn"], allowed: ["damn"])
        #expect(matcher.termCount == 3)
        let found = findAll("fuck damn", matcher, terms: ["fuck", "FUCK", "damn"])
        #expect(found.map(\.term) == ["fuck"])
        #expect(found.first?.range == 0..<4)
    }
}
