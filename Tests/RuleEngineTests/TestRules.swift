import Foundation
@testable import RuleEngine

/// A throwaway rules directory for one test.
struct TestRules {
    let directory: String

    init(_ files: [String: String]) throws {
        directory = NSTemporaryDirectory() + "prehook-rules-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (name, text) in files {
            try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
        }
    }

    func load() throws -> Pipeline { try RuleSetLoader.load(directory: directory) }

    /// The problems loading reports, as printed lines; empty when it loads.
    func problems() -> [String] {
        do {
            _ = try load()
            return []
        } catch let error as RuleSetError {
            return error.problems.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }
}

/// Event parameters for tests, laid out contiguously like a decoded request.
struct TestFields: EventFields {
    let storage: UnsafeBufferPointer<UInt8>
    let ranges: [String: Range<Int>]
    func value(of field: FieldName) -> UnsafeBufferPointer<UInt8>? {
        ranges[field.name].map { UnsafeBufferPointer(rebasing: storage[$0]) }
    }
}

extension Pipeline {
    /// Evaluates `params` and hands the decision to `body` while the input is alive.
    func evaluate<R>(_ event: PreEventType, _ params: [String: String], workspace: PipelineWorkspace = PipelineWorkspace(),
                     deadline: MonotonicClock.Instant = .distantFuture, _ body: (Decision) -> R) -> R {
        var bytes: [UInt8] = []
        var ranges: [String: Range<Int>] = [:]
        for (key, value) in params {
            let start = bytes.count
            bytes.append(contentsOf: value.utf8)
            ranges[key] = start..<bytes.count
        }
        return bytes.withUnsafeBufferPointer { storage in
            body(evaluate(event, fields: TestFields(storage: storage, ranges: ranges), workspace: workspace, deadline: deadline))
        }
    }

    func firedIDs(_ decision: Decision, mode: RuleMode? = nil) -> [String] {
        decision.firedRules.filter { mode == nil || $0.mode == mode }.map { rules[$0.ruleIndex].id }
    }
}
