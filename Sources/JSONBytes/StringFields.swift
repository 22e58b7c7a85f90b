/// The decoded members of a flat JSON object whose values are all strings (one
/// JSON Lines record), reused across records.
///
/// Keep one per worker: `JSON.parseStringObject` empties it while keeping capacity,
/// so after warm-up, parsing a line allocates nothing. All unescaped keys and values
/// live back to back in one `storage` buffer; `fields` holds their ranges in input
/// order. Repeated keys are kept, each in its place.
public struct JSONStringFields: Sendable {
    /// Where one member's unescaped key and value live in `storage`.
    public struct Field: Sendable, Hashable {
        public var key: Range<Int>
        public var value: Range<Int>
    }

    /// Unescaped UTF-8 of every key and value, back to back.
    public internal(set) var storage: [UInt8]
    /// One entry per member, in input order.
    public internal(set) var fields: [Field]

    /// Creates an empty set of fields, optionally pre-sizing its buffers.
    public init(reservingBytes bytes: Int = 0, fields count: Int = 0) {
        storage = []
        storage.reserveCapacity(bytes)
        fields = []
        fields.reserveCapacity(count)
    }

    /// Number of members (repeated keys counted each time).
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// Removes all fields; by default keeps capacity for the next record.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        storage.removeAll(keepingCapacity: keepingCapacity)
        fields.removeAll(keepingCapacity: keepingCapacity)
    }

    /// Index of the first member whose key equals `name`, comparing UTF-8 bytes.
    public func index(forKey name: String) -> Int? {
        if let r = name.utf8.withContiguousStorageIfAvailable({ index(forKey: $0) }) { return r }
        return storage.withUnsafeBufferPointer { buf in
            fields.firstIndex { buf[$0.key].elementsEqual(name.utf8) }
        }
    }

    /// Index of the first member whose key equals the UTF-8 bytes `name`.
    public func index(forKey name: UnsafeBufferPointer<UInt8>) -> Int? {
        storage.withUnsafeBufferPointer { buf in
            var i = 0
            while i < fields.count {
                let key = fields[i].key
                if key.count == name.count {
                    var j = 0
                    while j < name.count && buf[key.lowerBound + j] == name[j] { j += 1 }
                    if j == name.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    /// Whether some member has key `name`.
    public func contains(key name: String) -> Bool { index(forKey: name) != nil }

    /// Calls `body` with the unescaped UTF-8 key of member `index`.
    public func withKey<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = fields[index].key
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Calls `body` with the unescaped UTF-8 value of member `index`.
    public func withValue<R>(at index: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let range = fields[index].value
        return try storage.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// Calls `body` with the unescaped UTF-8 value of the first member named `name`;
    /// returns `nil` without calling it if there is none.
    public func withValue<R>(forKey name: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R? {
        guard let i = index(forKey: name) else { return nil }
        return try withValue(at: i, body)
    }

    /// Calls `body` with each (key, value) pair, unescaped, in input order.
    public func forEach(_ body: (_ key: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try storage.withUnsafeBufferPointer { buf in
            for f in fields {
                try body(UnsafeBufferPointer(rebasing: buf[f.key]), UnsafeBufferPointer(rebasing: buf[f.value]))
            }
        }
    }

    // MARK: String conveniences (allocate; not for hot paths)

    /// Key of member `index` as a `String`.
    public func key(at index: Int) -> String {
        String(decoding: storage[fields[index].key], as: UTF8.self)
    }

    /// Value of member `index` as a `String`.
    public func value(at index: Int) -> String {
        String(decoding: storage[fields[index].value], as: UTF8.self)
    }

    /// Value of the first member named `name` as a `String`.
    public func value(forKey name: String) -> String? {
        index(forKey: name).map { value(at: $0) }
    }

    /// All pairs as `String`s, in input order (repeated keys included).
    public var pairs: [(key: String, value: String)] {
        fields.indices.map { (key(at: $0), value(at: $0)) }
    }
}

extension JSON {
    /// Parses one JSON Lines record that must be a flat object of string values,
    /// e.g. `{"From":"+15551234567","Body":"hi"}`, into reusable `fields`.
    ///
    /// `fields` is emptied first (capacity kept), then each member's key and value
    /// are unescaped into its storage in input order; repeated keys are all kept.
    /// Whitespace around and inside the object is fine, as is a trailing `\n`/`\r\n`.
    /// The line is validated as strictly as `validate`. A non-string value throws
    /// `.notAString` with `offset` at the opening quote of that member's key; a line
    /// that is not an object throws `.notAnObject`. On any error `fields` is left empty.
    public static func parseStringObject(_ line: UnsafeBufferPointer<UInt8>, into fields: inout JSONStringFields) throws(JSONError) {
        fields.removeAll(keepingCapacity: true)
        var s = _Scanner(line)
        do throws(JSONError) {
            try s.scanObject(maxDepth: 1) { (key, keyStart, s) throws(JSONError) in
                let c = try s.peek()
                guard c == _Bytes.quote else { throw JSONError(.notAString, at: keyStart) }
                let value = try s.scanString()
                let k0 = fields.storage.count
                try _appendUnescaped(UnsafeBufferPointer(rebasing: line[key]), to: &fields.storage, checkUTF8: false)
                let v0 = fields.storage.count
                try _appendUnescaped(UnsafeBufferPointer(rebasing: line[value]), to: &fields.storage, checkUTF8: false)
                fields.fields.append(.init(key: k0..<v0, value: v0..<fields.storage.count))
            }
        } catch {
            fields.removeAll(keepingCapacity: true)
            throw error
        }
    }
}
