import Foundation
import Testing
import TextMatch

/// The word lists shipped in Rules/ (profanity-words.txt, profanity-allow.txt), checked with the
/// matcher: every entry loads, each evasion kind of the core words is caught, Scunthorpe traps and
/// ordinary customer messages pass, and (where a system dictionary is installed) no English word
/// is blocked except the profane ones listed in `expectedDictionaryHits`.
@Suite("Shipped profanity lists")
struct ShippedListTests {
    static let rules = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Rules")

    /// Same format as the rule loader: one entry a line, `#` comment lines, whitespace trimmed.
    static func list(_ name: String) -> [String] {
        let text = (try? String(contentsOf: rules.appendingPathComponent(name), encoding: .utf8)) ?? ""
        return text.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    static let terms = list("profanity-words.txt")
    static let allowed = list("profanity-allow.txt")
    static let matcher = try! WordListMatcher(terms: terms, allowed: allowed)

    static func hits(_ message: String) -> [String] {
        let bytes = Array(message.utf8)
        let scratch = FoldScratch()
        var found: [String] = []
        bytes.withUnsafeBufferPointer { buffer in
            matcher.forEachMatch(in: buffer, scratch: scratch) { found.append(terms[$0.termIndex]) }
        }
        return found
    }

    @Test("the lists load and are of a useful size")
    func load() throws {
        #expect(Self.terms.count >= 300)
        #expect(Self.allowed.count >= 50)
        _ = try WordListMatcher(terms: Self.terms, allowed: Self.allowed)
        for mild in ["hell", "damn", "crap", "god", "bloody", "sex", "butt", "balls", "tard"] {
            #expect(!Self.terms.contains(mild), "\(mild) is too mild or too ambiguous for customer service")
        }
    }

    // MARK: - Recall on every evasion kind

    static let core = [
        "fuck", "shit", "bitch", "cunt", "asshole", "bastard", "dick", "cock", "pussy", "whore", "slut", "twat",
        "wanker", "prick", "motherfucker", "dickhead", "bullshit", "piss", "ass", "arse", "faggot", "nigger",
        "retard", "douchebag", "jackass", "dumbass", "cocksucker", "tits", "bollocks", "shithead", "fag", "jizz",
        "dildo", "blowjob", "tosser", "bellend", "skank", "spic", "kike", "chink", "dyke", "tranny", "rape", "porn",
        "boobs", "horny", "scumbag", "wank", "knobhead", "nigga",
    ]

    static let inflected = [
        "fucking", "fucked", "fucker", "fuckers", "fucks", "fuckin", "shitty", "shits", "shitting", "shittiest",
        "bitches", "bitching", "bitchy", "cunts", "assholes", "bastards", "dicks", "cocks", "pussies", "whores",
        "whoring", "sluts", "slutty", "twats", "wankers", "wanking", "pricks", "motherfuckers", "motherfucking",
        "dickheads", "pissed", "pissing", "asses", "faggots", "niggers", "retarded", "retards", "douchebags",
        "raped", "raping", "rapist", "titties", "fags", "skanky", "dykes", "jizzed", "tossers", "scumbags",
    ]

    static let templates = ["{w}", "you {w}", "what a {w}!", "oh {w}, my order is late", "such a {w} service.", "\"{w}\"", "u r a {w}"]

    static func evasions(of word: String) -> [(kind: String, text: String)] {
        func mapped(_ table: [Character: String]) -> String { String(word.flatMap { table[$0] ?? String($0) }) }
        let letters = word.map { String($0) }
        var out: [(String, String)] = [
            ("plain", word),
            ("case", word.uppercased()), ("case", word.prefix(1).uppercased() + word.dropFirst()),
            ("case", String(word.enumerated().map { $0.offset % 2 == 0 ? Character($0.element.uppercased()) : $0.element })),
            ("diacritics", mapped(["a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ", "s": "š"])),
            ("diacritics", mapped(["a": "a\u{301}", "e": "e\u{300}", "i": "i\u{308}", "o": "o\u{302}", "u": "u\u{308}"])),
            ("fullwidth", String(word.unicodeScalars.map { Character(Unicode.Scalar($0.value + 0xFEE0)!) })),
            ("homoglyph", mapped(["a": "\u{430}", "c": "\u{441}", "e": "\u{435}", "o": "\u{43E}", "p": "\u{440}", "x": "\u{445}",
                                  "y": "\u{443}", "i": "\u{456}", "s": "\u{455}", "k": "\u{3BA}", "t": "\u{3C4}", "u": "\u{3C5}",
                                  "h": "\u{4BB}", "n": "\u{3B7}", "b": "\u{44C}"])),
            ("zero-width", letters.joined(separator: "\u{200B}")), ("zero-width", letters.joined(separator: "\u{AD}")),
            ("zero-width", letters.joined(separator: "\u{200D}\u{2060}")),
            ("l33t", mapped(["a": "4", "e": "3", "i": "1", "o": "0", "s": "$", "t": "7", "l": "|", "g": "9"])),
            ("l33t", mapped(["a": "@", "i": "!", "s": "5", "o": "0", "b": "8", "c": "(", "u": "v"])),
            ("repeats", String(word.flatMap { "aeiou".contains($0) ? String(repeating: $0, count: 4) : String($0) })),
            ("repeats", String(word.flatMap { String(repeating: $0, count: 2) })),
            ("repeats", word + String(repeating: word.last!, count: 5)),
        ]
        for separator in [" ", ".", "-", "_", "*", " . ", "  "] {
            out.append(("separators", letters.joined(separator: separator)))
        }
        out.append(("separators", letters.joined(separator: " ").uppercased()))
        return out
    }

    @Test("every evasion kind of the core words is caught", arguments: ["plain", "case", "diacritics", "fullwidth",
        "homoglyph", "zero-width", "l33t", "repeats", "separators", "inflections"])
    func recall(_ kind: String) {
        var total = 0
        var missed: [String] = []
        let words = kind == "inflections" ? Self.inflected : Self.core
        for word in words {
            // Digits alone never match (card numbers), so "80085" is a known miss.
            let forms = (kind == "inflections" ? [word, word.uppercased()] : Self.evasions(of: word).filter { $0.kind == kind }.map(\.text))
                .filter { !$0.allSatisfy(\.isNumber) }
            for form in forms {
                for template in Self.templates {
                    let message = template.replacingOccurrences(of: "{w}", with: form)
                    total += 1
                    if Self.hits(message).isEmpty { missed.append(message) }
                }
            }
        }
        #expect(total > 300)
        #expect(missed.isEmpty, "\(kind): \(missed.count) of \(total) missed: \(missed.prefix(20))")
    }

    @Test("mixed evasions")
    func mixed() {
        for message in [
            "ＦＵ\u{200B}Ｃ\u{200B}Ｋ", "F.Ü.C.K", "\u{455}h1\u{442}", "b!!!!tch", "c-u-n-7", "$ h ! t", "f\u{200B}u\u{200B}u\u{200B}ck",
            "𝐟𝐮𝐜𝐤𝐢𝐧𝐠", "a$$h0l3", "sIut", "fvck1ng", "sh!tty", "b1tch3s", "pHuCk", "FUKIN", "you're a f u c k i n g idiot",
            "u r a b i t c h", "I f u c k i n g hate this", "F U C K Y O U", "f  u  c  k", "dumb4ss", "horsesh1t",
        ] {
            #expect(!Self.hits(message).isEmpty, "\(message) was not caught")
        }
    }

    // MARK: - No false blocks

    @Test("Scunthorpe traps and place names pass", arguments: [
        "Scunthorpe", "Penistone", "Essex", "Sussex", "Middlesex", "assassin", "assassinate", "classic", "cocktail",
        "Dickens", "Hitchcock", "therapist", "therapists", "shiitake", "Shiite", "Titicaca", "cumulative", "grape",
        "grapes", "analysis", "analyst", "annals", "cockpit", "arsenal", "Arsenal", "button", "document", "assume",
        "assist", "assistant", "passage", "bass", "class", "glasses", "Cockburn", "Dickinson", "titanic", "title",
        "butter", "scrap", "pass", "compass", "embarrass", "sextant", "canal", "skyscraper", "peacock", "buttress",
        "mass", "harass", "cumin", "circumstance", "Matsushita", "hello", "shell", "Michelle", "assess", "assessed",
        "asset", "Cumming", "Cummings", "cocky", "cocker", "titter", "scum", "cucumber", "sexton", "Hancock",
        "Shakespeare", "Amsterdam", "cunning", "raptor", "rapeseed", "drape", "scrape", "arsenic", "parsec",
        "bitcoin", "piston", "Mississippi", "wankel", "Clitheroe", "Cockermouth", "homogenous", "homosexual", "Niger",
        "Nigeria", "niggardly", "snigger", "spicy", "spices", "Spicer", "raccoon", "rapper", "rapping", "pricked",
        "cockatoo", "cockroach", "titmouse", "tardy", "Tardis", "retardant", "pussycat", "specialist", "socialist",
        "basement", "Japanese", "Pakistan", "Cumbria", "cumbersome", "shitake", "Shih Tzu", "Dick's Sporting Goods",
        "Moby Dick", "magna cum laude", "blue tit", "oilseed rape", "Maine Coon", "honky-tonk", "Offa's Dyke",
        "homo sapiens", "buenas tardes", "boa tarde", "ma commande est en retard", "à plus tard", "pin prick",
        "SCUNTHORPE", "ESSEX", "ASSASSIN", "COCKTAIL", "SHIITAKE", "TITICACA", "SHILLONG", "ILLINOIS",
        "Wankie", "Wankie's", "Coon Rapids", "Devil's Dyke", "Lightwater", "shuttlecock", "Butterfield",
        "pistachio", "passion", "dickey", "Cockfosters", "Shitterton", "Bitche", "Cummins", "Dikshit", "Phuc",
        "Fukuoka", "Phuket", "Horní Lhota", "Wankum", "Assington", "Penisarwaun", "Kunnen jullie me terugbellen?",
    ])
    func traps(_ message: String) {
        #expect(Self.hits(message) == [], "\(message) matched \(Self.hits(message))")
    }

    @Test("ordinary customer messages pass, mild words included", arguments: [
        "Hi, I ordered a pair of shoes last week and they still haven't arrived.",
        "Can you check the status of order #45571 please? Tracking 1Z999AA10123456784.",
        "What the hell happened to my refund? Damn, this is taking forever.",
        "Oh crap, I sent it to the wrong address. God, sorry!",
        "That's a bloody good price, cheers! Sod it, I'll take two.",
        "Please select your sex: male or female.",
        "Room 455, extension 717, PIN 4555, I scored 1337 points.",
        "Meet me @ 5 pm; C++ and C# are both supported; $5 or $55?",
        "WHERE IS MY ORDER? I AM VERY UNHAPPY WITH THIS SERVICE",
        "H E L L O, anyone there? Please spell it: S M I T H. The U S A store?",
        "I said a b c d, then x y z.",
        "My cocker spaniel loves your treats, and I'm a bit cocky about it.",
        "Add cumin and shiitake to the grape sauce, then butter the buns.",
        "The therapist in Scunthorpe recommended the analysis of cumulative data.",
        "Buenas tardes, necesito ayuda con mi pedido. Bonjour, ma commande est en retard.",
        "Kunt u mij helpen? Bună ziua, cum pot schimba adresa? À plus tard !",
        "(um, I think so) (see attached)",
        "The flame retardant spray is out of stock; the retarder on the truck failed.",
        "Shiites and Sunnis both celebrate this holiday.",
        "The raccoon got into the trash again, and my son wants to be a rapper.",
    ])
    func cleanMessages(_ message: String) {
        #expect(Self.hits(message) == [], "\(message) matched \(Self.hits(message))")
    }

    // MARK: - Dictionary scan

    static let dictionaries = ["/usr/share/dict/american-english-large", "/usr/share/dict/british-english-large",
                               "/usr/share/dict/american-english", "/usr/share/dict/british-english", "/usr/share/dict/words"]
        .filter { FileManager.default.fileExists(atPath: $0) }

    /// Every English dictionary word (wamerican-large and wbritish-large, as written, in lower case
    /// and in capitals) that the shipped lists block, lower-cased, without possessives. All are
    /// profanity, slurs or their inflections, except `rappee` (snuff: `rape` with repeated
    /// letters) and words whose innocent sense is rare in customer messages (`cocks`, `chinks`,
    /// `douches`, `homo`). A new word here is a false block: fix the list or the allow list.
    static let expectedDictionaryHits: Set<String> = [
        "anal", "anally", "anilingus", "arse", "arsed", "arsehole", "arseholes", "arses", "arsing", "ass", "asses",
        "asshole", "assholes", "bastard", "bastards", "bastardy", "bestiality", "bitch", "bitched", "bitches",
        "bitchier", "bitchiest", "bitching", "bitchy", "blowjob", "blowjobs", "bollocks", "boner", "boners", "boob",
        "boobs", "bullshit", "bullshits", "bullshitted", "bullshitter", "bullshitters", "bullshitting",
        "chickenshit", "chickenshits", "chink", "chinks", "clit", "clits", "cock", "cocks", "cocksucker",
        "cocksuckers", "coon", "coons", "cum", "cums", "cunnilingus", "cunt", "cunts", "dago", "dagoes", "dagos",
        "darkie", "darkies", "darky", "dick", "dickhead", "dickheads", "dicks", "dildo", "dildoes", "dildos",
        "douche", "douched", "douches", "douching", "dyke", "dykes", "fag", "faggot", "faggots", "fags", "fellatio",
        "fuck", "fucked", "fucker", "fuckers", "fuckhead", "fuckheads", "fucking", "fucks", "goddam", "goddamed",
        "goddamn", "goddamned", "golliwog", "golliwogs", "gook", "gooks", "homo", "homos", "honkey", "honkeys",
        "honkie", "honkies", "honky", "hornier", "horny", "horseshit", "horseshits", "injun", "jackass", "jackasses",
        "jap", "japs", "jigaboo", "jigaboos", "kike", "kikes", "masturbate", "masturbated", "masturbates",
        "masturbating", "masturbation", "milf", "milfs", "molester", "molesters", "mongoloid", "mongoloids",
        "motherfucker", "motherfuckers", "motherfucking", "negroid", "negroids", "nigga", "niggas", "niggaz",
        "nigger", "niggerhead", "niggers", "nympho", "nymphos", "paedophile", "paedophiles", "pedophile",
        "pedophiles", "penis", "penises", "piss", "pissed", "pisser", "pissers", "pisses", "pissing", "polack",
        "poofter", "poofters", "porn", "porno", "pornography", "prick", "pricks", "pussier", "pussies", "pussiest",
        "pussy", "rape", "raped", "raper", "rapers", "rapes", "raping", "rapist", "rapists", "rappee", "redskin",
        "redskins", "retard", "retarded", "retards", "scumbag", "scumbags", "shit", "shitfaced", "shithead",
        "shitheads", "shitload", "shits", "shitted", "shittier", "shittiest", "shitting", "shitty", "slut", "sluts",
        "sluttier", "sluttiest", "sluttish", "slutty", "sodomize", "sodomized", "sodomizes", "sodomizing",
        "sonofabitch", "spastic", "spastics", "spic", "spick", "spicks", "spics", "squaw", "squaws", "tit", "tits",
        "titties", "titty", "tosser", "tossers", "twat", "twats", "vagina", "vaginas", "wank", "wanked", "wanker",
        "wankers", "wanking", "wanks", "wetback", "wetbacks", "whore", "whoreish", "whores", "whoring", "wop",
        "wops",
    ]

    @Test("no other dictionary word is blocked", .enabled(if: !dictionaries.isEmpty, "no system dictionary installed"))
    func dictionary() throws {
        var blocked = Set<String>()
        let scratch = FoldScratch()
        for path in Self.dictionaries {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline) {
                let word = String(line)
                for variant in Set([word, word.lowercased(), word.uppercased()]) {
                    let bytes = Array(variant.utf8)
                    let hit = bytes.withUnsafeBufferPointer { Self.matcher.firstMatch(in: $0, scratch: scratch) }
                    if hit != nil {
                        let lower = word.lowercased()
                        blocked.insert(lower.hasSuffix("'s") ? String(lower.dropLast(2)) : lower)
                    }
                }
            }
        }
        let unexpected = blocked.subtracting(Self.expectedDictionaryHits)
        #expect(unexpected.isEmpty, "newly blocked dictionary words: \(unexpected.sorted())")
        // The large dictionaries know every expected word; a smaller one may not.
        if Self.dictionaries.contains("/usr/share/dict/american-english-large") {
            let gone = Self.expectedDictionaryHits.subtracting(blocked)
            #expect(gone.isEmpty, "no longer blocked (update the expectation): \(gone.sorted())")
        }
    }
}
