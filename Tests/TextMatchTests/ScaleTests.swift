import Testing
import TextMatch
import SeededRandom

@Suite("Scale")
struct ScaleTests {
    static let messages: [String] = [
        "hey, how are you?", "what the f u c k man", "oh f.u.c.k!", "this is sh1t", "you're an a$$hole",
        "Scunthorpe United won 2-1 at Penistone", "classic cocktail in Essex", "fuuuuuuck this", "ｆｕｃｋ", "𝐬𝐡𝐢𝐭",
        "fu\u{441}k you", "bitches be bitching", "cumin and shiitake", "the therapist's analysis", "d1ckhead",
        "p3n1s", "tits", "cocky cocker", "f\u{200B}uck", "s h ! t", "I said a b c d", "1337 2024 $5 @you",
        "motherfucker", "c-u-n-t", "butter the button", "Dickens and Dickinson", "total BS, you twat!",
        "Hello! Meet me at 5?", "s.h.i.t.t.y weather", "a s s", "piss off", "buttheads", "magna cum laude",
    ]

    /// 990 random pseudo-words from a seeded PRNG; they will not occur in the messages.
    static func pseudoWords(_ count: Int) -> [String] {
        var rng = SplitMix64(seed: 0x5EED)
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        return (0..<count).map { _ in
            let length = 5 + Int(rng.next() % 6)
            return String((0..<length).map { _ in letters[Int(rng.next() % 26)] })
        }
    }

    static func run(_ matcher: WordListMatcher, _ messages: [[UInt8]], _ scratch: FoldScratch) -> [WordMatch] {
        var all: [WordMatch] = []
        for message in messages {
            message.withUnsafeBufferPointer { buffer in
                matcher.forEachMatch(in: buffer, scratch: scratch) { all.append($0) }
            }
        }
        return all
    }

    @Test("1,000 terms find exactly what the 10 real terms find")
    func sameMatches() throws {
        let small = try WordListMatcher(terms: Fixture.tenTerms, allowed: Fixture.allowed)
        let large = try WordListMatcher(terms: Fixture.tenTerms + Self.pseudoWords(990), allowed: Fixture.allowed)
        #expect(large.termCount == 1000)
        let messages = Self.messages.map { Array($0.utf8) }
        let scratch = FoldScratch()
        let expected = Self.run(small, messages, scratch)
        #expect(expected.count > 15)
        #expect(Self.run(large, messages, scratch) == expected)
    }

    @Test("throughput, 10 vs 1,000 terms (prints only)")
    func throughput() throws {
        let small = try WordListMatcher(terms: Fixture.tenTerms, allowed: Fixture.allowed)
        let large = try WordListMatcher(terms: Fixture.tenTerms + Self.pseudoWords(990), allowed: Fixture.allowed)
        let messages = Self.messages.map { Array($0.utf8) }
        let scratch = FoldScratch()
        let clock = ContinuousClock()
        for (name, matcher) in [("10 terms", small), ("1,000 terms", large)] {
            var sink = 0
            let rounds = 200
            let elapsed = clock.measure {
                for _ in 0..<rounds {
                    for message in messages {
                        message.withUnsafeBufferPointer { buffer in
                            matcher.forEachMatch(in: buffer, scratch: scratch) { sink &+= $0.termIndex }
                        }
                    }
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let rate = Double(rounds * messages.count) / seconds
            print("TextMatch throughput, \(name): \(Int(rate)) messages/s (\(sink))")
        }
    }
}
