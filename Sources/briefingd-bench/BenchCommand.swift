import ArgumentParser
import BriefingCore
import Foundation

// `briefingd-bench`: every figure of docs/benchmark.md in one run, printed as one table and written
// as JSON. Stages first (one thread), then the Python alternative, then the daemon, so that no two
// measurements compete for the two cores.

@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "briefingd-bench",
        abstract:
            "Measure briefingd: per-stage throughput, inbox burst, drop latency, memory; compare with Python."
    )

    @Option(help: "Files in the inbox burst (distinct variants of the fixture).")
    var burst = 2000

    @Option(help: "Where to write the figures as JSON.")
    var json = "bench-results/latest.json"

    @Option(
        help:
            "The briefing to measure on (default: <repo>/../shared/fixtures/nmg-public-security-briefing.txt)."
    )
    var fixture: String?

    @Flag(help: "Do not run the Python alternative.")
    var skipPython = false

    @Flag(help: "Do not start the daemon (stage throughput only).")
    var skipDaemon = false

    @Option(help: "Runs per stage; the median is reported.")
    var runs = 5

    @Option(help: "Minimum seconds per run.")
    var minSeconds = 1.0

    @Option(help: "Single files dropped into the idle daemon for the latency figure.")
    var latencyDrops = 50

    @Option(help: "Measure only this input form (UTF-8, GB18030, UTF-16LE, docx, pdf); for profiling.")
    var form: String?

    @Option(help: "Measure only this stage (e.g. \"full pipeline\"); for profiling.")
    var stage: String?

    @Option(help: "The briefingd executable (default: beside this one).")
    var daemon: String?

    @Flag(help: "Do not measure the shared PostgreSQL store.")
    var skipStore = false

    @Flag(help: "Measure only the shared PostgreSQL store.")
    var storeOnly = false

    @Option(help: "Files per burst into the shared PostgreSQL store.")
    var storeFiles = 600

    @Flag(help: "Keep the daemon's temporary folders for inspection.")
    var keepTemp = false

    func validate() throws {
        if let stage, Stage(rawValue: stage) == nil {
            throw ValidationError(
                "--stage must be one of: \(Stage.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard burst > 0, runs > 0, minSeconds > 0, latencyDrops > 0 else {
            throw ValidationError("--burst, --runs, --min-seconds and --latency-drops must be positive")
        }
    }

    func run() throws {
        let repository = Environment.repositoryRoot()
        let fixturePath =
            fixture
            ?? ((repository.map { $0 + "/.." } ?? ".") + "/shared/fixtures/nmg-public-security-briefing.txt")
        let fixtureBytes = try FileIO.read(fixturePath)
        if storeOnly {
            storeStage(fixture: fixtureBytes)
            return
        }
        let inputs = try BenchInputs.forms(of: fixtureBytes)
        let timing = StageTiming(minSeconds: minSeconds, runs: runs)
        let now = Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000))
        let meta = BenchMeta(
            startedAt: now.rfc3339,
            gitHead: Environment.git(["rev-parse", "--short", "HEAD"], in: repository),
            gitMain: Environment.git(["rev-parse", "--short", "main"], in: repository),
            mainIncluded: Environment.mainIncluded(in: repository), cpu: Environment.cpuModel(),
            cores: ProcessInfo.processInfo.activeProcessorCount, loadAverage: Environment.loadAverage(),
            fixture: (fixturePath as NSString).standardizingPath, fixtureBytes: fixtureBytes.count,
            runs: runs,
            minSecondsPerRun: minSeconds)

        var stages: [StageFigure] = []
        let onlyStages = stage.map { name in Stage.allCases.filter { $0.rawValue == name } } ?? Stage.allCases
        for input in inputs where form == nil || form == input.label {
            progress("stages on \(input.label)")
            stages += StageBenchmark.run(input, stages: onlyStages, timing: timing, ingestedAt: now)
        }
        // The PDF path on its own: the Python alternative and the daemon figures stay on the text forms.
        var pdfPages: Int?
        if form == nil || form == "pdf" {
            progress("stages on pdf (made by scripts/make_pdf.py)")
            switch PDFInput.make(fixturePath: fixturePath, repository: repository) {
            case .success(let pdf):
                pdfPages = pdf.pages
                stages += StageBenchmark.run(pdf, stages: onlyStages, timing: timing, ingestedAt: now)
            case .failure(let error):
                stages += onlyStages.map {
                    StageFigure(form: "pdf", stage: $0, inputBytes: 0, error: "no PDF: \(error)")
                }
            }
        }

        progress(
            "peak RSS of briefingd extract on \(ExtractMemory.largeBytes / 1_000_000) MB")
        let extractMemory = ExtractMemory.run(
            executable: daemon ?? Environment.daemonExecutable(), fixture: fixtureBytes)

        var python: PythonFigures?
        var pythonSkipped: String?
        if skipPython {
            pythonSkipped = "--skip-python"
        } else {
            progress("Python alternative")
            let script = (repository ?? ".") + "/scripts/bench_python_alternative.py"
            switch PythonAlternative.run(script: script, inputs: inputs, timing: timing) {
            case .success(var figures):
                figures.fullPipelineRatio = Dictionary(
                    uniqueKeysWithValues: inputs.compactMap { input in
                        guard
                            let swift = stages.first(where: {
                                $0.form == input.label && $0.stage == .pipeline
                            })?
                            .megabytesPerSecond,
                            let py = figures.results[input.label]?["full"]?.megabytesPerSecond, py > 0
                        else { return nil }
                        return (input.label, swift / py)
                    })
                python = figures
            case .failure(let error):
                pythonSkipped = error.description
            }
        }

        var daemonFigures: DaemonFigures?
        if !skipDaemon {
            progress("daemon: \(latencyDrops) single drops, then a burst of \(burst) and its duplicates")
            daemonFigures = runDaemon(fixture: fixtureBytes)
        }

        let report = BenchReport(
            meta: meta, stages: stages, pdfPages: pdfPages, extractMemory: extractMemory,
            daemon: daemonFigures, python: python,
            pythonSkipped: pythonSkipped,
            goals: Goals.evaluate(stages: stages, daemon: daemonFigures))
        Report.print(report)
        try Report.write(report, to: json)
        Swift.print("\nfigures written to \(json)")
        if !skipStore && !skipDaemon {
            progress(
                "shared store: \(storeFiles) files into PostgreSQL with 1 and 3 instances, then single drops")
            storeStage(fixture: fixtureBytes)
        }
    }

    private func runDaemon(fixture: [UInt8]) -> DaemonFigures {
        do {
            let harness = try DaemonHarness(executable: daemon ?? Environment.daemonExecutable())
            defer {
                harness.stop()
                if keepTemp {
                    progress("daemon folders kept in \(harness.root)")
                } else {
                    harness.removeFiles()
                }
            }
            let bench = InboxBenchmark(
                daemon: harness, fixture: fixture, burstSize: burst, latencyDrops: latencyDrops)
            var figures = try bench.run()
            harness.stop()
            progress("daemon with pages off: a burst of \(burst)")
            let off = try DaemonHarness(executable: daemon ?? Environment.daemonExecutable(), pages: false)
            defer {
                off.stop()
                if !keepTemp { off.removeFiles() }
            }
            figures.burstPagesOff = try InboxBenchmark(
                daemon: off, fixture: fixture, burstSize: burst, latencyDrops: latencyDrops
            ).runBurstOnly()
            return figures
        } catch {
            return DaemonFigures(
                settle: "20ms", loadAverage: nil, errorLogLines: 0, problem: error.description)
        }
    }

    /// Prints the shared-store figures and writes them beside the main JSON as `store.json`.
    private func storeStage(fixture: [UInt8]) {
        let bench = StoreBenchmark(
            executable: daemon ?? Environment.daemonExecutable(), fixture: fixture, files: storeFiles,
            latencyDrops: latencyDrops)
        let figures: StoreFigures
        do {
            figures = try bench.run()
        } catch {
            Swift.print("\nshared store (PostgreSQL): not measured: \(error)")
            return
        }
        Swift.print(
            """

            shared store (PostgreSQL 15, fsync on, \(figures.files) files per burst)
              1 instance:   \(String(format: "%.0f", figures.instances1PerSecond)) snapshots/s into rows
              3 instances:  \(String(format: "%.0f", figures.instances3PerSecond)) snapshots/s into rows
              drop → row:   p50 \(String(format: "%.1f", figures.latencyP50Milliseconds)) ms, p99 \(String(format: "%.1f", figures.latencyP99Milliseconds)) ms (\(figures.latencyDrops) single drops)
            """)
        let path = ((json as NSString).deletingLastPathComponent as NSString).appendingPathComponent(
            "store.json")
        if let data = try? JSONEncoder().encode(figures) {
            try? data.write(to: URL(fileURLWithPath: path))
        }
    }

    private func progress(_ message: String) {
        FileHandle.standardError.write(Data("… \(message)\n".utf8))
    }
}
