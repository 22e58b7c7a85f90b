import Foundation
import Testing
@testable import Gateway

@Suite struct RuleSetStoreTests {
    @Test func reloadIfChangedOnlyWhenFilesChange() throws {
        let rules = try TemporaryRules(["a.json5": TemporaryRules.blockRule(word: "alpha")])
        let store = RuleSetStore(directory: rules.directory)
        guard case .loaded(let first, let previous) = store.reload() else { Issue.record("first load failed"); return }
        #expect(previous == nil)
        #expect(store.generation == 1)
        #expect(store.reloadIfChanged() == nil)

        try rules.write("b.json5", TemporaryRules.blockRule(word: "bravo"))
        guard case .loaded(let second, let previousVersion)? = store.reloadIfChanged() else { Issue.record("change not loaded"); return }
        #expect(previousVersion == first.version)
        #expect(second.version != first.version)
        #expect(store.generation == 2)

        // A broken edit keeps the last good set, and is not retried until the files change again.
        try rules.write("b.json5", "{ rules: [")
        guard case .failed? = store.reloadIfChanged() else { Issue.record("broken file loaded"); return }
        #expect(store.pipeline === second)
        #expect(store.generation == 2)
        #expect(store.reloadIfChanged() == nil)
    }

    @Test func workerCacheFollowsTheGeneration() throws {
        let rules = try TemporaryRules(["a.json5": TemporaryRules.blockRule(word: "alpha")])
        let store = RuleSetStore(directory: rules.directory)
        var cache = PipelineCache(store: store)
        #expect(cache.current() == nil)
        store.reload()
        let first = cache.current()
        #expect(first != nil)
        #expect(cache.current() === first)
        try rules.write("a.json5", TemporaryRules.blockRule(word: "bravo"))
        store.reload()
        #expect(cache.current() !== first)
    }
}

extension RuleSetStore.ReloadResult: Equatable {
    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.loaded(let x, _), .loaded(let y, _)): return x === y
        case (.failed, .failed): return true
        default: return false
        }
    }
}
