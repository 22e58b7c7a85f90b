import Testing
@testable import PCRE2

@Suite struct RegexTests {
    let scratch = MatchScratch()

    @Test func findsByteRangeOfFirstMatch() throws {
        let regex = try Regex(#"[a-z]+@[a-z]+\.com"#)
        #expect(regex.isJITCompiled)
        #expect(try regex.firstMatch(in: "mail bob@example.com now", scratch: scratch) == 5..<20)
        #expect(try regex.firstMatch(in: "no address here", scratch: scratch) == nil)
    }

    @Test func offsetsAreBytesNotCharacters() throws {
        // "é" is two bytes and "👋" four: the match starts at byte 7, not character 4.
        let regex = try Regex("x+")
        #expect(try regex.firstMatch(in: "é👋 xxx", scratch: scratch) == 7..<10)
    }

    @Test func searchesFromAGivenOffset() throws {
        let regex = try Regex(#"\d+"#)
        #expect(try regex.firstMatch(in: "12 345", from: 2, scratch: scratch) == 3..<6)
        #expect(try regex.firstMatch(in: "12 345", from: 6, scratch: scratch) == nil)
    }

    @Test func unicodePropertiesAndCaselessWork() throws {
        // UCP: \w and \d follow Unicode; caseless folds non-ASCII letters.
        let word = try Regex(#"^\w+$"#)
        #expect(try word.firstMatch(in: "Grüße", scratch: scratch) != nil)
        let caseless = try Regex("straße", options: .caseless)
        #expect(try caseless.firstMatch(in: "STRAẞE", scratch: scratch) != nil)
        let digits = try Regex(#"\d+"#)
        #expect(try digits.firstMatch(in: "٣٤٥", scratch: scratch) == 0..<6) // Arabic-Indic digits
    }

    @Test func optionsFromRuleNames() {
        #expect(Regex.Options(name: "caseless") == .caseless)
        #expect(Regex.Options(name: "x") == .extended)
        #expect(Regex.Options(name: "bogus") == nil)
    }

    @Test func compileErrorsCarryMessageAndOffset() {
        #expect {
            _ = try Regex("abc(def")
        } throws: { error in
            guard let error = error as? PCRE2Error else { return false }
            return error.patternOffset == 7 && error.message.contains("missing closing parenthesis")
                && error.description.contains("at offset 7")
        }
        #expect {
            _ = try Regex("a{2,1}")
        } throws: { error in
            (error as? PCRE2Error)?.message.contains("out of order") == true
        }
        #expect(throws: PCRE2Error.self) { _ = try Regex(#"(?<n>a)(?<n>b)"#) }
    }

    @Test func invalidUTF8SubjectIsSafe() throws {
        let regex = try Regex("ab")
        let bytes: [UInt8] = [0xC0, 0x80, 0x61, 0x62, 0xFF, 0xED, 0xA0, 0x80]
        let found = try bytes.withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch) }
        #expect(found == 2..<4)
        let nothing = try [UInt8]([0xFF, 0xFE]).withUnsafeBufferPointer { try regex.firstMatch(in: $0, scratch: scratch) }
        #expect(nothing == nil)
    }

    @Test func emptySubjectAndEmptyMatch() throws {
        let empty = try Regex("x*")
        let result = try [UInt8]().withUnsafeBufferPointer { try empty.firstMatch(in: $0, scratch: scratch) }
        #expect(result == 0..<0)
    }

    @Test func catastrophicBacktrackingHitsTheLimitNotAHang() throws {
        let regex = try Regex("(a+)+$")
        let subject = String(repeating: "a", count: 40) + "!"
        let small = MatchScratch(limits: .init(matchLimit: 100_000))
        #expect {
            _ = try regex.firstMatch(in: subject, scratch: small)
        } throws: { error in
            (error as? PCRE2Error)?.isResourceLimit == true
        }
    }

    @Test func interpreterLimitsApplyWithoutJIT() throws {
        // (*NO_JIT) forces the interpreter, where depth and match limits both apply.
        let regex = try Regex("(*NO_JIT)(a+)+$")
        let small = MatchScratch(limits: .init(matchLimit: 50_000))
        #expect(throws: PCRE2Error.self) {
            _ = try regex.firstMatch(in: String(repeating: "a", count: 32) + "!", scratch: small)
        }
    }

    @Test func sharedAcrossThreadsWithOwnScratch() async throws {
        let regex = try Regex(#"\b\d{3}-\d{4}\b"#)
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let scratch = MatchScratch()
                    var found = 0
                    for i in 0..<2_000 where (try? regex.firstMatch(in: "call 555-\(1000 + i % 9000)", scratch: scratch)) != nil {
                        found += 1
                    }
                    return found
                }
            }
            var total = 0
            for await found in group { total += found }
            #expect(total == 8_000)
        }
    }

    @Test func captureCountIsReported() throws {
        #expect(try Regex("(a)(b)(?:c)").captureCount == 2)
    }
}
