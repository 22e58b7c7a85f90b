import FoundationEssentials
import JSONBytes

/// Why a rule file is not a JSON5 document this loader reads.
public struct JSONTreeError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// A JSON5 document as a plain tree, so rule files can be checked key by key with messages that name
/// the rule and the key (Codable alone would silently ignore unknown keys).
public indirect enum JSONTree: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    case double(Double)
    case string(String)
    case array([JSONTree])
    /// Keys sorted by byte order so output does not depend on hashing order.
    case object([(key: String, value: JSONTree)])

    public static func == (a: JSONTree, b: JSONTree) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses JSON5 (comments, trailing commas, unquoted keys, single quotes) through Foundation.
    /// The bytes must be UTF-8: checked here first, because Foundation's JSON5 scanner stops the
    /// process on some ill-formed sequences (found by fuzzing) instead of throwing.
    public static func parseJSON5(_ data: Data) throws -> JSONTree {
        let invalid = data.withUnsafeBytes { UTF8Check.firstInvalidOffset(in: $0.bindMemory(to: UInt8.self)) }
        if let offset = invalid { throw JSONTreeError(description: "not UTF-8 (an ill-formed byte sequence at byte \(offset))") }
        let decoder = JSONDecoder()
        decoder.allowsJSON5 = true
        return try decoder.decode(DecodableTree.self, from: data).tree
    }

    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .double: return "a number"
        case .string: return "a string"
        case .array: return "a list"
        case .object: return "an object"
        }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}

private struct DecodableTree: Decodable {
    let tree: JSONTree

    init(from decoder: Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [(key: String, value: JSONTree)] = []
            for key in object.allKeys {
                members.append((key.stringValue, try object.decode(DecodableTree.self, forKey: key).tree))
            }
            members.sort { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
            tree = .object(members)
        } else if var array = try? decoder.unkeyedContainer() {
            var items: [JSONTree] = []
            while !array.isAtEnd { items.append(try array.decode(DecodableTree.self).tree) }
            tree = .array(items)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                tree = .null
            } else if let b = try? value.decode(Bool.self) {
                tree = .bool(b)
            } else if let i = try? value.decode(Int.self) {
                tree = .integer(i)
            } else if let d = try? value.decode(Double.self) {
                tree = .double(d)
            } else {
                tree = .string(try value.decode(String.self))
            }
        }
    }
}

/// Reads one object of a rule file, remembering which keys were used so the rest can be reported.
struct ObjectReader {
    let members: [(key: String, value: JSONTree)]
    private(set) var used: Set<String> = []
    /// Problems found while reading, as messages without file or rule (the caller adds those).
    var problems: [String] = []

    init?(_ tree: JSONTree) {
        guard case .object(let members) = tree else { return nil }
        self.members = members
    }

    mutating func value(_ key: String) -> JSONTree? {
        used.insert(key)
        return members.first { $0.key == key }?.value
    }

    mutating func string(_ key: String, required: Bool = false) -> String? {
        switch value(key) {
        case nil:
            if required { problems.append("missing '\(key)'") }
            return nil
        case .string(let s)?: return s
        case let other?:
            problems.append("'\(key)' must be a string, not \(other.typeName)")
            return nil
        }
    }

    mutating func strings(_ key: String) -> [String]? {
        switch value(key) {
        case nil: return nil
        case .string(let s)?: return [s]
        case .array(let items)?:
            var result: [String] = []
            for item in items {
                guard case .string(let s) = item else {
                    problems.append("'\(key)' must be a list of strings, found \(item.typeName)")
                    return nil
                }
                result.append(s)
            }
            return result
        case let other?:
            problems.append("'\(key)' must be a list of strings, not \(other.typeName)")
            return nil
        }
    }

    /// Keys present in the object that nobody asked for: typos like `patern` must not pass silently.
    var unknownKeys: [String] { members.map(\.key).filter { !used.contains($0) } }
}
