import Foundation

// Peak memory of one extraction per MB of input: `briefingd extract` run as a child (the same
// pipeline a worker runs) on the fixture repeated to a large input, its peak RSS read from wait4's
// ru_maxrss. Only a large input gives a true figure: posix_spawn shares this process's memory until
// the exec, and the kernel counts that memory's peak into the child's ru_maxrss, so a child that
// stays below this process's own RSS (the fixture alone) would report the bench's RSS instead.

struct ExtractMemoryFigure: Codable, Sendable {
    var largeInputBytes: Int
    var largePeakRSSMiB: Double
    /// Peak RSS of the large run over its input size (MiB per MiB), fixed cost included.
    var peakPerInputMiB: Double
    /// Peak RSS of this bench process when the child was started: a child figure at or below it
    /// would be this process's, not the child's.
    var benchRSSMiB: Double
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case problem
        case largeInputBytes = "large_input_bytes"
        case largePeakRSSMiB = "large_peak_rss_mib"
        case peakPerInputMiB = "peak_rss_per_input_mib"
        case benchRSSMiB = "bench_rss_mib"
    }
}

enum ExtractMemory {
    /// Large enough that the per-MB cost dominates, below `inbox.max_bytes` (20 MiB) and
    /// `input.max_text_chars` (5 million characters of mostly CJK text).
    static let largeBytes = 13_500_000

    static func run(executable: String, fixture: [UInt8]) -> ExtractMemoryFigure {
        var figure = ExtractMemoryFigure(
            largeInputBytes: 0, largePeakRSSMiB: 0, peakPerInputMiB: 0,
            benchRSSMiB: Double(ProcessMemory.read(pid: getpid())?.rssKiB ?? 0) / 1024)
        do {
            let dir = try FileIO.makeTemporaryDirectory(prefix: "briefingd-bench-memory")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            var large: [UInt8] = []
            large.reserveCapacity(largeBytes + fixture.count + 64)
            var n = 0
            while large.count < largeBytes {
                large += fixture
                large += Array("\n补充说明第\(n)条。\n".utf8)
                n += 1
            }
            try FileIO.write(large, to: dir + "/large.txt")
            figure.largeInputBytes = large.count
            let big = try peakRSSKiB(executable, ["extract", dir + "/large.txt"])
            figure.largePeakRSSMiB = Double(big) / 1024
            figure.peakPerInputMiB = figure.largePeakRSSMiB / (Double(large.count) / 1_048_576)
        } catch {
            figure.problem = "\(error)"
        }
        return figure
    }

    struct ChildFailed: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs the executable with standard output to /dev/null; returns its peak RSS in KiB.
    static func peakRSSKiB(_ executable: String, _ arguments: [String]) throws -> Int {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw ChildFailed(description: "cannot run \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else {
                throw ChildFailed(description: "wait4: \(String(cString: strerror(errno)))")
            }
        }
        guard status == 0 else {
            throw ChildFailed(
                description: "\(executable) \(arguments.joined(separator: " ")) ended with status \(status)")
        }
        return usage.ru_maxrss
    }
}
