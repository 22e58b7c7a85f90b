/// Hand-written folding of single Unicode scalars to folded units.
///
/// A result packs up to three unit bytes, lowest byte first; 0 means "invisible, drop it".
/// Tables cover what evaders actually use (Latin-1, Latin Extended-A/B/Additional, small
/// capitals, Greek and Cyrillic look-alikes, fullwidth, letterlike, enclosed, mathematical
/// and regional-indicator letters); everything else is either an "other letter" (Latin,
/// Greek, Cyrillic blocks: a word character that never matches) or a separator symbol.
enum ScalarFold {
    static let drop: UInt32 = 0
    static let space: UInt32 = 0x20
    static let other: UInt32 = UInt32(TextFolder.otherLetterUnit)
    static let symbol: UInt32 = UInt32(TextFolder.symbolUnit)

    /// ASCII: upper case to lower case, whitespace and controls to a space, the rest unchanged.
    /// (`TextFolder.fold` keeps a capital `I` next to a lower-case letter as `capitalIUnit`.)
    @inline(__always)
    static func ascii(_ b: UInt8) -> UInt8 {
        if b &- 0x41 < 26 { return b | 0x20 }
        if b <= 0x20 || b == 0x7F { return 0x20 }
        return b
    }

    @inline(__always)
    static func letter(_ offset: UInt32) -> UInt32 { 0x61 &+ offset }

    @inline(__always)
    static func ch(_ c: Unicode.Scalar) -> UInt32 { c.value }

