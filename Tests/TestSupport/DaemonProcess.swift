import Foundation

/// The real `briefingd run` as a child process on a temporary config, with its JSON log captured.
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: used from one test at a time; Process is not Sendable.
    public let root: TemporaryDirectory
    public let configPath: String
    public let logPath: String
    private var process: Process?

    /// Folders under `root`: `inbox`, `archive`, `failed`, `snapshots`, `state`.
    public var inbox: String { root.file("inbox") }
    public var archive: String { root.file("archive") }
    public var failed: String { root.file("failed") }
    public var snapshots: String { root.file("snapshots") }
    public var state: String { root.file("state") }

    /// Writes a config with the standard folders plus `extraYAML` (top-level keys) into a new temp folder.
    public init(
        extraYAML: String = "", settle: String = "20ms", rescan: String = "30s", logLevel: String = "debug"
    )
        throws
    {
        root = try TemporaryDirectory("briefingd-e2e")
        configPath = root.file("briefingd.yaml")
        logPath = root.file("daemon.log")
        let yaml = """
            inbox:
              path: \(root.file("inbox"))
              archive: \(root.file("archive"))
              failed: \(root.file("failed"))
              settle: \(settle)
              rescan: \(rescan)
            snapshots:
              path: \(root.file("snapshots"))
            state:
              path: \(root.file("state"))
            log:
              level: \(logLevel)
            \(extraYAML)
            """
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// Starts the daemon and waits for its `started` log line.
    public func start(environment: [String: String] = [:]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Paths.daemonExecutable)
        p.arguments = ["run", "--config", configPath]
        p.currentDirectoryURL = root.url
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "NOTIFY_SOCKET")
        for (k, v) in environment { env[k] = v }
        p.environment = env
        if !FileManager.default.fileExists(atPath: logPath) {
            guard FileManager.default.createFile(atPath: logPath, contents: nil) else {
                throw DaemonError.io("cannot create \(logPath)")
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        handle.seekToEndOfFile()
        p.standardError = handle
        p.standardOutput = handle
        try p.run()
        process = p
        let startedBefore = events("started").count
        guard waitUntil(timeout: 20, { events("started").count > startedBefore || !p.isRunning }), p.isRunning
        else {
            throw DaemonError.didNotStart(log: log())
        }
    }

    public var pid: Int32 { process?.processIdentifier ?? 0 }
    public var isRunning: Bool { process?.isRunning ?? false }

    /// Sends `signal` and waits up to `timeout` seconds for the exit; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, timeout: Double = 30) -> Int32? {
        guard let p = process else { return nil }
        kill(p.processIdentifier, signal)
        guard waitUntil(timeout: timeout, { !p.isRunning }) else {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            return nil
        }
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The whole log so far.
    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Parsed log lines whose `event` is `name` (all lines when nil).
    public func events(_ name: String? = nil) -> [[String: Any]] {
        log().split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            if let name, obj["event"] as? String != name { return nil }
            return obj
        }
    }

    /// Snapshot files (relative paths under `snapshots/`), manifest excluded.
    /// Temporary files (names starting with `.`) are not snapshots, as for any reader of the folder.
    public func snapshotFiles() -> [String] {
        filesUnder(snapshots).filter {
            $0.hasSuffix(".json") && !($0 as NSString).lastPathComponent.hasPrefix(".")
        }
    }

    /// Parsed lines of `manifest.jsonl`.
    public func manifest() -> [[String: Any]] {
        let text = (try? String(contentsOfFile: snapshots + "/manifest.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// Parsed snapshot document at a relative path.
    public func snapshot(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: snapshots + "/" + relative))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// Writes `bytes` as a dotfile in the inbox, then renames it to `name`: how careful writers deliver.
    public func drop(_ bytes: [UInt8], as name: String) throws {
        let temp = inbox + "/." + name + ".partial"
        try Data(bytes).write(to: URL(fileURLWithPath: temp))
        guard rename(temp, inbox + "/" + name) == 0 else { throw DaemonError.io("rename \(temp)") }
    }

    deinit {
        if let p = process, p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        root.remove()
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case didNotStart(log: String)
    case io(String)
    public var description: String {
        switch self {
        case .didNotStart(let log): "briefingd did not start; its log:\n\(log)"
        case .io(let what): what
        }
    }
}
