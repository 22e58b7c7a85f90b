/// Classes of folded units.
enum UnitClass {
    /// Space, punctuation, symbols, invalid bytes: ends words.
    static let separator: UInt8 = 0
    /// `! @ $ | + (`: a letter inside a word, a separator around it.
    static let leet: UInt8 = 1
    static let letter: UInt8 = 2
    static let digit: UInt8 = 3
    /// A letter of an unmapped alphabet: part of words, never matched.
    static let otherLetter: UInt8 = 4
}

@inline(__always)
func unitClass(_ unit: UInt8) -> UInt8 {
    switch unit {
    case 0x61...0x7A, TextFolder.capitalIUnit: return UnitClass.letter
    case 0x30...0x39: return UnitClass.digit
    case TextFolder.otherLetterUnit: return UnitClass.otherLetter
    case 0x21, 0x24, 0x28, 0x2B, 0x40, 0x7C: return UnitClass.leet  // ! $ ( + @ |
    default: return UnitClass.separator
    }
}

/// Letters, digits and other letters: the units that make a word continue.
@inline(__always)
func isWordUnit(_ unit: UInt8) -> Bool { unitClass(unit) >= UnitClass.letter }

/// Single letters that are words on their own (`a`, `I`, `u` for you, `r` for are): a spaced-out
/// word may follow a few of them in the same run of single letters (`u r a b i t c h`, `I f u c k`).
@inline(__always)
func isLeadingSkipLetter(_ unit: UInt8) -> Bool {
    switch unit {
    case 0x61, 0x69, TextFolder.capitalIUnit, 0x75, 0x72: return true  // a i I u r
    default: return false
    }
}

/// One-letter words that may follow a spaced-out word in the same run (`f u c k u`, `f u c k i n g
/// a`): fewer than before it, since a word ending in them must not match (`H E L L O`).
@inline(__always)
func isTrailingSkipLetter(_ unit: UInt8) -> Bool {
    switch unit {
    case 0x61, 0x69, TextFolder.capitalIUnit, 0x75: return true  // a i I u
    default: return false
    }
}

