import Testing
import TextMatch

@Suite("TextFolder")
struct FoldingTests {
    @Test("case, diacritics, Latin-1 and Latin Extended-A", arguments: [
        ("FuCk", "fuck"), ("fück", "fuck"), ("ſhit", "shit"), ("Ñandú", "nandu"), ("ÀÉÎÕÜÇ", "aeiouc"),
        ("straße", "strasse"), ("Æsir", "aesir"), ("œuvre", "oeuvre"), ("Łódź", "lodz"), ("Šťěňůž", "stenuz"),
        ("ĳssel", "ijssel"), ("Þór", "thor"), ("ŉ", "n"), ("ĸ", "k"), ("Ħħ", "hh"), ("ÿŸ", "yy"),
        ("ạ ể ự ỹ", "a e u y"), ("ḟuċk", "fuck"), ("ƒuck", "fuck"), ("ǎ ș ț", "a s t"),
    ])
    func latin(_ input: String, _ expected: String) {
        #expect(fold(input).folded == expected)
    }

    @Test("homoglyphs from Cyrillic and Greek", arguments: [
        ("fu\u{441}k", "fuck"),  // Cyrillic с
        ("\u{430}\u{435}\u{43E}\u{440}\u{441}\u{443}\u{445}\u{456}\u{455}\u{458}\u{43A}\u{43C}\u{43D}\u{442}\u{432}", "aeopcyxisjkmhtb"),
        ("\u{410}\u{412}\u{415}\u{41A}\u{41C}\u{41D}\u{41E}\u{420}\u{421}\u{422}\u{425}", "abekmhopctx"),
        ("\u{3BF}\u{3B1}\u{3C1}\u{3C4}\u{3BA}\u{3BD}\u{3B9}\u{3C5}", "oaptkviu"),  // ο α ρ τ κ ν ι υ
        // Capital iota is an i or an l, like the ASCII bar.
        ("\u{391}\u{392}\u{395}\u{397}\u{399}\u{39A}\u{39C}\u{39D}\u{39F}\u{3A1}\u{3A4}\u{3A7}", "abeh|kmnoptx"),
        ("s\u{3B5}x", "sex"),
    ])
    func homoglyphs(_ input: String, _ expected: String) {
        #expect(fold(input).folded == expected)
    }

    @Test("fullwidth, mathematical, enclosed, small capitals, ligatures", arguments: [
        ("ｆｕｃｋ", "fuck"), ("ＦＵＣＫ！", "fuck!"), ("𝐟𝐮𝐜𝐤", "fuck"), ("𝓯𝓾𝓬𝓴", "fuck"), ("𝔣𝔲𝔠𝔨", "fuck"),
        ("𝕗𝕦𝕔𝕜", "fuck"), ("𝚏𝚞𝚌𝚔", "fuck"), ("𝐒𝐇𝐈𝐓", "shit"), ("𝟏𝟐𝟑", "123"), ("ⓕⓤⓒⓚ", "fuck"),
        ("🅕🅤🅒🅚", "fuck"), ("🄵🅄🄲🄺", "fuck"), ("ꜰᴜᴄᴋ", "fuck"), ("ꜱʜɪᴛ", "shit"), ("ﬁsh", "fish"),
        ("ℌ𝔢𝔩𝔩", "hell"), ("🇫🇺🇨🇰", "fuck"), ("ᶠᵘᶜᵏ", "fuck"), ("ˢʰⁱᵗ", "shit"), ("ₛₕᵢₜ", "shit"), ("x²", "x2"),
    ])
    func styled(_ input: String, _ expected: String) {
        #expect(fold(input).folded == expected)
    }

    @Test("invisible characters are dropped", arguments: [
        "f\u{200B}uck", "f\u{200C}u\u{200D}ck", "fu\u{2060}ck", "\u{FEFF}fuck", "fu\u{AD}ck",
        "fu\u{301}ck", "f\u{308}u\u{308}c\u{327}k", "fuck\u{FE0F}", "f\u{E0041}uck", "fu\u{200E}ck",
    ])
    func invisible(_ input: String) {
        #expect(fold(input).folded == "fuck")
    }

