import Foundation
import JSONBytes
import Testing

/// Cross-checks validity decisions against Foundation's JSONSerialization on
/// generated documents and single-byte mutations of them.
@Suite struct FoundationCrossCheckTests {
    static func randomDocument(_ rng: inout XorShift, depth: Int = 0) -> [UInt8] {
        let choice = depth > 3 ? rng.next() % 4 : rng.next() % 6
        switch choice {
        case 0:
            let numbers = ["0", "-0", "12", "-3.25", "1e3", "2E-2", "0.5", "-7e+1", "100"]
            return b(numbers[Int(rng.next() % UInt64(numbers.count))])
        case 1:
            let strings = [#""""#, #""abc""#, #""a\"b""#, #""\u00e9\n""#, "\"中😀\"", #""\ud83d\ude00""#, #""\\/\/""#]
            return b(strings[Int(rng.next() % UInt64(strings.count))])
        case 2:
            return b(["true", "false", "null"][Int(rng.next() % 3)])
        case 3:
            return b(#""k""#)
        case 4:
            var out = b("[")
            for i in 0..<Int(rng.next() % 4) {
                if i > 0 { out += b(rng.next() % 2 == 0 ? "," : " , ") }
                out += randomDocument(&rng, depth: depth + 1)
            }
            return out + b("]")
        default:
            var out = b("{")
            for i in 0..<Int(rng.next() % 4) {
                if i > 0 { out += b(",") }
                out += b("\"k\(i)\"") + b(rng.next() % 2 == 0 ? ":" : " : ") + randomDocument(&rng, depth: depth + 1)
            }
            return out + b("}")
        }
    }

    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }

    @Test func validityAgreesWithJSONSerialization() {
        var rng = XorShift(seed: 42)
        let alphabet = b(#"{}[],:" 0123456789.-+eEtrufalsn\x"#)
        var disagreements: [String] = []
        var validCount = 0
        var invalidCount = 0
        for _ in 0..<3000 {
            var doc = Self.randomDocument(&rng)
            if rng.next() % 2 == 0 && !doc.isEmpty {
                let at = Int(rng.next() % UInt64(doc.count))
                let byte = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                switch rng.next() % 3 {
                case 0: doc.remove(at: at)
                case 1: doc.insert(byte, at: at)
                default: doc[at] = byte
                }
            }
            let ours = isValid(doc)
            if ours { validCount += 1 } else { invalidCount += 1 }
            if ours != Self.foundationAccepts(doc) {
                disagreements.append("\(String(decoding: doc, as: UTF8.self)) ours=\(ours)")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
        #expect(validCount > 500 && invalidCount > 500)
    }

    @Test func appendStringOutputParsesToTheSameString() throws {
        var rng = XorShift(seed: 7)
        for _ in 0..<500 {
            let input = AppendStringTests.randomBytes(&rng)
            let out = b("[") + encoded(input) + b("]")
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(out)) as? [String])
            #expect(parsed == [String(decoding: input, as: UTF8.self)])
        }
    }

    @Test func membersMatchJSONSerialization() throws {
        var rng = XorShift(seed: 99)
        for _ in 0..<300 {
            var doc = b("{")
            let n = Int(rng.next() % 5)
            for i in 0..<n {
                if i > 0 { doc += b(",") }
                doc += b(#""k\u00e9\#(i)":"#) + Self.randomDocument(&rng, depth: 1)
            }
            doc += b("}")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(doc)) as? [String: Any])
            let found = try members(doc).get()
            #expect(found.count == object.count)
            for (i, m) in found.enumerated() {
                m.key.withUnsafeBufferPointer { #expect(JSON.keyEquals($0, "ké\(i)")) }
                // Each value range must itself be one complete, valid JSON value.
                #expect(isValid(m.value))
                #expect(Self.foundationAccepts(m.value))
            }
        }
    }
}
