import JSONBytes
import Testing

@Suite struct KeyEqualsTests {
    static func eq(_ raw: String, _ name: String) -> Bool {
        let rawBytes = b(raw)
        let nameBytes = b(name)
        return rawBytes.withUnsafeBufferPointer { r in
            let viaBuffer = nameBytes.withUnsafeBufferPointer { JSON.keyEquals(r, $0) }
            let viaString = JSON.keyEquals(r, name)
            #expect(viaBuffer == viaString)
            return viaBuffer
        }
    }

    @Test func plainAndEscapedKeys() {
        #expect(Self.eq("Body", "Body"))
        #expect(Self.eq(#"B\u006fdy"#, "Body"))
        #expect(Self.eq(#"\u0042\u006F\u0064\u0079"#, "Body"))
        #expect(Self.eq(#"\"q\""#, "\"q\""))
        #expect(Self.eq(#"a\\b\/c\n"#, "a\\b/c\n"))
        #expect(Self.eq(#"caf\u00e9"#, "café"))
        #expect(Self.eq("café", "café"))
        #expect(Self.eq(#"\u4e2d"#, "中"))
        #expect(Self.eq(#"\ud83d\ude00"#, "😀"))
        #expect(Self.eq("", ""))
    }

    @Test func mismatches() {
        #expect(!Self.eq("Body", "Bod"))
        #expect(!Self.eq("Bod", "Body"))
        #expect(!Self.eq("body", "Body"))
        #expect(!Self.eq(#"B\u006fdy"#, "Bxdy"))
        #expect(!Self.eq(#"\u00e9"#, "e"))
        #expect(!Self.eq(#"\x"#, "x"))
        #expect(!Self.eq(#"\ud83d"#, "😀"))
        #expect(!Self.eq(#"\u00"#, "\0"))
        #expect(!Self.eq("a", ""))
        #expect(!Self.eq("", "a"))
    }

    @Test func staticStringOverload() {
        b(#"T\u006f"#).withUnsafeBufferPointer { raw in
            #expect(JSON.keyEquals(raw, "To" as StaticString))
            #expect(!JSON.keyEquals(raw, "From" as StaticString))
        }
    }
}

