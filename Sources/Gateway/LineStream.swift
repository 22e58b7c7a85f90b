#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Streams newline-delimited records from a file descriptor and batches output writes, so `eval`
/// keeps up with inputs of any size without reading all of stdin first.
public struct LineStream {
    private let input: Int32
    private let output: Int32
    private var buffer: [UInt8]
    private var out: [UInt8] = []
    /// Longest line accepted; a longer one is reported as an error line and skipped.
    public let maxLineBytes: Int

    public init(input: Int32, output: Int32, maxLineBytes: Int = 1 << 20) {
        self.input = input
        self.output = output
        self.maxLineBytes = maxLineBytes
        buffer = []
        buffer.reserveCapacity(256 * 1024)
        out.reserveCapacity(256 * 1024)
    }

    public enum StreamError: Error { case read(errno: Int32), write(errno: Int32) }

    /// Calls `handle` for each non-blank line (without its `\n` or `\r\n`) with a 1-based line number,
    /// letting it append output; `tooLong` is called for lines over the limit. Returns lines handled.
    @discardableResult
    public mutating func forEachLine(
        _ handle: (UnsafeBufferPointer<UInt8>, Int, inout [UInt8]) -> Void,
        tooLong: (Int, inout [UInt8]) -> Void
    ) throws(StreamError) -> Int {
        var lineNumber = 0
        var handled = 0
        var start = 0          // start of the unconsumed data in buffer
        var skipping = false   // inside an over-long line: drop bytes up to the next newline
        var chunk = [UInt8](repeating: 0, count: 128 * 1024)
        var atEOF = false
        while !atEOF {
            let n = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .read(errno: errno)
            }
            if n == 0 { atEOF = true } else { buffer.append(contentsOf: chunk[0..<n]) }
            // Consume complete lines (and, at EOF, the last unterminated one).
            while true {
                let newline = buffer[start...].firstIndex(of: 0x0A)
                guard newline != nil || (atEOF && start < buffer.count) else { break }
                let end = newline ?? buffer.count
                if skipping {
                    skipping = false
                } else {
                    lineNumber += 1
                    var lineEnd = end
                    if lineEnd > start && buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                    let blank = buffer[start..<lineEnd].allSatisfy { $0 == 0x20 || $0 == 0x09 }
                    if !blank {
                        buffer.withUnsafeBufferPointer { all in
                            handle(UnsafeBufferPointer(rebasing: all[start..<lineEnd]), lineNumber, &out)
                        }
                        handled += 1
                    }
                }
                start = min(end + 1, buffer.count)
                if out.count >= 64 * 1024 { try flush() }
            }
            // Keep only the partial line; drop it if it is already too long.
            if buffer.count - start > maxLineBytes && !skipping {
                lineNumber += 1
                tooLong(lineNumber, &out)
                handled += 1
                skipping = true
                start = buffer.count
            } else if skipping {
                start = buffer.count
            }
            buffer.removeSubrange(0..<start)
            start = 0
        }
        try flush()
        return handled
    }

    private mutating func flush() throws(StreamError) {
        var offset = 0
        while offset < out.count {
            let n = out.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .write(errno: errno)
            }
            offset += n
        }
        out.removeAll(keepingCapacity: true)
    }
}
