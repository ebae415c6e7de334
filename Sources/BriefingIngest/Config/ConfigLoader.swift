import Foundation
import Yams

/// A config file that cannot be used. The message names the key and says what is expected.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    /// Dotted path of the offending key, e.g. `sources[0].every`, or empty for the whole file.
    public var key: String
    public var message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { key.isEmpty ? message : "\(key): \(message)" }
}

/// Reads and checks the YAML config. Unknown keys are errors, never ignored.
public enum ConfigLoader {
    /// Largest size limit accepted for inputs and downloads: 1 GiB (each input is held in memory).
    static let maxBytesLimit = 1 << 30

    /// The path used when `--config` is not given: `$BRIEFINGD_CONFIG`, else `Config/briefingd.yaml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String
    {
        environment["BRIEFINGD_CONFIG"] ?? "Config/briefingd.yaml"
    }

    /// Loads the file at `path`; relative paths inside are made absolute against `workingDirectory`.
    public static func load(path: String, workingDirectory: String = FileManager.default.currentDirectoryPath)
        throws(ConfigError) -> DaemonConfig
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(
                key: "", "cannot read config file \(path); pass --config PATH or set BRIEFINGD_CONFIG")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(key: "", "config file \(path) is not UTF-8 text")
        }
        let config = try parse(text, workingDirectory: workingDirectory)
        try checkFolders(config)
        return config
    }

    /// Every configured folder that exists must be a folder: a regular file named as the inbox
    /// would make the daemon fail at start, and systemd restart it in a loop.
    static func checkFolders(_ config: DaemonConfig) throws(ConfigError) {
        let folders = [
            ("inbox.path", config.inbox.path), ("inbox.archive", config.inbox.archive),
            ("inbox.failed", config.inbox.failed), ("snapshots.path", config.snapshotsPath),
            ("state.path", config.statePath),
        ]
        for (key, path) in folders {
            var st = stat()
            guard stat(path, &st) == 0 else { continue }  // missing folders are made at start
            if st.st_mode & S_IFMT != S_IFDIR {
                throw ConfigError(
                    key: key, "\(path) exists and is not a folder; remove it or point \(key) elsewhere")
            }
        }
    }

    public static func parse(_ yaml: String, workingDirectory: String) throws(ConfigError) -> DaemonConfig {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigError(key: "", "the config file is empty; start from Config/briefingd.yaml")
            }
            root = node
        } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError(key: "", "not valid YAML: \(error)")
        }
        let top = try Table(root, path: "")
        let base = URL(fileURLWithPath: workingDirectory, isDirectory: true)
        func absolute(_ p: String) -> String {
            p.hasPrefix("/") ? p : URL(fileURLWithPath: p, relativeTo: base).standardizedFileURL.path
        }

        let inboxTable = try top.table("inbox", required: true)!
        var inbox = InboxConfig(
            path: absolute(try inboxTable.string("path", required: true)!),
            archive: absolute(try inboxTable.string("archive", required: true)!),
            failed: absolute(try inboxTable.string("failed", required: true)!))
        if let v = try inboxTable.duration("settle", in: ConfigDuration.Range.settle) { inbox.settle = v }
        if let v = try inboxTable.duration("rescan", in: ConfigDuration.Range.rescan) { inbox.rescan = v }
        if let v = try inboxTable.int("max_bytes", in: 1...Self.maxBytesLimit) { inbox.maxBytes = v }
        try inboxTable.rejectUnknown()

        let snapshots = try top.table("snapshots", required: true)!
        let snapshotsPath = absolute(try snapshots.string("path", required: true)!)
        try snapshots.rejectUnknown()
        let state = try top.table("state", required: true)!
        let statePath = absolute(try state.string("path", required: true)!)
        try state.rejectUnknown()

        var config = DaemonConfig(inbox: inbox, snapshotsPath: snapshotsPath, statePath: statePath)
        config.sources = try parseSources(top, absolute: absolute)

        if let log = try top.table("log") {
            if let level = try log.string("level") {
                guard DaemonConfig.logLevels.contains(level) else {
                    throw ConfigError(
                        key: "log.level",
                        "'\(level)' is not a level; use one of \(DaemonConfig.logLevels.joined(separator: "|"))"
                    )
                }
                config.logLevel = level
            }
            try log.rejectUnknown()
        }
        if let input = try top.table("input") {
            if let v = try input.double("max_replacement_ratio", range: 0...1) {
                config.maxReplacementRatio = v
            }
            if let v = try input.int("max_text_chars", in: 1...Self.maxBytesLimit) {
                config.maxTextCharacters = v
            }
            if let v = try input.int("max_pdf_pages", in: 1...100_000) { config.maxPDFPages = v }
            if let v = try input.int("workers", in: InputLimits.workerRange) {
                config.inputLimits.workers = v
            }
            if let v = try input.int("max_seconds", in: InputLimits.secondsRange) {
                config.inputLimits.maxSeconds = v
            }
            if let v = try input.size("max_memory", range: InputLimits.memoryRange) {
                config.inputLimits.maxMemoryBytes = v
            }
            if let v = try input.size("max_output_bytes", range: InputLimits.outputRange) {
                config.inputLimits.maxOutputBytes = v
            }
            try input.rejectUnknown()
        }
        if let http = try top.table("http") {
            config.http = try parseHTTP(http)
        }
        if let metrics = try top.table("metrics") {
            if let listen = try metrics.string("listen") {
                guard HostPort(listen) != nil else {
                    throw ConfigError(
                        key: "metrics.listen", "'\(listen)' is not HOST:PORT, e.g. 127.0.0.1:9464")
                }
                config.metricsListen = listen
            }
            try metrics.rejectUnknown()
        }
        if let pages = try top.table("pages") {
            if let enabled = try pages.bool("enabled") { config.pagesEnabled = enabled }
            try pages.rejectUnknown()
        }
        try top.rejectUnknown()
        return config
    }

    private static func parseSources(_ top: Table, absolute: (String) -> String) throws(ConfigError)
        -> [SourceConfig]
    {
        guard let node = top.value("sources") else { return [] }
        if case .scalar = node, node.null != nil { return [] }
        guard case .sequence(let seq) = node else {
            throw ConfigError(key: "sources", "expected a list of sources (or [] for none)")
        }
        var sources: [SourceConfig] = []
        var names = Set<String>()
        for (i, item) in seq.enumerated() {
            let t = try Table(item, path: "sources[\(i)]")
            let name = try t.string("name", required: true)!
            guard !name.isEmpty,
                name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }),
                name != "inbox"
            else {
                throw ConfigError(
                    key: "sources[\(i)].name", "'\(name)' must match [a-z0-9-]+ and not be 'inbox'")
            }
            guard names.insert(name).inserted else {
                throw ConfigError(
                    key: "sources[\(i)].name", "'\(name)' is used by another source; names are unique")
            }
            let url = try t.string("url", required: true)!
            let lower = url.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw ConfigError(key: "sources[\(i)].url", "'\(url)' must be an http:// or https:// URL")
            }
            var source = SourceConfig(name: name, url: url)
            if let kind = try t.string("kind") {
                guard let k = SourceConfig.Kind(rawValue: kind) else {
                    throw ConfigError(key: "sources[\(i)].kind", "'\(kind)' is not one of page|feed|index")
                }
                source.kind = k
            }
            source.every = try t.duration("every", in: ConfigDuration.Range.every)
            source.cron = try t.string("cron")
            if let cron = source.cron, CronSchedule(cron) == nil {
                throw ConfigError(key: "sources[\(i)].cron", "'\(cron)' is not a 5-field cron expression")
            }
            guard (source.every == nil) != (source.cron == nil) else {
                throw ConfigError(key: "sources[\(i)]", "give exactly one of 'every' or 'cron'")
            }
            source.links = try t.string("links")
            if let pattern = source.links {
                do { _ = try NSRegularExpression(pattern: pattern) } catch {
                    throw ConfigError(
                        key: "sources[\(i)].links", "'\(pattern)' is not a valid regular expression")
                }
            }
            if source.kind == .index && source.links == nil {
                throw ConfigError(
                    key: "sources[\(i)].links", "kind: index needs 'links', a pattern for briefing URLs")
            }
            if let j = try t.double("jitter", range: 0...0.5) { source.jitter = j }
            source.headers = try t.stringMap("headers") ?? [:]
            source.headersFromFile = try t.string("headers_from_file").map(absolute)
            source.caFile = try t.string("ca_file").map(absolute)
            source.proxy = try t.string("proxy")
            try t.rejectUnknown()
            sources.append(source)
        }
        return sources
    }

    private static func parseHTTP(_ t: Table) throws(ConfigError) -> HTTPConfig {
        var http = HTTPConfig()
        if let v = try t.duration("connect_timeout", in: ConfigDuration.Range.connectTimeout) {
            http.connectTimeout = v
        }
        if let v = try t.duration("total_timeout", in: ConfigDuration.Range.totalTimeout) {
            http.totalTimeout = v
        }
        if let v = try t.int("low_speed_bytes", in: 1...Self.maxBytesLimit) { http.lowSpeedBytes = v }
        if let v = try t.duration("low_speed_time", in: ConfigDuration.Range.lowSpeedTime) {
            http.lowSpeedTime = v
        }
        if let v = try t.int("max_redirects", in: 0...50) { http.maxRedirects = v }
        if let v = try t.int("max_bytes", in: 1...Self.maxBytesLimit) { http.maxBytes = v }
        if let v = try t.int("retries", in: 0...20) { http.retries = v }
        if let v = try t.duration("retry_base", in: ConfigDuration.Range.retryBase) { http.retryBase = v }
        if let v = try t.int("per_host_concurrency", in: 1...64) { http.perHostConcurrency = v }
        try t.rejectUnknown()
        return http
    }
}

