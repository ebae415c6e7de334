import Foundation

// The one table the bench prints, and the JSON file with the same figures.

enum Report {
    static func number(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }

    /// A figure with precision that suits its size: 3.42, 48.7, 1234.
    static func figure(_ value: Double) -> String {
        number(value, digits: value >= 100 ? 0 : value >= 10 ? 1 : 2)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        let length = text.count
        return length >= width ? text : text + String(repeating: " ", count: width - length)
    }

    /// The CPU cost per file of the daemon and its extraction workers, and the rate it would reach
    /// if it had every core to itself.
    static func cpuNote(_ milliseconds: Double, cores: Int) -> String {
        ", \(figure(milliseconds)) CPU ms/doc (≈ \(figure(Double(cores) * 1000 / milliseconds)) docs/s on \(cores) idle cores)"
    }

    static func print(_ report: BenchReport) {
        var out = ""
        let m = report.meta
        out += "briefingd benchmark  \(m.startedAt)  HEAD \(m.gitHead)"
        out += " (main \(m.gitMain) \(m.mainIncluded ? "included" : "NOT included"))\n"
        out += "machine: \(m.cpu), \(m.cores) cores, load average at start \(m.loadAverage)\n"
        out += "fixture: \(m.fixture) (\(m.fixtureBytes) bytes)\n\n"

        let forms = report.stages.reduce(into: [String]()) { if !$0.contains($1.form) { $0.append($1.form) } }
        out +=
            "Single-core throughput: MB/s of input (documents/s) per second of the measuring thread's CPU time;\n"
        out +=
            "median of \(m.runs) runs of ≥ \(number(m.minSecondsPerRun, digits: 1)) CPU s; MB = 10^6 bytes\n"
        let width = 22
        out += pad("stage", 18)
        for form in forms {
            let bytes = report.stages.first { $0.form == form }?.inputBytes ?? 0
            out += pad("\(form) (\(bytes) B)", width)
        }
        out += "\n"
        var notes: [String] = []
        for stage in Stage.allCases {
            out += pad(stage.rawValue, 18)
            for form in forms {
                guard let f = report.stages.first(where: { $0.form == form && $0.stage == stage }) else {
                    out += pad("-", width)
                    continue
                }
                if let mbps = f.megabytesPerSecond, let docs = f.documentsPerSecond {
                    out += pad("\(figure(mbps)) (\(figure(docs)))", width)
                } else {
                    let note = "n/a: \(f.error ?? "not measured")"
                    if !notes.contains(note) { notes.append(note) }
                    out += pad("n/a [\(notes.firstIndex(of: note)! + 1)]", width)
                }
            }
            out += "\n"
        }
        for (i, note) in notes.enumerated() { out += "  [\(i + 1)] \(note)\n" }
        if let page = report.stages.first(where: { $0.stage == .renderPage && $0.outputBytes != nil }),
            let seconds = page.secondsPerDocument, let size = page.outputBytes
        {
            out += "  render page: \(number(seconds * 1000, digits: 2)) ms per page, "
            out += "\(number(Double(size) / 1024, digits: 1)) KiB of HTML for the \(page.form) fixture\n"
        }
        if let m = report.extractMemory {
            if let problem = m.problem {
                out += "extract peak RSS: n/a: \(problem)\n"
            } else {
                out +=
                    "extract peak RSS: \(figure(m.largePeakRSSMiB)) MiB on \(figure(Double(m.largeInputBytes) / 1_048_576)) MiB "
                    + "of text: \(figure(m.peakPerInputMiB)) MiB per MiB of input (bench's own RSS \(figure(m.benchRSSMiB)) MiB)\n"
            }
        }
        if let pages = report.pdfPages {
            out += "pdf (\(pages) pages), pages/s:"
            for stage in [Stage.decode, .pipeline] {
                if let docs = report.stages.first(where: { $0.form == "pdf" && $0.stage == stage })?
                    .documentsPerSecond
                {
                    out += "  \(stage.rawValue) \(figure(docs * Double(pages)))"
                }
            }
            out += "\n"
        }

        out += "\n"
        if let python = report.python {
            out += "Python alternative (\(python.tool)), same bytes, one core: MB/s (documents/s)\n"
            for form in forms {
                out += pad("  \(form)", 18)
                if let full = python.results[form]?["full"] {
                    out += "full \(figure(full.megabytesPerSecond)) (\(figure(full.documentsPerSecond)))"
                    if let decode = python.results[form]?["decode"] {
                        out += ", decode \(figure(decode.megabytesPerSecond))"
                    }
                    if let extract = python.results[form]?["extract"] {
                        out += ", extract \(figure(extract.megabytesPerSecond))"
                    }
                    if let ratio = python.fullPipelineRatio?[form] {
                        out += "   Swift/Python full pipeline: \(figure(ratio))×"
                    }
                } else {
                    out += "n/a: \(python.errors?[form] ?? "not measured")"
                }
                out += "\n"
            }
        } else {
            out += "Python alternative: skipped (\(report.pythonSkipped ?? "not run"))\n"
        }

        out += "\n"
        if let d = report.daemon {
            out += "Daemon (release build, settle \(d.settle), log level info, temp dirs under /tmp; "
            out += "load average \(d.loadAverage ?? "?"))\n"
            if let b = d.burst {
                out += "  inbox burst        \(b.files) distinct files: \(number(b.seconds, digits: 2)) s → "
                out += "\(figure(b.documentsPerSecond)) docs/s until all snapshots durable (\(b.completion))"
                out += b.cpuMillisecondsPerDocument.map { cpuNote($0, cores: m.cores) } ?? ""
                out += b.failed > 0 ? ", \(b.failed) FAILED\n" : "\n"
                if let pages = b.pagesSeconds {
                    out +=
                        "                     pages on: every page written \(number(pages, digits: 2)) s after the first drop "
                    out += "(\(figure(Double(b.files) / pages)) pages/s)\n"
                }
            }
            if let b = d.burstPagesOff {
                out += "  burst, pages off   \(b.files) distinct files: \(number(b.seconds, digits: 2)) s → "
                out += "\(figure(b.documentsPerSecond)) docs/s until all snapshots durable"
                out += (b.cpuMillisecondsPerDocument.map { cpuNote($0, cores: m.cores) } ?? "") + "\n"
            }
            if let b = d.duplicateBurst {
                out += "  duplicate burst    \(b.files) seen files: \(number(b.seconds, digits: 2)) s → "
                out += "\(figure(b.documentsPerSecond)) docs/s until all archived (\(b.completion))"
                out += (b.cpuMillisecondsPerDocument.map { cpuNote($0, cores: m.cores) } ?? "") + "\n"
            }
            if let l = d.latency {
                out +=
                    "  drop-to-snapshot   \(l.drops) single drops into the idle daemon: p50 \(figure(l.p50Milliseconds)) ms, "
                out += "p90 \(figure(l.p90Milliseconds)) ms, p99 \(figure(l.p99Milliseconds)) ms, "
                out +=
                    "max \(figure(l.maxMilliseconds)) ms; \(l.over50Milliseconds) of \(l.drops) at 50 ms or more\n"
                out += "                     first drop after start \(figure(l.firstDropMilliseconds)) ms"
                out += l.p99AfterFirstMilliseconds.map { ", p99 of the others \(figure($0)) ms\n" } ?? "\n"
            }
            if let mem = d.memory {
                out += "  RSS (MiB)          idle after start \(figure(mem.idleAfterStartMiB)), "
                out +=
                    "before burst \(figure(mem.idleBeforeBurstMiB)), peak during bursts \(figure(mem.peakDuringBurstMiB)) "
                out +=
                    "(VmHWM \(figure(mem.highWaterMarkMiB))), idle after \(figure(mem.idleAfterBurstMiB))\n"
                out += "  anonymous (MiB)    idle after start \(figure(mem.anonymousIdleAfterStartMiB)), "
                out += "peak during bursts \(figure(mem.anonymousPeakDuringBurstMiB)), "
                out +=
                    "idle after \(figure(mem.anonymousIdleAfterBurstMiB)) (RSS less shared-library pages)\n"
                if !mem.workerIdleAfterStartMiB.isEmpty {
                    out +=
                        "  workers RSS (MiB)  \(mem.workerIdleAfterStartMiB.count) workers: idle after start "
                    out += mem.workerIdleAfterStartMiB.map { figure($0) }.joined(separator: ", ")
                    out += "; peak during bursts "
                    out += mem.workerPeakDuringBurstMiB.map { figure($0) }.joined(separator: ", ") + "\n"
                }
            }
            if d.errorLogLines > 0 { out += "  daemon log: \(d.errorLogLines) error lines\n" }
            if let problem = d.problem { out += "  PROBLEM: \(problem)\n" }
        } else {
            out += "Daemon: skipped\n"
        }

        out += "\nGoals\n"
        for goal in report.goals {
            let mark = goal.met.map { $0 ? "✔" : "✘" } ?? "?"
            out += "  \(mark) \(pad(goal.goal, 52)) \(goal.measured)\n"
        }
        Swift.print(out, terminator: "")
    }

    static func write(_ report: BenchReport, to path: String) throws(BenchError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(report)
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty { try FileIO.makeDirectory(directory) }
            try FileIO.write([UInt8](data) + [0x0A], to: path)
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("cannot encode the results: \(error)")
        }
    }
}
