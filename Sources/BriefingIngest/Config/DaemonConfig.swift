import BriefingCore
import BriefingStore

// The daemon's settings, as read from the YAML file of `../shared/spec/contract.md` and checked.

/// A length of time written as `500ms`, `10s`, `5m`, `2h` or `1d`.
public struct ConfigDuration: Sendable, Equatable, Comparable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }
    public static func seconds(_ s: Int64) -> ConfigDuration { ConfigDuration(milliseconds: s * 1000) }

    /// Parses `500ms`, `10s`, `5m`, `2h`, `1d`; nil for anything else, and for a length too long
    /// to count in milliseconds (no config value comes near that; the caller's range says what fits).
    public init?(parsing text: String) {
        let units: [(String, Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            let number = text.dropLast(suffix.count)
            // "5ms" also ends in "s": only accept when what is left is all digits.
            guard !number.isEmpty, number.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            guard let value = Int64(number) else { return nil }
            let (ms, overflow) = value.multipliedReportingOverflow(by: factor)
            guard !overflow else { return nil }
            self.milliseconds = ms
            return
        }
        return nil
    }

    /// The sane range of every duration key of the config, in one place.
    public enum Range {
        public static let settle = ConfigDuration(milliseconds: 0)...ConfigDuration.seconds(3600)
        /// A rescan reads the whole folder: more often than every second burns a core idle.
        public static let rescan = ConfigDuration.seconds(1)...ConfigDuration.seconds(86_400)
        /// More often than every second hammers the site; a poll a month apart is still a poll.
        public static let every = ConfigDuration.seconds(1)...ConfigDuration.seconds(30 * 86_400)
        public static let connectTimeout = ConfigDuration(milliseconds: 100)...ConfigDuration.seconds(600)
        /// Below a second every fetch fails at once, with a misleading timeout.
        public static let totalTimeout = ConfigDuration.seconds(1)...ConfigDuration.seconds(86_400)
        public static let lowSpeedTime = ConfigDuration.seconds(1)...ConfigDuration.seconds(3600)
        public static let retryBase = ConfigDuration(milliseconds: 10)...ConfigDuration.seconds(3600)
        /// Under a second, a renewal every third of it would be mostly database round trips.
        public static let lease = ConfigDuration.seconds(1)...ConfigDuration.seconds(3600)
    }

    public var seconds: Double { Double(milliseconds) / 1000 }
    /// The value as the type waits and deadlines use.
    public var duration: Duration { .milliseconds(milliseconds) }

    public static func < (a: ConfigDuration, b: ConfigDuration) -> Bool { a.milliseconds < b.milliseconds }

    public var description: String {
        let units: [(String, Int64)] = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)]
        for (suffix, factor) in units where milliseconds >= factor && milliseconds % factor == 0 {
            return "\(milliseconds / factor)\(suffix)"
        }
        return "\(milliseconds)ms"
    }
}

/// Drop folder settings.
public struct InboxConfig: Sendable, Equatable {
    public var path: String
    public var archive: String
    public var failed: String
    /// How long size and mtime must stay unchanged before a file is taken.
    public var settle: ConfigDuration = ConfigDuration(milliseconds: 20)
    /// Full rescan interval, a safety net for events inotify cannot deliver (e.g. network file systems).
    public var rescan: ConfigDuration = .seconds(30)
    /// Inputs larger than this go to `failed/`.
    public var maxBytes: Int = InboxConfig.defaultMaxBytes
    public static let defaultMaxBytes = 20 * 1024 * 1024
}

/// One URL to poll.
public struct SourceConfig: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable { case page, feed, index }

    public var name: String
    public var url: String
    public var kind: Kind = .page
    public var every: ConfigDuration?
    public var cron: String?
    /// For `kind: index`: regular expression an absolute link must match to be a briefing.
    public var links: String?
    public var jitter: Double = 0.1
    public var headers: [String: String] = [:]
    public var headersFromFile: String?
    public var caFile: String?
    public var proxy: String?
}

/// HTTP limits shared by all sources.
public struct HTTPConfig: Sendable, Equatable {
    public var connectTimeout: ConfigDuration = .seconds(10)
    public var totalTimeout: ConfigDuration = .seconds(60)
    /// Abort when slower than `lowSpeedBytes` per second for `lowSpeedTime`.
    public var lowSpeedBytes: Int = 1024
    public var lowSpeedTime: ConfigDuration = .seconds(30)
    public var maxRedirects: Int = 5
    public var maxBytes: Int = 20 * 1024 * 1024
    public var retries: Int = 4
    public var retryBase: ConfigDuration = .seconds(2)
    public var perHostConcurrency: Int = 2
}

/// Everything `briefingd run` needs.
public struct DaemonConfig: Sendable, Equatable {
    public var inbox: InboxConfig
    public var snapshotsPath: String
    public var statePath: String
    public var sources: [SourceConfig] = []
    public var http = HTTPConfig()
    public var logLevel: String = "info"
    /// Largest share of undecodable characters before an input is refused.
    public var maxReplacementRatio: Double = PipelineOptions().maxReplacementRatio
    /// Longest decoded text, in characters, before an input is refused (`input.max_text_chars`).
    public var maxTextCharacters: Int = PipelineOptions.defaultMaxTextCharacters
    /// Most pages a PDF input may have; longer PDFs are refused before their text is read.
    public var maxPDFPages: Int = PDFLimits.defaultMaxPages
    /// `127.0.0.1:9464`; nil disables the metrics endpoint.
    public var metricsListen: String?
    /// `store.postgres`: the shared database of a fleet of instances; nil runs on its own.
    public var store: PostgresSettings?
    /// Whether the daemon writes an HTML page beside each snapshot, a digest per day and an index.
    public var pagesEnabled = true
    /// Worker processes and the limits each input is extracted under.
    public var inputLimits = InputLimits()

    /// The limits every input is processed with.
    public var pipelineOptions: PipelineOptions {
        PipelineOptions(
            maxReplacementRatio: maxReplacementRatio, maxTextCharacters: maxTextCharacters,
            pdf: PDFLimits(maxPages: maxPDFPages))
    }

    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
}

/// How untrusted inputs are extracted: in how many worker processes, and under which limits.
public struct InputLimits: Sendable, Equatable {
    /// Worker processes started with the daemon (`input.workers`).
    public var workers: Int = 2
    /// CPU seconds one input may take (`input.max_seconds`).
    public var maxSeconds: Int = 30
    /// Address space of a worker (`input.max_memory`).
    public var maxMemoryBytes: Int = 512 << 20
    /// Largest snapshot document one input may give (`input.max_output_bytes`).
    public var maxOutputBytes: Int = 64 << 20

    public init() {}

    public static let workerRange = 1...64
    public static let secondsRange = 1...86_400
    /// A worker's runtime and libraries alone take about 130 MiB of address space.
    public static let memoryRange = (256 << 20)...(1 << 40)
    public static let outputRange = (64 << 10)...(1 << 32)
}
