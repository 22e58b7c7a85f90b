#if canImport(Glibc)
import Glibc
#endif

/// A connection's input bytes: one growable allocation, read into directly, consumed from the front.
///
/// Reused for every request on the connection (keep-alive costs no allocation); it grows only up to
/// `maxCapacity`, which the server sets to the largest request its limits allow plus read slack.
final class ReadBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    let maxCapacity: Int
    /// Unconsumed bytes are `base[start..<end]`.
    private(set) var start = 0
    private(set) var end = 0

    init(initialCapacity: Int, maxCapacity: Int) {
        capacity = min(initialCapacity, maxCapacity)
        self.maxCapacity = maxCapacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    var count: Int { end - start }
    var isEmpty: Bool { start == end }

    /// The unconsumed bytes. Valid until the next `prepareForRead` or `consume`.
    var readable: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base + start, count: end - start) }

    /// Drops `n` bytes from the front (a request that has been answered).
    func consume(_ n: Int) {
        start += n
        if start == end { start = 0; end = 0 }
    }

    /// Room to read into, after moving unconsumed bytes to the front and growing (doubling, up to
    /// `maxCapacity`) when less than `minimumRoom` is free. Empty when the buffer is full at its cap.
    func prepareForRead(minimumRoom: Int = 4096) -> UnsafeMutableRawBufferPointer {
        if capacity - end < minimumRoom && start > 0 {
            let n = end - start
            if n > 0 { memmove(base, base + start, n) }  // regions may overlap
            start = 0
            end = n
        }
        if capacity - end < minimumRoom && capacity < maxCapacity {
            let grown = min(maxCapacity, max(capacity * 2, end + minimumRoom))
            let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            fresh.update(from: base + start, count: end - start)
            base.deallocate()
            base = fresh
            end -= start
            start = 0
            capacity = grown
        }
        return UnsafeMutableRawBufferPointer(start: base + end, count: capacity - end)
    }

    /// Records that `n` bytes were read into the room `prepareForRead` returned.
    func didRead(_ n: Int) { end += n }

    /// Forgets everything (the connection is being reused for a new peer).
    func clear() { start = 0; end = 0 }

    /// Gives back a large allocation when a connection returns to the pool, so one big request does
    /// not pin its memory for ever.
    func shrink(to size: Int) {
        guard capacity > size else { return }
        base.deallocate()
        base = .allocate(capacity: size)
        capacity = size
        start = 0
        end = 0
    }
}
