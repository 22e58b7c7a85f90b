/// Classes of folded units.
enum UnitClass {
    /// Space, punctuation, symbols, invalid bytes: ends words.
    static let separator: UInt8 = 0
    /// `! @ $ | +`: a letter inside a word, a separator around it.
    static let leet: UInt8 = 1
    static let letter: UInt8 = 2
    static let digit: UInt8 = 3
    /// A letter of an unmapped alphabet: part of words, never matched.
    static let otherLetter: UInt8 = 4
}

@inline(__always)
func unitClass(_ unit: UInt8) -> UInt8 {
    switch unit {
    case 0x61...0x7A: return UnitClass.letter
    case 0x30...0x39: return UnitClass.digit
    case TextFolder.otherLetterUnit: return UnitClass.otherLetter
    case 0x21, 0x24, 0x2B, 0x40, 0x7C: return UnitClass.leet  // ! $ + @ |
    default: return UnitClass.separator
    }
}

/// Letters, digits and other letters: the units that make a word continue.
@inline(__always)
func isWordUnit(_ unit: UInt8) -> Bool { unitClass(unit) >= UnitClass.letter }

/// The labels a folded unit can stand for, packed as `label + 1` bytes, lowest first.
@inline(__always)
func candidates(_ unit: UInt8) -> UInt32 {
    // Labels + 1: a=1 b=2 e=5 g=7 i=9 l=12 o=15 s=19 t=20; digits 27...36; space 37; star 38.
    switch unit {
    case 0x61...0x7A: return UInt32(unit &- 0x60)
    case 0x30: return 27 | 15 << 8  // 0 → o
    case 0x31: return 28 | 9 << 8 | 12 << 16  // 1 → i, l
    case 0x32: return 29
    case 0x33: return 30 | 5 << 8  // 3 → e
    case 0x34: return 31 | 1 << 8  // 4 → a
    case 0x35: return 32 | 19 << 8  // 5 → s
    case 0x36: return 33
    case 0x37: return 34 | 20 << 8  // 7 → t
    case 0x38: return 35 | 2 << 8  // 8 → b
    case 0x39: return 36 | 7 << 8  // 9 → g
    case 0x21: return 9  // ! → i
    case 0x40: return 1  // @ → a
    case 0x24: return 19  // $ → s
    case 0x7C: return 9 | 12 << 8  // | → i, l
    case 0x2B: return 20  // + → t
    case 0x2A, 0x23: return 38 | 37 << 8  // * # → wildcard, or a phrase separator
    case TextFolder.otherLetterUnit: return 0
    default: return 37  // separator: matches the space of a phrase
    }
}

@inline(__always)
func contains(_ packed: UInt32, _ label: Int) -> Bool {
    var c = packed
    let wanted = UInt32(label &+ 1)
    while c != 0 {
        if c & 0xFF == wanted { return true }
        c >>= 8
    }
    return false
}

/// Bounded backtracking walk over the trie from one start position.
///
/// State: an open run of `label` at `node` (the run is not yet turned into a trie edge, because
/// more copies may follow). At each position the walk may close the run (taking each child edge
/// whose minimum count is met, recording ends, and starting the next run, maybe a suffix) or
/// extend it by one more copy. Extension is a loop, not recursion, so the recursion depth is the
/// number of runs (bounded by `maxDepth`); the step budget bounds l33t branching.
struct Walker {
    let text: UnsafeBufferPointer<UInt8>
    let n: Int
    let trie: UnsafeBufferPointer<Int32>
    let runCap: Int
    /// Spaced mode: consecutive pieces are single characters separated by short gaps.
    var spaced = false
    var stepsLeft = 0
    var depth = 0
    /// Steps over all walks of this scan.
    var steps = 0
    /// Best results for the current start position.
    var termEnd = -1
    var termIndex: Int32 = -1
    /// Where the best term itself ended, before its suffix: on equal ends the longer term wins
    /// (`assholes` is `asshole`+`s`, not `ass`+`holes`).
    var termCoreEnd = -1
    var allowEnd = -1

    static let maxDepth = 2 * WordListMatcher.maxEntryLength + 16

    init(text: UnsafeBufferPointer<UInt8>, trie: UnsafeBufferPointer<Int32>, runCap: Int) {
        self.text = text
        self.n = text.count
        self.trie = trie
        self.runCap = runCap
    }

