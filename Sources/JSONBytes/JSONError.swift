/// An error found while reading or decoding JSON bytes.
///
/// A struct over a private enum (swift-nio style) so new kinds can be added
/// without breaking `switch`es in client code. Compare with `kind`:
/// `error.kind == .invalidUTF8`. Creating one never allocates; only
/// `description` builds a `String`, and only when asked.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, without the position. Compare against the static members.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: UInt8, Sendable, Hashable {
            case unexpectedEnd
            case unexpectedByte
            case invalidEscape
            case loneSurrogate
            case controlCharacter
            case invalidUTF8
            case invalidNumber
            case nestingTooDeep
            case notAnObject
            case notAString
            case trailingData
        }

        fileprivate var base: Base

        fileprivate init(_ base: Base) { self.base = base }

        /// The input ended inside a value.
        public static let unexpectedEnd = Kind(.unexpectedEnd)
        /// A byte that cannot appear here (see `JSONError.byte`).
        public static let unexpectedByte = Kind(.unexpectedByte)
        /// A backslash escape other than `\" \\ \/ \b \f \n \r \t \uXXXX`.
        public static let invalidEscape = Kind(.invalidEscape)
        /// A `\uXXXX` surrogate that is not part of a high+low pair.
        public static let loneSurrogate = Kind(.loneSurrogate)
        /// A raw byte below 0x20 (or a raw `"` in decoded content) inside a string.
        public static let controlCharacter = Kind(.controlCharacter)
        /// A string contains bytes that are not well-formed UTF-8.
        public static let invalidUTF8 = Kind(.invalidUTF8)
        /// A number that breaks RFC 8259 grammar (leading zero, missing digits).
        public static let invalidNumber = Kind(.invalidNumber)
        /// Arrays/objects nested deeper than the allowed `maxDepth`.
        public static let nestingTooDeep = Kind(.nestingTooDeep)
        /// The top-level value had to be an object but was not.
        public static let notAnObject = Kind(.notAnObject)
        /// A member value had to be a string but was not.
        public static let notAString = Kind(.notAString)
        /// Non-whitespace bytes after the single top-level value.
        public static let trailingData = Kind(.trailingData)

        public var description: String {
            switch base {
            case .unexpectedEnd: return "unexpected end of input"
            case .unexpectedByte: return "unexpected byte"
            case .invalidEscape: return "invalid escape"
            case .loneSurrogate: return "lone surrogate escape"
            case .controlCharacter: return "unescaped control character in string"
            case .invalidUTF8: return "invalid UTF-8"
            case .invalidNumber: return "invalid number"
            case .nestingTooDeep: return "nesting too deep"
            case .notAnObject: return "not an object"
            case .notAString: return "value is not a string"
            case .trailingData: return "trailing data"
            }
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// Byte offset of the problem, relative to the start of the buffer that was passed in.
    public var offset: Int
    /// The offending byte for `.unexpectedByte` / `.controlCharacter` / `.invalidUTF8`, if known.
    public var byte: UInt8?

    public init(_ kind: Kind, at offset: Int, byte: UInt8? = nil) {
        self.kind = kind
        self.offset = offset
        self.byte = byte
    }

    /// E.g. `"invalid escape at byte 12"` or `"unexpected byte 0x2C at byte 4"`.
    public var description: String {
        var s = kind.description
        if let byte {
            s += " 0x"
            let hex: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "A", "B", "C", "D", "E", "F"]
            s.append(hex[Int(byte >> 4)])
            s.append(hex[Int(byte & 0xF)])
        }
        s += " at byte \(offset)"
        return s
    }
}
