#if canImport(Glibc)
import Glibc
#endif
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
    ///
    /// Every request's body goes through here, so it works a word at a time: `memchr` finds the
    /// separators, and keys and values are copied eight bytes per step (`+` turned into spaces in
    /// the word), stepping byte by byte only at a `%` escape. About a quarter of the instructions
    /// of a byte loop on Twilio bodies (callgrind, `prehook-bench --case http`).
    public mutating func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(FormError) {
        fields.removeAll(keepingCapacity: true)
        used = 0
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if storage.count < bytes.count { storage = [UInt8](repeating: 0, count: max(bytes.count, storage.count * 2)) }
        let maxFields = self.maxFields
        var fields = self.fields
        self.fields = []  // keep the buffer uniquely referenced while it is filled below
        defer { self.fields = fields }
        let n = bytes.count
        used = try storage.withUnsafeMutableBufferPointer { (out) throws(FormError) -> Int in
            let destination = out.baseAddress!
            var written = 0
            var i = 0
            while i < n {
                let end = FormFields.find(UInt8(ascii: "&"), source, from: i, to: n)
                if end > i {
                    guard fields.count < maxFields else { throw FormError(kind: .tooManyFields, offset: maxFields) }
                    let eq = FormFields.find(UInt8(ascii: "="), source, from: i, to: end)
                    let key = try FormFields.decode(source, i, eq, into: destination, at: &written)
                    let value = try FormFields.decode(source, min(eq + 1, end), end, into: destination, at: &written)
                    fields.append(Field(key: key, value: value))
                }
                i = end + 1
            }
            return written
        }
    }

    /// The offset of the first `byte` in `base[from..<to]`, or `to`.
    @inline(__always)
    private static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        guard from < to, let hit = memchr(base + from, Int32(byte), to - from) else { return to }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    private static let lowBits: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// 0x80 in each byte of `word` that is zero, 0 elsewhere (exact: no borrow crosses bytes).
    @inline(__always)
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & lowBits) &+ lowBits) | word | lowBits)
    }

    /// Percent-decodes `source[from..<to]` into `out` at `written`; returns where it landed.
    /// `out` holds at least as many bytes as the whole input and `written <= from` (decoding never
    /// lengthens), so a full eight-byte store at `written` stays inside it.
    @inline(__always)
    private static func decode(_ source: UnsafePointer<UInt8>, _ from: Int, _ to: Int,
                               into out: UnsafeMutablePointer<UInt8>, at written: inout Int) throws(FormError) -> Range<Int> {
        let start = written
        var w = written
        var i = from
        var seen: UInt64 = 0  // every byte copied, OR-ed: bit 7 set somewhere means not ASCII
        while true {
            if i &+ 8 <= to {
                let word = UnsafeRawPointer(source + i).loadUnaligned(as: UInt64.self)
                let percent = zeroBytes(word ^ 0x2525_2525_2525_2525)
                let plus = zeroBytes(word ^ 0x2B2B_2B2B_2B2B_2B2B)
                // '+' (0x2B) xor 0x0B is ' ' (0x20).
                UnsafeMutableRawPointer(out + w).storeBytes(of: word ^ ((plus >> 7) &* 0x0B), as: UInt64.self)
                if percent == 0 {
                    seen |= word
                    i &+= 8
                    w &+= 8
                    continue
                }
                // Keep the bytes before the first '%', then decode the escape below.
                let k = percent.trailingZeroBitCount >> 3
                seen |= word & ((1 << (UInt64(k) << 3)) &- 1)
                i &+= k
                w &+= k
            } else {
                guard i < to else { break }
                let b = source[i]
                if b != UInt8(ascii: "%") {
                    out[w] = b == UInt8(ascii: "+") ? 0x20 : b
                    seen |= UInt64(b)
                    i &+= 1
                    w &+= 1
                    continue
                }
            }
            // source[i] is '%'.
            guard i &+ 2 < to, let high = HexDigit.value(source[i &+ 1]), let low = HexDigit.value(source[i &+ 2]) else {
                throw FormError(kind: .invalidEscape, offset: i)
            }
            let decoded = high << 4 | low
            out[w] = decoded
            seen |= UInt64(decoded)
            i &+= 3
            w &+= 1
        }
        written = w
        if seen & highBits != 0, UTF8Check.firstInvalidOffset(in: UnsafeBufferPointer(start: out + start, count: w &- start)) != nil {
            throw FormError(kind: .invalidUTF8, offset: from)
        }
        return start..<w
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
        for field in fields where UnsafeBufferPointer(rebasing: storage[field.key]).sameBytes(as: name) {
            return UnsafeBufferPointer(rebasing: storage[field.value])
        }
        return nil
    }

    public func value(named name: [UInt8]) -> UnsafeBufferPointer<UInt8>? {
        name.withUnsafeBufferPointer { value(named: $0) }
    }

    public func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? { value(named: field.utf8) }
}