    mutating func resetResults() {
        termEnd = -1
        termIndex = -1
        termCoreEnd = -1
        allowEnd = -1
    }

    @inline(__always) func child(_ node: Int, _ label: Int) -> Int { Int(trie[node &* Trie.stride &+ label]) }
    @inline(__always) func sibling(_ node: Int) -> Int { Int(trie[node &* Trie.stride &+ Trie.siblingSlot]) }
    @inline(__always) func minCount(_ node: Int) -> Int { Int(trie[node &* Trie.stride &+ Trie.minCountSlot]) }
    @inline(__always) func endKind(_ node: Int) -> Int32 { trie[node &* Trie.stride &+ Trie.endSlot] }

    /// Walks from `start` in normal or spaced mode with a step budget.
    mutating func walk(from start: Int, spaced: Bool, budget: Int) {
        self.spaced = spaced
        stepsLeft = budget
        depth = 0
        let unit = text[start]
        let isLetter = unitClass(unit) == UnitClass.letter
        var packed = candidates(unit)
        while packed != 0 {
            let label = Int(packed & 0xFF) &- 1
            packed >>= 8
            if label < Label.space && child(Trie.termRoot, label) != 0 {
                run(pos: start &+ 1, node: Trie.termRoot, label: label, count: 1, hasLetter: isLetter, pending: Trie.noEnd, coreEnd: 0)
            }
        }
        steps &+= budget &- stepsLeft
    }

    /// `pending` is `noEnd` while walking an entry, or the entry's end kind while walking a suffix
    /// (then `coreEnd` is where the entry ended).
    mutating func run(pos start: Int, node: Int, label: Int, count initialCount: Int, hasLetter initialHasLetter: Bool, pending: Int32, coreEnd: Int) {
        if depth >= Walker.maxDepth { return }
        depth &+= 1
        defer { depth &-= 1 }
        var pos = start
        var count = initialCount
        var hasLetter = initialHasLetter
        while stepsLeft > 0 {
            stepsLeft &-= 1
            var next = child(node, label)
            while next != 0 {
                if minCount(next) <= count {
                    closed(pos: pos, node: next, label: label, hasLetter: hasLetter, pending: pending, coreEnd: coreEnd)
                }
                next = sibling(next)
            }
            let q = extensionPiece(after: pos, label: label)
            if q < 0 { return }
            if unitClass(text[q]) == UnitClass.letter { hasLetter = true }
            pos = q &+ 1
            if count < runCap { count &+= 1 }
        }
    }

    /// The run of `label` has just been turned into the edge to `node`, ending before `pos`.
    mutating func closed(pos: Int, node: Int, label: Int, hasLetter: Bool, pending: Int32, coreEnd: Int) {
        let kind = endKind(node)
        if pending == Trie.noEnd {
            if kind >= 0 || kind == Trie.allowed {
                if hasLetter && atEnd(pos) { record(kind, end: pos, coreEnd: pos) }
                // Inflections: a fresh suffix, or one whose first letter is this run's letter.
                startRuns(after: pos, node: Trie.suffixRoot, exclude: label, hasLetter: hasLetter, pending: kind, coreEnd: pos)
                var merged = child(Trie.suffixRoot, label)
                while merged != 0 {
                    startRuns(after: pos, node: merged, exclude: label, hasLetter: hasLetter, pending: kind, coreEnd: pos)
                    merged = sibling(merged)
                }
            }
        } else if kind == Trie.suffixEnd && hasLetter && atEnd(pos) {
            record(pending, end: pos, coreEnd: coreEnd)
        }
        startRuns(after: pos, node: node, exclude: label, hasLetter: hasLetter, pending: pending, coreEnd: coreEnd)
    }