/// A `host:port` pair, as given to `metrics.listen`.
public struct HostPort: Sendable, Equatable {
    public var host: String
    public var port: UInt16

    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else {
            return nil
        }
        self.host = String(text[..<colon])
        self.port = port
        if host.isEmpty { return nil }
    }
}

/// A YAML mapping that remembers which keys were read, so unread ones can be reported.
private final class Table {
    let path: String
    private let pairs: [(String, Node)]
    private var used = Set<String>()

    init(_ node: Node, path: String) throws(ConfigError) {
        self.path = path
        guard case .mapping(let mapping) = node else {
            throw ConfigError(key: path, "expected a mapping of keys to values")
        }
        var pairs: [(String, Node)] = []
        for (k, v) in mapping {
            guard let key = k.string else { throw ConfigError(key: path, "keys must be strings") }
            pairs.append((key, v))
        }
        self.pairs = pairs
    }

    private func keyPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func value(_ key: String) -> Node? {
        used.insert(key)
        return pairs.first { $0.0 == key }?.1
    }

    func table(_ key: String, required: Bool = false) throws(ConfigError) -> Table? {
        guard let node = value(key) else {
            if required { throw ConfigError(key: keyPath(key), "missing; see Config/briefingd.yaml") }
            return nil
        }
        return try Table(node, path: keyPath(key))
    }

