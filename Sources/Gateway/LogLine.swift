#if canImport(Glibc)
import Glibc
#endif
import HTTPServer
import JSONBytes

/// Builds one JSON log line in a reused buffer and writes it with a single `write(2)` (lines under
/// PIPE_BUF never interleave with another worker's).
///
/// Only fixed vocabulary goes in: event names, outcomes, rule ids, counts, timings, versions.
/// Never a parameter value: no message text, identities, phone numbers, addresses or tokens.
struct LogLine {
    private(set) var bytes: [UInt8] = []
    private var first = true

    init() { bytes.reserveCapacity(512) }

    /// Starts a line with its `time` (UTC, milliseconds) and `level`.
    mutating func begin(level: StaticString = "info") {
        bytes.removeAll(keepingCapacity: true)
        first = true
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        key("time")
        bytes.append(UInt8(ascii: "\""))
        CivilTime.appendISO8601(seconds: Int(ts.tv_sec), milliseconds: Int(ts.tv_nsec) / 1_000_000, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        key("level")
        string(level)
    }

    mutating func key(_ name: StaticString) {
        bytes.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
        first = false
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    mutating func string(_ value: StaticString) {
        value.withUTF8Buffer { JSON.appendString($0, to: &bytes) }
    }
    mutating func field(_ name: StaticString, _ value: StaticString) { key(name); string(value) }
    mutating func field(_ name: StaticString, _ value: String) { key(name); JSON.appendString(value, to: &bytes) }
    mutating func field(_ name: StaticString, encoded value: [UInt8]) { key(name); bytes.append(contentsOf: value) }
    mutating func field(_ name: StaticString, _ value: Int) { key(name); JSON.appendInteger(value, to: &bytes) }
    mutating func field(_ name: StaticString, _ value: Bool) { key(name); bytes.append(contentsOf: (value ? "true" : "false").utf8) }

    /// Pieces of a value the caller frames itself (arrays built in place).
    mutating func rawByte(_ byte: UInt8) { bytes.append(byte) }
    mutating func rawString(_ value: String) { JSON.appendString(value, to: &bytes) }

    /// A JSON array of strings (lifecycle lines only: it allocates).
    mutating func field(_ name: StaticString, strings: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, item) in strings.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSON.appendString(item, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A JSON array of already-encoded strings.
    mutating func field(_ name: StaticString, encodedList: some Sequence<[UInt8]>) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        var firstItem = true
        for item in encodedList {
            if !firstItem { bytes.append(UInt8(ascii: ",")) }
            firstItem = false
            bytes.append(contentsOf: item)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// Ends the line (the bytes are then one whole line, newline included).
    mutating func finish() {
        bytes.append(contentsOf: "}\n".utf8)
    }

    /// Ends the line and writes it to `fd` at once (lifecycle lines; request lines are batched
    /// through `LogBuffer`).
    mutating func emit(to fd: Int32) {
        finish()
        bytes.withUnsafeBytes { LogBuffer.writeAll(fd, $0) }
    }
}

/// A worker's request log lines, written in batches: a `write(2)` per line cost a third of a
/// request's CPU (syscall and pipe wake-up) under load. Each write carries whole lines and at most
/// PIPE_BUF bytes, so on a pipe the lines of two workers still never interleave. The worker
/// flushes whenever it has served everything ready (`HTTPHandler.didServeReady`), before it waits:
/// a line is never held while the worker sleeps, and a crash loses at most one pass's lines.
struct LogBuffer {
    /// PIPE_BUF on Linux: the largest write a pipe keeps whole.
    static let limit = 4096
    private var pending: [UInt8] = []
    let fd: Int32

    init(fd: Int32) {
        self.fd = fd
        pending.reserveCapacity(LogBuffer.limit)
    }

    var isEmpty: Bool { pending.isEmpty }

    /// Queues one finished line, writing what is queued first if the line would not fit.
    mutating func append(_ line: LogLine) {
        if pending.count + line.bytes.count > LogBuffer.limit { flush() }
        if line.bytes.count > LogBuffer.limit {
            line.bytes.withUnsafeBytes { LogBuffer.writeAll(fd, $0) }
        } else {
            pending.append(contentsOf: line.bytes)
        }
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        pending.withUnsafeBytes { LogBuffer.writeAll(fd, $0) }
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes all of `bytes` unless the descriptor fails (a log must never stop the gateway).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard var base = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = write(fd, base, left)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            base += n
            left -= n
        }
    }
}

/// Log timestamps (UTC), on the calendar arithmetic the HTTP `Date` header uses.
enum CivilTime {
    /// `2026-11-24T22:16:03.123Z`
    static func appendISO8601(seconds: Int, milliseconds: Int, to out: inout [UInt8]) {
        let (days, secondOfDay) = HTTPDate.split(seconds)
        let (year, month, day) = HTTPDate.civil(fromDays: days)
        HTTPDate.appendPadded(year, width: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        HTTPDate.appendPadded(month, width: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        HTTPDate.appendPadded(day, width: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        HTTPDate.appendClock(secondOfDay, to: &out)
        out.append(UInt8(ascii: "."))
        HTTPDate.appendPadded(milliseconds, width: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }
}
