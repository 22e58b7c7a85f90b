import JSONBytes
import Testing

@Suite struct MemberTests {
    @Test func scansNestedObjectMembersInOrder() throws {
        let doc = b(#" { "a" : 1, "b":{"c":[1,2,{"d":"e"}]}, "s":"x\"y" ,"t":true,"f":false,"n":null,"arr" : [ ], "neg":-1.5e3 } "#)
        let found = try members(doc).get()
        #expect(found.map { String(decoding: $0.key, as: UTF8.self) } == ["a", "b", "s", "t", "f", "n", "arr", "neg"])
        #expect(found.map { String(decoding: $0.value, as: UTF8.self) } == [
            "1", #"{"c":[1,2,{"d":"e"}]}"#, #""x\"y""#, "true", "false", "null", "[ ]", "-1.5e3",
        ])
        #expect(found.map(\.kind) == [.number, .object, .string, .true, .false, .null, .array, .number])
        // A nested object value can itself be scanned.
        let inner = try members(found[1].value).get()
        #expect(inner.count == 1)
        #expect(inner[0].kind == .array)
        #expect(String(decoding: inner[0].value, as: UTF8.self) == #"[1,2,{"d":"e"}]"#)
    }

    @Test func rawKeysStayEscapedAndStringContentExcludesQuotes() throws {
        let doc = b(#"{"B\u006fdy":"h\u00e9llo","k":"v"}"#)
        var contents: [[UInt8]] = []
        var bodyMatched = false
        try doc.withUnsafeBufferPointer { buf throws(JSONError) in
            try JSON.forEachMember(ofObject: buf) { m in
                if m.keyEquals("Body", in: buf) { bodyMatched = true }
                guard let range = m.stringContent else {
                    Issue.record("string member without content range")
                    return
                }
                contents.append(Array(buf[range]))
            }
        }
        #expect(bodyMatched)
        #expect(contents == [b(#"h\u00e9llo"#), b("v")])
        #expect(try members(doc).get()[0].key == b(#"B\u006fdy"#))
    }

    @Test func repeatedKeysAndEmptyObject() throws {
        #expect(try members(b(#"{"a":1,"a":2}"#)).get().map(\.value) == [b("1"), b("2")])
        #expect(try members(b(" {} ")).get().isEmpty)
        #expect(try members(b("{\n}\n")).get().isEmpty)
    }

    @Test(arguments: ["[1]", "\"s\"", "1", "null", "", "  ", "[{}]"])
    func notAnObject(_ text: String) {
        #expect(members(b(text)).error?.kind == .notAnObject)
    }

    @Test func validatesEverythingIncludingNestedValuesAndTrailer() {
        #expect(members(b(#"{"a":[1,]}"#)).error?.kind == .unexpectedByte)
        #expect(members(b(#"{"a":"\x"}"#)).error?.kind == .invalidEscape)
        #expect(members(b(#"{"a":1,}"#)).error?.kind == .unexpectedByte)
        #expect(members(b(#"{"a":1} x"#)).error?.kind == .trailingData)
        #expect(members(b(#"{"a":1"#)).error?.kind == .unexpectedEnd)
        #expect(members(b(#"{"a":01}"#)).error?.kind == .invalidNumber)
        #expect(members([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]).error?.kind == .invalidUTF8)
    }

    @Test func depthCountsTheOuterObject() {
        let ok = b(#"{"a":"#) + ValidateTests.nested(63) + b("}")
        let tooDeep = b(#"{"a":"#) + ValidateTests.nested(64) + b("}")
        #expect(members(ok).value?.count == 1)
        #expect(members(tooDeep).error?.kind == .nestingTooDeep)
        #expect(members(b(#"{"a":1}"#), maxDepth: 1).value?.count == 1)
        #expect(members(b(#"{"a":[]}"#), maxDepth: 1).error?.kind == .nestingTooDeep)
    }

    @Test func bodyErrorsPropagateAndStopTheScan() {
        var calls = 0
        let result = b(#"{"a":1,"b":2,"c":3}"#).withUnsafeBufferPointer { buf -> JSONError? in
            do throws(JSONError) {
                try JSON.forEachMember(ofObject: buf) { m throws(JSONError) in
                    calls += 1
                    if m.valueKind == .number && buf[m.value.lowerBound] == UInt8(ascii: "2") {
                        throw JSONError(.notAString, at: m.value.lowerBound)
                    }
                }
                return nil
            } catch {
                return error
            }
        }
        #expect(result == JSONError(.notAString, at: 11))
        #expect(calls == 2)
    }
}
