/// A match of a blocked term in the original text.
public struct WordMatch: Sendable, Equatable {
    /// Byte range in the original text covering the whole evasive word: all of `f.u.c.k`,
    /// `fuuuucking` or `ｆｕｃｋ` (whole multi-byte characters, plus invisible characters inside).
    public var range: Range<Int>
    /// Index of the matched term in the `terms` array given to the matcher.
    public var termIndex: Int

    public init(range: Range<Int>, termIndex: Int) {
        self.range = range
        self.termIndex = termIndex
    }
}

/// Finds blocked words in UTF-8 text despite common evasions, without the Scunthorpe problem.
///
/// Matching model (all on text folded once by `TextFolder`):
/// - **Word boundaries.** A term must start where a word starts and end where a word ends
///   (optionally after an inflection suffix), so `Scunthorpe`, `cocktail`, `classic` never match.
///   Up to three leading l33t symbols may be skipped (`!!fuck`); symbols after a word end it.
/// - **Allow list.** Allowed words are matched the same way (same evasions and suffixes); a term
///   match lying inside an allowed match that starts at or before it is dropped (`cumin`,
///   `butter`, phrases such as `cum laude` or `blue tit`).
/// - **Repeats.** Each letter of an entry matches a run of one or more copies, so `fuuuck` and
///   `fuckkk` match `fuck`, but `ass` still needs two `s` (`as` and `pas` do not match).
/// - **l33t.** Inside a match `1 ! |` may stand for `i` (`1 |` also for `l`), `3`→e, `4 @`→a,
///   `5 $`→s, `0`→o, `7 +`→t, `8`→b, `9`→g, `v`→u (`fvck`), a capital `I` next to a
///   lower-case letter→l (`sIut`), and `(`→c (`fu(k`, `(unt`; but a `(` that a `)` closes
///   within 64 characters starts no match: `(um, no)` is not `cum`). A match needs a letter or
///   one of `@ $ !` (`@$$`), and a spaced-out match two letters, so numbers, arithmetic and
///   code (`1337`, `7175`, `7+17`, `c | 1 +`) never match; a match whose only letters are a...f
///   among digits (`a55`, `b00b`) is dropped when a `:` or `-` touches it, as in IPv6 and MAC
///   addresses and UUIDs.
/// - **Spaced letters.** A run of single characters separated by up to three non-letters
///   (`f u c k`, `f.u.c.k`, `f . u . c . k`, `f*u*c*k`; but not two or more plain spaces, which
///   separate spaced-out words) is read as one word. The term must start at the first piece (or
///   the first letter, after leading digits or symbols; or after up to three leading one-letter
///   words `a I u r`: `u r a b i t c h`, `I f u c k`; or where the separator changes from spaces to
///   punctuation: `F U s.h.i.t`) and end at the last piece (or before a suffix there; or before
///   up to three trailing one-letter words `a I u`: `f u c k u`; or where the separator changes
///   back to spaces). So `what the f u c k man` matches, `m a s s`, `a s s i s t` and `H E L L O`
///   do not. Letters spaced out by two or three plain spaces each (`f  u  c  k`) form a run too,
///   walked from its first piece.
/// - **Inflections.** A term also matches followed by one suffix from `inflectionSuffixes`; a
///   suffix starting with the term's last letter shares it (`rape`+`d`, `rape`+`s`). A term ending
///   in a consonant and `y` also matches with `ie` for the `y` (`pussies`, `titties`); a term
///   ending in a consonant and a silent `e` also matches without the `e` before one of
///   `stemSuffixes` (`raping`, `rapist`, `whoring`, but not `rapping`).
/// - **Phrases.** Spaces or punctuation inside an entry match any run of separators.
/// - **Masked letters.** `*` inside an entry (`f*ck`, `sh*t`) matches `*` or `#` in the text, one
///   or more; text masks never match plain terms, so ordinary text cannot be affected.
///
/// Cost: one pass over the folded text; from each word start a bounded, backtracking walk over a
/// trie of all entries, so the time does not grow with the number of terms. Every walk has a
/// step budget proportional to the length of its word, so adversarial input stays linear.
/// Known limit: a budget covers at most about 4,096 units, so a term at the end of a single word
/// or spaced run longer than that (padded with ambiguous l33t, say) may be missed.
public struct WordListMatcher: Sendable {
    /// Longest entry accepted, in folded characters; bounds the depth of a walk.
    public static let maxEntryLength = 64
    /// A scan's total step budget per folded unit (plus 4,096), and what each walk gets once it is spent.
    static let scanStepsPerUnit = 32
    static let exhaustedWalkBudget = 64

