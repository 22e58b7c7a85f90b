#if canImport(Glibc)
import Glibc
#endif

/// A cheap monotonic clock for deadlines and latency (`clock_gettime(CLOCK_MONOTONIC)`, served by the
/// vDSO: no syscall, no allocation), in nanoseconds.
public enum MonotonicClock {
    public struct Instant: Sendable, Hashable, Comparable {
        public var nanoseconds: UInt64
        public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }
        public static let distantFuture = Instant(nanoseconds: .max)
        public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }
        /// This instant plus `milliseconds` (saturating).
        public func adding(milliseconds: Int) -> Instant {
            let (sum, overflow) = nanoseconds.addingReportingOverflow(UInt64(max(0, milliseconds)) &* 1_000_000)
            return overflow ? .distantFuture : Instant(nanoseconds: sum)
        }
        /// Nanoseconds from `earlier` to this instant (0 if `earlier` is later).
        public func nanoseconds(since earlier: Instant) -> UInt64 {
            nanoseconds > earlier.nanoseconds ? nanoseconds - earlier.nanoseconds : 0
        }
    }

    public static func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Instant(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }

    /// The same clock at tick resolution (1-4 ms), several times cheaper: good enough to compare
    /// against a deadline of hundreds of milliseconds before every rule, not for latency figures.
    public static func coarseNow() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &ts)
        return Instant(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }
}
