/// Single-pass, allocation-free RFC 8259 scanner over a byte buffer.
///
/// Nesting is tracked iteratively in a bit stack (one bit per level: object or
/// array) that lives in `withUnsafeTemporaryAllocation` storage, which is on the
/// stack for any realistic `maxDepth` (up to 8192 levels fit in 1 KiB), so deep
/// input can neither recurse nor allocate.
struct _Scanner {
    let b: UnsafeBufferPointer<UInt8>
    let end: Int
    var pos: Int

    init(_ b: UnsafeBufferPointer<UInt8>) {
        self.b = b
        self.end = b.count
        self.pos = 0
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while pos < end {
            switch b[pos] {
            case 0x20, 0x09, 0x0A, 0x0D: pos += 1
            default: return
            }
        }
    }

    @inline(__always)
    func peek() throws(JSONError) -> UInt8 {
        guard pos < end else { throw JSONError(.unexpectedEnd, at: pos) }
        return b[pos]
    }

    @inline(__always)
    func unexpected(_ c: UInt8) -> JSONError {
        JSONError(.unexpectedByte, at: pos, byte: c)
    }

    /// Throws `.trailingData` unless only whitespace remains.
    mutating func finish() throws(JSONError) {
        skipWhitespace()
        if pos < end { throw JSONError(.trailingData, at: pos, byte: b[pos]) }
    }

    /// `pos` is at an opening quote. Validates the string, leaves `pos` after the
    /// closing quote and returns the range of the content between the quotes.
    mutating func scanString() throws(JSONError) -> Range<Int> {
        pos += 1
        let start = pos
        while pos < end {
            let c = b[pos]
            if c >= 0x20 && c < 0x80 {
                if c == _Bytes.quote {
                    let r = start..<pos
                    pos += 1
                    return r
                }
                if c == _Bytes.backslash {
                    pos += try _Bytes.decodeEscape(b, pos, end).length
                } else {
                    pos += 1
                }
            } else if c < 0x20 {
                throw JSONError(.controlCharacter, at: pos, byte: c)
            } else {
                let n = _Bytes.utf8SequenceLength(b, pos, end)
                guard n > 0 else { throw JSONError(.invalidUTF8, at: pos, byte: c) }
                pos += n
            }
        }
        throw JSONError(.unexpectedEnd, at: pos)
    }

