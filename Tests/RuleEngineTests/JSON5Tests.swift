import Foundation
import Testing
@testable import RuleEngine

@Suite struct JSON5Tests {
    func parse(_ text: String) throws(JSONTreeError) -> JSONTree { try JSONTree.parseJSON5(Data(text.utf8)) }

    func error(_ text: String) -> String? {
        do throws(JSONTreeError) {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func everyJSON5Feature() throws {
        let tree = try parse("""
            // a line comment
            { unquoted: 'single', "double": "a\\tb", $dollar_1: [1, -2, +3, .5, 5., 0x1F, -0XfF, 1e3, 2E-2,
              Infinity, -Infinity,], /* block
              comment */ 'multi': 'one \\
            two', nested: { t: true, f: false, n: null, }, esc: '\\x41\\u00e9\\ud83d\\ude00\\'\\"\\0\\v',
              \\u0061b: 1, \u{00A0}café: 'é', }
            """)
        let expected = JSONTree.object([
            ("$dollar_1", .array([.integer(1), .integer(-2), .integer(3), .double(0.5), .double(5), .integer(31), .integer(-255),
                                  .double(1000), .double(0.02), .double(.infinity), .double(-.infinity)])),
            ("ab", .integer(1)),
            ("café", .string("é")),
            ("double", .string("a\tb")),
            ("esc", .string("Aé😀'\"\u{0}\u{0B}")),
            ("multi", .string("one two")),
            ("nested", .object([("f", .bool(false)), ("n", .null), ("t", .bool(true))])),
            ("unquoted", .string("single")),
        ])
        #expect(tree == expected)
        guard case .double(let nan) = try parse("NaN") else { Issue.record("NaN"); return }
        #expect(nan.isNaN)
    }

    @Test func problemsSayWhereAndWhat() {
        #expect(error("{ a: 1,\n  b 2 }") == "line 2, column 5: expected ':' after the key 'b'")
        #expect(error("{ a: 1, a: 2 }") == "line 1, column 9: duplicate key 'a'")
        #expect(error("[1, 2") == "line 1, column 6: unterminated list (missing ']')")
        #expect(error("'abc") == "line 1, column 1: unterminated string")
        #expect(error("'a\nb'") == "line 1, column 3: a line break inside a string (write \\n, or end the line with \\)")
        #expect(error("[01]") == "line 1, column 2: a number with a leading zero")
        #expect(error("[1.e]") == "line 1, column 5: an exponent needs digits")
        #expect(error("[.]") == "line 1, column 3: a number needs digits")
        #expect(error("[0x]") == "line 1, column 4: 0x needs hexadecimal digits")
        #expect(error("[0x1FFFFFFFFFFFFFFFF]") == "line 1, column 20: hexadecimal number too large")
        #expect(error("['\\1']") == "line 1, column 5: \\1 is not an escape")
        #expect(error("['\\ud800']") == "line 1, column 9: a lone surrogate escape")
        #expect(error("/* open") == "line 1, column 1: unterminated /* comment")
        #expect(error("") == "line 1, column 1: the file is empty")
        #expect(error("{} x") == "line 1, column 4: unexpected text after the document")
        #expect(error("[tru]") == "line 1, column 2: unexpected word (expected a value)")
        #expect(error("{ 1a: 2 }") == "line 1, column 3: expected a key (a name or a quoted string)")
    }

    /// Found by the rules-loader fuzzer: Foundation's JSON5 decoder stopped the process on a long
    /// number. Long numbers are doubles here; deep nesting is refused, not a stack overflow.
    @Test func hostileNumbersAndNesting() throws {
        let long = String(repeating: "1", count: 96) + "0"
        #expect(try parse(long) == .double(Double(long)!))
        #expect(try parse("[" + long + "e400]") == .array([.double(.infinity)]))
        #expect(try parse(String(repeating: "[", count: 63) + String(repeating: "]", count: 63)) != .null)
        #expect(error(String(repeating: "[", count: 100_000))?.hasSuffix("nested deeper than 64 levels") == true)
        #expect(error(String(repeating: "{a:", count: 1_000))?.hasSuffix("nested deeper than 64 levels") == true)
    }

    /// The reader that replaced Foundation's gives the same tree for the default rules.
    @Test func sameTreesAsFoundationForTheDefaultRules() throws {
        let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Rules")
        let files = try FileManager.default.contentsOfDirectory(atPath: rules.path).filter { $0.hasSuffix(".json5") }
        #expect(files.count >= 5)
        for file in files {
            let data = try Data(contentsOf: rules.appendingPathComponent(file))
            let decoder = JSONDecoder()
            decoder.allowsJSON5 = true
            let foundation = try decoder.decode(FoundationTree.self, from: data).tree
            #expect(try JSONTree.parseJSON5(data) == foundation, "\(file)")
        }
    }
}

/// The tree as Foundation's JSON5 decoder sees it (the loader's previous reader), for comparison.
private struct FoundationTree: Decodable {
    let tree: JSONTree

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { return nil }
    }

    init(from decoder: Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [(key: String, value: JSONTree)] = []
            for key in object.allKeys { members.append((key.stringValue, try object.decode(FoundationTree.self, forKey: key).tree)) }
            members.sort { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            tree = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONTree] = []
            while !array.isAtEnd { items.append(try array.decode(FoundationTree.self).tree) }
            tree = .array(items)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() { tree = .null }
            else if let b = try? value.decode(Bool.self) { tree = .bool(b) }
            else if let i = try? value.decode(Int.self) { tree = .integer(i) }
            else if let d = try? value.decode(Double.self) { tree = .double(d) }
            else { tree = .string(try value.decode(String.self)) }
        }
    }
}
