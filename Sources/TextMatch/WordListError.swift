/// Why a word list was rejected, and which entry caused it.
///
/// A struct over a private enum (as in swift-nio) so new kinds can be added without breaking
/// `switch`es in other modules; compare `kind` against the static members.
public struct WordListError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case emptyEntry
            case noLetters
            case unsupportedCharacter
            case misplacedWildcard
            case entryTooLong
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The entry is the empty string.
        public static let emptyEntry = Kind(.emptyEntry)
        /// The entry folds to no letters: only spaces, digits, punctuation or invisible characters.
        /// Such an entry would match numbers or nothing, so it is certainly a typo.
        public static let noLetters = Kind(.noLetters)
        /// The entry has a letter of an alphabet the folder does not map to Latin (for example
        /// Cyrillic `ж`): it could never match, so it is rejected instead of silently ignored.
        public static let unsupportedCharacter = Kind(.unsupportedCharacter)
        /// A `*` wildcard is not between two letters of the same word (as in `f*ck`).
        public static let misplacedWildcard = Kind(.misplacedWildcard)
        /// The entry has more than `WordListMatcher.maxEntryLength` folded characters.
        public static let entryTooLong = Kind(.entryTooLong)

        public var description: String {
            switch base {
            case .emptyEntry: return "empty entry"
            case .noLetters: return "entry has no letters after folding"
            case .unsupportedCharacter: return "entry has a character that can never match"
            case .misplacedWildcard: return "'*' wildcard must be between two letters of a word"
            case .entryTooLong: return "entry is too long"
            }
        }
    }

    /// What is wrong.
    public let kind: Kind
    /// `true` if the entry is in the allow list, `false` if it is a blocked term.
    public let isAllowListEntry: Bool
    /// Index of the entry in its list.
    public let index: Int
    /// The entry as given.
    public let entry: String
    /// Extra detail, such as the offending character; may be empty.
    public let detail: String

    init(_ kind: Kind, isAllowListEntry: Bool, index: Int, entry: String, detail: String = "") {
        self.kind = kind
        self.isAllowListEntry = isAllowListEntry
        self.index = index
        self.entry = entry
        self.detail = detail
    }

    public var description: String {
        let list = isAllowListEntry ? "allow-list entry" : "blocked term"
        let extra = detail.isEmpty ? "" : " (\(detail))"
        return "\(list) #\(index) \"\(entry)\": \(kind)\(extra)"
    }
}
