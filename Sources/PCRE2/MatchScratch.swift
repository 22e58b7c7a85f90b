import CPCRE2

/// Per-thread match state: PCRE2 match data, a match context with limits, and a JIT stack.
///
/// Created once per worker and reused for every match, so matching never allocates. Not thread-safe:
/// one worker, one scratch.
public final class MatchScratch {
    /// Budgets that keep any one match bounded, whatever the pattern and subject.
    public struct Limits: Sendable, Hashable {
        /// PCRE2's match limit: calls of its internal match function (or JIT equivalents).
        public var matchLimit: UInt32
        /// Backtracking depth limit (the interpreter only; JIT ignores it and uses the JIT stack).
        public var depthLimit: UInt32
        /// Heap limit for backtracking frames, in KiB (the interpreter only).
        public var heapLimitKiB: UInt32
        /// Largest JIT stack, in bytes.
        public var jitStackBytes: Int

        public init(matchLimit: UInt32 = 1_000_000, depthLimit: UInt32 = 10_000, heapLimitKiB: UInt32 = 20_000, jitStackBytes: Int = 512 * 1024) {
            self.matchLimit = matchLimit
            self.depthLimit = depthLimit
            self.heapLimitKiB = heapLimitKiB
            self.jitStackBytes = jitStackBytes
        }

        public static let `default` = Limits()
    }

    public let limits: Limits
    let matchData: OpaquePointer
    let context: OpaquePointer
    private let jitStack: OpaquePointer?

    /// - Parameter captureSlots: ovector pairs to keep; only the whole match (pair 0) is read today.
    public init(limits: Limits = .default, captureSlots: UInt32 = 16) {
        self.limits = limits
        guard let data = pcre2_match_data_create_8(captureSlots, nil),
              let context = pcre2_match_context_create_8(nil)
        else { fatalError("PCRE2 could not allocate match data (out of memory)") }
        self.matchData = data
        self.context = context
        pcre2_set_match_limit_8(context, limits.matchLimit)
        pcre2_set_depth_limit_8(context, limits.depthLimit)
        pcre2_set_heap_limit_8(context, limits.heapLimitKiB)
        self.jitStack = pcre2_jit_stack_create_8(32 * 1024, max(32 * 1024, limits.jitStackBytes), nil)
        if let jitStack { pcre2_jit_stack_assign_8(context, nil, UnsafeMutableRawPointer(jitStack)) }
    }

    deinit {
        pcre2_match_data_free_8(matchData)
        pcre2_match_context_free_8(context)
        if let jitStack { pcre2_jit_stack_free_8(jitStack) }
    }
}