/// The labels a folded unit can stand for, packed as `label + 1` bytes, lowest first.
@inline(__always)
func candidates(_ unit: UInt8) -> UInt32 {
    // Labels + 1: a=1 b=2 c=3 e=5 g=7 i=9 l=12 o=15 s=19 t=20 u=21 v=22; digits 27...36; space 37; star 38.
    switch unit {
    case 0x76: return 22 | 21 << 8  // v → v, u ("fvck", "cvnt")
    case 0x61...0x7A: return UInt32(unit &- 0x60)
    case TextFolder.capitalIUnit: return 9 | 12 << 8  // I → i, l ("SIut": capital I for l)
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
    case 0x28: return 3 | 37 << 8  // ( → c ("fu(k"); starts a walk only if no ")" follows soon
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
///
/// The queries about the text (`isPiece`, `isRunStart`, ...) live in the small `FoldedText`:
/// called on this struct, each call copied all of it first (measured: a sixth of a clean scan).
struct Walker {
    let text: UnsafeBufferPointer<UInt8>
    let n: Int
    let trie: UnsafeBufferPointer<Int32>
    let runCap: Int
    /// The text again, with the walk's mode: what words, pieces and spaced runs are.
    var pieces: FoldedText
    var stepsLeft = 0
    var depth = 0
    /// Where the current walk started.
    var walkStart = 0
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
    /// How many one-letter words (`isLeadingSkipLetter`, `isTrailingSkipLetter`) may share a run
    /// of single letters with a spaced-out term, before it and after it.
    static let maxSkipLetters = 3

    init(text: UnsafeBufferPointer<UInt8>, trie: UnsafeBufferPointer<Int32>, runCap: Int) {
        self.text = text
        self.n = text.count
        self.trie = trie
        self.runCap = runCap
        self.pieces = FoldedText(text: text)
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

    /// Evidence that a match is a word and not a number, hex code or arithmetic, collected along
    /// the path: bits 0-1 count letters (up to 3), then flags.
    static let symbolSeen = 4  // one of @ $ !, which rarely stand between digits
    static let stretched = 8  // some run has more copies than the entry spells (see `run`)
    static let nonHexLetter = 16  // a letter g...z: not a hexadecimal digit
    static let digitSeen = 32

    /// The evidence one unit brings: a letter counts (and flags g...z), `@ $ !` and digits are
    /// flagged; `+ | (` bring nothing, as in `7+17` or `c | 1 +`.
    @inline(__always)
    func evidence(_ unit: UInt8) -> Int {
        switch unitClass(unit) {
        case UnitClass.letter: return unit &- 0x61 < 6 ? 1 : 1 | Walker.nonHexLetter
        case UnitClass.digit: return Walker.digitSeen
        default: return unit == 0x40 || unit == 0x24 || unit == 0x21 ? Walker.symbolSeen : 0  // @ $ !
        }
    }

    /// Adds evidence, keeping the letter count (low two bits) at most 3.
    @inline(__always)
    static func adding(_ evidence: Int, _ more: Int) -> Int {
        let letters = min((evidence & 3) &+ (more & 3), 3)
        return (evidence | more) & ~3 | letters
    }

    @inline(__always)
    func isStretched(_ evidence: Int) -> Bool { evidence & Walker.stretched != 0 }

    /// Whether a match ending before `pos` with this evidence may stand.
    /// - Spaced out: two letters (`$ h ! t`, but not `c | 1 +`).
    /// - Otherwise a letter g...z or one of `@ $ !` (`sh1t`, `@$$`); or letters without digits;
    ///   or letters a...f with digits (`a55`, `b00b`) unless a `:` or `-` touches the word, as in
    ///   hexadecimal groups of IPv6 and MAC addresses and UUIDs (`fe80::b00b`, `3f2a-b008-4e6f`).
    ///   Digits alone never match (`7175`, `8008` in card numbers, `455`).
    @inline(__always)
    func convincing(_ evidence: Int, end pos: Int) -> Bool {
        if pieces.spaced { return evidence & 3 >= 2 }
        if evidence & (Walker.nonHexLetter | Walker.symbolSeen) != 0 { return true }
        if evidence & 3 == 0 { return false }
        if evidence & Walker.digitSeen == 0 { return true }
        let before: UInt8 = walkStart > 0 ? text[walkStart &- 1] : 0x20
        let after: UInt8 = pos < n ? text[pos] : 0x20
        return before != 0x3A && before != 0x2D && after != 0x3A && after != 0x2D
    }

    /// Walks from `start` in normal or spaced (narrow or wide) mode with a step budget.
    mutating func walk(from start: Int, spaced: Bool, wide: Bool = false, budget: Int) {
        let unit = text[start]
        // A `(` that a `)` closes soon after is a parenthesis, not a `c`: "(um, no)", "(cum)".
        if unit == 0x28 {
            var k = start &+ 1
            let limit = min(n, start &+ 64)
            while k < limit {
                if text[k] == 0x29 { return }
                k &+= 1
            }
        }
        pieces.spaced = spaced
        pieces.wide = wide
        walkStart = start
        stepsLeft = budget
        depth = 0
        var packed = candidates(unit)
        while packed != 0 {
            let label = Int(packed & 0xFF) &- 1
            packed >>= 8
            if label < Label.space && child(Trie.termRoot, label) != 0 {
                run(pos: start &+ 1, node: Trie.termRoot, label: label, count: 1, evidence: evidence(unit), pending: Trie.noEnd, coreEnd: 0)
            }
        }
        steps &+= budget &- stepsLeft
    }

    /// `pending` is `noEnd` while walking an entry, or the entry's end kind while walking a suffix
    /// (then `coreEnd` is where the entry ended).
    mutating func run(pos start: Int, node: Int, label: Int, count initialCount: Int, evidence initialEvidence: Int, pending: Int32, coreEnd: Int) {
        if depth >= Walker.maxDepth { return }
        depth &+= 1
        defer { depth &-= 1 }
        var pos = start
        // Copies in the run so far (`count`, capped at `runCap`, selects the edges; `total` is exact).
        var count = initialCount
        var total = initialCount
        var evidence = initialEvidence
        while stepsLeft > 0 {
            stepsLeft &-= 1
            var next = child(node, label)
            while next != 0 {
                let needed = minCount(next)
                if needed <= count {
                    // Allowed words do not stretch: "annal" is allowed, "annnal" is "anal".
                    let exact = needed == total || label >= Label.space
                    let closedEvidence = exact ? evidence : evidence | Walker.stretched
                    if endKind(next) == Trie.noEnd && !pieces.spaced {
                        // Most nodes end nothing: all `closed` would do is start the next run at
                        // `pos` (normal mode), which is done here without the two calls.
                        if pos < n {
                            startRuns(at: pos, node: next, exclude: label, evidence: closedEvidence, pending: pending, coreEnd: coreEnd)
                        }
                    } else {
                        closed(pos: pos, node: next, label: label, count: total, evidence: closedEvidence, pending: pending, coreEnd: coreEnd)
                    }
                }
                next = sibling(next)
            }
            let q = pieces.extensionPiece(after: pos, label: label)
            if q < 0 { return }
            evidence = Walker.adding(evidence, self.evidence(text[q]))
            pos = q &+ 1
            if count < runCap { count &+= 1 }
            if total < Int(Int32.max) { total &+= 1 }
        }
    }

    /// The run of `label` (`count` copies) has just been turned into the edge to `node`, ending
    /// before `pos`.
    mutating func closed(pos: Int, node: Int, label: Int, count: Int, evidence: Int, pending: Int32, coreEnd: Int) {
        let kind = endKind(node)
        if pending == Trie.noEnd {
            if kind >= 0 || kind == Trie.allowed {
                if convincing(evidence, end: pos) && pieces.atEnd(pos) && (kind >= 0 || !isStretched(evidence)) {
                    record(kind, end: pos, coreEnd: pos)
                }
                // Inflections: a fresh suffix, or one whose first letter is this run's letter.
                startRuns(after: pos, node: Trie.suffixRoot, exclude: label, evidence: evidence, pending: kind, coreEnd: pos)
                var merged = child(Trie.suffixRoot, label)
                while merged != 0 {
                    startRuns(after: pos, node: merged, exclude: label, evidence: evidence, pending: kind, coreEnd: pos)
                    merged = sibling(merged)
                }
            } else if kind <= Trie.allowedStem && count == 1 {
                // An entry without its silent e ("rap" of "rape"): only before a suffix starting with
                // a vowel (raping, rapist), and never after a doubled consonant (rapping, rapper).
                let entry = kind == Trie.allowedStem ? Trie.allowed : Trie.firstTermStem &- kind
                startRuns(after: pos, node: Trie.stemSuffixRoot, exclude: label, evidence: evidence, pending: entry, coreEnd: pos)
            }
        } else if kind == Trie.suffixEnd && convincing(evidence, end: pos) && pieces.atEnd(pos) && (pending >= 0 || !isStretched(evidence)) {
            record(pending, end: pos, coreEnd: coreEnd)
        }
        startRuns(after: pos, node: node, exclude: label, evidence: evidence, pending: pending, coreEnd: coreEnd)
    }

    /// Starts a run of a new label (not `exclude`, which would just extend the closed run)
    /// at the next piece(s) after `pos`.
    mutating func startRuns(after pos: Int, node: Int, exclude: Int, evidence: Int, pending: Int32, coreEnd: Int) {
        if !pieces.spaced {
            if pos < n { startRuns(at: pos, node: node, exclude: exclude, evidence: evidence, pending: pending, coreEnd: coreEnd) }
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
            if pieces.joins(allSpace, g) && pieces.isPiece(q) {
                startRuns(at: q, node: node, exclude: exclude, evidence: evidence, pending: pending, coreEnd: coreEnd)
            }
            g &+= 1
        }
    }

    @inline(__always)
    mutating func startRuns(at q: Int, node: Int, exclude: Int, evidence: Int, pending: Int32, coreEnd: Int) {
        let unit = text[q]
        let more = Walker.adding(evidence, self.evidence(unit))
        var packed = candidates(unit)
        while packed != 0 {
            let label = Int(packed & 0xFF) &- 1
            packed >>= 8
            if label != exclude && child(node, label) != 0 {
                run(pos: q &+ 1, node: node, label: label, count: 1, evidence: more, pending: pending, coreEnd: coreEnd)
            }
        }
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

/// The folded text of one scan, with the mode of the current walk: answers where words, single
/// pieces and spaced-out runs are. Kept apart from `Walker` and small (three words, passed in
/// registers) because the scan and the walk ask these questions at nearly every position.
struct FoldedText {
    let text: UnsafeBufferPointer<UInt8>
    var n: Int { text.count }
    /// Spaced mode: consecutive pieces are single characters separated by short gaps.
    var spaced = false
    /// Wide spaced mode (with `spaced`): the gaps are two or three plain spaces (`f  u  c  k`).
    /// Otherwise a gap is one to three non-letters, but not two or more plain spaces, which
    /// separate spaced-out words (`T H I S  I S`).
    var wide = false

    init(text: UnsafeBufferPointer<UInt8>) { self.text = text }

    /// Whether a gap of `length` units (`allSpace`: only plain spaces) joins two pieces of one
    /// spaced-out word in the current mode.
    @inline(__always)
    func joins(_ allSpace: Bool, _ length: Int) -> Bool {
        wide ? allSpace && length >= 2 : !(allSpace && length >= 2)
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
            if joins(allSpace, g) && isPiece(q) && contains(candidates(text[q]), label) { return q }
            g &+= 1
        }
        return -1
    }

    /// The nearest single letter or digit after `pos` within a gap (the next piece of a spaced-out
    /// word; l33t symbols are skipped over), or -1.
    func nextWordPiece(after pos: Int) -> Int {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = pos &+ g
            if q >= n { return -1 }
            let gap = text[q &- 1]
            if isWordUnit(gap) { return -1 }
            if gap != 0x20 { allSpace = false }
            if joins(allSpace, g) && isWordUnit(text[q]) && isPiece(q) { return q }
            g &+= 1
        }
        return -1
    }

    /// Whether a match may end just before `pos`.
    /// Normal mode: the next unit does not continue the word. Spaced mode: the spaced-out word is
    /// complete: no further single letter or digit follows within a gap, except up to
    /// `maxSkipLetters` one-letter words that end the run (`f u c k u`).
    func atEnd(_ pos: Int) -> Bool {
        if !spaced { return pos >= n || !isWordUnit(text[pos]) }
        // The separator style changes: "s.h.i.t u" ends at the t.
        if !wide && styleBreak(after: pos &- 1) { return true }
        // One-letter words after it are separated by spaces, not by the word's punctuation
        // ("f u c k u", "f.u.c.k u"; but "s.p.i.c.a" is not "spic").
        var last = pos &- 1
        var skipped = 0
        while true {
            let q = nextWordPiece(after: last &+ 1)
            if q < 0 { return true }
            if skipped == Walker.maxSkipLetters || !isTrailingSkipLetter(text[q]) || gap(after: last) != FoldedText.plainGap {
                return false
            }
            skipped &+= 1
            last = q
        }
    }

    /// A single letter, digit or l33t symbol with no word unit on either side, and not the end of a
    /// contraction (the `s` of `it's`, the `m` of `I'm`, the `t` of `don't`, the `d` of `I'd`).
    @inline(__always)
    func isPiece(_ q: Int) -> Bool {
        let unit = text[q]
        if unitClass(unit) == UnitClass.separator { return false }
        if q &+ 1 < n && isWordUnit(text[q &+ 1]) { return false }
        if q == 0 { return true }
        if isWordUnit(text[q &- 1]) { return false }
        if q >= 2 && text[q &- 1] == 0x27 && isWordUnit(text[q &- 2]) {
            switch unit {
            case 0x73, 0x74, 0x6D, 0x64: return false  // s t m d
            default: break
            }
        }
        return true
    }

    /// Kinds of gap between two pieces: none (no piece there), only spaces (`f u`), punctuation
    /// then a space, as between words or sentences (`f, u`, `f. u`), other punctuation (`f.u`,
    /// `f . u`, `f*u`).
    static let noGap = 0, plainGap = 1, softGap = 2, punctuatedGap = 3

    @inline(__always)
    func gapKind(first: UInt8, last: UInt8, allSpace: Bool) -> Int {
        if allSpace { return FoldedText.plainGap }
        return first != 0x20 && last == 0x20 ? FoldedText.softGap : FoldedText.punctuatedGap
    }

    /// The kind of gap between the piece at `s` and the next piece in the current mode, and that
    /// piece (-1 if none).
    func following(_ s: Int) -> (kind: Int, piece: Int) {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = s &+ 1 &+ g
            if q >= n { break }
            let gap = text[q &- 1]
            if isWordUnit(gap) { break }
            if gap != 0x20 { allSpace = false }
            if joins(allSpace, g) && isPiece(q) { return (gapKind(first: text[s &+ 1], last: gap, allSpace: allSpace), q) }
            g &+= 1
        }
        return (FoldedText.noGap, -1)
    }

    /// The kind of gap between the previous piece and the piece at `s`, and that piece (-1 if none).
    func preceding(_ s: Int) -> (kind: Int, piece: Int) {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let k = s &- g &- 1
            if k < 0 { break }
            let gap = text[s &- g]
            if isWordUnit(gap) { break }
            if gap != 0x20 { allSpace = false }
            if joins(allSpace, g) && isPiece(k) { return (gapKind(first: gap, last: text[s &- 1], allSpace: allSpace), k) }
            g &+= 1
        }
        return (FoldedText.noGap, -1)
    }

    func gap(after s: Int) -> Int { following(s).kind }
    func gap(before s: Int) -> Int { preceding(s).kind }

    /// Whether a spaced-out word may start at the piece `s` although pieces precede it, because
    /// the separator changes there from spaces or sentence punctuation to something else:
    /// "F U s.h.i.t", "s.h.i.t a s s", "s-h-i-t, s-h-i-t", "b a s t a r d, b a s t a r d".
    func styleBreak(before s: Int) -> Bool {
        let (before, previous) = preceding(s)
        if before != FoldedText.plainGap && before != FoldedText.softGap { return false }
        let after = gap(after: s)
        if after != FoldedText.noGap && after != before && after != FoldedText.softGap { return true }
        let earlier = gap(before: previous)
        return earlier != FoldedText.noGap && earlier != before
    }

    /// Whether a spaced-out word may end at the piece `s` although pieces follow it (the mirror
    /// image of `styleBreak(before:)`): "s.h.i.t u r", "s-h-i-t, s-h-i-t".
    func styleBreak(after s: Int) -> Bool {
        let (after, next) = following(s)
        if after != FoldedText.plainGap && after != FoldedText.softGap { return false }
        let before = gap(before: s)
        if before != FoldedText.noGap && before != after && before != FoldedText.softGap { return true }
        let later = gap(after: next)
        return later != FoldedText.noGap && later != after
    }

    /// Whether no piece precedes the piece at `s` within a gap of the current mode (it starts a
    /// spaced run).
    func isRunStart(_ s: Int) -> Bool {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let k = s &- g &- 1
            if k < 0 { return true }
            let gap = text[s &- g]
            if isWordUnit(gap) { return true }
            if gap != 0x20 { allSpace = false }
            if joins(allSpace, g) && isPiece(k) { return false }
            g &+= 1
        }
        return true
    }

    /// Whether a piece follows the piece at `s` within a gap of the current mode.
    func hasNextPiece(_ s: Int) -> Bool {
        var allSpace = true
        var g = 1
        while g <= 3 {
            let q = s &+ 1 &+ g
            if q >= n { return false }
            let gap = text[q &- 1]
            if isWordUnit(gap) { return false }
            if gap != 0x20 { allSpace = false }
            if joins(allSpace, g) && isPiece(q) { return true }
            g &+= 1
        }
        return false
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
                if joins(allSpace, g) && isPiece(q) {
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
}