    /// Starts a run of a new label (not `exclude`, which would just extend the closed run)
    /// at the next piece(s) after `pos`.
    mutating func startRuns(after pos: Int, node: Int, exclude: Int, hasLetter: Bool, pending: Int32, coreEnd: Int) {
        if !spaced {
            if pos < n { startRuns(at: pos, node: node, exclude: exclude, hasLetter: hasLetter, pending: pending, coreEnd: coreEnd) }
            return
        }
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = pos &+ g
            if q >= n { return }
            let gap = text[q &- 1]
            if isWordUnit(gap) { return }
            if gap != 0x20 { allSpace = false }
            if !(allSpace && g >= 2) && isPiece(q) {
                startRuns(at: q, node: node, exclude: exclude, hasLetter: hasLetter, pending: pending, coreEnd: coreEnd)
            }
            g &+= 1
        }
    }

    @inline(__always)
    mutating func startRuns(at q: Int, node: Int, exclude: Int, hasLetter: Bool, pending: Int32, coreEnd: Int) {
        let unit = text[q]
        let letter = hasLetter || unitClass(unit) == UnitClass.letter
        var packed = candidates(unit)
        while packed != 0 {
            let label = Int(packed & 0xFF) &- 1
            packed >>= 8
            if label != exclude && child(node, label) != 0 {
                run(pos: q &+ 1, node: node, label: label, count: 1, hasLetter: letter, pending: pending, coreEnd: coreEnd)
            }
        }
    }

    /// The nearest next piece that can extend a run of `label`, or -1.
    func extensionPiece(after pos: Int, label: Int) -> Int {
        if !spaced {
            return pos < n && contains(candidates(text[pos]), label) ? pos : -1
        }
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = pos &+ g
            if q >= n { return -1 }
            let gap = text[q &- 1]
            if isWordUnit(gap) { return -1 }
            if gap != 0x20 { allSpace = false }
            if !(allSpace && g >= 2) && isPiece(q) && contains(candidates(text[q]), label) { return q }
            g &+= 1
        }
        return -1
    }

    /// Whether a match may end just before `pos`.
    /// Normal mode: the next unit does not continue the word. Spaced mode: no further single
    /// letter or digit follows within a gap, so the spaced-out word is complete.
    func atEnd(_ pos: Int) -> Bool {
        if !spaced { return pos >= n || !isWordUnit(text[pos]) }
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = pos &+ g
            if q >= n { return true }
            let gap = text[q &- 1]
            if isWordUnit(gap) { return true }
            if gap != 0x20 { allSpace = false }
            if !(allSpace && g >= 2) && isWordUnit(text[q]) && isPiece(q) { return false }
            g &+= 1
        }
        return true
    }

    /// A single letter, digit or l33t symbol with no word unit on either side.
    @inline(__always)
    func isPiece(_ q: Int) -> Bool {
        unitClass(text[q]) != UnitClass.separator
            && (q &+ 1 >= n || !isWordUnit(text[q &+ 1]))
            && (q == 0 || !isWordUnit(text[q &- 1]))
    }

    /// Whether no piece precedes the piece at `s` within a gap (it starts a spaced run).
    func isRunStart(_ s: Int) -> Bool {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let k = s &- g &- 1
            if k < 0 { return true }
            let gap = text[s &- g]
            if isWordUnit(gap) { return true }
            if gap != 0x20 { allSpace = false }
            if !(allSpace && g >= 2) && isPiece(k) { return false }
            g &+= 1
        }
        return true
    }

    /// Units covered by the spaced run starting at `s` (following nearest pieces), capped;
    /// sizes the step budget of the spaced walk.
    func runExtent(from s: Int) -> Int {
        var last = s
        var pieces = 0
        outer: while pieces < 1024 {
            var allSpace = true
            var g = 1
            let pos = last &+ 1
            while g <= 3 {
                let q = pos &+ g
                if q >= n { break outer }
                let gap = text[q &- 1]
                if isWordUnit(gap) { break outer }
                if gap != 0x20 { allSpace = false }
                if !(allSpace && g >= 2) && isPiece(q) {
                    last = q
                    pieces &+= 1
                    continue outer
                }
                g &+= 1
            }
            break
        }
        return last &+ 1 &- s
    }

    @inline(__always)
    mutating func record(_ kind: Int32, end: Int, coreEnd: Int) {
        if kind == Trie.allowed {
            if end > allowEnd { allowEnd = end }
        } else if end > termEnd
            || (end == termEnd && (coreEnd > termCoreEnd || (coreEnd == termCoreEnd && kind < termIndex)))
        {
            termEnd = end
            termIndex = kind
            termCoreEnd = coreEnd
        }
    }
}
