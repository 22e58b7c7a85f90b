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

    /// Parses a JSON5 rule file (see ``JSON5Parser``). The bytes are checked as UTF-8 first.
    public static func parseJSON5(_ data: Data) throws(JSONTreeError) -> JSONTree {
        let result: Result<JSONTree, JSONTreeError> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let offset = UTF8Check.firstInvalidOffset(in: bytes) {
                return .failure(JSONTreeError(description: "not UTF-8 (an ill-formed byte sequence at byte \(offset))"))
            }
            var parser = JSON5Parser(bytes)
            do throws(JSONTreeError) { return .success(try parser.document()) } catch { return .failure(error) }
        }
        return try result.get()
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
