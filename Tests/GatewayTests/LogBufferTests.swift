#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import Gateway

@Suite struct LogBufferTests {
    /// Lines are batched, but every write holds whole lines and at most PIPE_BUF bytes (on a pipe,
    /// that is what keeps two workers' lines from interleaving). A SOCK_SEQPACKET pair keeps each
    /// write(2) a message of its own, so the test sees the writes as they were made.
    @Test func writesAreWholeLinesOfAtMostPipeBuf() throws {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0, &fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        var buffer = LogBuffer(fd: fds[1])
        var line = LogLine()
        var sent: [String] = []
        for i in 0..<100 {
            line.begin()
            line.field("event", "onMessageAdd")
            line.field("n", i)
            line.field("padding", String(repeating: "x", count: i * 7))  // lines of 60 to 750 bytes
            line.finish()
            sent.append(String(decoding: line.bytes, as: UTF8.self))
            buffer.append(line)
        }
        #expect(!buffer.isEmpty)  // the last lines wait for the flush
        buffer.flush()
        #expect(buffer.isEmpty)

        var received = ""
        var writes = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fds[0], $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
            writes += 1
            #expect(n <= LogBuffer.limit)
            #expect(chunk[n - 1] == UInt8(ascii: "\n"))
            received += String(decoding: chunk[0..<n], as: UTF8.self)
        }
        #expect(received == sent.joined())
        #expect(writes > 1 && writes < 100)  // batched, and split at the limit
    }
}
