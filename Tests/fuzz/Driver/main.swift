import CFuzzDriver
import Dispatch
import Foundation
import FuzzHarnesses
#if canImport(Glibc)
import Glibc
#endif

// prehook-fuzz HARNESS [libFuzzer options and corpus directories]
//
// Built by Tests/fuzz/run with libFuzzer and AddressSanitizer, it fuzzes. In a plain build it
// replays the files and directories given through the harness (what a crasher does, without
// sanitizers), which is also what `swift test` does with the checked-in corpora.

let arguments = CommandLine.arguments
guard arguments.count >= 2, let harness = FuzzHarness.named(arguments[1]) else {
    var usage = "usage: prehook-fuzz HARNESS [libFuzzer options] [corpus directories or files]\nharnesses:\n"
    for harness in FuzzHarness.all { usage += "  \(harness.name): \(harness.summary)\n" }
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}

/// The harness libFuzzer calls; a C callback cannot capture, so it lives here.
nonisolated(unsafe) var selected = harness

if prehook_fuzzer_linked() == 1 {
    // libFuzzer reads argv[0] and its options; drop the harness name.
    var cArguments: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
    var count = Int32(cArguments.count - 1)
    let status = cArguments.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
        return prehook_run_fuzzer(&count, &argv) { data, size in
            selected.run(UnsafeBufferPointer(start: data, count: size))
            return 0
        }
    }
    exit(status)
}

// Replay: every file named, and every file in every directory named.
var replayed = 0
var slowest: (seconds: Double, file: String) = (0, "")
for path in arguments.dropFirst(2) where !path.hasPrefix("-") {
    var files = [path]
    if let names = try? FileManager.default.contentsOfDirectory(atPath: path) {
        files = names.filter { !$0.hasPrefix(".") }.sorted().map { path + "/" + $0 }
    }
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { continue }
        let started = DispatchTime.now().uptimeNanoseconds
        data.withUnsafeBytes { selected.run($0.bindMemory(to: UInt8.self)) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        if seconds > slowest.seconds { slowest = (seconds, file) }
        replayed += 1
    }
}
print("prehook-fuzz \(harness.name): replayed \(replayed) inputs without a failure; slowest \(Int(slowest.seconds * 1e6)) us (\(slowest.file))")
print("(libFuzzer is not linked in: Tests/fuzz/run builds the fuzzing binary)")
