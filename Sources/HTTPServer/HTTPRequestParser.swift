#if canImport(Glibc)
import Glibc
#endif

/// What one call to ``HTTPRequestParser/parse(_:)`` found.
public enum HTTPParseResult: Sendable, Hashable {
    /// Call again with the same bytes followed by more.
    case needMore
    /// The head is complete, it asked for `100 Continue` and the body is not all here: send the
    /// interim answer, then keep parsing. Reported at most once per request.
    case expectContinue
    /// `buffer[0..<length]` is one whole request; `head` and the headers describe it until the next call.
    case complete(length: Int)
    /// Not an acceptable request: answer `error.status` and close the connection.
    case invalid(HTTPParseError)
}

/// An incremental HTTP/1.1 request parser: a state machine over the unconsumed bytes of a connection,
/// with no I/O. It is strict where leniency lets two parsers disagree on where a request ends
/// (request smuggling): CRLF only, no folded lines, one Content-Length, no Transfer-Encoding.
///
/// Resumable and linear: after `.needMore` it remembers how far it searched for the end of the
/// head, so a client sending one byte at a time costs O(n), not O(n²). It keeps offsets, never
/// pointers, so the caller may move or grow its buffer between calls.
public struct HTTPRequestParser: Sendable {
    public let limits: HTTPLimits
    public private(set) var head = HTTPRequestHead()
    private var headers: [HTTPHeader] = []
    /// Where the current request starts (after skipped blank lines).
    private var start = 0
    /// How far the search for the blank line that ends the head has gone.
    private var scanned = 0
    /// How far the head has been checked for a bare LF (a line end without CR).
    private var lineFeedsChecked = 0
    /// Length of the head, CRLFCRLF included, once found and parsed.
    private var headLength: Int?
    private var continueSent = false
    private var finished = false

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
        headers.reserveCapacity(32)
    }

    public var headerCount: Int { headers.count }
    public func header(at index: Int) -> HTTPHeader { headers[index] }

    /// Forgets the current request (the next parse starts at a request boundary).
    public mutating func reset() {
        head = HTTPRequestHead()
        headers.removeAll(keepingCapacity: true)
        start = 0
        scanned = 0
        lineFeedsChecked = 0
        headLength = nil
        continueSent = false
        finished = false
    }

    public mutating func parse(_ buffer: UnsafeBufferPointer<UInt8>) -> HTTPParseResult {
        if finished { reset() }
        if headLength == nil {
            // RFC 9112 2.2: ignore a few empty lines before the request line.
            while start < 8, start + 1 < buffer.count, buffer[start] == 0x0D, buffer[start + 1] == 0x0A { start += 2 }
            if scanned < start { scanned = start }
            guard let end = findHeadEnd(buffer) else {
                // A head written with bare LFs never shows CRLFCRLF: refuse it now, not at the limit.
                if hasBareLineFeed(buffer) { return fail(.bareLineFeed) }
                if buffer.count - start > limits.maxHeadBytes {
                    return fail(requestLineEnded(buffer) ? .headTooLarge : .targetTooLong)
                }
                return .needMore
            }
            // The same check, in the same order, when the whole head came at once: the error must
            // not depend on how the bytes were split.
            if hasBareLineFeed(buffer, before: end) { return fail(.bareLineFeed) }
            if end - start > limits.maxHeadBytes {
                return fail(requestLineEnded(buffer, before: end) ? .headTooLarge : .targetTooLong)
            }
            if let error = parseHead(buffer, end: end) { return fail(error) }
            headLength = end
        }
        let total = headLength! + head.contentLength
        if buffer.count >= total {
            head.body = headLength!..<total
            finished = true
            return .complete(length: total)
        }
        if head.expectsContinue && !continueSent {
            continueSent = true
            return .expectContinue
        }
        return .needMore
    }

    /// The value range of the first header named `lowercaseName` (ASCII case-insensitive).
    public func headerValue(_ lowercaseName: StaticString, in buffer: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        lowercaseName.withUTF8Buffer { name in
            for header in headers where HTTPRequestParser.equalsLowercase(buffer, header.name, name) { return header.value }
            return nil
        }
    }

    // MARK: - Head

    private mutating func fail(_ kind: HTTPParseError.Kind) -> HTTPParseResult {
        finished = true
        return .invalid(HTTPParseError(kind))
    }

    /// The offset just past the CRLFCRLF ending the head, searching only bytes not searched before.
    /// Every line ends in a LF, so the search goes from LF to LF (`memchr`) and looks back from each.
    private mutating func findHeadEnd(_ buffer: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = max(start, scanned)
        let limit = min(buffer.count, start + limits.maxHeadBytes + 4)
        while let lf = HTTPRequestParser.find(0x0A, buffer, from: i, to: limit) {
            if lf >= start + 3 && buffer[lf - 1] == 0x0D && buffer[lf - 2] == 0x0A && buffer[lf - 3] == 0x0D { return lf + 1 }
            i = lf + 1
        }
        scanned = max(scanned, limit)
        return nil
    }

    /// True when a LF not preceded by CR appears in bytes (before `end`) not checked before.
    /// Only the first `maxHeadBytes + 1` bytes count: exactly what a split arrival has seen when the
    /// size check fires, so the error never depends on where the pieces broke.
    private mutating func hasBareLineFeed(_ buffer: UnsafeBufferPointer<UInt8>, before end: Int? = nil) -> Bool {
        var i = max(start, lineFeedsChecked)
        let limit = min(end ?? buffer.count, start + limits.maxHeadBytes + 1)
        while let lf = HTTPRequestParser.find(0x0A, buffer, from: i, to: limit) {
            if lf == start || buffer[lf - 1] != 0x0D { return true }
            i = lf + 1
        }
        lineFeedsChecked = max(lineFeedsChecked, limit)
        return false
    }

    private func requestLineEnded(_ buffer: UnsafeBufferPointer<UInt8>, before end: Int? = nil) -> Bool {
        let limit = min(end ?? buffer.count, start + limits.maxHeadBytes)
        return HTTPRequestParser.find(0x0A, buffer, from: start, to: limit) != nil
    }

    /// The offset of the first `byte` in `buffer[from..<to]`, if any.
    @inline(__always)
    static func find(_ byte: UInt8, _ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard from < to, let base = buffer.baseAddress, let hit = memchr(base + from, Int32(byte), to - from) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(base)
    }

    /// Parses request line and headers in `buffer[start..<end]` (end is just past CRLFCRLF).
    private mutating func parseHead(_ buffer: UnsafeBufferPointer<UInt8>, end: Int) -> HTTPParseError.Kind? {
        head = HTTPRequestHead()
        headers.removeAll(keepingCapacity: true)
        let headEnd = end - 2  // the final CRLF ends the header section
        guard let lineEnd = findLineEnd(buffer, from: start, limit: headEnd) else { return .bareLineFeed }
        if let error = parseRequestLine(buffer, start..<lineEnd) { return error }

        var contentLength: Int?
        var transferEncoding: Range<Int>?
        var hosts = 0
        var sawClose = false, sawKeepAlive = false
        var line = lineEnd + 2
        while line < headEnd {
            guard let eol = findLineEnd(buffer, from: line, limit: headEnd) else { return .bareLineFeed }
            if buffer[line] == 0x20 || buffer[line] == 0x09 { return .obsFold }
            var colon = line
            while colon < eol && HTTPRequestParser.isTokenByte(buffer[colon]) { colon += 1 }
            guard colon > line, colon < eol, buffer[colon] == UInt8(ascii: ":") else { return .badHeader }
            var valueStart = colon + 1
            var valueEnd = eol
            while valueStart < valueEnd && (buffer[valueStart] == 0x20 || buffer[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (buffer[valueEnd - 1] == 0x20 || buffer[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            for i in valueStart..<valueEnd {
                let b = buffer[i]
                if (b < 0x20 && b != 0x09) || b == 0x7F { return .badHeader }
            }
            guard headers.count < limits.maxHeaderCount else { return .tooManyHeaders }
            let header = HTTPHeader(name: line..<colon, value: valueStart..<valueEnd)
            headers.append(header)

            // The headers the framing depends on, told apart by length before any comparison.
            let name = header.name
            switch name.count {
            case 14 where HTTPRequestParser.equalsLowercase(buffer, name, "content-length"):
                guard contentLength == nil else { return .duplicateContentLength }
                guard let n = HTTPRequestParser.decimal(buffer, header.value) else { return .invalidContentLength }
                contentLength = n
            case 17 where HTTPRequestParser.equalsLowercase(buffer, name, "transfer-encoding"):
                transferEncoding = header.value
            case 4 where HTTPRequestParser.equalsLowercase(buffer, name, "host"):
                hosts += 1
            case 10 where HTTPRequestParser.equalsLowercase(buffer, name, "connection"):
                HTTPRequestParser.forEachToken(buffer, header.value) { token in
                    if HTTPRequestParser.equalsLowercase(buffer, token, "close") { sawClose = true }
                    if HTTPRequestParser.equalsLowercase(buffer, token, "keep-alive") { sawKeepAlive = true }
                }
            case 6 where HTTPRequestParser.equalsLowercase(buffer, name, "expect"):
                head.expectsContinue = HTTPRequestParser.equalsLowercase(buffer, header.value, "100-continue")
            default:
                break
            }
            line = eol + 2
        }
        // `close` wins wherever it appears; HTTP/1.0 stays open only when asked to.
        head.keepAlive = !sawClose && (head.minorVersion == 1 || sawKeepAlive)
        // RFC 9110 10.1.1: a server ignores 100-continue from an HTTP/1.0 client.
        if head.minorVersion == 0 { head.expectsContinue = false }
        if head.minorVersion == 1 && hosts == 0 { return .missingHost }
        if hosts > 1 { return .duplicateHost }
        if let encoding = transferEncoding {
            if contentLength != nil { return .contentLengthWithTransferEncoding }
            var chunked = false
            HTTPRequestParser.forEachToken(buffer, encoding) { token in
                if HTTPRequestParser.equalsLowercase(buffer, token, "chunked") { chunked = true }
            }
            return chunked ? .chunkedNotSupported : .unsupportedTransferEncoding
        }
        if let contentLength {
            guard contentLength <= limits.maxBodyBytes else { return .bodyTooLarge }
            head.contentLength = contentLength
        } else if head.method == .post || head.method == .put || head.method == .patch {
            return .lengthRequired
        }
        if head.contentLength == 0 { head.expectsContinue = false }
        return nil
    }

    /// The offset of the CR of the CRLF ending the line at `from`; nil on a bare CR. The head has
    /// been checked for bare LFs already (`hasBareLineFeed`), so the first CR ends the line.
    private func findLineEnd(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, limit: Int) -> Int? {
        guard let cr = HTTPRequestParser.find(0x0D, buffer, from: from, to: limit) else { return nil }
        return buffer[cr + 1] == 0x0A ? cr : nil
    }

    private mutating func parseRequestLine(_ buffer: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> HTTPParseError.Kind? {
        var i = line.lowerBound
        while i < line.upperBound && HTTPRequestParser.isTokenByte(buffer[i]) { i += 1 }
        guard i > line.lowerBound, i < line.upperBound, buffer[i] == 0x20 else { return .badRequestLine }
        head.method = HTTPRequestParser.method(buffer, line.lowerBound..<i)
        let targetStart = i + 1
        var j = targetStart
        while j < line.upperBound && buffer[j] != 0x20 {
            let b = buffer[j]
            guard b > 0x20 && b < 0x7F else { return .badTarget }
            j += 1
        }
        guard j > targetStart, j < line.upperBound else { return .badRequestLine }
        head.target = targetStart..<j
        let version = (j + 1)..<line.upperBound
        guard version.count == 8, HTTPRequestParser.equals(buffer, version.lowerBound..<(version.lowerBound + 5), "HTTP/"),
              buffer[version.lowerBound + 6] == UInt8(ascii: ".") else { return .badRequestLine }
        let major = buffer[version.lowerBound + 5], minor = buffer[version.lowerBound + 7]
        guard HTTPRequestParser.isDigit(major), HTTPRequestParser.isDigit(minor) else { return .badRequestLine }
        // RFC 9112 2.3: a later HTTP/1.x minor version is answered as HTTP/1.1; other majors are refused.
        guard major == UInt8(ascii: "1") else { return .unsupportedVersion }
        head.minorVersion = minor == UInt8(ascii: "0") ? 0 : 1
        head.keepAlive = head.minorVersion == 1
        return splitTarget(buffer)
    }

    /// Origin form (`/path?query`), absolute form (`http://host/path?query`) or `*` (OPTIONS only).
    private mutating func splitTarget(_ buffer: UnsafeBufferPointer<UInt8>) -> HTTPParseError.Kind? {
        let target = head.target
        var pathStart = target.lowerBound
        if buffer[pathStart] == UInt8(ascii: "*") {
            guard target.count == 1, head.method == .options else { return .badTarget }
            head.path = target
            return nil
        }
        if buffer[pathStart] != UInt8(ascii: "/") {
            let scheme: Int
            if HTTPRequestParser.equalsLowercase(buffer, target.lowerBound..<min(target.upperBound, target.lowerBound + 7), "http://") {
                scheme = 7
            } else if HTTPRequestParser.equalsLowercase(buffer, target.lowerBound..<min(target.upperBound, target.lowerBound + 8), "https://") {
                scheme = 8
            } else {
                return .badTarget
            }
            pathStart = target.lowerBound + scheme
            guard pathStart < target.upperBound else { return .badTarget }
            while pathStart < target.upperBound && buffer[pathStart] != UInt8(ascii: "/") && buffer[pathStart] != UInt8(ascii: "?") { pathStart += 1 }
        }
        var q = pathStart
        while q < target.upperBound && buffer[q] != UInt8(ascii: "?") { q += 1 }
        head.path = pathStart..<q
        head.query = q < target.upperBound ? (q + 1)..<target.upperBound : nil
        return nil
    }

    // MARK: - Byte helpers

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// RFC 9110 tchar: ALPHA, DIGIT and ``!#$%&'*+-.^_`|~``, as a bitmap of the 128 ASCII bytes
    /// (bit `b` of the word `b / 64`), one shift and test per byte instead of a chain of ranges.
    @inline(__always)
    static func isTokenByte(_ b: UInt8) -> Bool {
        if b < 64 { return (0x03FF_6CFA_0000_0000 as UInt64) >> UInt64(b) & 1 != 0 }
        if b < 128 { return (0x57FF_FFFF_C7FF_FFFE as UInt64) >> UInt64(b &- 64) & 1 != 0 }
        return false
    }

    /// Digits only, no sign or spaces, at most 15 of them (more is never a valid body length here).
    static func decimal(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 15 else { return nil }
        var n = 0
        for i in range {
            guard isDigit(buffer[i]) else { return nil }
            n = n * 10 + Int(buffer[i] - 0x30)
        }
        return n
    }

    static func equals(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { lit in
            guard lit.count == range.count else { return false }
            for k in 0..<lit.count where buffer[range.lowerBound + k] != lit[k] { return false }
            return true
        }
    }

    @inline(__always)
    static func equalsLowercase(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ literal: StaticString) -> Bool {
        literal.withUTF8Buffer { equalsLowercase(buffer, range, $0) }
    }

    static func equalsLowercase(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lower: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lower.count == range.count else { return false }
        for k in 0..<lower.count {
            var b = buffer[range.lowerBound + k]
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b |= 0x20 }
            if b != lower[k] { return false }
        }
        return true
    }

    /// Calls `body` with each comma-separated token of a header value, trimmed of whitespace.
    static func forEachToken(_ buffer: UnsafeBufferPointer<UInt8>, _ value: Range<Int>, _ body: (Range<Int>) -> Void) {
        var i = value.lowerBound
        while i <= value.upperBound {
            var j = i
            while j < value.upperBound && buffer[j] != UInt8(ascii: ",") { j += 1 }
            var a = i, b = j
            while a < b && (buffer[a] == 0x20 || buffer[a] == 0x09) { a += 1 }
            while b > a && (buffer[b - 1] == 0x20 || buffer[b - 1] == 0x09) { b -= 1 }
            if a < b { body(a..<b) }
            i = j + 1
        }
    }

    static func method(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> HTTPMethod {
        if equals(buffer, range, "GET") { return .get }
        if equals(buffer, range, "POST") { return .post }
        if equals(buffer, range, "HEAD") { return .head }
        if equals(buffer, range, "PUT") { return .put }
        if equals(buffer, range, "DELETE") { return .delete }
        if equals(buffer, range, "OPTIONS") { return .options }
        if equals(buffer, range, "PATCH") { return .patch }
        if equals(buffer, range, "TRACE") { return .trace }
        if equals(buffer, range, "CONNECT") { return .connect }
        return .other
    }
}