    /// Inflections accepted after a term (and after an allowed word).
    ///
    /// Plural and verb forms (`s es ed er ers ing ings in`), adjectives (`y ie ies ier iest ish less`:
    /// `shitty` is `shit` + `y` because letters repeat) and the compounds that turn nearly every
    /// term into an insult (`hole head face bag wad wit wipe stain sucker licker hat`, and their
    /// plurals: `fuckface`, `cuntbag`, `dickwipe`). Other compounds (`dumbass`) belong in the list.
    public static let inflectionSuffixes: [String] = [
        "s", "es", "ed", "er", "ers", "ing", "ings", "in",
        "y", "ie", "ies", "ier", "iest", "ish", "less",
        "hole", "holes", "head", "heads", "face", "faces", "bag", "bags", "wad", "wads", "wit", "wits",
        "wipe", "wipes", "stain", "stains", "sucker", "suckers", "licker", "lickers", "hat", "hats",
    ]

    /// Suffixes that may follow an entry ending in a silent e once the e is dropped: `raping`, `rapist`,
    /// `whoring`. They start with a vowel, and the consonant before them must not be doubled, so
    /// `rapping` and `rapper` do not spell `rape`.
    public static let stemSuffixes: [String] = ["ing", "ings", "in", "er", "ers", "ed", "ist", "ists"]

    /// Number of blocked terms (including duplicates, which are shadowed by the first one).
    public let termCount: Int
    /// Number of allow-list entries.
    public let allowedCount: Int

    private let cells: [Int32]
    private let runCap: Int

    /// Builds the matcher.
    ///
    /// - Parameters:
    ///   - terms: blocked words as compliance staff typed them, one per entry; case, accents and
    ///     look-alikes do not matter. Spaces or punctuation make a phrase; `*` between letters is
    ///     a masked-letter wildcard. `termIndex` of a match is the index in this array; for
    ///     duplicates the first index wins.
    ///   - allowed: words or phrases that must never be reported although they contain or
    ///     resemble a term (`cumin`, `cum laude`). An entry in both lists is allowed.
    /// - Throws: `WordListError` naming the list, index and text of the first bad entry.
    public init(terms: [String], allowed: [String] = []) throws(WordListError) {
        var builder = TrieBuilder()
        for suffix in Self.inflectionSuffixes {
            let labels = suffix.utf8.map { Int($0 &- 0x61) }
            builder.mark(builder.insert(Self.runs(labels), from: Trie.suffixRoot), Trie.suffixEnd)
        }
        for suffix in Self.stemSuffixes {
            let labels = suffix.utf8.map { Int($0 &- 0x61) }
            builder.mark(builder.insert(Self.runs(labels), from: Trie.stemSuffixRoot), Trie.suffixEnd)
        }
        let scratch = FoldScratch()
        var termLabels: [[Int]] = []
        for (index, term) in terms.enumerated() {
            let labels = try Self.labels(of: term, index: index, isAllowListEntry: false, scratch: scratch)
            builder.mark(builder.insert(Self.runs(labels), from: Trie.termRoot), Int32(index))
            termLabels.append(labels)
        }
        var allowedLabels: [[Int]] = []
        for (index, word) in allowed.enumerated() {
            let labels = try Self.labels(of: word, index: index, isAllowListEntry: true, scratch: scratch)
            builder.mark(builder.insert(Self.runs(labels), from: Trie.termRoot), Trie.allowed)
            allowedLabels.append(labels)
        }
        // Derived spellings, after every real entry so that real entries win shared nodes.
        for (index, labels) in termLabels.enumerated() {
            if let form = Self.yToIe(labels) {
                builder.mark(builder.insert(Self.runs(form), from: Trie.termRoot), Int32(index))
            }
            if let stem = Self.silentEStem(labels) {
                builder.mark(builder.insert(Self.runs(stem), from: Trie.termRoot), Trie.firstTermStem - Int32(index))
            }
        }
        for labels in allowedLabels {
            if let form = Self.yToIe(labels) {
                builder.mark(builder.insert(Self.runs(form), from: Trie.termRoot), Trie.allowed)
            }
            if let stem = Self.silentEStem(labels) {
                builder.mark(builder.insert(Self.runs(stem), from: Trie.termRoot), Trie.allowedStem)
            }
        }
        termCount = terms.count
        allowedCount = allowed.count
        cells = builder.cells
        runCap = builder.runCap
    }

