import JSONBytes
import Testing

@Suite struct StringFieldsTests {
    static func parse(_ line: [UInt8], into fields: inout JSONStringFields) -> JSONError? {
        line.withUnsafeBufferPointer { buf in
            do throws(JSONError) {
                try JSON.parseStringObject(buf, into: &fields)
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func parsesKeysAndValuesInOrderWithRepeats() {
        var fields = JSONStringFields()
        let line = b(#" {"From" : "+1555", "Body":"h\u00e9 \"x\"\n", "Body" : "second", "T\u006f":"\ud83d\ude00"}"#) + [0x0D, 0x0A]
        #expect(Self.parse(line, into: &fields) == nil)
        #expect(fields.count == 4)
        #expect(fields.pairs.map(\.key) == ["From", "Body", "Body", "To"])
        #expect(fields.pairs.map(\.value) == ["+1555", "hé \"x\"\n", "second", "😀"])
        #expect(fields.value(forKey: "Body") == "hé \"x\"\n")  // first of repeated keys
        #expect(fields.value(forKey: "To") == "😀")
        #expect(fields.value(forKey: "Missing") == nil)
        #expect(fields.withValue(forKey: "From") { Array($0) } == b("+1555"))
        #expect(fields.index(forKey: "Body") == 1)
        #expect(fields.contains(key: "To"))
        #expect(fields.withKey(at: 3) { Array($0) } == b("To"))
        var seen: [[UInt8]] = []
        fields.forEach { k, v in seen.append(Array(k) + [0x3D] + Array(v)) }
        #expect(seen.count == 4)
        #expect(seen[2] == b("Body=second"))
        b("From").withUnsafeBufferPointer { #expect(fields.index(forKey: $0) == 0) }
    }

    @Test func reusesStorageAcrossLines() {
        var fields = JSONStringFields(reservingBytes: 256, fields: 8)
        #expect(Self.parse(b(#"{"a":"1","b":"2"}"#), into: &fields) == nil)
        #expect(fields.count == 2)
        let capacity = fields.storage.capacity
        #expect(Self.parse(b(#"{"c":"3"}"#), into: &fields) == nil)
        #expect(fields.count == 1)
        #expect(fields.pairs.map(\.key) == ["c"])
        #expect(fields.storage == b("c3"))
        #expect(fields.storage.capacity == capacity)
    }

    @Test func emptyObjectAndWhitespace() {
        var fields = JSONStringFields()
        #expect(Self.parse(b(" \t{ }\n"), into: &fields) == nil)
        #expect(fields.isEmpty)
        #expect(Self.parse(b("{\"\":\"\"}"), into: &fields) == nil)
        #expect(fields.count == 1)
        #expect(fields.value(forKey: "") == "")
    }

    @Test func nonStringValueNamesTheKeyPosition() {
        var fields = JSONStringFields()
        let line = b(#"{"a":"x", "n": 5}"#)
        let error = Self.parse(line, into: &fields)
        #expect(error?.kind == .notAString)
        #expect(error?.offset == 10)  // the opening quote of "n"
        #expect(fields.isEmpty)  // cleared on error
        for bad in [#"{"a":{}}"#, #"{"a":[]}"#, #"{"a":null}"#, #"{"a":true}"#] {
            #expect(Self.parse(b(bad), into: &fields)?.kind == .notAString)
        }
    }

    @Test(arguments: [
        ("[]", JSONError.Kind.notAnObject), ("\"a\"", .notAnObject), ("", .notAnObject),
        (#"{"a":"b"} x"#, .trailingData), (#"{"a":"b"}{}"#, .trailingData), (#"{"a":"b",}"#, .unexpectedByte),
        (#"{"a":"b""#, .unexpectedEnd), (#"{"a":"\x"}"#, .invalidEscape), (#"{"\ud800":"b"}"#, .loneSurrogate),
        ("{\"a\":\"\t\"}", .controlCharacter), (#"{"a" "b"}"#, .unexpectedByte),
    ])
    func errors(_ line: String, _ kind: JSONError.Kind) {
        var fields = JSONStringFields()
        #expect(Self.parse(b(#"{"pre":"filled"}"#), into: &fields) == nil)
        #expect(Self.parse(b(line), into: &fields)?.kind == kind)
        #expect(fields.isEmpty)
    }

    @Test func invalidUTF8InValueIsRejected() {
        var fields = JSONStringFields()
        #expect(Self.parse([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC0, 0x80, 0x22, 0x7D], into: &fields)?.kind == .invalidUTF8)
    }
}
