/// Folds UTF-8 text into a one-byte-per-unit alphabet that the word-list matcher walks.
///
/// Folding happens once per message so the matcher never decodes UTF-8 or looks at Unicode
/// again. Each folded unit is one of:
/// - `a`...`z`: a letter after case folding, diacritic stripping, homoglyph, fullwidth,
///   mathematical and enclosed-form mapping (`ｆ`, `ü`, `ſ`, Cyrillic `с`, Greek `ο`, `𝐟`, `ⓕ`);
/// - `TextFolder.capitalIUnit` (`I`) for an ASCII capital I next to an ASCII lower-case letter,
///   which the matcher reads as `i` or `l` (`sIut`, `SIut`: a capital I for the l; in capitals,
///   `SHILLONG`, it is just an `i`);
/// - `0`...`9` and the ASCII punctuation/symbols as themselves (l33t is decided by the matcher);
/// - `" "` for any whitespace or control character;
/// - `TextFolder.otherLetterUnit` for letters of other alphabets (word characters that never match);
/// - `TextFolder.symbolUnit` for other symbols, emoji, other scripts without spaces (CJK) and
///   invalid UTF-8 bytes: separators.
/// Invisible characters (zero-width spaces/joiners, U+2060, U+FEFF, soft hyphen, combining marks,
/// variation selectors, bidi controls, tag characters) produce no unit: they are glued to the
/// preceding unit, whose original range grows to cover them.
/// A character may produce several units (`ß` gives `ss`, `æ` gives `ae`, `ﬃ` gives `ffi`);
/// all of them map back to the whole character. A character never produces more units than
/// it has bytes, so the scratch needs at most `text.count` units.
public enum TextFolder {
    /// Folded unit for a letter of an alphabet the folder does not map to Latin (a word character).
    public static let otherLetterUnit: UInt8 = 0x01
    /// Folded unit for symbols, emoji, unmapped scripts and invalid UTF-8 bytes (a separator).
    public static let symbolUnit: UInt8 = 0x02
    /// Folded unit for an ASCII capital `I` next to a lower-case letter: `i`, or an `l` in disguise.
    public static let capitalIUnit: UInt8 = 0x49

    /// Folds `text` into `scratch`, replacing its previous content.
    ///
    /// Never reads outside `text`; invalid UTF-8 bytes become one `symbolUnit` each.
    ///
    /// Most messages are ASCII, where unit `k` is byte `k`: the leading ASCII run is folded by a
    /// tight loop that writes only the units, and the byte offsets (`starts`, `ends`) are filled in
    /// only when a non-ASCII byte follows (`FoldScratch.isIdentity` tells the matcher which).
    public static func fold(_ text: UnsafeBufferPointer<UInt8>, into scratch: FoldScratch) {
        let n = text.count
        scratch.prepare(capacity: n)
        var count = 0
        scratch.units.withUnsafeMutableBufferPointer { units in
            // ASCII: one unit per byte, in place.
            var i = 0
            while i < n {
                let b0 = text[i]
                if b0 >= 0x80 { break }
                var unit = ScalarFold.ascii(b0)
                if b0 == 0x49 && ((i &+ 1 < n && text[i &+ 1] &- 0x61 < 26) || (i > 0 && text[i &- 1] &- 0x61 < 26)) {
                    unit = capitalIUnit
                }
                units[i] = unit
                i &+= 1
            }
            count = i
            if i == n { return }
            scratch.isIdentity = false
            scratch.starts.withUnsafeMutableBufferPointer { starts in
                scratch.ends.withUnsafeMutableBufferPointer { ends in
                    for k in 0..<count {
                        starts[k] = k
                        ends[k] = k &+ 1
                    }
                    let capacity = units.count
                    while i < n {
                        let b0 = text[i]
                        if b0 < 0x80 {
                            var unit = ScalarFold.ascii(b0)
                            if b0 == 0x49
                                && ((i &+ 1 < n && text[i &+ 1] &- 0x61 < 26) || (i > 0 && text[i &- 1] &- 0x61 < 26))
                            {
                                unit = capitalIUnit
                            }
                            units[count] = unit
                            starts[count] = i
                            ends[count] = i &+ 1
                            count &+= 1
                            i &+= 1
                            continue
                        }
                        let (scalar, length) = decode(text, at: i)
                        if length == 0 {
                            units[count] = symbolUnit
                            starts[count] = i
                            ends[count] = i &+ 1
                            count &+= 1
                            i &+= 1
                            continue
                        }
                        var packed = ScalarFold.fold(scalar)
                        if packed == 0 {
                            // Invisible: extend the previous unit so masks cover it too.
                            if count > 0 { ends[count &- 1] = i &+ length }
                        } else {
                            while packed != 0 && count < capacity {
                                units[count] = UInt8(truncatingIfNeeded: packed)
                                starts[count] = i
                                ends[count] = i &+ length
                                count &+= 1
                                packed >>= 8
                            }
                        }
                        i &+= length
                    }
                }
            }
        }
        scratch.count = count
    }

