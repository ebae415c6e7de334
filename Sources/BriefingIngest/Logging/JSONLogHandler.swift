import BriefingCore
import Foundation
import Logging
import Synchronization

/// swift-log handler writing one JSON object per line: `ts`, `level`, `event`, then the metadata.
///
/// The message is the event name (`snapshot_written`, `duplicate`, …); details go in metadata so
/// that a log reader can filter on fields rather than parse sentences.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let level: LogLevelControl
    private let sink: LogSink

    /// The level is shared by every logger of the process, so a SIGHUP reload changes it everywhere.
    public var logLevel: Logger.Level {
        get { level.level }
        set { level.level = newValue }
    }

    public init(label: String, level: LogLevelControl, sink: LogSink = .standardError) {
        self.level = level
        self.sink = sink
    }

    /// Routes every swift-log logger of the process to JSON lines on stderr.
    public static func bootstrap(level: String) -> LogLevelControl {
        let control = LogLevelControl(Logger.Level(rawValue: level) ?? .info)
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: control) }
        return control
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"ts\":\"\(Timestamp.now().rfc3339)\",\"level\":\"\(event.level.rawValue)\",\"event\":"
        appendJSONString(event.message.description, to: &line)
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        for key in merged.keys.sorted() where !["ts", "level", "event"].contains(key) {
            line += ","
            appendJSONString(key, to: &line)
            line += ":"
            appendValue(merged[key]!, to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    private func appendValue(_ value: Logger.Metadata.Value, to out: inout String) {
        switch value {
        case .string(let s):
            // A string stays a string, even one that looks like a number (a file named `007`);
            // numbers are logged as `.stringConvertible` and come out as JSON numbers.
            appendJSONString(s, to: &out)
        case .stringConvertible(let c):
            if let n = c as? any BinaryInteger {
                out += "\(n)"
            } else if let d = c as? Double, d.isFinite {
                out += "\(d)"
            } else if let b = c as? Bool {
                out += b ? "true" : "false"
            } else {
                appendJSONString(c.description, to: &out)
            }
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                appendValue(item, to: &out)
            }
            out += "]"
        case .dictionary(let dict):
            out += "{"
            for (i, key) in dict.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                appendJSONString(key, to: &out)
                out += ":"
                appendValue(dict[key]!, to: &out)
            }
            out += "}"
        }
    }
}

/// The process-wide log level, changed on reload.
public final class LogLevelControl: Sendable {
    private let current: Mutex<Logger.Level>
    public init(_ level: Logger.Level) { current = Mutex(level) }
    public var level: Logger.Level {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
    /// Sets the level from its config name (`info`, `debug`, …); unknown names are ignored.
    public func set(_ name: String) {
        if let l = Logger.Level(rawValue: name) { level = l }
    }
}

/// Where log lines go. Each line is written with a single `write(2)`, so lines never interleave.
public struct LogSink: Sendable {
    let fd: Int32
    public static let standardError = LogSink(fd: 2)
    /// Lines to an open file descriptor (tests, or a log file given by the service manager).
    public init(fd: Int32) { self.fd = fd }

    func write(_ line: String) {
        var line = line
        // A log line that cannot be written is dropped: there is nowhere to say so.
        line.withUTF8 { buffer in try? writeAll(fd, UnsafeRawBufferPointer(buffer), "write", "log") }
    }
}