    /// The first match (leftmost start), or `nil`.
    public func firstMatch(in text: UnsafeBufferPointer<UInt8>, scratch: FoldScratch) -> WordMatch? {
        var found: WordMatch? = nil
        scan(text, scratch) { match in
            found = match
            return false
        }
        return found
    }

    /// Calls `body` for each match, left to right, without overlaps. `body` must not use `scratch`
    /// to fold or match other text.
    public func forEachMatch(in text: UnsafeBufferPointer<UInt8>, scratch: FoldScratch, _ body: (WordMatch) -> Void) {
        scan(text, scratch) { match in
            body(match)
            return true
        }
    }

    /// Folds `text` into `scratch`, then tries walks from every word start.
    /// `report` returns `false` to stop.
    private func scan(_ text: UnsafeBufferPointer<UInt8>, _ scratch: FoldScratch, _ report: (WordMatch) -> Bool) {
        TextFolder.fold(text, into: scratch)
        let n = scratch.count
        var steps = 0
        scratch.units.withUnsafeBufferPointer { unitBuffer in
            cells.withUnsafeBufferPointer { trie in
                let units = UnsafeBufferPointer(rebasing: unitBuffer[0..<n])
                var walker = Walker(text: units, trie: trie, runCap: runCap)
                defer { steps = walker.steps }
                // The whole scan's budget, linear in the text. Each walk's own budget is
                // linear in its word or run, but walks may start at many pieces of one run
                // (found by fuzzing: pipes and NULs, ~800k steps for 1 KB). Once this is
                // spent, each walk still gets `WordListMatcher.exhaustedWalkBudget` steps:
                // enough for a plain word, so the scan stays linear and still finds one.
                let scanBudget = WordListMatcher.scanStepsPerUnit &* n &+ 4096
                var i = 0
                // End of the furthest allowed match seen so far (its start is <= i).
                var allowedUntil = 0
                var wordStart = 0, wordEnd = 0, leadingLeet = 0, wordHasLeet = false
                var spacedRunHasLetter = true
                // Pieces of the current spaced run before `i`, and whether all of them are
                // one-letter words, digits or symbols (`I`, `u r a`, `2:`).
                var runPieces = 0, runPrefixSkippable = false
                while i < n {
                    if unitClass(units[i]) == UnitClass.separator {
                        i &+= 1
                        continue
                    }
                    if i == 0 || unitClass(units[i &- 1]) == UnitClass.separator {
                        wordStart = i
                        wordEnd = i
                        leadingLeet = 0
                        wordHasLeet = false
                        while wordEnd < n {
                            let c = unitClass(units[wordEnd])
                            if c == UnitClass.separator { break }
                            if c == UnitClass.leet {
                                wordHasLeet = true
                                if leadingLeet == wordEnd &- wordStart { leadingLeet &+= 1 }
                            }
                            wordEnd &+= 1
                        }
                    }
                    walker.resetResults()
                    let offset = i &- wordStart
                    if offset == 0 || (offset <= 3 && offset <= leadingLeet) {
                        walker.walk(from: i, spaced: false, budget: walker.budget(within: scanBudget, wordLength: wordEnd &- i))
                    }
                    if walker.pieces.isPiece(i) {
                        // A spaced run is walked from its first piece, from its first letter
                        // when digits or symbols come first ("2: f.u.c.k", "! f u c k"), and
                        // from the pieces after up to `maxSkipLetters` leading one-letter
                        // words ("I f u c k", "u r a b i t c h"). Never from other letters:
                        // "m a s s" is not "ass", and "a a a ..." stays linear.
                        let unit = units[i]
                        let isLetter = unitClass(unit) == UnitClass.letter
                        walker.pieces.wide = false
                        var startsHere = false
                        if walker.pieces.isRunStart(i) {
                            startsHere = true
                            spacedRunHasLetter = isLetter
                            runPieces = 0
                            runPrefixSkippable = true
                        } else if isLetter && !spacedRunHasLetter {
                            startsHere = true
                            spacedRunHasLetter = true
                        } else if runPrefixSkippable && runPieces <= Walker.maxSkipLetters
                            && walker.pieces.gap(before: i) == FoldedText.plainGap
                        {
                            // After one-letter words separated by spaces ("u r a b.i.t.c.h").
                            startsHere = true
                        } else if walker.pieces.styleBreak(before: i) {
                            // The separator style changes: "F U s.h.i.t" starts at the s.
                            startsHere = true
                        }
                        if isLetter && !isLeadingSkipLetter(unit) { runPrefixSkippable = false }
                        runPieces &+= 1
                        if startsHere {
                            walker.walk(from: i, spaced: true, budget: walker.budget(within: scanBudget, runFrom: i))
                        }
                        // Letters spaced out by two or three plain spaces ("f  u  c  k") are
                        // walked from the start of such a run only.
                        walker.pieces.wide = true
                        if walker.pieces.isRunStart(i) && walker.pieces.hasNextPiece(i) {
                            walker.walk(from: i, spaced: true, wide: true, budget: walker.budget(within: scanBudget, runFrom: i))
                        }
                    }
                    if walker.allowEnd > allowedUntil { allowedUntil = walker.allowEnd }
                    let end = walker.termEnd
                    if end > i && end > allowedUntil {
                        let match = WordMatch(range: scratch.start(of: i)..<scratch.end(of: end &- 1), termIndex: Int(walker.termIndex))
                        if !report(match) { return }
                        i = end
                        spacedRunHasLetter = true
                        runPrefixSkippable = false
                        continue
                    }
                    // Inside a word without l33t symbols nothing can start (no leading symbols
                    // to skip, no single-character pieces): go to its end.
                    i = (i == wordStart && !wordHasLeet) ? wordEnd : i &+ 1
                }
            }
        }
        scratch.lastMatchSteps = steps
    }

