import Foundation
import TestSupport

/// Config and content helpers shared by the polling end-to-end tests.
enum PollYAML {
    /// A `sources:` block (plus an optional `http:` block) for `DaemonProcess(extraYAML:)`.
    /// Each source polls every second without jitter unless `extra` says otherwise.
    static func sources(_ list: [(name: String, url: String, extra: [String])], http: [String] = []) -> String
    {
        var lines = ["sources:"]
        for s in list {
            lines.append("  - name: \(s.name)")
            lines.append("    url: \(s.url)")
            if !s.extra.contains(where: { $0.hasPrefix("every:") || $0.hasPrefix("cron:") }) {
                lines.append("    every: 1s")
            }
            if !s.extra.contains(where: { $0.hasPrefix("jitter:") }) { lines.append("    jitter: 0") }
            for e in s.extra { lines.append("    " + e) }
        }
        if !http.isEmpty {
            lines.append("http:")
            for h in http { lines.append("  " + h) }
        }
        return lines.joined(separator: "\n")
    }
}

enum PollContent {
    /// The fixture briefing with a distinguishing last line, so each variant is its own snapshot.
    static func briefing(_ note: String? = nil) throws -> [UInt8] {
        let text = try Paths.fixtureText()
        guard let note else { return Array(text.utf8) }
        return Array((text + "\n补充说明：\(note)。\n").utf8)
    }
}

extension DaemonProcess {
    /// `poll_finished` results of one source, in order.
    func pollResults(_ source: String) -> [String] {
        events("poll_finished").filter { $0["source"] as? String == source }.compactMap {
            $0["result"] as? String
        }
    }

    /// Events named `name` for one source.
    func events(_ name: String, source: String) -> [[String: Any]] {
        events(name).filter { $0["source"] as? String == source }
    }
}
