import Foundation

// Peak memory of one extraction per MB of input: `briefingd extract` run as a child (the same
// pipeline a worker runs) on the fixture and on the fixture repeated to a large input, its peak
// RSS read from wait4's ru_maxrss. The small run gives the fixed cost (executable, libraries,
// lexicon tables); the difference over the difference in input size is what each MB costs.

struct ExtractMemoryFigure: Codable, Sendable {
    var smallInputBytes: Int
    var largeInputBytes: Int
    var smallPeakRSSMiB: Double
    var largePeakRSSMiB: Double
    /// Peak RSS of the large run over its input size (MiB per MiB), fixed cost included.
    var peakPerInputMiB: Double
    /// (large − small peak) over (large − small input): the cost of each further MiB of input.
    var marginalPerInputMiB: Double
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case problem
        case smallInputBytes = "small_input_bytes"
        case largeInputBytes = "large_input_bytes"
        case smallPeakRSSMiB = "small_peak_rss_mib"
        case largePeakRSSMiB = "large_peak_rss_mib"
        case peakPerInputMiB = "peak_rss_per_input_mib"
        case marginalPerInputMiB = "marginal_rss_per_input_mib"
    }
}

enum ExtractMemory {
    /// Large enough that the per-MB cost dominates, below `inbox.max_bytes` (20 MiB) and
    /// `input.max_text_chars` (5 million characters of mostly CJK text).
    static let largeBytes = 13_500_000

    static func run(executable: String, fixture: [UInt8]) -> ExtractMemoryFigure {
        var figure = ExtractMemoryFigure(
            smallInputBytes: fixture.count, largeInputBytes: 0, smallPeakRSSMiB: 0, largePeakRSSMiB: 0,
            peakPerInputMiB: 0, marginalPerInputMiB: 0)
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
            try FileIO.write(fixture, to: dir + "/small.txt")
            try FileIO.write(large, to: dir + "/large.txt")
            figure.largeInputBytes = large.count
            let small = try peakRSSKiB(executable, ["extract", dir + "/small.txt"])
            let big = try peakRSSKiB(executable, ["extract", dir + "/large.txt"])
            figure.smallPeakRSSMiB = Double(small) / 1024
            figure.largePeakRSSMiB = Double(big) / 1024
            let largeMiB = Double(large.count) / 1_048_576
            let deltaMiB = Double(large.count - fixture.count) / 1_048_576
            figure.peakPerInputMiB = figure.largePeakRSSMiB / largeMiB
            figure.marginalPerInputMiB = (figure.largePeakRSSMiB - figure.smallPeakRSSMiB) / deltaMiB
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
