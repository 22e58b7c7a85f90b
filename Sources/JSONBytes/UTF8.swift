#if canImport(Glibc)
import Glibc
#endif

/// Internal byte helpers shared by the scanner and the string codecs.
enum _Bytes {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \

    /// Length of the well-formed UTF-8 sequence starting at `b[i]` (1...4), or, if
    /// ill-formed, the negated length of its maximal subpart (Unicode §3.9, Table 3-7),
    /// which is the unit that gets replaced by one U+FFFD.
    /// Rejects overlongs, encoded surrogates (ED A0..BF) and scalars above U+10FFFF.
    @inline(__always)
    static func utf8SequenceLength(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let c0 = b[i]
        if c0 < 0x80 { return 1 }
        let need: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch c0 {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return -1
        }
        var j = i + 1
        guard j < end, b[j] >= lo, b[j] <= hi else { return -(j - i) }
        j += 1
        var k = 1
        while k < need {
            guard j < end, b[j] & 0xC0 == 0x80 else { return -(j - i) }
            j += 1
            k += 1
        }
        return need + 1
    }

    @inline(__always)
    static func hexValue(_ c: UInt8) -> UInt32? { HexDigit.value(c).map(UInt32.init) }

    /// Reads 4 hex digits at `b[i..<i+4]`.
    @inline(__always)
    static func read4Hex(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int, escapeStart: Int) throws(JSONError) -> UInt32 {
        var v: UInt32 = 0
        var j = i
        while j < i + 4 {
            guard j < end else { throw JSONError(.unexpectedEnd, at: end) }
            guard let h = hexValue(b[j]) else { throw JSONError(.invalidEscape, at: escapeStart) }
            v = v << 4 | h
            j += 1
        }
        return v
    }

    /// Decodes the escape sequence starting at the backslash `b[i]`: returns the
    /// Unicode scalar value and how many bytes the escape used. A `\uD8xx` high
    /// surrogate must be followed by a `\uDCxx` low one; lone surrogates throw
    /// `.loneSurrogate` (they cannot be represented in UTF-8).
    @inline(__always)
    static func decodeEscape(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) throws(JSONError) -> (scalar: UInt32, length: Int) {
        guard i + 1 < end else { throw JSONError(.unexpectedEnd, at: end) }
        switch b[i + 1] {
        case 0x22: return (0x22, 2)
        case 0x5C: return (0x5C, 2)
        case 0x2F: return (0x2F, 2)
        case 0x62: return (0x08, 2)  // b
        case 0x66: return (0x0C, 2)  // f
        case 0x6E: return (0x0A, 2)  // n
        case 0x72: return (0x0D, 2)  // r
        case 0x74: return (0x09, 2)  // t
        case 0x75:  // u
            let u = try read4Hex(b, i + 2, end, escapeStart: i)
            if u & 0xF800 != 0xD800 { return (u, 6) }
            guard u <= 0xDBFF else { throw JSONError(.loneSurrogate, at: i) }
            guard i + 7 < end, b[i + 6] == backslash, b[i + 7] == 0x75 else {
                throw JSONError(.loneSurrogate, at: i)
            }
            let lo = try read4Hex(b, i + 8, end, escapeStart: i + 6)
            guard lo >= 0xDC00, lo <= 0xDFFF else { throw JSONError(.loneSurrogate, at: i) }
            return (0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), 12)
        default:
            throw JSONError(.invalidEscape, at: i)
        }
    }

    /// UTF-8 of a scalar, packed little-endian (first byte in the low 8 bits).
    @inline(__always)
    static func encodeUTF8(_ s: UInt32) -> (packed: UInt32, count: Int) {
        switch s {
        case 0..<0x80:
            return (s, 1)
        case 0x80..<0x800:
            return ((0xC0 | s >> 6) | (0x80 | s & 0x3F) << 8, 2)
        case 0x800..<0x10000:
            return ((0xE0 | s >> 12) | (0x80 | (s >> 6) & 0x3F) << 8 | (0x80 | s & 0x3F) << 16, 3)
        default:
            return ((0xF0 | s >> 18) | (0x80 | (s >> 12) & 0x3F) << 8
                | (0x80 | (s >> 6) & 0x3F) << 16 | (0x80 | s & 0x3F) << 24, 4)
        }
    }

    @inline(__always)
    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        var (packed, count) = encodeUTF8(s)
        while count > 0 {
            out.append(UInt8(truncatingIfNeeded: packed))
            packed >>= 8
            count -= 1
        }
    }
}

/// One hexadecimal digit, for the byte decoders of every module (JSON and JSON5 escapes, percent-encoding).
public enum HexDigit {
    /// The value of `c` as a hexadecimal digit (either case), or `nil`.
    @inlinable @inline(__always)
    public static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c &- 0x30
        case 0x41...0x46: return c &- 0x41 &+ 10
        case 0x61...0x66: return c &- 0x61 &+ 10
        default: return nil
        }
    }
}

/// UTF-8 well-formedness for other byte decoders (form fields), with the same rules JSON strings get.
public enum UTF8Check {
    /// The offset of the first ill-formed sequence (overlong, surrogate, above U+10FFFF, truncated),
    /// or `nil` when all of `bytes` is valid UTF-8.
    public static func firstInvalidOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] < 0x80 { i += 1; continue }
            let n = _Bytes.utf8SequenceLength(bytes, i, bytes.count)
            if n < 0 { return i }
            i += n
        }
        return nil
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Whether both buffers hold the same bytes: lengths first, then `memcmp`. For the lookups done
    /// per request (parameter names, event types, paths), where the generic `elementsEqual` walks
    /// two iterators element by element.
    @inlinable
    public func sameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let a = baseAddress, let b = other.baseAddress else { return true }
        return memcmp(a, b, count) == 0
    }

    @inlinable
    public func sameBytes(as other: [UInt8]) -> Bool {
        other.withUnsafeBufferPointer { sameBytes(as: $0) }
    }
}
