import JSONBytes
import Testing

let validCorpus: [Doc] = [
    Doc("[]"), Doc("{}"), Doc(" [ ] "), Doc("\t\n\r {}\n"), Doc("0"), Doc("-0"), Doc("1E+2"),
    Doc("0.5e-3"), Doc("-123.456E7"), Doc("1e10"), Doc("123456789012345678901234567890"),
    Doc("true"), Doc("false"), Doc("null"), Doc("\"\""), Doc("\"abc\""),
    Doc(#""\"\\\/\b\f\n\r\t""#), Doc(#""\u0041\u00e9\u4e2d""#), Doc(#""\ud83d\ude00""#),
    Doc(#""\uD834\uDD1E""#), Doc("\"é中😀\""), Doc("{\"é\":1,\"中文\":\"😀\"}"), Doc("[1,2,3]"),
    Doc(#"{"a":[1,{"b":null}],"c":{"d":[]}}"#), Doc("[[[[]]]]"), Doc(#"{"":0}"#), Doc(#"{"a":1,"a":2}"#),
    Doc("[-0.0e-0]"), Doc(#""\u0000""#), Doc("[ 1 , 2 ]"), Doc(#"{ "a" : "b" }"#), Doc(#""\u2028\u2029""#),
    Doc("\"\u{FFFF}\u{10FFFF}\""), Doc("[true,false,null]"), Doc("1.0E-10"), Doc(#"["/","\/"]"#),
    Doc("[\"\"]"), Doc(#"{"a":{}}"#), Doc("0e0"), Doc("\"\u{7F}\""), Doc("[1e-2, 2E2, -3]"),
    Doc(#"{"k\"ey":"v\\al"}"#), Doc(#""\uDBFF\uDFFF""#), Doc("\"\u{E000}\""),
]

let invalidCorpus: [Doc] = [
    Doc("", .unexpectedEnd), Doc("   ", .unexpectedEnd), Doc("[1,]", .unexpectedByte),
    Doc(#"{"a":1,}"#, .unexpectedByte), Doc("01", .invalidNumber), Doc("1.", .invalidNumber),
    Doc(".5", .unexpectedByte), Doc("-", .invalidNumber), Doc("1e", .invalidNumber), Doc("1e+", .invalidNumber),
    Doc("+1", .unexpectedByte), Doc(#""\x""#, .invalidEscape), Doc(#""\ud800""#, .loneSurrogate),
    Doc(#""\udc00""#, .loneSurrogate), Doc(#""\ud800\u0041""#, .loneSurrogate), Doc(#""\ud800x""#, .loneSurrogate),
    Doc("\"a\tb\"", .controlCharacter), Doc("\"\u{01}\"", .controlCharacter), Doc("\"a\nb\"", .controlCharacter),
    Doc(bytes: [0x22, 0xC0, 0x80, 0x22], .invalidUTF8, label: "overlong NUL C0 80"),
    Doc(bytes: [0x22, 0xC1, 0xBF, 0x22], .invalidUTF8, label: "overlong C1 BF"),
    Doc(bytes: [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8, label: "overlong E0 80 AF"),
    Doc(bytes: [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], .invalidUTF8, label: "overlong F0 80 80 AF"),
    Doc(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8, label: "encoded surrogate ED A0 80"),
    Doc(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8, label: "above U+10FFFF F4 90"),
    Doc(bytes: [0x22, 0xE4, 0xB8, 0x22], .invalidUTF8, label: "truncated 3-byte"),
    Doc(bytes: [0x22, 0xF0, 0x9F, 0x98], .invalidUTF8, label: "truncated 4-byte at end"),
    Doc(bytes: [0x22, 0xFF, 0x22], .invalidUTF8, label: "FF"),
    Doc(bytes: [0x22, 0x80, 0x22], .invalidUTF8, label: "lone continuation"),
    Doc(bytes: [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], .invalidUTF8, label: "5-byte form"),
    Doc("tru", .unexpectedEnd), Doc("nul", .unexpectedEnd), Doc("truex", .trailingData), Doc("nulL", .unexpectedByte),
    Doc("[1 2]", .unexpectedByte), Doc(#"{"a" 1}"#, .unexpectedByte), Doc("{a:1}", .unexpectedByte),
    Doc("{'a':1}", .unexpectedByte), Doc("NaN", .unexpectedByte), Doc("Infinity", .unexpectedByte),
    Doc("[1]x", .trailingData), Doc("[1] [2]", .trailingData), Doc("\"abc", .unexpectedEnd),
    Doc("[", .unexpectedEnd), Doc(#"{"a":1"#, .unexpectedEnd), Doc("/* c */ 1", .unexpectedByte),
    Doc("[1,,2]", .unexpectedByte), Doc(#""\u12""#, .invalidEscape), Doc(#""\u12G4""#, .invalidEscape),
    Doc(#"{"a":1}}"#, .trailingData), Doc("-01", .invalidNumber), Doc("1.e5", .invalidNumber),
    Doc("[.1]", .unexpectedByte), Doc("0x10", .trailingData), Doc("{,}", .unexpectedByte),
    Doc(#""\'""#, .invalidEscape), Doc("\u{FEFF}1", .unexpectedByte), Doc("[1,2", .unexpectedEnd),
    Doc(#"{"a":}"#, .unexpectedByte), Doc(#"{"a"}"#, .unexpectedByte), Doc("[-]", .invalidNumber),
    Doc("\u{0C}1", .unexpectedByte), Doc(#""\u""#, .invalidEscape), Doc(#"["a\"]"#, .unexpectedEnd),
]

@Suite struct ValidateTests {
    @Test(arguments: validCorpus)
    func acceptsValid(_ doc: Doc) {
        #expect(validationError(doc.bytes) == nil)
    }

    @Test(arguments: invalidCorpus)
    func rejectsInvalid(_ doc: Doc) throws {
        let error = try #require(validationError(doc.bytes))
        #expect(error.kind == doc.expected)
        #expect(error.offset >= 0 && error.offset <= doc.bytes.count)
    }

    @Test func errorOffsetsPointAtTheProblem() {
        #expect(validationError(b("[1,]"))?.offset == 3)
        #expect(validationError(b("[1,]"))?.byte == UInt8(ascii: "]"))
        #expect(validationError(b(#"  "\x""#))?.offset == 3)
        #expect(validationError(b("\"a\tb\""))?.offset == 2)
        #expect(validationError([0x5B, 0x22, 0x61, 0xC0, 0x80, 0x22, 0x5D])?.offset == 3)
        #expect(validationError(b("[1] x"))?.offset == 4)
        #expect(validationError(b("01"))?.offset == 0)
        #expect(validationError(b(#"["\ud800"]"#))?.offset == 2)
    }

    @Test func errorDescriptionMentionsKindAndOffset() throws {
        let e = try #require(validationError(b(#"[1, "\x"]"#)))
        #expect(e.description == "invalid escape at byte 5")
        let u = try #require(validationError(b("[1,]")))
        #expect(u.description == "unexpected byte 0x5D at byte 3")
        #expect(e == JSONError(.invalidEscape, at: 5))
        #expect(e != JSONError(.invalidEscape, at: 6))
    }

    static func nested(_ depth: Int, object: Bool = false) -> [UInt8] {
        if object {
            return Array(repeating: b(#"{"a":"#), count: depth).flatMap { $0 } + b("1")
                + Array(repeating: UInt8(ascii: "}"), count: depth)
        }
        return Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
    }

    @Test func nestingLimit() {
        #expect(validationError(Self.nested(100))?.kind == .nestingTooDeep)
        #expect(validationError(Self.nested(100))?.offset == 64)
        #expect(isValid(Self.nested(64)))
        #expect(validationError(Self.nested(65))?.kind == .nestingTooDeep)
        #expect(isValid(Self.nested(64, object: true)))
        #expect(validationError(Self.nested(65, object: true))?.kind == .nestingTooDeep)
        #expect(isValid(Self.nested(3), maxDepth: 3))
        #expect(!isValid(Self.nested(3), maxDepth: 2))
        #expect(isValid(b("1"), maxDepth: 0))
        #expect(validationError(b("[]"), maxDepth: 0)?.kind == .nestingTooDeep)
        // Mixed nesting crosses the 64-bit word boundary of the level stack.
        var mixed: [UInt8] = []
        for i in 0..<200 { mixed += i % 3 == 0 ? b(#"{"k":"#) : b("[0,") }
        mixed += b("null")
        for i in (0..<200).reversed() { mixed += i % 3 == 0 ? b("}") : b("]") }
        #expect(isValid(mixed, maxDepth: 200))
        #expect(validationError(mixed, maxDepth: 199)?.kind == .nestingTooDeep)
        // Brackets must match their own level, not just any closer.
        var wrong = mixed
        wrong[wrong.count - 2] = UInt8(ascii: "}")
        #expect(validationError(wrong, maxDepth: 200)?.kind == .unexpectedByte)
    }

    @Test func hostileDepthDoesNotRecurse() {
        let deep = Array(repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(validationError(deep)?.kind == .nestingTooDeep)
        #expect(validationError(deep, maxDepth: .max)?.kind == .unexpectedEnd)
        #expect(isValid(Self.nested(100_000), maxDepth: 100_000))
    }

    @Test func emptyBufferWithNilBase() {
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        #expect(throws: JSONError.self) { try JSON.validate(empty) }
    }
}
