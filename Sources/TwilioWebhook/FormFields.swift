import JSONBytes
import RuleEngine

/// Why a form body could not be decoded (the request is answered 400 and never evaluated).
/// Says where, never what: the bytes may be personal data.
public struct FormError: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable { case invalidEscape, invalidUTF8, tooManyFields }
    let kind: Kind
    /// Byte offset in the encoded input (for `tooManyFields`: the limit).
    public let offset: Int

    public var description: String {
        switch kind {
        case .invalidEscape: return "invalid percent escape at byte \(offset)"
        case .invalidUTF8: return "decoded value is not UTF-8 (field starting at byte \(offset))"
        case .tooManyFields: return "more than \(offset) fields"
        }
    }
}

/// Decoded `application/x-www-form-urlencoded` parameters, in reused storage.
///
/// One per worker: `decode` empties it and keeps capacity, so after warm-up decoding allocates
/// nothing. Keys and values live back to back in `storage`; `fields` holds their ranges in request
/// order, repeated keys each in its place.
public struct FormFields: Sendable {
    public struct Field: Sendable, Hashable {
        public var key: Range<Int>
        public var value: Range<Int>
    }

    /// Decoded bytes live in `storage[0..<used]`; the array is kept at least as long as the
    /// largest input seen (decoding never lengthens), so decoding writes through a pointer.
    public private(set) var storage: [UInt8] = []
    public private(set) var used = 0
    public private(set) var fields: [Field] = []
    public let maxFields: Int

    public init(reservingBytes: Int = 4096, fields: Int = 32, maxFields: Int = 1000) {
        storage = [UInt8](repeating: 0, count: reservingBytes)
        self.fields.reserveCapacity(fields)
        self.maxFields = maxFields
    }

    public var count: Int { fields.count }

    /// Decodes `bytes` (a body, or a GET query string), replacing what was here. `&` separates
    /// pairs (empty ones are skipped), the first `=` separates key from value (none: empty value),
    /// `+` is a space, `%XX` a byte; a `%` without two hex digits, or a key or value that does not
    /// decode to UTF-8, is an error.
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(FormError) {
        fields.removeAll(keepingCapacity: true)
        used = 0
        if storage.count < bytes.count { storage = [UInt8](repeating: 0, count: max(bytes.count, storage.count * 2)) }
        let maxFields = self.maxFields
        var fields = self.fields
        self.fields = []  // keep the buffer uniquely referenced while it is filled below
        defer { self.fields = fields }
        used = try storage.withUnsafeMutableBufferPointer { (out) throws(FormError) -> Int in
            var written = 0
            var i = 0
            while i < bytes.count {
                var end = i
                while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
                if end > i {
                    guard fields.count < maxFields else { throw FormError(kind: .tooManyFields, offset: maxFields) }
                    var eq = i
                    while eq < end && bytes[eq] != UInt8(ascii: "=") { eq += 1 }
                    let key = try FormFields.decode(bytes, i..<eq, into: out, at: &written)
                    let value = try FormFields.decode(bytes, min(eq + 1, end)..<end, into: out, at: &written)
                    fields.append(Field(key: key, value: value))
                }
                i = end + 1
            }
            return written
        }
    }

    /// Percent-decodes `bytes[range]` into `out` at `written`; returns where it landed.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>,
                                into out: UnsafeMutableBufferPointer<UInt8>, at written: inout Int) throws(FormError) -> Range<Int> {
        let start = written
        var i = range.lowerBound
        var ascii = true
        while i < range.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out[written] = 0x20
                i += 1
            } else if b == UInt8(ascii: "%") {
                guard i + 2 < range.upperBound, let high = HexDigit.value(bytes[i + 1]), let low = HexDigit.value(bytes[i + 2]) else {
                    throw FormError(kind: .invalidEscape, offset: i)
                }
                let decoded = high << 4 | low
                out[written] = decoded
                if decoded >= 0x80 { ascii = false }
                i += 3
            } else {
                out[written] = b
                if b >= 0x80 { ascii = false }
                i += 1
            }
            written += 1
        }
        if !ascii, UTF8Check.firstInvalidOffset(in: UnsafeBufferPointer(rebasing: out[start..<written])) != nil {
            throw FormError(kind: .invalidUTF8, offset: range.lowerBound)
        }
        return start..<written
    }

    /// Runs `body` with a view that serves the pipeline and the signature check without copying.
    public func withEventFields<R>(_ body: (FormEventFields) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(FormEventFields(fields: fields, storage: $0)) }
    }
}

/// A view over decoded form fields; valid only inside ``FormFields/withEventFields(_:)``.
public struct FormEventFields: EventFields {
    let fields: [FormFields.Field]
    let storage: UnsafeBufferPointer<UInt8>

    public var count: Int { fields.count }
    public func key(at index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[fields[index].key]) }
    public func value(at index: Int) -> UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(rebasing: storage[fields[index].value]) }

    /// The first value of the parameter named `name`.
    public func value(named name: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        for field in fields where storage[field.key].elementsEqual(name) {
            return UnsafeBufferPointer(rebasing: storage[field.value])
        }
        return nil
    }

    public func value(named name: [UInt8]) -> UnsafeBufferPointer<UInt8>? {
        name.withUnsafeBufferPointer { value(named: $0) }
    }

    public func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { value(named: field.utf8) }
}