    /// Folds an entry and turns it into trie labels, validating it.
    private static func labels(
        of entry: String, index: Int, isAllowListEntry: Bool, scratch: FoldScratch
    ) throws(WordListError) -> [Int] {
        func failure(_ kind: WordListError.Kind, _ detail: String = "") -> WordListError {
            WordListError(kind, isAllowListEntry: isAllowListEntry, index: index, entry: entry, detail: detail)
        }
        if entry.isEmpty { throw failure(.emptyEntry) }
        let bytes = Array(entry.utf8)
        bytes.withUnsafeBufferPointer { TextFolder.fold($0, into: scratch) }
        var labels: [Int] = []
        var hasLetter = false
        for k in 0..<scratch.count {
            let unit = scratch.units[k]
            switch unitClass(unit) {
            case UnitClass.letter:
                labels.append(unit == TextFolder.capitalIUnit ? 8 : Int(unit &- 0x61))
                hasLetter = true
            case UnitClass.digit:
                labels.append(Label.firstDigit + Int(unit &- 0x30))
            case UnitClass.leet:
                // Staff may type l33t in a term ("$h!t"): store the letter it stands for.
                let letter: UInt8
                switch unit {
                case UInt8(ascii: "!"): letter = UInt8(ascii: "i")
                case UInt8(ascii: "@"): letter = UInt8(ascii: "a")
                case UInt8(ascii: "$"): letter = UInt8(ascii: "s")
                case UInt8(ascii: "+"): letter = UInt8(ascii: "t")
                case UInt8(ascii: "("): letter = UInt8(ascii: "c")
                default: letter = UInt8(ascii: "l")
                }
                labels.append(Int(letter &- 0x61))
            case UnitClass.otherLetter:
                let range = scratch.originalRange(ofFolded: k..<(k + 1))
                throw failure(.unsupportedCharacter, "'\(String(decoding: bytes[range], as: UTF8.self))'")
            default:
                if unit == TextFolder.symbolUnit {
                    // Emoji, CJK and the like fold to separators in text, so they could never match.
                    let range = scratch.originalRange(ofFolded: k..<(k + 1))
                    throw failure(.unsupportedCharacter, "'\(String(decoding: bytes[range], as: UTF8.self))'")
                }
                if unit == UInt8(ascii: "*") {
                    labels.append(Label.star)
                } else if let last = labels.last, last != Label.space {
                    labels.append(Label.space)
                }
            }
        }
        while labels.last == Label.space { labels.removeLast() }
        if !hasLetter { throw failure(.noLetters) }
        if labels.count > maxEntryLength { throw failure(.entryTooLong, "\(labels.count) characters, at most \(maxEntryLength)") }
        var k = 0
        while k < labels.count {
            if labels[k] == Label.star {
                var end = k
                while end < labels.count && labels[end] == Label.star { end += 1 }
                let before = k > 0 ? labels[k - 1] : Label.space
                let after = end < labels.count ? labels[end] : Label.space
                if before >= Label.space || after >= Label.space { throw failure(.misplacedWildcard) }
                k = end
            } else {
                k += 1
            }
        }
        return labels
    }

