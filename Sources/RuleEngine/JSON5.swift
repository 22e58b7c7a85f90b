import JSONBytes

/// A JSON5 reader (https://spec.json5.org) for rule files: comments, trailing commas, unquoted keys,
/// single-quoted and multi-line strings, hexadecimal, `Infinity`, `NaN`, leading and trailing points.
///
/// Ours rather than Foundation's: Foundation's JSON5 scanner stops the process on some inputs (long
/// numbers, ill-formed UTF-8; found by fuzzing), and a rule file that crashes a reload would take the
/// gateway down. This one is bounded (64 levels of nesting), refuses duplicate keys, and says where
/// a problem is by line and column. The input must already be valid UTF-8.
struct JSON5Parser {
    static let maxDepth = 64
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func document() throws(JSONTreeError) -> JSONTree {
        try skipSpace()
        guard i < bytes.count else { throw fail("the file is empty") }
        let tree = try value(depth: 0)
        try skipSpace()
        guard i == bytes.count else { throw fail("unexpected text after the document") }
        return tree
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(JSONTreeError) -> JSONTree {
        guard depth < JSON5Parser.maxDepth else { throw fail("nested deeper than \(JSON5Parser.maxDepth) levels") }
        guard i < bytes.count else { throw fail("unexpected end of file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "I"), UInt8(ascii: "N"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default: throw fail("unexpected character (expected a value)")
        }
    }

    private mutating func object(depth: Int) throws(JSONTreeError) -> JSONTree {
        i += 1  // {
        var members: [(key: String, value: JSONTree)] = []
        var keys: Set<String> = []
        while true {
            try skipSpace()
            guard i < bytes.count else { throw fail("unterminated object (missing '}')") }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            let keyStart = i
            let key = try memberName()
            guard keys.insert(key).inserted else { throw fail("duplicate key '\(key)'", at: keyStart) }
            try skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail("expected ':' after the key '\(key)'") }
            i += 1
            try skipSpace()
            members.append((key, try value(depth: depth + 1)))
            try skipSpace()
            guard i < bytes.count else { throw fail("unterminated object (missing '}')") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}' after the value of '\(key)'")
        }
        members.sort { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        return .object(members)
    }

    private mutating func array(depth: Int) throws(JSONTreeError) -> JSONTree {
        i += 1  // [
        var items: [JSONTree] = []
        while true {
            try skipSpace()
            guard i < bytes.count else { throw fail("unterminated list (missing ']')") }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            items.append(try value(depth: depth + 1))
            try skipSpace()
            guard i < bytes.count else { throw fail("unterminated list (missing ']')") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; break }
            throw fail("expected ',' or ']' after a list item")
        }
        return .array(items)
    }

    private mutating func word(_ literal: StaticString) throws(JSONTreeError) {
        let matches = literal.withUTF8Buffer { word in
            i + word.count <= bytes.count && (0..<word.count).allSatisfy { bytes[i + $0] == word[$0] }
        }
        guard matches else { throw fail("unexpected word (expected a value)") }
        i += literal.utf8CodeUnitCount
    }

    // MARK: - Names and strings

    /// A quoted string or an ECMAScript identifier name (ASCII letters, digits, `$`, `_`, `\uXXXX`
    /// escapes and any non-ASCII character other than a space).
    private mutating func memberName() throws(JSONTreeError) -> String {
        if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") { return try string() }
        var name: [UInt8] = []
        while i < bytes.count {
            let c = bytes[i]
            if isIdentifierByte(c) && !(name.isEmpty && isDigit(c)) {
                name.append(c)
                i += 1
            } else if c >= 0x80, spaceLength(at: i) == 0 {
                name.append(c)
                i += 1
                while i < bytes.count && bytes[i] & 0xC0 == 0x80 { name.append(bytes[i]); i += 1 }
            } else if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "u") else { throw fail("only \\u escapes are allowed in a key") }
                i += 2
                try appendUnicodeEscape(to: &name)
            } else {
                break
            }
        }
        guard !name.isEmpty else { throw fail("expected a key (a name or a quoted string)") }
        return String(decoding: name, as: UTF8.self)
    }