    @Test("separators and other scripts")
    func separators() {
        #expect(fold("a\u{A0}b\u{3000}c\td\ne").folded == "a b c d e")
        #expect(fold("a😀b").scratch.foldedBytes == [0x61, TextFolder.symbolUnit, 0x62])
        #expect(fold("a日b").scratch.foldedBytes == [0x61, TextFolder.symbolUnit, 0x62])
        #expect(fold("жa").scratch.foldedBytes == [TextFolder.otherLetterUnit, 0x61])
        #expect(fold("").scratch.count == 0)
    }

    @Test("offset map: multi-byte characters, expansions and dropped characters")
    func offsetMap() {
        let (folded, scratch) = fold("fｕck")
        #expect(folded == "fuck")
        #expect(scratch.originalRange(ofFolded: 0..<4) == 0..<6)
        #expect(scratch.originalRange(ofFolded: 1..<2) == 1..<4)
        #expect(scratch.originalRange(ofFolded: 2..<3) == 4..<5)

        // ß folds to two units that both map to the whole two-byte character.
        let (sharp, sharpScratch) = fold("aßb")
        #expect(sharp == "assb")
        #expect(sharpScratch.originalRange(ofFolded: 1..<2) == 1..<3)
        #expect(sharpScratch.originalRange(ofFolded: 2..<3) == 1..<3)

        // A zero-width space is glued to the unit before it; a leading one to nothing.
        let (zw, zwScratch) = fold("\u{200B}Ａb\u{200B}c")
        #expect(zw == "abc")
        #expect(zwScratch.originalRange(ofFolded: 0..<1) == 3..<6)
        #expect(zwScratch.originalRange(ofFolded: 1..<2) == 6..<10)
        #expect(zwScratch.originalRange(ofFolded: 2..<3) == 10..<11)

        // A 4-byte mathematical letter.
        let (math, mathScratch) = fold("x𝐟y")
        #expect(math == "xfy")
        #expect(mathScratch.originalRange(ofFolded: 1..<2) == 1..<5)
        #expect(mathScratch.originalRange(ofFolded: 3..<3) == 6..<6)
    }

    @Test("visible character count for masks")
    func characterCount() {
        let bytes = Array("oh fｕ\u{200B}ck!".utf8) + [0xFF]
        bytes.withUnsafeBufferPointer { buffer in
            #expect(TextFolder.characterCount(in: buffer, range: 3..<buffer.count - 2) == 4)
            #expect(TextFolder.characterCount(in: buffer, range: buffer.count - 1..<buffer.count) == 1)
            #expect(TextFolder.characterCount(in: buffer, range: 0..<0) == 0)
            #expect(TextFolder.characterCount(in: buffer, range: 0..<buffer.count) == 9)
        }
        let accents = Array("e\u{301}\u{302}ß😀".utf8)
        accents.withUnsafeBufferPointer { #expect(TextFolder.characterCount(in: $0, range: 0..<$0.count) == 3) }
    }

    @Test("invalid UTF-8 bytes become one separator each", arguments: [
        ([0xFF], 1), ([0xC3], 1), ([0xE2, 0x82], 2), ([0xC0, 0xAF], 2), ([0xED, 0xA0, 0x80], 3),
        ([0xF4, 0x90, 0x80, 0x80], 4), ([0xF0, 0x80, 0x80, 0x80], 4), ([0x80, 0xBF], 2), ([0xE0, 0x9F, 0xBF], 3),
    ] as [([UInt8], Int)])
    func invalid(_ bytes: [UInt8], _ units: Int) {
        let scratch = FoldScratch()
        bytes.withUnsafeBufferPointer { TextFolder.fold($0, into: scratch) }
        #expect(scratch.foldedBytes == [UInt8](repeating: TextFolder.symbolUnit, count: units))
        for k in 0..<units { #expect(scratch.originalRange(ofFolded: k..<k + 1) == k..<k + 1) }
    }

    @Test("the scratch is reused and never reads stale units")
    func reuse() {
        let scratch = FoldScratch()
        Array("a long first message".utf8).withUnsafeBufferPointer { TextFolder.fold($0, into: scratch) }
        Array("Hi".utf8).withUnsafeBufferPointer { TextFolder.fold($0, into: scratch) }
        #expect(scratch.foldedString == "hi")
        #expect(scratch.count == 2)
    }
}
