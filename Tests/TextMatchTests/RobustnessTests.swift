import Testing
import TextMatch
import SeededRandom

@Suite("Robustness")
struct RobustnessTests {
    @Test("offset map of matches")
    func offsets() {
        let dotted = findAll("oh f.u.c.k!")
        #expect(dotted.map(\.range) == [3..<10])
        #expect(dotted.map(\.text) == ["f.u.c.k"])

        let fullwidth = findAll("fｕck")
        #expect(fullwidth.map(\.range) == [0..<6])

        let long = findAll("fuuuucking hell")
        #expect(long.map(\.text) == ["fuuuucking", "hell"])
        #expect(long.map(\.range) == [0..<10, 11..<15])

        let invisible = findAll("a f\u{200B}uck\u{200B} b")
        #expect(invisible.map(\.text) == ["f\u{200B}uck\u{200B}"])

        let math = findAll("x 𝐟𝐮𝐜𝐤 y")
        #expect(math.map(\.range) == [2..<18])
    }

    @Test("a mask built from the match keeps the visible length")
    func mask() {
        let message = "oh ｆｕｃｋ\u{301} off"
        var bytes = Array(message.utf8)
        let scratch = FoldScratch()
        let match = bytes.withUnsafeBufferPointer { Fixture.matcher.firstMatch(in: $0, scratch: scratch) }
        let range = try! #require(match).range
        let stars = bytes.withUnsafeBufferPointer { TextFolder.characterCount(in: $0, range: range) }
        bytes.replaceSubrange(range, with: [UInt8](repeating: UInt8(ascii: "*"), count: stars))
        #expect(String(decoding: bytes, as: UTF8.self) == "oh **** off")
    }

    @Test("empty and separator-only input")
    func empty() {
        #expect(findAll("") == [])
        #expect(findAll(" ") == [])
        #expect(findAll("!!!...$$$") == [])
        #expect(findAll("\u{200B}\u{200B}") == [])
        let scratch = FoldScratch()
        let none = [UInt8]().withUnsafeBufferPointer { Fixture.matcher.firstMatch(in: $0, scratch: scratch) }
        #expect(none == nil)
        #expect(scratch.count == 0)
    }

    @Test("invalid UTF-8 is a separator", arguments: [
        ([0x66, 0x75, 0xFF, 0x63, 0x6B], [String]()),  // fu\xFFck: two pieces, no word
        ([0xFF, 0x66, 0x75, 0x63, 0x6B, 0xFF], ["fuck"]),
        ([0x66, 0xFF, 0x75, 0xFF, 0x63, 0xFF, 0x6B], ["fuck"]),  // spaced by invalid bytes
        ([0x66, 0x75, 0x63, 0x6B, 0xC3], ["fuck"]),  // truncated sequence at the end
        ([0xE2, 0x82, 0x73, 0x68, 0x69, 0x74], ["shit"]),
        ([0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xF4, 0x90, 0x80, 0x80], [String]()),
        ([0x80], [String]()), ([0xF0], [String]()), ([0xE0, 0x80], [String]()),
    ] as [([UInt8], [String])])
    func invalidUTF8(_ bytes: [UInt8], _ expected: [String]) {
        #expect(findAll(bytes: bytes).map(\.term) == expected)
    }

    @Test("random bytes never crash and ranges stay in bounds")
    func fuzz() {
        var rng = SplitMix64(seed: 42)
        let alphabet: [UInt8] = Array("fuckshitas ss.-*$@1!|".utf8) + [0xC3, 0xBC, 0xE2, 0x80, 0x8B, 0xFF, 0xF0, 0x9D, 0x90, 0x9F, 0xD1, 0x81]
        let scratch = FoldScratch()
        for _ in 0..<2000 {
            let length = Int(rng.next() % 40)
            let bytes = (0..<length).map { _ in
                rng.next() % 3 == 0 ? UInt8(truncatingIfNeeded: rng.next()) : alphabet[Int(rng.next() % UInt64(alphabet.count))]
            }
            bytes.withUnsafeBufferPointer { buffer in
                var previousEnd = 0
                Fixture.matcher.forEachMatch(in: buffer, scratch: scratch) { match in
                    #expect(match.range.lowerBound >= previousEnd)
                    #expect(match.range.upperBound <= buffer.count)
                    #expect(!match.range.isEmpty)
                    #expect(match.termIndex >= 0 && match.termIndex < Fixture.terms.count)
                    previousEnd = match.range.upperBound
                }
                for k in 0..<scratch.count {
                    let r = scratch.originalRange(ofFolded: k..<k + 1)
                    #expect(r.lowerBound >= 0 && r.upperBound <= buffer.count && !r.isEmpty)
                }
            }
        }
    }

    /// 32 KiB inputs built to stress the walk: long runs, l33t ambiguity, spaced runs and
    /// symbols that are both letters and separators. The work must stay linear.
    @Test("32 KiB adversarial inputs stay linear", arguments: [
        "1", "a", "a ", "1 ", "$", "s$", "!a", "|1l!", "i1|l", "f u c k ", "fuck ", "ass", "a s", "! ",
        "fuuuuuuuuuuuuuuuuuuuu", "a$$hole", ". ", "f.", "1l", "c u m l a u d e ", "x", "𝐟", "\u{200B}", "ｆ ",
        "5h1+ ", "@$", "cum laude cum ", "a\u{301}",
    ])
    func adversarial(_ unit: String) throws {
        var bytes: [UInt8] = []
        let pattern = Array(unit.utf8)
        while bytes.count + pattern.count <= 32 * 1024 { bytes += pattern }
        let matcher = try WordListMatcher(terms: Fixture.terms + ["illi", "lili", "iiil", "s1s1s", "aaaaa a"], allowed: Fixture.allowed)
        let scratch = FoldScratch()
        var matches = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            bytes.withUnsafeBufferPointer { buffer in
                matcher.forEachMatch(in: buffer, scratch: scratch) { _ in matches += 1 }
            }
        }
        #expect(scratch.lastMatchSteps <= 48 * bytes.count, "\(scratch.lastMatchSteps) steps for \(bytes.count) bytes")
        print("adversarial \(unit.debugDescription) x\(bytes.count / pattern.count): \(matches) matches, \(scratch.lastMatchSteps) steps, \(elapsed)")
    }

    @Test("one matcher, many scratches, many threads")
    func concurrent() async {
        let matcher = Fixture.matcher
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    let scratch = FoldScratch()
                    var count = 0
                    for k in 0..<200 {
                        let message = Array("msg \(k) from \(worker): f.u.c.k and sh1t, classic".utf8)
                        message.withUnsafeBufferPointer { buffer in
                            matcher.forEachMatch(in: buffer, scratch: scratch) { _ in count += 1 }
                        }
                    }
                    return count
                }
            }
            for await count in group { #expect(count == 400) }
        }
    }
}