    static func fold(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x80..<0xA0: return space  // C1 controls, including NEL
        case 0xA0..<0x180: return FoldTables.latin[Int(cp &- 0xA0)]
        case 0x180..<0x250: return latinExtendedB(cp)
        case 0x250..<0x2B0: return ipa(cp)
        case 0x2B0..<0x300: return modifier(cp)
        case 0x300..<0x370: return drop  // combining diacritical marks
        case 0x370..<0x400: return greek(cp)
        case 0x400..<0x530: return cyrillic(cp)
        case 0x530..<0x590: return armenian(cp)
        case 0x1D00..<0x1DC0: return phonetic(cp)
        case 0x2070..<0x20A0: return superscript(cp)
        case 0x1E00..<0x1F00: return FoldTables.latinExtendedAdditional[Int(cp &- 0x1E00)]
        case 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return space
        case 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2064, 0x2066...0x206F, 0xFEFF,
             0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F, 0x3164, 0xFFA0,
             0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F,
             0x1BCA0...0x1BCA3, 0xE0000...0xE007F, 0xE0100...0xE01EF, 0x1D173...0x1D17A, 0xFFF9...0xFFFB:
            return drop
        case 0x2018, 0x2019, 0x201B, 0x2032: return 0x27  // ‘ ’ ‛ ′: apostrophes, for contractions
        case 0x2100..<0x2150: return letterlike(cp)
        case 0x2160..<0x2180: return romanNumeral(cp)
        case 0x2C60..<0x2C80: return latinExtendedC(cp)
        case 0x249C...0x24B5: return letter(cp &- 0x249C)  // parenthesized ⒜
        case 0x24B6...0x24CF: return letter(cp &- 0x24B6)  // circled Ⓐ
        case 0x24D0...0x24E9: return letter(cp &- 0x24D0)  // circled ⓐ
        case 0xA730: return ch("f")  // small capital ꜰ
        case 0xA731: return ch("s")  // small capital ꜱ
        case 0xFB00: return pack("ff")
        case 0xFB01: return pack("fi")
        case 0xFB02: return pack("fl")
        case 0xFB03: return pack("ffi")
        case 0xFB04: return pack("ffl")
        case 0xFB05, 0xFB06: return pack("st")
        case 0xFF01...0xFF5E: return UInt32(ascii(UInt8(truncatingIfNeeded: cp &- 0xFEE0)))  // fullwidth
        case 0x1D400...0x1D6A3: return letter((cp &- 0x1D400) % 52 % 26)  // math bold/italic/script/...
        case 0x1D6A4: return ch("i")
        case 0x1D6A5: return ch("j")
        case 0x1D7CE...0x1D7FF: return 0x30 &+ (cp &- 0x1D7CE) % 10  // math digits
        case 0x1F130...0x1F149: return letter(cp &- 0x1F130)  // squared 🄰
        case 0x1F150...0x1F169: return letter(cp &- 0x1F150)  // negative circled 🅐
        case 0x1F170...0x1F189: return letter(cp &- 0x1F170)  // negative squared 🅰
        case 0x1F1E6...0x1F1FF: return letter(cp &- 0x1F1E6)  // regional indicators 🇦
        default: return symbol
        }
    }

    static func latinExtendedB(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x180, 0x181, 0x243, 0x184, 0x185: return ch("b")
        case 0x187, 0x188, 0x23B, 0x23C: return ch("c")
        case 0x18A, 0x18B, 0x18C: return ch("d")
        case 0x191, 0x192: return ch("f")
        case 0x193, 0x1E4...0x1E7, 0x1F4, 0x1F5: return ch("g")
        case 0x197: return ch("i")
        case 0x1C0: return ch("|")  // ǀ dental click
        case 0x198, 0x199, 0x1E8, 0x1E9: return ch("k")
        case 0x19A, 0x23D: return ch("l")
        case 0x19D, 0x19E, 0x1F8, 0x1F9: return ch("n")
        case 0x1A0, 0x1A1, 0x1D1, 0x1D2, 0x1EA...0x1ED, 0x1FE, 0x1FF, 0x20C...0x20F, 0x22A...0x231: return ch("o")
        case 0x1A4, 0x1A5: return ch("p")
        case 0x1AB, 0x1AC, 0x1AD, 0x21A, 0x21B, 0x23E: return ch("t")
        case 0x1AF, 0x1B0, 0x1D3...0x1DC, 0x214...0x217, 0x244: return ch("u")
        case 0x1B2: return ch("v")
        case 0x1B3, 0x1B4, 0x232, 0x233, 0x24E, 0x24F: return ch("y")
        case 0x1B5, 0x1B6, 0x240: return ch("z")
        case 0x1CD, 0x1CE, 0x1DE...0x1E1, 0x1FA, 0x1FB, 0x200...0x203, 0x226, 0x227, 0x23A: return ch("a")
        case 0x1E2, 0x1E3, 0x1FC, 0x1FD: return pack("ae")
        case 0x1CF, 0x1D0, 0x208...0x20B: return ch("i")
        case 0x1DD, 0x204...0x207, 0x228, 0x229, 0x246, 0x247: return ch("e")
        case 0x1F0, 0x237, 0x248, 0x249: return ch("j")
        case 0x210...0x213, 0x24C, 0x24D: return ch("r")
        case 0x218, 0x219, 0x23F: return ch("s")
        case 0x21E, 0x21F: return ch("h")
        case 0x24A, 0x24B: return ch("q")
        default: return other
        }
    }

    /// IPA block: the small capitals and single-storey letters used by "small caps" generators.
    static func ipa(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x251, 0x250, 0x252: return ch("a")  // ɑ ɐ ɒ
        case 0x253: return ch("b")  // ɓ
        case 0x255: return ch("c")  // ɕ
        case 0x256, 0x257: return ch("d")  // ɖ ɗ
        case 0x260: return ch("g")  // ɠ
        case 0x268: return ch("i")  // ɨ
        case 0x26B, 0x26C, 0x26D: return ch("l")  // ɫ ɬ ɭ
        case 0x271: return ch("m")  // ɱ
        case 0x272, 0x273: return ch("n")  // ɲ ɳ
        case 0x27D: return ch("r")  // ɽ
        case 0x288: return ch("t")  // ʈ
        case 0x289: return ch("u")  // ʉ
        case 0x28B: return ch("v")  // ʋ
        case 0x290, 0x291: return ch("z")  // ʐ ʑ
        case 0x29D: return ch("j")  // ʝ
        case 0x25B: return ch("e")  // ɛ
        case 0x261, 0x262: return ch("g")  // ɡ ɢ
        case 0x266, 0x29C: return ch("h")  // ɦ ʜ
        case 0x269, 0x26A: return ch("i")  // ɩ ɪ
        case 0x274: return ch("n")  // ɴ
        case 0x275: return ch("o")  // ɵ
        case 0x27E, 0x280: return ch("r")  // ɾ ʀ
        case 0x282: return ch("s")  // ʂ
        case 0x28A: return ch("u")  // ʊ
        case 0x28F: return ch("y")  // ʏ
        case 0x299: return ch("b")  // ʙ
        case 0x29F: return ch("l")  // ʟ
        default: return other
        }
    }

    /// Spacing modifier letters: the superscripts used by "tiny text" generators (ʰ ʲ ʳ ˡ ˢ ...).
    static func modifier(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x2BC: return 0x27  // ʼ modifier apostrophe
        case 0x2B0: return ch("h")
        case 0x2B2: return ch("j")
        case 0x2B3: return ch("r")
        case 0x2B7: return ch("w")
        case 0x2B8: return ch("y")
        case 0x2E1: return ch("l")
        case 0x2E2: return ch("s")
        case 0x2E3: return ch("x")
        default: return other
        }
    }

    /// Superscript and subscript digits and letters (U+2070...U+209F).
    static func superscript(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x2070: return ch("0")
        case 0x2071: return ch("i")
        case 0x2074...0x2079: return 0x34 &+ (cp &- 0x2074)
        case 0x207F: return ch("n")
        case 0x2080...0x2089: return 0x30 &+ (cp &- 0x2080)
        case 0x2090: return ch("a")
        case 0x2091: return ch("e")
        case 0x2092: return ch("o")
        case 0x2093: return ch("x")
        case 0x2095: return ch("h")
        case 0x2096: return ch("k")
        case 0x2097: return ch("l")
        case 0x2098: return ch("m")
        case 0x2099: return ch("n")
        case 0x209A: return ch("p")
        case 0x209B: return ch("s")
        case 0x209C: return ch("t")
        default: return symbol
        }
    }

    /// Phonetic extensions: small capitals ᴀ ᴄ ᴅ ᴇ ..., modifier (superscript) letters ᴬ ᵃ ᶠ ...
    static func phonetic(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x1D2C, 0x1D43, 0x1D44: return ch("a")
        case 0x1D2E, 0x1D47: return ch("b")
        case 0x1D9C: return ch("c")
        case 0x1D30, 0x1D48: return ch("d")
        case 0x1D31, 0x1D49: return ch("e")
        case 0x1DA0: return ch("f")
        case 0x1D33, 0x1D4D: return ch("g")
        case 0x1D34: return ch("h")
        case 0x1D35, 0x1D62, 0x1DA6: return ch("i")
        case 0x1D36: return ch("j")
        case 0x1D37, 0x1D4F: return ch("k")
        case 0x1D38, 0x1DAB: return ch("l")
        case 0x1D39, 0x1D50: return ch("m")
        case 0x1D3A, 0x1DB0: return ch("n")
        case 0x1D3C, 0x1D52: return ch("o")
        case 0x1D3E, 0x1D56: return ch("p")
        case 0x1D3F, 0x1D63: return ch("r")
        case 0x1D40, 0x1D57: return ch("t")
        case 0x1D41, 0x1D58, 0x1D64, 0x1DB8: return ch("u")
        case 0x1D5B, 0x1D65: return ch("v")
        case 0x1D42: return ch("w")
        case 0x1DBB: return ch("z")
        case 0x1D00: return ch("a")
        case 0x1D04: return ch("c")
        case 0x1D05: return ch("d")
        case 0x1D07: return ch("e")
        case 0x1D0A: return ch("j")
        case 0x1D0B: return ch("k")
        case 0x1D0C: return ch("l")
        case 0x1D0D: return ch("m")
        case 0x1D0F: return ch("o")
        case 0x1D18: return ch("p")
        case 0x1D1B: return ch("t")
        case 0x1D1C: return ch("u")
        case 0x1D20: return ch("v")
        case 0x1D21: return ch("w")
        case 0x1D22: return ch("z")
        default: return other
        }
    }

    /// Greek letters that look like Latin ones; the rest are "other letters".
    static func greek(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x391, 0x3B1, 0x386, 0x3AC: return ch("a")  // Α α Ά ά
        case 0x392, 0x3B2: return ch("b")  // Β β
        case 0x3F2, 0x3F9: return ch("c")  // lunate sigma ϲ Ϲ
        case 0x395, 0x3B5, 0x388, 0x3AD: return ch("e")  // Ε ε Έ έ
        case 0x397, 0x389: return ch("h")  // Η Ή
        case 0x399: return ch("|")  // Ι: capital iota, an i or an l, like the ASCII bar
        case 0x3B9, 0x38A, 0x3AF, 0x3AA, 0x3CA, 0x390: return ch("i")  // ι Ί ί Ϊ ϊ ΐ
        case 0x3F3: return ch("j")  // ϳ
        case 0x39A, 0x3BA: return ch("k")  // Κ κ
        case 0x39C: return ch("m")  // Μ
        case 0x39D, 0x3B7, 0x3AE: return ch("n")  // Ν η ή
        case 0x39F, 0x3BF, 0x38C, 0x3CC: return ch("o")  // Ο ο Ό ό
        case 0x3A1, 0x3C1: return ch("p")  // Ρ ρ
        case 0x3A4, 0x3C4: return ch("t")  // Τ τ
        case 0x3C5, 0x3CD, 0x3CB, 0x3B0, 0x3BC: return ch("u")  // υ ύ ϋ ΰ μ
        case 0x3BD: return ch("v")  // ν
        case 0x3C9, 0x3CE: return ch("w")  // ω ώ
        case 0x3A7, 0x3C7: return ch("x")  // Χ χ
        case 0x3A5, 0x38E, 0x3AB, 0x3B3, 0x3D2...0x3D4: return ch("y")  // Υ Ύ Ϋ γ ϒ
        case 0x396: return ch("z")  // Ζ
        case 0x3C3: return ch("o")  // σ
        case 0x3B4: return ch("d")  // δ
        case 0x3DC, 0x3DD: return ch("f")  // digamma Ϝ ϝ
        case 0x3D0: return ch("b")  // ϐ
        case 0x3F5: return ch("e")  // ϵ
        case 0x3F1: return ch("p")  // ϱ
        case 0x3F0: return ch("k")  // ϰ
        case 0x37F: return ch("j")  // Ϳ
        case 0x37E, 0x387, 0x375, 0x384, 0x385: return symbol  // Greek punctuation and spacing accents
        default: return other
        }
    }

    /// Cyrillic letters that look like Latin ones; the rest are "other letters".
    static func cyrillic(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x410, 0x430: return ch("a")  // А а
        case 0x412, 0x432: return ch("b")  // В в
        case 0x421, 0x441: return ch("c")  // С с
        case 0x500, 0x501: return ch("d")  // Ԁ ԁ
        case 0x415, 0x435, 0x400, 0x401, 0x450, 0x451: return ch("e")  // Е е Ѐ Ё ѐ ё
        case 0x41D, 0x43D, 0x4BA, 0x4BB: return ch("h")  // Н н Һ һ
        case 0x406: return ch("|")  // І: an i or an l, like the ASCII bar
        case 0x456, 0x407, 0x457: return ch("i")  // і Ї ї
        case 0x408, 0x458: return ch("j")  // Ј ј
        case 0x41A, 0x43A: return ch("k")  // К к
        case 0x41C, 0x43C: return ch("m")  // М м
        case 0x43F: return ch("n")  // п
        case 0x41E, 0x43E: return ch("o")  // О о
        case 0x420, 0x440: return ch("p")  // Р р
        case 0x51A, 0x51B: return ch("q")  // Ԛ ԛ
        case 0x405, 0x455: return ch("s")  // Ѕ ѕ
        case 0x422, 0x442: return ch("t")  // Т т
        case 0x51C, 0x51D, 0x460, 0x461: return ch("w")  // Ԝ ԝ Ѡ ѡ
        case 0x425, 0x445: return ch("x")  // Х х
        case 0x423, 0x443, 0x4AE, 0x4AF: return ch("y")  // У у Ү ү
        case 0x4C0, 0x4CF: return ch("|")  // palochka Ӏ ӏ: i or l, like the ASCII bar
        case 0x42C, 0x44C, 0x431: return ch("b")  // Ь ь б
        case 0x433, 0x403, 0x453, 0x490, 0x491: return ch("r")  // г ѓ Ѓ Ґ ґ
        case 0x492, 0x493: return ch("f")  // Ғ ғ
        case 0x474...0x477: return ch("v")  // Ѵ ѵ Ѷ ѷ
        case 0x404, 0x454, 0x4BC...0x4BF, 0x4D6, 0x4D7: return ch("e")  // Є є Ҽ ҽ Ӗ ӗ
        case 0x49A...0x4A1: return ch("k")  // Қ қ Ҝ ҝ Ҟ ҟ Ҡ ҡ
        case 0x4AA, 0x4AB: return ch("c")  // Ҫ ҫ
        case 0x4B2, 0x4B3: return ch("x")  // Ҳ ҳ
        case 0x4B0, 0x4B1, 0x40E, 0x45E, 0x4EE...0x4F3: return ch("y")  // Ұ ұ Ў ў Ӯ ӯ Ӱ ӱ Ӳ ӳ
        case 0x4D0...0x4D3: return ch("a")  // Ӑ ӑ Ӓ ӓ
        case 0x472, 0x473, 0x4E6...0x4E9: return ch("o")  // Ѳ ѳ Ӧ ӧ Ө ө
        case 0x4E4, 0x4E5: return ch("i")  // Ӥ ӥ
        case 0x448: return ch("w")  // ш
        case 0x446: return ch("u")  // ц
        case 0x483...0x489: return drop  // combining marks
        case 0x482: return symbol  // ҂
        default: return other
        }
    }

    /// Armenian letters that look like Latin ones (listed as confusables by Unicode); the rest are
    /// "other letters", punctuation is a separator.
    static func armenian(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x57D, 0x54D: return ch("u")  // ս Ս
        case 0x585, 0x555: return ch("o")  // օ Օ
        case 0x570: return ch("h")  // հ
        case 0x578, 0x57C: return ch("n")  // ո ռ
        case 0x581: return ch("g")  // ց
        case 0x566: return ch("q")  // զ
        case 0x584: return ch("p")  // ք
        case 0x54F: return ch("s")  // Տ
        case 0x53C: return ch("l")  // Լ
        case 0x561: return ch("w")  // ա
        case 0x531...0x556, 0x560...0x588: return other
        default: return symbol
        }
    }

    /// Latin Extended-C: letters with strokes and hooks (ⱥ ⱦ ⱡ ⱨ ⱪ ...).
    static func latinExtendedC(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x2C60, 0x2C61, 0x2C62: return ch("l")
        case 0x2C63: return ch("p")
        case 0x2C64: return ch("r")
        case 0x2C65: return ch("a")
        case 0x2C66: return ch("t")
        case 0x2C67, 0x2C68: return ch("h")
        case 0x2C69, 0x2C6A: return ch("k")
        case 0x2C6B, 0x2C6C, 0x2C7F: return ch("z")
        case 0x2C71, 0x2C74: return ch("v")
        case 0x2C72, 0x2C73: return ch("w")
        case 0x2C78: return ch("e")
        case 0x2C7A: return ch("o")
        case 0x2C7C: return ch("j")
        case 0x2C7E: return ch("s")
        default: return other
        }
    }

    /// Roman numerals Ⅰ...ↀ and ⅰ...ⅿ: the letters they are drawn with (Ⅰ as an i or l).
    static func romanNumeral(_ cp: UInt32) -> UInt32 {
        if cp == 0x2170 { return ch("i") }  // ⅰ
        switch (cp &- 0x2160) & 0xF {
        case 0x0: return ch("|")
        case 0x1: return pack("ii")
        case 0x2: return pack("iii")
        case 0x3: return pack("iv")
        case 0x4: return ch("v")
        case 0x5: return pack("vi")
        case 0x6: return pack("vii")
        case 0x8: return pack("ix")
        case 0x9: return ch("x")
        case 0xA: return pack("xi")
        case 0xB: return pack("xii")
        case 0xC: return ch("l")
        case 0xD: return ch("c")
        case 0xE: return ch("d")
        case 0xF: return ch("m")
        default: return symbol  // Ⅷ ⅷ: four units would not fit
        }
    }

    static func letterlike(_ cp: UInt32) -> UInt32 {
        switch cp {
        case 0x2102, 0x212D: return ch("c")
        case 0x2145, 0x2146: return ch("d")
        case 0x212F, 0x2130, 0x2147: return ch("e")
        case 0x2131: return ch("f")
        case 0x210A: return ch("g")
        case 0x210B...0x210E: return ch("h")
        case 0x2110, 0x2111, 0x2139, 0x2148: return ch("i")
        case 0x2149: return ch("j")
        case 0x212A: return ch("k")  // Kelvin sign
        case 0x2112, 0x2113: return ch("l")
        case 0x2133: return ch("m")
        case 0x2115: return ch("n")
        case 0x2134: return ch("o")
        case 0x2119: return ch("p")
        case 0x211A: return ch("q")
        case 0x211B...0x211D: return ch("r")
        case 0x2124, 0x2128: return ch("z")
        case 0x212B: return ch("a")  // Angstrom sign
        case 0x212C: return ch("b")
        default: return symbol
        }
    }

    /// Packs up to three ASCII bytes, lowest first.
    static func pack(_ s: String) -> UInt32 {
        var value: UInt32 = 0
        var shift: UInt32 = 0
        for b in s.utf8.prefix(3) {
            value |= UInt32(b) << shift
            shift += 8
        }
        return value
    }
}

