import ArgumentParser
import BriefingIngest
import Foundation

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate the config and print the effective settings.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let c: DaemonConfig
        do {
            c = try ConfigLoader.load(path: options.path)
        } catch {
            FileHandle.standardError.write(Data("briefingd: config \(options.path): \(error)\n".utf8))
            throw ExitCode(78)
        }
        var lines = [
            "# effective settings of \(options.path)",
            "inbox:",
            "  path: \(c.inbox.path)",
            "  archive: \(c.inbox.archive)",
            "  failed: \(c.inbox.failed)",
            "  settle: \(c.inbox.settle)",
            "  rescan: \(c.inbox.rescan)",
            "  max_bytes: \(c.inbox.maxBytes)",
            "snapshots:",
            "  path: \(c.snapshotsPath)",
            "state:",
            "  path: \(c.statePath)",
            "input:",
            "  max_replacement_ratio: \(c.maxReplacementRatio)",
            "  max_text_chars: \(c.maxTextCharacters)",
            "  max_pdf_pages: \(c.maxPDFPages)",
            "  workers: \(c.inputLimits.workers)",
            "  max_seconds: \(c.inputLimits.maxSeconds)",
            "  max_memory: \(c.inputLimits.maxMemoryBytes)",
            "  max_output_bytes: \(c.inputLimits.maxOutputBytes)",
            "http:",
            "  connect_timeout: \(c.http.connectTimeout)",
            "  total_timeout: \(c.http.totalTimeout)",
            "  low_speed_bytes: \(c.http.lowSpeedBytes)",
            "  low_speed_time: \(c.http.lowSpeedTime)",
            "  max_redirects: \(c.http.maxRedirects)",
            "  max_bytes: \(c.http.maxBytes)",
            "  retries: \(c.http.retries)",
            "  retry_base: \(c.http.retryBase)",
            "  per_host_concurrency: \(c.http.perHostConcurrency)",
            "log:",
            "  level: \(c.logLevel)",
            "metrics:",
            "  listen: \(c.metricsListen ?? "off")",
            "pages:",
            "  enabled: \(c.pagesEnabled)",
            c.sources.isEmpty ? "sources: []" : "sources:",
        ]
        for s in c.sources {
            lines.append("  - name: \(s.name)")
            lines.append("    url: \(s.url)")
            lines.append("    kind: \(s.kind.rawValue)")
            if let every = s.every { lines.append("    every: \(every)") }
            if let cron = s.cron { lines.append("    cron: \"\(cron)\"") }
            if let links = s.links { lines.append("    links: '\(links)'") }
            lines.append("    jitter: \(s.jitter)")
            // Header values may hold secrets: print names only.
            if !s.headers.isEmpty {
                lines.append("    headers: [\(s.headers.keys.sorted().joined(separator: ", "))]")
            }
            if let f = s.headersFromFile { lines.append("    headers_from_file: \(f)") }
            if let f = s.caFile { lines.append("    ca_file: \(f)") }
            if s.proxy != nil { lines.append("    proxy: (set)") }
        }
        print(lines.joined(separator: "\n"))
    }
}
