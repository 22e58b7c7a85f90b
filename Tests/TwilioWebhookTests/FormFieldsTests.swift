import Testing
@testable import TwilioWebhook

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
}