    private func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || isDigit(c) || c == UInt8(ascii: "$") || c == UInt8(ascii: "_")
    }

    private mutating func string() throws(JSONTreeError) -> String {
        let quote = bytes[i]
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("unterminated string", at: start) }
            let c = bytes[i]
            if c == quote { i += 1; break }
            if c == 0x0A || c == 0x0D { throw fail("a line break inside a string (write \\n, or end the line with \\)") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw fail("unterminated string", at: start) }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "0"):
                if i < bytes.count, isDigit(bytes[i]) { throw fail("\\0 followed by a digit") }
                out.append(0)
            case UInt8(ascii: "1")...UInt8(ascii: "9"): throw fail("\\\(Character(Unicode.Scalar(e))) is not an escape")
            case UInt8(ascii: "x"):
                guard i + 1 < bytes.count, let high = HexDigit.value(bytes[i]), let low = HexDigit.value(bytes[i + 1]) else { throw fail("\\x needs two hexadecimal digits") }
                i += 2
                append(Unicode.Scalar(UInt8(high << 4 | low)), to: &out)
            case UInt8(ascii: "u"): try appendUnicodeEscape(to: &out)
            case 0x0A: break  // a line continuation
            case 0x0D: if i < bytes.count && bytes[i] == 0x0A { i += 1 }
            case 0xE2 where i + 1 < bytes.count && bytes[i] == 0x80 && (bytes[i + 1] == 0xA8 || bytes[i + 1] == 0xA9):
                i += 2  // U+2028 or U+2029: a line continuation too
            default: out.append(e)  // any other character stands for itself (its UTF-8 tail follows as is)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// After `\u`: four hex digits, a surrogate pair as two escapes.
    private mutating func appendUnicodeEscape(to out: inout [UInt8]) throws(JSONTreeError) {
        let first = try fourHex()
        var scalar = first
        if (0xD800...0xDBFF).contains(first) {
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { throw fail("a lone surrogate escape") }
            i += 2
            let second = try fourHex()
            guard (0xDC00...0xDFFF).contains(second) else { throw fail("a lone surrogate escape") }
            scalar = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(first) {
            throw fail("a lone surrogate escape")
        }
        append(Unicode.Scalar(scalar)!, to: &out)
    }

    private mutating func fourHex() throws(JSONTreeError) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("\\u needs four hexadecimal digits") }
        var value: UInt32 = 0
        for k in 0..<4 {
            guard let digit = HexDigit.value(bytes[i + k]) else { throw fail("\\u needs four hexadecimal digits") }
            value = value << 4 | UInt32(digit)
        }
        i += 4
        return value
    }

    private func append(_ scalar: Unicode.Scalar, to out: inout [UInt8]) {
        out.append(contentsOf: String(Character(scalar)).utf8)
    }


    // MARK: - Numbers

    private mutating func number() throws(JSONTreeError) -> JSONTree {
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        if i < bytes.count && bytes[i] == UInt8(ascii: "I") { try word("Infinity"); return .double(negative ? -.infinity : .infinity) }
        if i < bytes.count && bytes[i] == UInt8(ascii: "N") { try word("NaN"); return .double(.nan) }
        if i + 1 < bytes.count && bytes[i] == UInt8(ascii: "0") && (bytes[i + 1] | 0x20) == UInt8(ascii: "x") {
            i += 2
            var magnitude: UInt64 = 0
            var digits = 0
            while i < bytes.count, let digit = HexDigit.value(bytes[i]) {
                guard magnitude <= (UInt64.max >> 4) else { throw fail("hexadecimal number too large") }
                magnitude = magnitude << 4 | UInt64(digit)
                digits += 1
                i += 1
            }
            guard digits > 0 else { throw fail("0x needs hexadecimal digits") }
            guard magnitude <= UInt64(Int.max) else { throw fail("hexadecimal number too large") }
            return .integer(negative ? -Int(magnitude) : Int(magnitude))
        }
        var text = negative ? "-" : ""
        let integerStart = i
        while i < bytes.count && isDigit(bytes[i]) { i += 1 }
        let integerDigits = i - integerStart
        if integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0") { throw fail("a number with a leading zero", at: integerStart) }
        text += integerDigits > 0 ? String(decoding: UnsafeBufferPointer(rebasing: bytes[integerStart..<i]), as: UTF8.self) : "0"
        var isInteger = true
        if i < bytes.count && bytes[i] == UInt8(ascii: ".") {
            isInteger = false
            i += 1
            let fractionStart = i
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
            guard integerDigits > 0 || i > fractionStart else { throw fail("a number needs digits") }
            text += "." + (i > fractionStart ? String(decoding: UnsafeBufferPointer(rebasing: bytes[fractionStart..<i]), as: UTF8.self) : "0")
        } else if integerDigits == 0 {
            throw fail("a number needs digits")
        }
        if i < bytes.count && (bytes[i] | 0x20) == UInt8(ascii: "e") {
            isInteger = false
            i += 1
            var exponent = "e"
            if i < bytes.count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) {
                exponent.append(Character(Unicode.Scalar(bytes[i])))
                i += 1
            }
            let exponentStart = i
            while i < bytes.count && isDigit(bytes[i]) { i += 1 }
            guard i > exponentStart else { throw fail("an exponent needs digits") }
            text += exponent + String(decoding: UnsafeBufferPointer(rebasing: bytes[exponentStart..<i]), as: UTF8.self)
        }
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text) else { throw fail("not a number") }
        return .double(value)
    }

    // MARK: - Space and comments

    private mutating func skipSpace() throws(JSONTreeError) {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || (c >= 0x09 && c <= 0x0D) { i += 1; continue }
            if c == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") {
                while i < bytes.count && bytes[i] != 0x0A && bytes[i] != 0x0D { i += 1 }
                continue
            }
            if c == UInt8(ascii: "/") && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*") {
                let start = i
                i += 2
                while i + 1 < bytes.count && !(bytes[i] == UInt8(ascii: "*") && bytes[i + 1] == UInt8(ascii: "/")) { i += 1 }
                guard i + 1 < bytes.count else { throw fail("unterminated /* comment", at: start) }
                i += 2
                continue
            }
            let length = spaceLength(at: i)
            if length == 0 { return }
            i += length
        }
    }

    /// The length of the non-ASCII JSON5 white space at `at` (NBSP, BOM, line and paragraph separators,
    /// the other Unicode space separators), or 0.
    private func spaceLength(at k: Int) -> Int {
        let c = bytes[k]
        if c == 0xC2, k + 1 < bytes.count, bytes[k + 1] == 0xA0 { return 2 }  // U+00A0
        guard k + 2 < bytes.count else { return 0 }
        let b1 = bytes[k + 1], b2 = bytes[k + 2]
        switch (c, b1) {
        case (0xE1, 0x9A): return b2 == 0x80 ? 3 : 0                                          // U+1680
        case (0xE2, 0x80): return (b2 >= 0x80 && b2 <= 0x8A) || b2 == 0xA8 || b2 == 0xA9 || b2 == 0xAF ? 3 : 0  // U+2000-200A, 2028, 2029, 202F
        case (0xE2, 0x81): return b2 == 0x9F ? 3 : 0                                          // U+205F
        case (0xE3, 0x80): return b2 == 0x80 ? 3 : 0                                          // U+3000
        case (0xEF, 0xBB): return b2 == 0xBF ? 3 : 0                                          // U+FEFF
        default: return 0
        }
    }

    // MARK: - Errors

    private func fail(_ message: String, at offset: Int? = nil) -> JSONTreeError {
        let position = min(offset ?? i, bytes.count)
        var line = 1
        var column = 1
        for k in 0..<position {
            if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
        }
        return JSONTreeError(description: "line \(line), column \(column): \(message)")
    }
}
