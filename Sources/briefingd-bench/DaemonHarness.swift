import Foundation

// The real `briefingd run` as a child process on a throwaway config under /tmp, with the shipped
// defaults for settle and rescan, so the figures are what an operator of the shipped config gets.

final class DaemonHarness {
    let root: String
    let configPath: String
    let logPath: String
    let settle: String
    private let process = Process()

    var inbox: String { root + "/inbox" }
    var archive: String { root + "/archive" }
    var snapshots: String { root + "/snapshots" }
    var manifest: String { snapshots + "/manifest.jsonl" }
    var pid: Int32 { process.processIdentifier }

    let pages: Bool

    init(executable: String, settle: String = "20ms", pages: Bool = true) throws(BenchError) {
        root = try FileIO.makeTemporaryDirectory(prefix: "briefingd-bench")
        configPath = root + "/briefingd.yaml"
        logPath = root + "/daemon.log"
        self.settle = settle
        self.pages = pages
        // Log level info: `snapshot_written` and `duplicate` events are what the bench counts.
        let yaml = """
            inbox:
              path: \(root)/inbox
              archive: \(root)/archive
              failed: \(root)/failed
              settle: \(settle)
              rescan: 30s
            snapshots:
              path: \(root)/snapshots
            state:
              path: \(root)/state
            log:
              level: info
            pages:
              enabled: \(pages)

            """
        try FileIO.write(Array(yaml.utf8), to: configPath)
        try FileIO.write([], to: logPath)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "--config", configPath]
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")  // not ours to notify
        process.environment = environment
    }

    /// Snapshot pages written so far (day digests and the index not counted).
    func pageCount() -> Int {
        let fm = FileManager.default
        return ((try? fm.contentsOfDirectory(atPath: snapshots)) ?? []).reduce(0) { total, day in
            total
                + ((try? fm.contentsOfDirectory(atPath: snapshots + "/" + day)) ?? []).filter {
                    $0.hasSuffix(".html") && $0 != "index.html" && !$0.hasPrefix(".")
                }.count
        }
    }

    /// Starts the daemon and waits (up to 20 s) for its `started` log line.
    func start() throws(BenchError) {
        do {
            let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
            process.standardError = log
            process.standardOutput = log
            try process.run()
        } catch {
            throw BenchError("cannot start \(process.executableURL?.path ?? "briefingd"): \(error)")
        }
        let started = AppendedLineCounter(path: logPath, containing: "\"event\":\"started\"")
        let deadline = MonotonicClock.nanoseconds() + 20_000_000_000
        while started.poll() == 0 {
            guard process.isRunning else { throw BenchError("briefingd exited at start; log: \(logTail())") }
            guard MonotonicClock.nanoseconds() < deadline else {
                throw BenchError("briefingd logged no `started` within 20 s; log: \(logTail())")
            }
            MonotonicClock.sleep(milliseconds: 5)
        }
    }

    /// SIGTERM, then SIGKILL if it has not exited within 10 s.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = MonotonicClock.nanoseconds() + 10_000_000_000
        while process.isRunning && MonotonicClock.nanoseconds() < deadline {
            MonotonicClock.sleep(milliseconds: 10)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var isRunning: Bool { process.isRunning }

    func removeFiles() { try? FileManager.default.removeItem(atPath: root) }

    func logTail(lines: Int = 5) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Log lines at error level or above: a healthy run has none.
    func errorLineCount() -> Int {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter {
            $0.contains("\"level\":\"error\"") || $0.contains("\"level\":\"critical\"")
        }.count
    }
}