/// Tables built once from hand-written, human-checkable specs.
enum FoldTables {
    /// U+00A0..<U+0180: Latin-1 Supplement symbols and letters, then Latin Extended-A.
    static let latin: [UInt32] = {
        let sym = ScalarFold.symbol
        // U+00A0...U+00BF; "-" drops (soft hyphen), "_" is a separator symbol, ¢ reads as c.
        let symbols = " ! c _ _ _ | _ _ _ a _ _ - _ _ _ _ 2 3 _ u _ _ _ 1 o _ _ _ _ _"
        // U+00C0...U+00FF.
        let letters = "a a a a a a ae c e e e e i i i i d n o o o o o x o u u u u y th ss "
            + "a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th y"
        var table: [UInt32] = []
        for token in (symbols + " " + letters).split(separator: " ") {
            switch token {
            case "_": table.append(sym)
            case "-": table.append(ScalarFold.drop)
            default: table.append(ScalarFold.pack(String(token)))
            }
        }
        // U+00A0 is a no-break space; split() dropped its leading token, so put it back first.
        table.insert(ScalarFold.space, at: 0)
        // Latin Extended-A, U+0100...U+017F, as runs of the same base letter in code point order.
        let extendedA: [(String, Int)] = [
            ("a", 6), ("c", 8), ("d", 4), ("e", 10), ("g", 8), ("h", 4), ("i", 10), ("ij", 2),
            ("j", 2), ("k", 3), ("l", 10), ("n", 9), ("o", 6), ("oe", 2), ("r", 6), ("s", 8),
            ("t", 6), ("u", 12), ("w", 2), ("y", 3), ("z", 6), ("s", 1),
        ]
        for (base, run) in extendedA {
            table.append(contentsOf: repeatElement(ScalarFold.pack(base), count: run))
        }
        precondition(table.count == 0x180 - 0xA0, "Latin fold table has \(table.count) entries")
        return table
    }()

