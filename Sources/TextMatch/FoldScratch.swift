/// Per-worker reusable buffers for folding and matching.
///
/// Every fold or match call overwrites it, so keep one per worker thread; it is deliberately
/// not `Sendable` so the compiler stops accidental sharing. Its buffers only grow (to the
/// longest text seen), so after warm-up folding and matching allocate nothing.
/// Do not fold into the same scratch from inside a `forEachMatch` body.
public final class FoldScratch {
    /// Folded units, one byte each (see `TextFolder`); only the first `count` are meaningful.
    var units: [UInt8] = []
    /// Original byte offset where the character that produced each unit starts.
    /// Not filled when `isIdentity`.
    var starts: [Int] = []
    /// Original byte offset just past that character (and past invisible characters dropped after it).
    /// Not filled when `isIdentity`.
    var ends: [Int] = []
    /// The last fold was of ASCII text: unit `k` came from byte `k` alone, and `starts`/`ends`
    /// were not written (see `start(of:)`, `end(of:)`).
    var isIdentity = true

    /// Number of folded units produced by the last fold.
    public internal(set) var count = 0

    /// Trie steps spent by the last match call, over all start positions.
    /// Exposed so tests and metrics can check that the work stays linear in the text length.
    public internal(set) var lastMatchSteps = 0

    public init() {}

    /// A copy of the folded units (allocates: for tests and diagnostics, not the hot path).
    public var foldedBytes: [UInt8] { Array(units[0..<count]) }

    /// The folded text as a `String` (allocates: for tests and diagnostics).
    /// Other-script letters show as U+0001, symbols as U+0002, an ambiguous capital I as `I`.
    public var foldedString: String { String(decoding: units[0..<count], as: UTF8.self) }

    /// Maps a range of folded units back to the byte range of the original text they came from.
    ///
    /// The result covers whole characters, including invisible ones dropped inside the range,
    /// so a mask can overwrite exactly those bytes.
    public func originalRange(ofFolded range: Range<Int>) -> Range<Int> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "folded range out of bounds")
        if range.isEmpty {
            let at = range.lowerBound < count ? start(of: range.lowerBound) : (count > 0 ? end(of: count - 1) : 0)
            return at..<at
        }
        return start(of: range.lowerBound)..<end(of: range.upperBound - 1)
    }

    /// Original byte offset where the character of unit `k` starts.
    @inline(__always)
    func start(of k: Int) -> Int { isIdentity ? k : starts[k] }

    /// Original byte offset just past the character of unit `k` (and invisible characters after it).
    @inline(__always)
    func end(of k: Int) -> Int { isIdentity ? k + 1 : ends[k] }

    /// Makes room for `capacity` units; grows only, so steady-state calls do not allocate.
    func prepare(capacity: Int) {
        if units.count < capacity {
            let size = max(capacity, units.count * 2, 256)
            units = [UInt8](repeating: 0, count: size)
            starts = [Int](repeating: 0, count: size)
            ends = [Int](repeating: 0, count: size)
        }
        count = 0
        isIdentity = true
    }
}