    /// Whether a label is a consonant letter.
    private static func isConsonant(_ label: Int) -> Bool {
        label < Label.firstDigit && ![0, 4, 8, 14, 20].contains(label)  // not a e i o u
    }

    /// `pussy` → `pussie`, so that `pussies`, `pussied` follow from the usual suffixes.
    /// Only for an entry ending in a consonant and a single `y`.
    private static func yToIe(_ labels: [Int]) -> [Int]? {
        let y = 24, i = 8, e = 4
        guard labels.count >= 4, labels[labels.count - 1] == y, isConsonant(labels[labels.count - 2]) else { return nil }
        return labels.dropLast() + [i, e]
    }

    /// `rape` → `rap`, which only matches before a suffix from `stemSuffixes` starting with a vowel
    /// (`raping`, `rapist`). Only for an entry ending in a single consonant and a silent `e`.
    private static func silentEStem(_ labels: [Int]) -> [Int]? {
        let e = 4
        guard labels.count >= 4, labels[labels.count - 1] == e, isConsonant(labels[labels.count - 2]),
              labels[labels.count - 2] != labels[labels.count - 3] else { return nil }
        return Array(labels.dropLast())
    }

    /// Collapses repeated labels into (label, minimum run length) pairs.
    private static func runs(_ labels: [Int]) -> [(label: Int, count: Int)] {
        var result: [(label: Int, count: Int)] = []
        for label in labels {
            if let last = result.last, last.label == label {
                result[result.count - 1].count += 1
            } else {
                result.append((label, 1))
            }
        }
        return result
    }
}

/// Trie edge labels: the matcher's alphabet.
enum Label {
    /// Letters are 0..<26 (`a` is 0), digits 26..<36.
    static let firstDigit = 26
    /// A run of separators inside a phrase entry.
    static let space = 36
    /// The `*` masked-letter wildcard.
    static let star = 37
    static let count = 38
}

