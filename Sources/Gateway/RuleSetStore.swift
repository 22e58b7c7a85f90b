#if canImport(Glibc)
import Glibc
#endif
import PCRE2
import RuleEngine
import Synchronization

/// The active rule set, shared by every worker, and its reloads.
///
/// Reloads run on the control thread (never on a request): the new set is compiled and its
/// examples run, then swapped in with one pointer store. Any problem keeps the last good set.
/// Workers read the set through ``PipelineCache``, which takes the lock only when the generation
/// number has moved, so the request path costs one relaxed atomic load.
public final class RuleSetStore: Sendable {
    public let directory: String
    public let limits: MatchScratch.Limits
    private let current = Mutex<Pipeline?>(nil)
    private let generationCounter = Atomic<Int>(0)
    private let lastStamp = Mutex<[FileStamp]>([])

    public init(directory: String, limits: MatchScratch.Limits = .default) {
        self.directory = directory
        self.limits = limits
    }

    /// The active set (`nil` until the first successful load).
    public var pipeline: Pipeline? { current.withLock { $0 } }
    /// Moves on every successful swap.
    public var generation: Int { generationCounter.load(ordering: .acquiring) }

    public enum ReloadResult: Sendable {
        /// The new set is active (it may have the same version as before, if only timestamps changed).
        case loaded(Pipeline, previousVersion: String?)
        /// The set did not load; the previous one (if any) stays active.
        case failed(RuleSetError)
    }

    /// Compiles the directory and swaps it in if it loads.
    @discardableResult
    public func reload() -> ReloadResult {
        let stamp = RuleSetStore.stamp(directory)
        lastStamp.withLock { $0 = stamp }
        do {
            let fresh = try RuleSetLoader.load(directory: directory, limits: limits)
            let previous = current.withLock { old -> String? in
                let version = old?.version
                old = fresh
                return version
            }
            generationCounter.add(1, ordering: .releasing)
            return .loaded(fresh, previousVersion: previous)
        } catch {
            return .failed(error)
        }
    }

    /// Reloads when a file in the directory was added, removed or modified since the last attempt.
    /// An attempt that failed is not retried until the files change again.
    public func reloadIfChanged() -> ReloadResult? {
        let stamp = RuleSetStore.stamp(directory)
        guard lastStamp.withLock({ $0 != stamp }) else { return nil }
        return reload()
    }

    /// Name, size, inode and modification time (ns) of every file under the rules directory (two
    /// levels, for word lists in a subfolder). Cheap enough to poll once a second.
    struct FileStamp: Hashable, Sendable {
        let path: String
        let size: Int
        let inode: UInt
        let modified: Int
    }

    static func stamp(_ directory: String, depth: Int = 0) -> [FileStamp] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var stamps: [FileStamp] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                if depth < 1 { stamps += stamp(path, depth: depth + 1) }
                continue
            }
            stamps.append(FileStamp(path: path, size: Int(info.st_size), inode: UInt(info.st_ino),
                                    modified: Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)))
        }
        return stamps.sorted { $0.path < $1.path }
    }
}

/// A worker's view of the store: the pipeline it uses and the generation it came from.
struct PipelineCache {
    let store: RuleSetStore
    private var generation = -1
    private var cached: Pipeline?

    init(store: RuleSetStore) { self.store = store }

    /// The active pipeline; takes the store's lock only after a reload.
    mutating func current() -> Pipeline? {
        let now = store.generation
        if now != generation {
            cached = store.pipeline
            generation = now
        }
        return cached
    }
}
