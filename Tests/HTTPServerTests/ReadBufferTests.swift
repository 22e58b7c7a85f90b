import Testing
@testable import HTTPServer

@Suite struct ReadBufferTests {
    func fill(_ buffer: ReadBuffer, _ bytes: [UInt8]) {
        let room = buffer.prepareForRead(minimumRoom: bytes.count)
        for (i, b) in bytes.enumerated() { room[i] = b }
        buffer.didRead(bytes.count)
    }

    @Test func consumesCompactsAndGrowsUpToItsCap() {
        let buffer = ReadBuffer(initialCapacity: 8, maxCapacity: 32)
        fill(buffer, Array("abcdef".utf8))
        buffer.consume(4)
        #expect(Array(buffer.readable) == Array("ef".utf8))
        fill(buffer, Array("0123456789".utf8))  // needs room: compacts, then grows
        #expect(Array(buffer.readable) == Array("ef0123456789".utf8))
        #expect(buffer.capacity <= 32)
        buffer.consume(buffer.count)
        #expect(buffer.isEmpty)
        _ = buffer.prepareForRead(minimumRoom: 64)
        #expect(buffer.capacity == 32)
    }
}
