extension JSON {
    // MARK: Keys

    /// Whether a raw (still escaped) key, i.e. the bytes between its quotes, equals
    /// the unescaped UTF-8 `name`. Escapes are decoded on the fly (`"B\u006fdy"`
    /// equals `Body`) so member lookup needs no decoded copy. A malformed escape
    /// never matches.
    public static func keyEquals(_ raw: UnsafeBufferPointer<UInt8>, _ name: UnsafeBufferPointer<UInt8>) -> Bool {
        let end = raw.count
        let nameCount = name.count
        var i = 0
        var j = 0
        while i < end {
            let c = raw[i]
            if c == _Bytes.backslash {
                guard let (scalar, length) = try? _Bytes.decodeEscape(raw, i, end) else { return false }
                i += length
                var (packed, count) = _Bytes.encodeUTF8(scalar)
                while count > 0 {
                    guard j < nameCount, name[j] == UInt8(truncatingIfNeeded: packed) else { return false }
                    packed >>= 8
                    count -= 1
                    j += 1
                }
            } else {
                guard j < nameCount, name[j] == c else { return false }
                i += 1
                j += 1
            }
        }
        return j == nameCount
    }

    /// `keyEquals` against a literal, e.g. `JSON.keyEquals(raw, "Body")`.
    public static func keyEquals(_ raw: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        name.withUTF8Buffer { keyEquals(raw, $0) }
    }

    /// `keyEquals` against a `String` (native Swift strings are contiguous UTF-8,
    /// so this does not allocate for them).
    public static func keyEquals(_ raw: UnsafeBufferPointer<UInt8>, _ name: String) -> Bool {
        if let r = name.utf8.withContiguousStorageIfAvailable({ keyEquals(raw, $0) }) { return r }
        var copy = name
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { keyEquals(raw, $0) } ?? false
    }

    // MARK: Decoding

    /// Decodes the content of a JSON string literal (the bytes between the quotes)
    /// and appends its UTF-8 to `out`: all escapes, with `\uD83D\uDE00`-style
    /// surrogate pairs becoming one 4-byte UTF-8 sequence.
    ///
    /// The content is checked like `validate` would: well-formed UTF-8, no raw
    /// control characters or `"`, valid escapes, no lone surrogates. On error, `out`
    /// is restored to its original length and the error offset is relative to `raw`.
    /// Unescaped runs are copied in bulk; nothing is allocated beyond `out`'s growth.
    public static func appendUnescaped(stringContent raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) throws(JSONError) {
        let original = out.count
        do throws(JSONError) {
            try _appendUnescaped(raw, to: &out, checkUTF8: true)
        } catch {
            out.removeSubrange(original...)
            throw error
        }
    }

    /// Decoder core. With `checkUTF8: false` (content the scanner already validated)
    /// non-ASCII bytes are copied without re-checking.
    @inline(__always)
    static func _appendUnescaped(_ raw: UnsafeBufferPointer<UInt8>, to out: inout [UInt8], checkUTF8: Bool) throws(JSONError) {
        let end = raw.count
        var i = 0
        var runStart = 0
        while i < end {
            let c = raw[i]
            if c >= 0x20 && c < 0x80 {
                if c == _Bytes.backslash {
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[runStart..<i])) }
                    let (scalar, length) = try _Bytes.decodeEscape(raw, i, end)
                    _Bytes.appendUTF8(scalar, to: &out)
                    i += length
                    runStart = i
                } else if c == _Bytes.quote {
                    throw JSONError(.unexpectedByte, at: i, byte: c)
                } else {
                    i += 1
                }
            } else if c < 0x20 {
                throw JSONError(.controlCharacter, at: i, byte: c)
            } else if checkUTF8 {
                let n = _Bytes.utf8SequenceLength(raw, i, end)
                guard n > 0 else { throw JSONError(.invalidUTF8, at: i, byte: c) }
                i += n
            } else {
                i += 1
            }
        }
        if runStart < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: raw[runStart..<end])) }
    }

    // MARK: Encoding

    /// Appends `bytes` to `out` as a JSON string literal, quotes included.
    ///
    /// Escapes `"`, `\` and control characters below 0x20 (`\b \f \n \r \t`, else
    /// `\u00XX`), and U+2028/U+2029 as `\u2028`/`\u2029` so the output is also safe
    /// inside JavaScript source. Other valid UTF-8 passes through unchanged. Each
    /// ill-formed UTF-8 sequence (maximal subpart, per Unicode §3.9) becomes U+FFFD,
    /// so the output is always valid JSON whatever the input bytes.
    public static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(_Bytes.quote)
        let end = bytes.count
        var i = 0
        var runStart = 0
        while i < end {
            let c = bytes[i]
            if c >= 0x20 && c < 0x80 && c != _Bytes.quote && c != _Bytes.backslash {
                i += 1
                continue
            }
            if c >= 0x80 {
                let n = _Bytes.utf8SequenceLength(bytes, i, end)
                if n == 3 && c == 0xE2 && bytes[i + 1] == 0x80 && bytes[i + 2] & 0xFE == 0xA8 {
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                    appendUnicodeEscape(bytes[i + 2] == 0xA8 ? 0x2028 : 0x2029, to: &out)
                    i += 3
                    runStart = i
                } else if n > 0 {
                    i += n
                } else {
                    if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
                    out.append(0xEF)
                    out.append(0xBF)
                    out.append(0xBD)
                    i += -n
                    runStart = i
                }
                continue
            }
            if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<i])) }
            switch c {
            case 0x22, 0x5C: out.append(_Bytes.backslash); out.append(c)
            case 0x0A: out.append(_Bytes.backslash); out.append(0x6E)
            case 0x0D: out.append(_Bytes.backslash); out.append(0x72)
            case 0x09: out.append(_Bytes.backslash); out.append(0x74)
            case 0x08: out.append(_Bytes.backslash); out.append(0x62)
            case 0x0C: out.append(_Bytes.backslash); out.append(0x66)
            default: appendUnicodeEscape(UInt16(c), to: &out)
            }
            i += 1
            runStart = i
        }
        if runStart < end { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<end])) }
        out.append(_Bytes.quote)
    }

    /// `appendString` for a `String` (no allocation for native, contiguous strings).
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ appendString($0, to: &out) }) != nil { return }
        var copy = s
        copy.makeContiguousUTF8()
        _ = copy.utf8.withContiguousStorageIfAvailable { appendString($0, to: &out) }
    }

    /// `\uXXXX` with lowercase hex digits.
    @inline(__always)
    private static func appendUnicodeEscape(_ u: UInt16, to out: inout [UInt8]) {
        out.append(_Bytes.backslash)
        out.append(0x75)
        var shift: UInt16 = 12
        while true {
            let d = UInt8(truncatingIfNeeded: (u >> shift) & 0xF)
            out.append(d < 10 ? 0x30 + d : 0x61 - 10 + d)
            if shift == 0 { break }
            shift -= 4
        }
    }

    /// Appends the decimal form of `n` (a JSON number) without going through
    /// `String`: digits are produced most significant first, straight into `out`.
    public static func appendInteger(_ n: Int, to out: inout [UInt8]) {
        if n < 0 { out.append(0x2D) }
        var m = n.magnitude
        var divisor: UInt = 1
        while m / divisor >= 10 { divisor &*= 10 }
        repeat {
            out.append(0x30 &+ UInt8(truncatingIfNeeded: m / divisor))
            m %= divisor
            divisor /= 10
        } while divisor > 0
    }
}
