import Foundation

// Where things are and what was measured: the repository (found from the working directory or
// from this executable's path, so `make bench` and a direct call both work), git revisions and CPU.

enum Environment {
    /// The directory holding this repository's Package.swift.
    static func repositoryRoot() -> String? {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        for start in [
            FileManager.default.currentDirectoryPath, (executable as NSString).deletingLastPathComponent,
        ] {
            var dir = start
            while !dir.isEmpty && dir != "/" {
                if FileManager.default.fileExists(atPath: dir + "/Package.swift"),
                    FileManager.default.fileExists(atPath: dir + "/Sources/briefingd-bench")
                {
                    return dir
                }
                dir = (dir as NSString).deletingLastPathComponent
            }
        }
        return nil
    }

    /// `briefingd` built beside this executable.
    static func daemonExecutable() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        return (executable as NSString).deletingLastPathComponent + "/briefingd"
    }

    /// Output of a git command in the repository, or "unknown".
    static func git(_ arguments: [String], in repository: String?) -> String {
        guard let repository else { return "unknown" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repository] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return "unknown" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return "unknown" }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether `main` is an ancestor of HEAD: the figures then include everything merged into main.
    static func mainIncluded(in repository: String?) -> Bool {
        guard let repository else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", repository, "merge-base", "--is-ancestor", "main", "HEAD"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map {
            $0.trimmingCharacters(in: .whitespaces)
        } ?? "unknown CPU"
    }

    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