/// Layout of the flat trie: one record of `stride` Int32 cells per node.
///
/// A node is reached by a run of one label with at least `minCount` copies; children of a node
/// with the same label but different minimum counts (`as`, `ass`) are chained through `sibling`.
/// Node 0 is the root of terms and allowed words, node 1 the root of inflection suffixes, node 2
/// the root of stem suffixes; none is ever a child, so 0 means "no child".
enum Trie {
    static let stride = Label.count + 3
    static let siblingSlot = Label.count
    static let minCountSlot = Label.count + 1
    static let endSlot = Label.count + 2
    static let termRoot = 0
    static let suffixRoot = 1
    /// Root of the suffixes that may follow a stem without its silent e (`stemSuffixes`).
    static let stemSuffixRoot = 2
    /// End kinds: >= 0 is a term index.
    static let noEnd: Int32 = -1
    static let allowed: Int32 = -2
    static let suffixEnd: Int32 = -3
    /// An allowed word without its final silent e; only ends a match before a stem suffix.
    static let allowedStem: Int32 = -4
    /// `firstTermStem - index`: term `index` without its final silent e (`rap` of `rape`).
    static let firstTermStem: Int32 = -5

    /// Precedence when entries share a trie node: allowed words, then terms (the first one), then
    /// stems of allowed words, then stems of terms.
    static func rank(_ kind: Int32) -> Int {
        if kind == allowed { return 4 }
        if kind >= 0 { return 3 }
        if kind == allowedStem { return 2 }
        if kind <= firstTermStem { return 1 }
        if kind == suffixEnd { return 0 }  // only in the suffix subtrees
        return -1
    }
}

struct TrieBuilder {
    var cells: [Int32] = []
    var nodeCount = 0
    var runCap = 1

    init() {
        _ = addNode(minCount: 0)
        _ = addNode(minCount: 0)
        _ = addNode(minCount: 0)
    }

    mutating func addNode(minCount: Int) -> Int {
        cells.append(contentsOf: repeatElement(0, count: Trie.stride))
        let node = nodeCount
        nodeCount += 1
        cells[node * Trie.stride + Trie.minCountSlot] = Int32(minCount)
        cells[node * Trie.stride + Trie.endSlot] = Trie.noEnd
        return node
    }

    mutating func insert(_ runs: [(label: Int, count: Int)], from root: Int) -> Int {
        var node = root
        for (label, count) in runs {
            runCap = max(runCap, count)
            var child = Int(cells[node * Trie.stride + label])
            var last = 0
            while child != 0 && Int(cells[child * Trie.stride + Trie.minCountSlot]) != count {
                last = child
                child = Int(cells[child * Trie.stride + Trie.siblingSlot])
            }
            if child == 0 {
                child = addNode(minCount: count)
                if last == 0 {
                    cells[node * Trie.stride + label] = Int32(child)
                } else {
                    cells[last * Trie.stride + Trie.siblingSlot] = Int32(child)
                }
            }
            node = child
        }
        return node
    }

    /// Marks an entry end: allowed beats a term, a term beats stems, the first term beats later
    /// duplicates (see `Trie.rank`).
    mutating func mark(_ node: Int, _ kind: Int32) {
        let slot = node * Trie.stride + Trie.endSlot
        if Trie.rank(kind) > Trie.rank(cells[slot]) {
            cells[slot] = kind
        }
    }
}

extension Walker {
    /// A walk's step budget from the scan's: 256 steps plus 16 per unit of the word (at most 4,096
    /// units), within what the scan has left; `WordListMatcher.exhaustedWalkBudget` once it is spent.
    func budget(within scanBudget: Int, wordLength: Int) -> Int {
        let left = scanBudget &- steps
        if left <= WordListMatcher.exhaustedWalkBudget { return WordListMatcher.exhaustedWalkBudget }
        return min(256 &+ 16 &* min(wordLength, 4096), left)
    }

    /// The same for a spaced walk from `start`, sized by the run's extent. The run is only measured
    /// while budget is left: measuring is itself linear in the run, and must not be repeated at every
    /// piece once the scan's budget is spent.
    func budget(within scanBudget: Int, runFrom start: Int) -> Int {
        let left = scanBudget &- steps
        if left <= WordListMatcher.exhaustedWalkBudget { return WordListMatcher.exhaustedWalkBudget }
        return min(256 &+ 16 &* pieces.runExtent(from: start), left)
    }
}
