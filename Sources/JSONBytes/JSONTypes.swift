/// Namespace for the byte-level JSON functions.
///
/// Everything here works on UTF-8 bytes in `UnsafeBufferPointer<UInt8>`, never
/// creates a `String`, never imports Foundation, and never allocates except by
/// appending to a caller-provided `inout [UInt8]` (so the caller can reuse its
/// capacity across requests). Meant for per-request hot paths.
public enum JSON {}

/// The type of a JSON value, decided by its first byte.
public enum JSONValueKind: Sendable, Hashable {
    case object
    case array
    case string
    case number
    case `true`
    case `false`
    case null
}

/// One member of a JSON object, as byte ranges into the scanned buffer.
///
/// Ranges instead of copies so scanning allocates nothing; slice the buffer
/// (`UnsafeBufferPointer(rebasing: buffer[member.value])`) to read them.
public struct JSONMember: Sendable, Hashable {
    /// Bytes of the key between its quotes, still escaped (use `JSON.keyEquals`).
    public var keyRaw: Range<Int>
    /// Bytes of the value, exactly the value's text (quotes included for strings).
    public var value: Range<Int>
    /// The value's type.
    public var valueKind: JSONValueKind

    public init(keyRaw: Range<Int>, value: Range<Int>, valueKind: JSONValueKind) {
        self.keyRaw = keyRaw
        self.value = value
        self.valueKind = valueKind
    }

    /// For string values, the bytes between the quotes (still escaped; decode with
    /// `JSON.appendUnescaped`); `nil` for other kinds.
    public var stringContent: Range<Int>? {
        guard valueKind == .string else { return nil }
        return (value.lowerBound + 1)..<(value.upperBound - 1)
    }

    /// Whether this member's key, read from `buffer` (the one that was scanned), equals `name`.
    public func keyEquals(_ name: StaticString, in buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        JSON.keyEquals(UnsafeBufferPointer(rebasing: buffer[keyRaw]), name)
    }
}