    @inline(__always)
    private func isDigit(_ i: Int) -> Bool {
        i < end && b[i] &- 0x30 < 10
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    mutating func scanNumber() throws(JSONError) {
        let start = pos
        if b[pos] == 0x2D { pos += 1 }  // -
        guard pos < end else { throw JSONError(.invalidNumber, at: pos) }
        if b[pos] == 0x30 {
            pos += 1
            if isDigit(pos) { throw JSONError(.invalidNumber, at: start) }  // leading zero
        } else if isDigit(pos) {
            pos += 1
            while isDigit(pos) { pos += 1 }
        } else {
            throw JSONError(.invalidNumber, at: pos, byte: b[pos])
        }
        if pos < end && b[pos] == 0x2E {  // .
            pos += 1
            guard isDigit(pos) else { throw JSONError(.invalidNumber, at: pos) }
            while isDigit(pos) { pos += 1 }
        }
        if pos < end && (b[pos] | 0x20) == 0x65 {  // e E
            pos += 1
            if pos < end && (b[pos] == 0x2B || b[pos] == 0x2D) { pos += 1 }
            guard isDigit(pos) else { throw JSONError(.invalidNumber, at: pos) }
            while isDigit(pos) { pos += 1 }
        }
    }

    @inline(__always)
    mutating func scanLiteral(_ lit: StaticString) throws(JSONError) {
        let p = lit.utf8Start
        for k in 0..<lit.utf8CodeUnitCount {
            let c = try peek()
            guard c == p[k] else { throw unexpected(c) }
            pos += 1
        }
    }

    /// Scans a non-container value whose first byte is `c` (at `pos`).
    @inline(__always)
    mutating func scanScalar(_ c: UInt8) throws(JSONError) -> JSONValueKind {
        switch c {
        case 0x22: _ = try scanString(); return .string
        case 0x74: try scanLiteral("true"); return .true
        case 0x66: try scanLiteral("false"); return .false
        case 0x6E: try scanLiteral("null"); return .null
        case 0x2D, 0x30...0x39: try scanNumber(); return .number
        default: throw unexpected(c)
        }
    }

    /// Scans one value at `pos` (whitespace already skipped), allowing containers
    /// nested at most `maxDepth` levels. Leaves `pos` right after the value.
    mutating func scanValue(maxDepth: Int) throws(JSONError) -> JSONValueKind {
        let c = try peek()
        switch c {
        case 0x7B:
            try scanContainer(maxDepth: maxDepth)
            return .object
        case 0x5B:
            try scanContainer(maxDepth: maxDepth)
            return .array
        default:
            return try scanScalar(c)
        }
    }

    /// `pos` is at a `"` that starts a member key: scans key, `:` and whitespace.
    @inline(__always)
    mutating func scanKeyAndColon() throws(JSONError) -> Range<Int> {
        let c = try peek()
        guard c == _Bytes.quote else { throw unexpected(c) }
        let key = try scanString()
        skipWhitespace()
        let colon = try peek()
        guard colon == 0x3A else { throw unexpected(colon) }
        pos += 1
        skipWhitespace()
        return key
    }

    private mutating func scanContainer(maxDepth: Int) throws(JSONError) {
        guard maxDepth >= 1 else { throw JSONError(.nestingTooDeep, at: pos) }
        // Depth can never exceed the number of remaining bytes, which bounds the stack.
        let levels = min(maxDepth, end - pos)
        try withUnsafeTemporaryAllocation(of: UInt64.self, capacity: levels / 64 + 1) {
            (stack: UnsafeMutableBufferPointer<UInt64>) throws(JSONError) in
            try self.scanContainer(maxDepth: levels, stack: stack)
        }
    }

    private mutating func scanContainer(maxDepth: Int, stack: UnsafeMutableBufferPointer<UInt64>) throws(JSONError) {
        var depth = 0
        outer: while true {
            // At the first byte of a value; whitespace already skipped.
            let c = try peek()
            if c == 0x7B || c == 0x5B {
                guard depth < maxDepth else { throw JSONError(.nestingTooDeep, at: pos) }
                let isObject = c == 0x7B
                let bit = UInt64(1) << UInt64(depth & 63)
                if isObject { stack[depth >> 6] |= bit } else { stack[depth >> 6] &= ~bit }
                depth += 1
                pos += 1
                skipWhitespace()
                let d = try peek()
                if d == c &+ 2 {  // '}' is '{'+2, ']' is '['+2
                    pos += 1
                    depth -= 1
                } else {
                    if isObject { _ = try scanKeyAndColon() }
                    continue outer
                }
            } else {
                _ = try scanScalar(c)
            }
            // After a complete value: close containers or move to the next element.
            while depth > 0 {
                skipWhitespace()
                let d = try peek()
                let top = depth - 1
                let isObject = stack[top >> 6] & (UInt64(1) << UInt64(top & 63)) != 0
                if d == 0x2C {  // ,
                    pos += 1
                    skipWhitespace()
                    if isObject { _ = try scanKeyAndColon() }
                    continue outer
                }
                guard d == (isObject ? 0x7D : 0x5D) else { throw unexpected(d) }
                pos += 1
                depth -= 1
            }
            return
        }
    }

    /// Scans a top-level object (whitespace around it allowed), calling `member`
    /// after each member value has been validated.
    mutating func scanObject(
        maxDepth: Int,
        _ member: (_ keyRaw: Range<Int>, _ keyStart: Int, _ scanner: inout _Scanner) throws(JSONError) -> Void
    ) throws(JSONError) {
        skipWhitespace()
        guard pos < end, b[pos] == 0x7B else { throw JSONError(.notAnObject, at: pos) }
        guard maxDepth >= 1 else { throw JSONError(.nestingTooDeep, at: pos) }
        pos += 1
        skipWhitespace()
        if try peek() == 0x7D {
            pos += 1
        } else {
            while true {
                let keyStart = pos
                let key = try scanKeyAndColon()
                try member(key, keyStart, &self)
                skipWhitespace()
                let d = try peek()
                if d == 0x2C {
                    pos += 1
                    skipWhitespace()
                    continue
                }
                guard d == 0x7D else { throw unexpected(d) }
                pos += 1
                break
            }
        }
        try finish()
    }
}

extension JSON {
    /// Checks that `bytes` is exactly one RFC 8259 JSON value, optionally surrounded
    /// by whitespace (space, tab, LF, CR).
    ///
    /// Strict on purpose, so that whatever passes can be forwarded to any parser:
    /// no trailing commas, comments, leading zeros, NaN/Infinity or single quotes;
    /// strings must be well-formed UTF-8 (no overlongs, no encoded surrogates, nothing
    /// above U+10FFFF) without raw control characters below 0x20, and only the escapes
    /// `\" \\ \/ \b \f \n \r \t \uXXXX`. A `\uXXXX` high surrogate must be directly
    /// followed by a `\uXXXX` low surrogate; a lone high or low surrogate is rejected
    /// (`.loneSurrogate`) because it has no UTF-8 form.
    ///
    /// Containers nested deeper than `maxDepth` throw `.nestingTooDeep` (`[[1]]` has
    /// depth 2). The scan is iterative, so hostile nesting cannot overflow the stack.
    public static func validate(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = 64) throws(JSONError) {
        var s = _Scanner(bytes)
        s.skipWhitespace()
        _ = try s.scanValue(maxDepth: maxDepth)
        try s.finish()
    }

    /// Scans `bytes`, which must be exactly one JSON object (whitespace around is
    /// fine), and calls `body` for each member in input order with byte ranges of its
    /// raw key and its value. Repeated keys are reported each time.
    ///
    /// The whole object, nested values included, is validated as strictly as
    /// `validate(_:maxDepth:)` (the object itself counts as one level of `maxDepth`).
    /// Single pass: `body` sees a member as soon as that member is validated, so if a
    /// later part of the input is invalid, `body` may already have been called for
    /// earlier members before the error is thrown. Throws `.notAnObject` if the
    /// top-level value is not an object. Allocates nothing.
    public static func forEachMember(
        ofObject bytes: UnsafeBufferPointer<UInt8>,
        maxDepth: Int = 64,
        _ body: (JSONMember) throws(JSONError) -> Void
    ) throws(JSONError) {
        var s = _Scanner(bytes)
        try s.scanObject(maxDepth: maxDepth) { (key, _, s) throws(JSONError) in
            let start = s.pos
            let kind = try s.scanValue(maxDepth: maxDepth - 1)
            try body(JSONMember(keyRaw: key, value: start..<s.pos, valueKind: kind))
        }
    }
}
