import SeededRandom
import Testing
@testable import TwilioWebhook
import JSONBytes

@Suite struct FormFieldsTests {
    func decode(_ text: String) throws(FormError) -> [(String, String)] {
        var form = FormFields()
        try Array(text.utf8).withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) }
        return form.withEventFields { fields in
            (0..<fields.count).map { (String(decoding: fields.key(at: $0), as: UTF8.self), String(decoding: fields.value(at: $0), as: UTF8.self)) }
        }
    }

    func error(_ text: String) -> String? {
        do { _ = try decode(text); return nil } catch { return error.description }
    }

    @Test func decodesTwilioStyleBodies() throws {
        let pairs = try decode("Body=Hello+world%27s+%22test%22+%26+more&EventType=onMessageAdd&Attributes=%7B%7D&Media=&Flag")
        #expect(pairs.map(\.0) == ["Body", "EventType", "Attributes", "Media", "Flag"])
        #expect(pairs[0].1 == "Hello world's \"test\" & more")
        #expect(pairs[2].1 == "{}")
        #expect(pairs[3].1 == "")
        #expect(pairs[4].1 == "")
    }

    @Test func unicodeRepeatedKeysAndEmptyPairs() throws {
        let pairs = try decode("Body=h%C3%A9llo+%F0%9F%91%8B&&Digits=1&Digits=2&%41%62=x%2bY%2By")
        #expect(pairs.count == 4)
        #expect(pairs[0].1 == "héllo 👋")
        #expect(pairs[1] == ("Digits", "1") && pairs[2] == ("Digits", "2"))
        #expect(pairs[3] == ("Ab", "x+Y+y"))
        #expect(try decode("").isEmpty)
        #expect(try decode("&&&").isEmpty)
        #expect(try decode("a==b") .first! == ("a", "=b"))
    }

    @Test func badEscapesAndBadUTF8AreErrorsThatSayWhereNotWhat() {
        #expect(error("Body=%ZZ") == "invalid percent escape at byte 5")
        #expect(error("Body=%4") == "invalid percent escape at byte 5")
        #expect(error("Body=abc%") == "invalid percent escape at byte 8")
        #expect(error("Body=%C3%28")?.hasPrefix("decoded value is not UTF-8") == true)
        #expect(error("Body=%ED%A0%80") != nil)       // encoded surrogate
        #expect(error("Body=%C0%AF") != nil)          // overlong
        #expect(error("Body=%F4%90%80%80") != nil)    // above U+10FFFF
        #expect(error("%FF=x") != nil)                // keys too
        #expect(error("secret-value=%ZZ")?.contains("secret") == false)
    }

    @Test func fieldLimit() {
        var form = FormFields(maxFields: 3)
        let text = Array("a=1&b=2&c=3&d=4".utf8)
        #expect(throws: FormError.self) { try text.withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) } }
    }

    @Test func decodingAgainKeepsCapacity() throws {
        var form = FormFields(reservingBytes: 16, fields: 2)
        let body = Array(("Body=" + String(repeating: "x", count: 500) + "&A=1&B=2&C=3").utf8)
        try body.withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) }
        let storage = form.storage.capacity, fields = form.fields.capacity
        try body.withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) }
        #expect(form.storage.capacity == storage)
        #expect(form.fields.capacity == fields)
        #expect(form.count == 4)
    }

    /// The decoder reads eight bytes at a time; a plain byte loop written from the rules in its doc
    /// comment must give the same fields, or the same error at the same offset, for any input:
    /// seeded random bodies of 0-40 bytes, dense in `% + & =`, hex digits and bytes >= 0x80, so
    /// escapes, separators and ill-formed UTF-8 fall at every offset of a word and across words.
    @Test func wordAtATimeDecodingAgreesWithAByteLoop() {
        var rng = SplitMix64(seed: 2026_12_01)
        let alphabet = Array("%%++&&==aAfF09gZ ~.".utf8) + [0xC3, 0xA9, 0xF0, 0x9F, 0x80, 0xFF]
        var form = FormFields(reservingBytes: 8, fields: 2)
        for _ in 0..<100_000 {
            let length = Int(rng.next() % 41)
            let text = (0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            let expected = Self.referenceDecode(text)
            let actual: Result<[[UInt8]], FormError>
            do {
                try text.withUnsafeBufferPointer { (b) throws(FormError) in try form.decode(b) }
                actual = .success(form.withEventFields { fields in
                    (0..<fields.count).flatMap { [Array(fields.key(at: $0)), Array(fields.value(at: $0))] }
                })
            } catch {
                actual = .failure(error)
            }
            #expect(actual == expected, "input \(text)")
            if actual != expected { return }
        }
    }

    /// Keys and values alternate in the result.
    static func referenceDecode(_ text: [UInt8]) -> Result<[[UInt8]], FormError> {
        var out: [[UInt8]] = []
        var pairStart = 0
        while pairStart < text.count {
            let pairEnd = text[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? text.count
            if pairEnd > pairStart {
                let eq = text[pairStart..<pairEnd].firstIndex(of: UInt8(ascii: "=")) ?? pairEnd
                for (from, to) in [(pairStart, eq), (min(eq + 1, pairEnd), pairEnd)] {
                    var decoded: [UInt8] = []
                    var i = from
                    while i < to {
                        switch text[i] {
                        case UInt8(ascii: "+"): decoded.append(0x20); i += 1
                        case UInt8(ascii: "%"):
                            guard i + 2 < to, let h = HexDigit.value(text[i + 1]), let l = HexDigit.value(text[i + 2]) else {
                                return .failure(FormError(kind: .invalidEscape, offset: i))
                            }
                            decoded.append(h << 4 | l); i += 3
                        default: decoded.append(text[i]); i += 1
                        }
                    }
                    if String(validating: decoded, as: UTF8.self) == nil { return .failure(FormError(kind: .invalidUTF8, offset: from)) }
                    out.append(decoded)
                }
            }
            pairStart = pairEnd + 1
        }
        return .success(out)
    }
}