    /// Number of visible characters in `range` of `text`: Unicode scalars, not counting the
    /// invisible ones the folder drops (zero-width characters, combining marks, variation
    /// selectors); each invalid byte counts as one.
    ///
    /// A mask action writes this many `*`, so `fu\u{301}ck` becomes `****`, like what the user saw.
    /// It is an allocation-free approximation of grapheme clusters (an emoji sequence joined by
    /// U+200D still counts each emoji).
    public static func characterCount(in text: UnsafeBufferPointer<UInt8>, range: Range<Int>) -> Int {
        let lower = max(0, range.lowerBound)
        let upper = min(text.count, range.upperBound)
        var i = lower
        var characters = 0
        while i < upper {
            if text[i] < 0x80 {
                i &+= 1
                characters &+= 1
                continue
            }
            let (scalar, length) = decode(text, at: i)
            if length == 0 {
                i &+= 1
                characters &+= 1
            } else {
                i &+= length
                if ScalarFold.fold(scalar) != ScalarFold.drop { characters &+= 1 }
            }
        }
        return characters
    }

    /// Decodes one UTF-8 scalar starting at `i` (a non-ASCII lead byte).
    /// Returns length 0 for anything invalid: stray continuation, overlong form, surrogate,
    /// beyond U+10FFFF, or truncated at the end of the buffer.
    @inline(__always)
    static func decode(_ t: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int) {
        let n = t.count
        let b0 = t[i]
        switch b0 {
        case 0xC2...0xDF:
            guard i &+ 1 < n else { return (0, 0) }
            let b1 = t[i &+ 1]
            guard b1 & 0xC0 == 0x80 else { return (0, 0) }
            return (UInt32(b0 & 0x1F) << 6 | UInt32(b1 & 0x3F), 2)
        case 0xE0...0xEF:
            guard i &+ 2 < n else { return (0, 0) }
            let b1 = t[i &+ 1], b2 = t[i &+ 2]
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80 else { return (0, 0) }
            if b0 == 0xE0 && b1 < 0xA0 { return (0, 0) }
            if b0 == 0xED && b1 >= 0xA0 { return (0, 0) }
            return (UInt32(b0 & 0x0F) << 12 | UInt32(b1 & 0x3F) << 6 | UInt32(b2 & 0x3F), 3)
        case 0xF0...0xF4:
            guard i &+ 3 < n else { return (0, 0) }
            let b1 = t[i &+ 1], b2 = t[i &+ 2], b3 = t[i &+ 3]
            guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, b3 & 0xC0 == 0x80 else { return (0, 0) }
            if b0 == 0xF0 && b1 < 0x90 { return (0, 0) }
            if b0 == 0xF4 && b1 >= 0x90 { return (0, 0) }
            return (UInt32(b0 & 0x07) << 18 | UInt32(b1 & 0x3F) << 12 | UInt32(b2 & 0x3F) << 6 | UInt32(b3 & 0x3F), 4)
        default:
            return (0, 0)
        }
    }
}
