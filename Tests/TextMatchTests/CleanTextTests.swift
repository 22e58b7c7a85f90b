import Testing
import TextMatch

@Suite("No Scunthorpe problem")
struct CleanTextTests {
    /// Innocent words that contain or resemble a term. Most are handled by word boundaries alone;
    /// the few that a term plus an inflection actually spells are in `Fixture.allowed`.
    @Test("innocent words do not match", arguments: [
        "Scunthorpe", "Penistone", "Essex", "Sussex", "Middlesex", "assassin", "assassins", "classic", "cocktail",
        "cocktails", "Dickens", "Hitchcock", "therapist", "shiitake", "Shiitake", "Shitake", "Titicaca", "cumulative",
        "grape", "grapes", "analysis", "analyses", "analyst", "cockpit", "arsenal", "Arsenal", "button", "buttons",
        "document", "assume", "assumed", "passage", "bass", "bassist", "class", "glasses", "Cockburn", "Dickinson",
        "titanic", "Titanic", "title", "titles", "butter", "buttered", "buttery", "scrap", "crapulent", "pass",
        "compass", "embarrass", "sextant", "Sextus", "canal", "skyscraper", "peacock", "buttress", "mass", "harass",
        "cumin", "circumstance", "Matsushita", "hello", "Hello", "shell", "Michelle", "hellenic", "assess", "assessed",
        "asset", "assets", "assist", "Cumming", "cummings", "cocky", "cocked", "cocker", "titter", "tittering",
        "butte", "buttes", "crappie", "Fagin", "scum", "cucumber", "sexton", "Hancock",
        "dickey bird", "Shakespeare", "Amsterdam", "Rotterdam", "cunning", "raptor", "rapeseed", "drape", "scrape",
        "arsenic", "parsec", "twatch", "whorl", "slutch", "bitcoin", "piston", "Mississippi", "wankel", "Analytics",
        "canalyze", "tithe", "hitch", "shitzu", "bastardize",
    ])
    func innocentWord(_ word: String) {
        #expect(termsIn(word) == [], "\(word) matched \(findAll(word))")
    }

    @Test("ordinary English sentences do not match", arguments: [
        "I passed the class assessment in Essex with a classic cocktail.",
        "The therapist in Scunthorpe recommended the analysis of cumulative data.",
        "Please document the circumstances; assume nothing and pass it on.",
        "We watched Hitchcock and read Dickens and Dickinson on the Titanic.",
        "Add cumin and shiitake to the grape sauce, then butter the buns.",
        "The bassist of Arsenal's band plays a sextant-shaped bass.",
        "She graduated summa cum laude from Middlesex.",
        "Chorlton-cum-Hardy is a suburb of Manchester.",
        "A blue tit and a great tit visited the feeder; tit for tat.",
        "Have you read Moby Dick?",
        "The skyscraper's buttress was analysed by a canal engineer.",
        "Hello! How are you? Let's meet at 5:30 on 2024-05-01.",
        "My score was 1337 points, and 717 more tomorrow, $5 each.",
        "Call me @ 555-0100 or email a.b@example.com; C++ and C# are fine.",
        "The peacock in the cockpit was cocky, the cocker spaniel was not.",
        "Cumming and Cummings assessed the assets, assuming no assassin.",
        "Matsushita, Penistone and Sussex are names, not insults.",
        "I said a b c d, then x y z.",
        "He's a titter, she was tittering; the titin protein and the titer were measured.",
        "Shell company Michelle Hellenic helps.",
    ])
    func sentence(_ message: String) {
        #expect(findAll(message) == [], "\(message) matched \(findAll(message))")
    }

    @Test("an allowed word protects only itself")
    func allowedOnlyItself() {
        #expect(termsIn("cumin") == [])
        #expect(termsIn("cum") == ["cum"])
        #expect(termsIn("butter and butt") == ["butt"])
        #expect(termsIn("magna cum laude") == [])
        #expect(termsIn("cum on") == ["cum"])
        #expect(termsIn("blue tits and tits") == ["tit"])
    }

    @Test("allowed words survive evasions too")
    func allowedEvasions() {
        #expect(termsIn("CUMIN") == [])
        #expect(termsIn("cum1n") == [])
        #expect(termsIn("c u m i n") == [])
        #expect(termsIn("bu++er") == [])
    }

    @Test("without the allow list, the listed words are exactly the ones that would match")
    func allowListIsNeeded() throws {
        let bare = try WordListMatcher(terms: Fixture.terms, allowed: [])
        let phraseFree = Fixture.allowed.filter { !$0.contains(" ") }
        for word in phraseFree {
            // `butte` itself is safe, but it is listed so that `buttes` and `butted` are.
            let needed = !findAll(word, bare).isEmpty || !findAll(word + "s", bare).isEmpty
            #expect(needed, "\(word) would not match anyway: drop it from the allow list")
        }
    }
}