    /// U+1E00..<U+1F00: Latin Extended Additional (dots below, Vietnamese, ...), as runs.
    static let latinExtendedAdditional: [UInt32] = {
        let runs: [(String, Int)] = [
            ("a", 2), ("b", 6), ("c", 2), ("d", 10), ("e", 10), ("f", 2), ("g", 2), ("h", 10),
            ("i", 4), ("k", 6), ("l", 8), ("m", 6), ("n", 8), ("o", 8), ("p", 4), ("r", 8),
            ("s", 10), ("t", 8), ("u", 10), ("v", 4), ("w", 10), ("x", 4), ("y", 2), ("z", 6),
            // U+1E96...U+1E9F: ẖ ẗ ẘ ẙ ẚ ẛ ẜ ẝ ẞ ẟ
            ("h", 1), ("t", 1), ("w", 1), ("y", 1), ("a", 1), ("s", 3), ("ss", 1), ("d", 1),
            // U+1EA0...U+1EFF: Vietnamese vowels, then Ỻ ỻ Ỽ ỽ Ỿ ỿ
            ("a", 24), ("e", 16), ("i", 4), ("o", 24), ("u", 14), ("y", 8), ("l", 2), ("v", 2), ("y", 2),
        ]
        var table: [UInt32] = []
        for (base, run) in runs {
            table.append(contentsOf: repeatElement(ScalarFold.pack(base), count: run))
        }
        precondition(table.count == 0x100, "Latin Extended Additional table has \(table.count) entries")
        return table
    }()
}