@Suite struct UnescapeTests {
    @Test(arguments: [
        ("", ""), ("abc", "abc"), (#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{C}\n\r\t"),
        (#"\u0041\u00e9\u4E2D"#, "Aé中"), (#"\ud83d\ude00"#, "😀"), (#"\uD834\uDD1E"#, "𝄞"),
        (#"\u0000"#, "\0"), ("héllo 中 😀", "héllo 中 😀"), (#"a\u2028b"#, "a\u{2028}b"),
        (#"x\ud83d\ude00y\u0021"#, "x😀y!"), (#"\uDBFF\uDFFF"#, "\u{10FFFF}"),
    ])
    func decodes(_ raw: String, _ expected: String) {
        #expect(unescaped(b(raw)).value == b(expected))
    }

    @Test func surrogatePairIsOneFourByteSequence() {
        #expect(unescaped(b(#"\ud83d\ude00"#)).value == [0xF0, 0x9F, 0x98, 0x80])
    }

    @Test(arguments: [
        (b(#"\ud800"#), JSONError.Kind.loneSurrogate), (b(#"\ude00"#), .loneSurrogate),
        (b(#"\ud83d\u0041"#), .loneSurrogate), (b(#"\x"#), .invalidEscape), (b(#"\u12"#), .unexpectedEnd),
        (b(#"\"#), .unexpectedEnd), (b("a\tb"), .controlCharacter), (b("a\"b"), .unexpectedByte),
        ([0x61, 0xC0, 0x80], .invalidUTF8), ([0xED, 0xA0, 0x80], .invalidUTF8),
    ])
    func rejects(_ raw: [UInt8], _ kind: JSONError.Kind) {
        #expect(unescaped(raw).error?.kind == kind)
    }

    @Test func errorLeavesOutputUntouched() {
        var out = b("keep")
        let raw = b(#"abc\u00e9\ud800"#)
        _ = raw.withUnsafeBufferPointer { buf in
            #expect(throws: JSONError(.loneSurrogate, at: 9)) {
                try JSON.appendUnescaped(stringContent: buf, to: &out)
            }
        }
        #expect(out == b("keep"))
    }

    @Test func appendsAfterExistingBytes() throws {
        var out = b("x=")
        try b(#"\u0031"#).withUnsafeBufferPointer { buf throws(JSONError) in
            try JSON.appendUnescaped(stringContent: buf, to: &out)
        }
        #expect(out == b("x=1"))
    }
}

@Suite struct AppendStringTests {
    @Test(arguments: [
        ("", #""""#), ("abc", #""abc""#), ("a\"b", #""a\"b""#), ("a\\b", #""a\\b""#), ("/", #""/""#),
        ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#), ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("\u{7F}", "\"\u{7F}\""), ("é中😀", "\"é中😀\""), ("\u{2028}x\u{2029}", #""\u2028x\u2029""#),
        ("\u{2027}\u{202A}", "\"\u{2027}\u{202A}\""), ("say \"hi\"\n", #""say \"hi\"\n""#),
    ])
    func escapes(_ input: String, _ expected: String) {
        #expect(encoded(b(input)) == b(expected))
        var viaString: [UInt8] = []
        JSON.appendString(input, to: &viaString)
        #expect(viaString == b(expected))
    }

    static let fffd: [UInt8] = [0xEF, 0xBF, 0xBD]

    @Test(arguments: [
        ([0x61, 0xFF, 0x62], [0x61] + fffd + [0x62]),
        ([0xE4, 0xB8], fffd),  // truncated 3-byte: one maximal subpart
        ([0xE4, 0xB8, 0x41], fffd + [0x41]),
        ([0xC0, 0x80], fffd + fffd),  // C0 is never a valid lead
        ([0xED, 0xA0, 0x80], fffd + fffd + fffd),  // encoded surrogate
        ([0xF4, 0x90, 0x80, 0x80], fffd + fffd + fffd + fffd),  // above U+10FFFF
        ([0xF0, 0x9F, 0x98], fffd),  // truncated emoji
        ([0xF0, 0x9F, 0x98, 0x22], fffd + [0x5C, 0x22]),
        ([0x80, 0x80], fffd + fffd),
        ([0xE2, 0x80, 0xA8, 0xE2, 0x80], [0x5C, 0x75, 0x32, 0x30, 0x32, 0x38] + fffd),
    ] as [([UInt8], [UInt8])])
    func replacesInvalidUTF8(_ input: [UInt8], _ expectedContent: [UInt8]) {
        let out = encoded(input)
        #expect(out == [0x22] + expectedContent + [0x22])
        #expect(isValid(out))
        // Same replacement policy as the standard library's decoder.
        #expect(unescaped(Array(out.dropFirst().dropLast())).value == Array(String(decoding: input, as: UTF8.self).utf8))
    }

    @Test func appendsToExistingOutput() {
        var out = b("[")
        JSON.appendString("a", to: &out)
        out.append(UInt8(ascii: ","))
        JSON.appendInteger(-12, to: &out)
        out.append(UInt8(ascii: "]"))
        #expect(out == b(#"["a",-12]"#))
    }

    @Test(arguments: [0, 7, -7, 10, -10, 100, 1_234_567_890, Int.max, Int.min, Int.min + 1, 9, 99, 1000])
    func appendInteger(_ n: Int) {
        var out: [UInt8] = [0x78]
        JSON.appendInteger(n, to: &out)
        #expect(out == [0x78] + b(String(n)))
        #expect(isValid(Array(out.dropFirst())))
    }

    /// Random byte strings biased toward the interesting ranges.
    static func randomBytes(_ rng: inout XorShift) -> [UInt8] {
        let pieces: [[UInt8]] = [
            [0x22], [0x5C], [0x0A], [0x00], [0x1F], [0x7F], b("é"), b("中"), b("😀"), b("\u{2028}"),
            b("\u{2029}"), [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x80],
            [0xF0, 0x9F], [0xFF], [0x80], b(#"\u"#), b("ab"),
        ]
        var out: [UInt8] = []
        let count = Int(rng.next() % 24)
        for _ in 0..<count {
            switch rng.next() % 4 {
            case 0: out += pieces[Int(rng.next() % UInt64(pieces.count))]
            case 1: out.append(UInt8(truncatingIfNeeded: rng.next()))
            default: out.append(UInt8(0x20 + rng.next() % 0x5F))
            }
        }
        return out
    }

    @Test func propertyOutputAlwaysValidAndRoundTrips() {
        var rng = XorShift(seed: 0xC0FFEE)
        var validUTF8Inputs = 0
        var invalidOutputs: [[UInt8]] = []
        var roundTripFailures: [[UInt8]] = []
        for _ in 0..<4000 {
            let input = Self.randomBytes(&rng)
            let out = encoded(input)
            if validationError(out) != nil || out.first != 0x22 || out.last != 0x22 { invalidOutputs.append(input) }
            let decoded = unescaped(Array(out.dropFirst().dropLast())).value
            // Invalid input comes back exactly as the standard library's repairing decoder would give it.
            if decoded != Array(String(decoding: input, as: UTF8.self).utf8) { roundTripFailures.append(input) }
            if String(validating: input, as: UTF8.self) != nil {
                validUTF8Inputs += 1
                if decoded != input { roundTripFailures.append(input) }
            }
        }
        #expect(invalidOutputs.isEmpty, "appendString produced invalid JSON for \(invalidOutputs.count) inputs, e.g. \(invalidOutputs.prefix(3))")
        #expect(roundTripFailures.isEmpty, "round trip failed for \(roundTripFailures.count) inputs, e.g. \(roundTripFailures.prefix(3))")
        #expect(validUTF8Inputs > 500)  // the generator really exercises both branches
    }
}
