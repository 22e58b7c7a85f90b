import CPCRE2

/// A compiled PCRE2 pattern (UTF + UCP, JIT-compiled when the library supports it).
///
/// Immutable after creation: PCRE2 allows one compiled pattern to be matched from many threads at once,
/// as long as each thread brings its own ``MatchScratch``. Matching works on UTF-8 bytes; no `String`
/// is created on the match path.
public final class Regex: @unchecked Sendable {
    /// Compile-time options a rule may ask for, on top of the always-on `UTF | UCP | MATCH_INVALID_UTF`.
    public struct Options: OptionSet, Sendable, Hashable {
        public let rawValue: UInt32
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        public static let caseless = Options(rawValue: UInt32(PCRE2_CASELESS))
        public static let multiline = Options(rawValue: UInt32(PCRE2_MULTILINE))
        public static let dotAll = Options(rawValue: UInt32(PCRE2_DOTALL))
        public static let extended = Options(rawValue: UInt32(PCRE2_EXTENDED))

        /// Maps the option names used in rule files; `nil` for an unknown name.
        public init?(name: String) {
            switch name {
            case "caseless", "i": self = .caseless
            case "multiline", "m": self = .multiline
            case "dotall", "s": self = .dotAll
            case "extended", "x": self = .extended
            default: return nil
            }
        }
    }

    /// The source text of the pattern, for messages.
    public let pattern: String
    /// Whether the pattern was JIT-compiled (Debian's libpcre2 supports it).
    public let isJITCompiled: Bool
    /// Number of capturing groups in the pattern.
    public let captureCount: Int

    private let code: OpaquePointer

    /// Compiles `pattern`. Errors carry PCRE2's own message and the byte offset in the pattern.
    public init(_ pattern: String, options: Options = []) throws(PCRE2Error) {
        // UTF + UCP: \w, \d, \b and case folding follow Unicode. MATCH_INVALID_UTF makes any byte
        // sequence a safe subject (invalid UTF-8 simply cannot be part of a match).
        let flags = options.rawValue | UInt32(PCRE2_UTF) | UInt32(PCRE2_UCP) | UInt32(PCRE2_MATCH_INVALID_UTF)
        var errorCode: Int32 = 0
        var errorOffset = 0
        let compiled: OpaquePointer? = pattern.utf8.withContiguousStorageIfAvailable { bytes in
            pcre2_compile_8(bytes.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
        } ?? {
            var copy = Array(pattern.utf8)
            return copy.withUnsafeMutableBufferPointer { bytes in
                pcre2_compile_8(bytes.baseAddress, bytes.count, flags, &errorCode, &errorOffset, nil)
            }
        }()
        // A successful compile may still leave a non-zero error code: only the pointer tells.
        guard let compiled else {
            throw PCRE2Error(code: errorCode, patternOffset: errorOffset)
        }
        self.code = compiled
        self.pattern = pattern
        self.isJITCompiled = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE)) == 0
        var captures: UInt32 = 0
        pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &captures)
        self.captureCount = Int(captures)
    }

    deinit { pcre2_code_free_8(code) }

    /// Finds the first match at or after byte `start` of `subject`.
    ///
    /// - Returns: the byte range of the whole match, or `nil` when there is none.
    /// - Throws: ``PCRE2Error`` when the match ran out of budget (match, depth or heap limit, JIT stack):
    ///   that is never reported as "no match", because a rule that gave up has not cleared the text.
    public func firstMatch(
        in subject: UnsafeBufferPointer<UInt8>,
        from start: Int = 0,
        scratch: MatchScratch
    ) throws(PCRE2Error) -> Range<Int>? {
        precondition(start >= 0 && start <= subject.count, "match start outside the subject")
        let rc: Int32
        if let base = subject.baseAddress {
            rc = pcre2_match_8(code, base, subject.count, start, 0, scratch.matchData, scratch.context)
        } else {
            // PCRE2 wants a non-null pointer even for an empty subject.
            var empty: UInt8 = 0
            rc = pcre2_match_8(code, &empty, 0, 0, 0, scratch.matchData, scratch.context)
        }
        if rc == PCRE2_ERROR_NOMATCH || rc == PCRE2_ERROR_PARTIAL { return nil }
        // rc == 0 means the ovector was too small for all groups; group 0 is still set.
        guard rc >= 0 else { throw PCRE2Error(code: rc, patternOffset: nil) }
        let ovector = pcre2_get_ovector_pointer_8(scratch.matchData)!
        let lower = ovector[0], upper = ovector[1]
        // \K can produce a "match" ending before it starts; treat it as empty at the end.
        return lower <= upper ? lower..<upper : upper..<upper
    }

    /// Convenience for tests and tooling (not the hot path): matches a Swift string.
    public func firstMatch(in subject: String, from start: Int = 0, scratch: MatchScratch) throws(PCRE2Error) -> Range<Int>? {
        let bytes = Array(subject.utf8)
        do {
            return try bytes.withUnsafeBufferPointer { try firstMatch(in: $0, from: start, scratch: scratch) }
        } catch let error as PCRE2Error {
            throw error
        } catch {
            fatalError("unreachable: \(error)")
        }
    }
}

