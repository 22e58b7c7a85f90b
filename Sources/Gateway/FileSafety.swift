#if canImport(Glibc)
import Glibc
#endif

/// Start-up checks of who else may touch what the gateway trusts. Whoever can write `Rules/`
/// decides what the gateway lets through, and whoever can read the shared-keys file can sign
/// requests: both are worth a warning at start, naming the path (never its contents).
enum FileSafety {
    /// Warnings for a rules directory (or a file in it) writable by group or others, and a shared-keys
    /// file readable or writable by them.
    static func warnings(rulesDirectory: String, sharedKeysFile: String?) -> [String] {
        var warnings: [String] = []
        var paths = [rulesDirectory]
        if let directory = opendir(rulesDirectory) {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { paths.append(rulesDirectory + "/" + name) }
            }
            closedir(directory)
        }
        for path in paths.sorted() {
            if let mode = mode(of: path), mode & 0o022 != 0 {
                warnings.append("\(path) is writable by \(mode & 0o002 != 0 ? "everyone" : "its group") (mode \(octal(mode))): whoever can write the rules decides what the gateway lets through; make the rules writable by their owner only")
            }
        }
        if let path = sharedKeysFile, let mode = mode(of: path), mode & 0o077 != 0 {
            warnings.append("\(path) is readable or writable by group or others (mode \(octal(mode))): it holds signing secrets; chmod 600 it")
        }
        return warnings
    }

    private static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    private static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