    func string(_ key: String, required: Bool = false) throws(ConfigError) -> String? {
        guard let node = value(key) else {
            if required { throw ConfigError(key: keyPath(key), "missing; see Config/briefingd.yaml") }
            return nil
        }
        guard case .scalar(let scalar) = node, node.null == nil else {
            throw ConfigError(key: keyPath(key), "expected a string")
        }
        return scalar.string
    }

    func duration(_ key: String, in range: ClosedRange<ConfigDuration>) throws(ConfigError) -> ConfigDuration?
    {
        guard let text = try string(key) else { return nil }
        let wanted = "from \(range.lowerBound) to \(range.upperBound)"
        guard let d = ConfigDuration(parsing: text) else {
            throw ConfigError(
                key: keyPath(key), "'\(text)' is not a duration such as 500ms, 10s, 5m, 2h (\(wanted))")
        }
        guard range.contains(d) else {
            throw ConfigError(key: keyPath(key), "'\(text)' is out of range: use \(wanted)")
        }
        return d
    }

    /// A whole number in `range`; a number too large for `Int` is out of range, never a crash.
    func int(_ key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let v = Int(text), range.contains(v) else {
            throw ConfigError(
                key: keyPath(key),
                "'\(text)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    /// A byte count: a whole number, or one with a unit (`512MiB`, `64 KiB`, `1GiB`; K/M/G mean the same).
    func size(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let v = parseByteCount(text), range.contains(v) else {
            throw ConfigError(
                key: keyPath(key),
                "'\(text)' must be a size from \(ByteSize(range.lowerBound)) to \(ByteSize(range.upperBound)), "
                    + "e.g. 512MiB")
        }
        return v
    }

    func double(_ key: String, range: ClosedRange<Double>) throws(ConfigError) -> Double? {
        guard let text = try string(key) else { return nil }
        guard let v = Double(text), range.contains(v) else {
            throw ConfigError(
                key: keyPath(key),
                "'\(text)' must be a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default: throw ConfigError(key: keyPath(key), "'\(text)' must be true or false")
        }
    }

    func stringMap(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let node = value(key) else { return nil }
        let t = try Table(node, path: keyPath(key))
        var out: [String: String] = [:]
        for (k, _) in t.pairs { out[k] = try t.string(k) }
        return out
    }

    func rejectUnknown() throws(ConfigError) {
        if let unknown = pairs.first(where: { !used.contains($0.0) }) {
            throw ConfigError(
                key: keyPath(unknown.0), "unknown key; check its spelling against Config/briefingd.yaml")
        }
    }
}

/// Parses `512MiB`, `64 KiB`, `1G` or a plain number of bytes; nil for anything else or on overflow.
func parseByteCount(_ text: String) -> Int? {
    let units: [(String, Int)] = [
        ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30),
    ]
    var number = Substring(text.trimmingCharacters(in: .whitespaces))
    var factor = 1
    for (suffix, f) in units where number.hasSuffix(suffix) {
        number = number.dropLast(suffix.count)
        factor = f
        break
    }
    number = Substring(number.trimmingCharacters(in: .whitespaces))
    guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(number) else {
        return nil
    }
    let (product, overflow) = value.multipliedReportingOverflow(by: factor)
    return overflow ? nil : product
}
