// Everything the bench measured, in the shape written to the JSON file. Throughput uses decimal
// megabytes (10^6 bytes) of input; memory uses MiB (2^20 bytes), as the goals are stated.

struct StageFigure: Codable, Sendable {
    var form: String
    var stage: Stage
    var inputBytes: Int
    var secondsPerDocument: Double?
    /// Why the stage could not run on this form (the decoder refused it).
    var error: String?
    /// Size of what the stage made, where it says something (the HTML page).
    var outputBytes: Int?

    var megabytesPerSecond: Double? { secondsPerDocument.map { Double(inputBytes) / 1e6 / $0 } }
    var documentsPerSecond: Double? { secondsPerDocument.map { 1 / $0 } }

    enum CodingKeys: String, CodingKey {
        case form, stage, error
        case inputBytes = "input_bytes"
        case outputBytes = "output_bytes"
        case secondsPerDocument = "seconds_per_document"
        case megabytesPerSecond = "mb_per_s"
        case documentsPerSecond = "docs_per_s"
    }

    init(form: String, stage: Stage, inputBytes: Int, secondsPerDocument: Double? = nil, error: String? = nil)
    {
        self.form = form
        self.stage = stage
        self.inputBytes = inputBytes
        self.secondsPerDocument = secondsPerDocument
        self.error = error
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        form = try c.decode(String.self, forKey: .form)
        stage = try c.decode(Stage.self, forKey: .stage)
        inputBytes = try c.decode(Int.self, forKey: .inputBytes)
        secondsPerDocument = try c.decodeIfPresent(Double.self, forKey: .secondsPerDocument)
        error = try c.decodeIfPresent(String.self, forKey: .error)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(form, forKey: .form)
        try c.encode(stage, forKey: .stage)
        try c.encode(inputBytes, forKey: .inputBytes)
        try c.encodeIfPresent(secondsPerDocument, forKey: .secondsPerDocument)
        try c.encodeIfPresent(megabytesPerSecond, forKey: .megabytesPerSecond)
        try c.encodeIfPresent(documentsPerSecond, forKey: .documentsPerSecond)
        try c.encodeIfPresent(error, forKey: .error)
    }
}

/// One burst of files dropped at once into the running daemon.
struct BurstFigure: Codable, Sendable {
    var files: Int
    var seconds: Double
    var documentsPerSecond: Double
    /// How long the renames into the inbox themselves took (the daemon starts during them).
    var dropSeconds: Double
    /// What "done" meant: manifest lines for new content, `duplicate` events for seen content.
    var completion: String
    var peakRSSMiB: Double
    var failed: Int
    /// The daemon's CPU time (user + system, all threads) per file: the figure the machine's load
    /// does not change, unlike `seconds`.
    var cpuMillisecondsPerDocument: Double?
    /// With pages on: seconds from the first rename until every snapshot of the run had its page.
    var pagesSeconds: Double?

    enum CodingKeys: String, CodingKey {
        case files, seconds, completion, failed
        case pagesSeconds = "pages_seconds"
        case cpuMillisecondsPerDocument = "cpu_ms_per_doc"
        case documentsPerSecond = "docs_per_s"
        case dropSeconds = "drop_seconds"
        case peakRSSMiB = "peak_rss_mib"
    }
}

struct LatencyFigure: Codable, Sendable {
    var drops: Int
    var p50Milliseconds: Double
    var p90Milliseconds: Double
    var p99Milliseconds: Double
    var maxMilliseconds: Double
    /// Drops slower than the 50 ms goal: tells one stall (a busy machine) from a slow path.
    var over50Milliseconds: Int
    /// The first drop after start pays the pipeline's one-time lazy initialization (lexicon tables,
    /// type metadata, first page faults); shown apart so that cost and the steady state are both seen.
    var firstDropMilliseconds: Double
    var p99AfterFirstMilliseconds: Double?
    var samplesMilliseconds: [Double]

    enum CodingKeys: String, CodingKey {
        case drops
        case p50Milliseconds = "p50_ms"
        case p90Milliseconds = "p90_ms"
        case over50Milliseconds = "drops_over_50_ms"
        case firstDropMilliseconds = "first_drop_ms"
        case p99AfterFirstMilliseconds = "p99_after_first_ms"
        case p99Milliseconds = "p99_ms"
        case maxMilliseconds = "max_ms"
        case samplesMilliseconds = "samples_ms"
    }
}

struct MemoryFigure: Codable, Sendable {
    var idleAfterStartMiB: Double
    var idleBeforeBurstMiB: Double
    var peakDuringBurstMiB: Double
    /// The kernel's own high-water mark (VmHWM) at the end, which no 10 ms sampling can miss.
    var highWaterMarkMiB: Double
    var idleAfterBurstMiB: Double
    /// The same readings counting only anonymous memory (RssAnon): without shared-library pages.
    var anonymousIdleAfterStartMiB: Double
    var anonymousPeakDuringBurstMiB: Double
    var anonymousIdleAfterBurstMiB: Double
    /// Each extraction worker (`briefingd worker`): RSS idle after start and peak during the bursts.
    var workerIdleAfterStartMiB: [Double] = []
    var workerPeakDuringBurstMiB: [Double] = []

    enum CodingKeys: String, CodingKey {
        case workerIdleAfterStartMiB = "worker_idle_after_start_mib"
        case workerPeakDuringBurstMiB = "worker_peak_during_burst_mib"
        case anonymousIdleAfterStartMiB = "anon_idle_after_start_mib"
        case anonymousPeakDuringBurstMiB = "anon_peak_during_burst_mib"
        case anonymousIdleAfterBurstMiB = "anon_idle_after_burst_mib"
        case idleAfterStartMiB = "idle_after_start_mib"
        case idleBeforeBurstMiB = "idle_before_burst_mib"
        case peakDuringBurstMiB = "peak_during_burst_mib"
        case highWaterMarkMiB = "vm_hwm_mib"
        case idleAfterBurstMiB = "idle_after_burst_mib"
    }
}

struct DaemonFigures: Codable, Sendable {
    var settle: String
    /// /proc/loadavg when the daemon phase began: above 2 on this machine, others were competing.
    var loadAverage: String?
    var burst: BurstFigure?
    var duplicateBurst: BurstFigure?
    /// The same burst into a daemon with `pages.enabled: false`.
    var burstPagesOff: BurstFigure?
    var latency: LatencyFigure?
    var memory: MemoryFigure?
    var errorLogLines: Int
    var problem: String?

    enum CodingKeys: String, CodingKey {
        case settle, burst, latency, memory, problem
        case loadAverage = "load_average"
        case duplicateBurst = "duplicate_burst"
        case burstPagesOff = "burst_pages_off"
        case errorLogLines = "error_log_lines"
    }
}

struct PythonStage: Codable, Sendable {
    var megabytesPerSecond: Double
    var documentsPerSecond: Double

    enum CodingKeys: String, CodingKey {
        case megabytesPerSecond = "mb_per_s"
        case documentsPerSecond = "docs_per_s"
    }
}

struct PythonFigures: Codable, Sendable {
    /// Which packages did the work, with versions: "charset-normalizer 3.4.7 + jionlp 1.5.31".
    var tool: String
    /// form → stage ("decode", "extract", "full") → figure
    var results: [String: [String: PythonStage]]
    /// form → why it could not be measured
    var errors: [String: String]?
    /// How many items the Python extractor reported on the fixture, by kind ("times", "money").
    var foundInFixture: [String: Int]?
    /// form → Swift full pipeline MB/s ÷ Python full MB/s
    var fullPipelineRatio: [String: Double]?

    enum CodingKeys: String, CodingKey {
        case tool, results, errors
        case foundInFixture = "found_in_fixture"
        case fullPipelineRatio = "full_pipeline_ratio_swift_over_python"
    }
}

struct GoalResult: Codable, Sendable {
    var goal: String
    var measured: String
    var met: Bool?
}

struct BenchMeta: Codable, Sendable {
    var startedAt: String
    var gitHead: String
    var gitMain: String
    var mainIncluded: Bool
    var cpu: String
    var cores: Int
    var loadAverage: String
    var fixture: String
    var fixtureBytes: Int
    var runs: Int
    var minSecondsPerRun: Double

    enum CodingKeys: String, CodingKey {
        case cpu, cores, fixture, runs
        case startedAt = "started_at"
        case gitHead = "git_head"
        case gitMain = "git_main"
        case mainIncluded = "main_included"
        case loadAverage = "load_average"
        case fixtureBytes = "fixture_bytes"
        case minSecondsPerRun = "min_seconds_per_run"
    }
}

struct BenchReport: Codable, Sendable {
    var meta: BenchMeta
    var stages: [StageFigure]
    /// Pages of the PDF form, when it was measured.
    var pdfPages: Int?
    /// Peak RSS of one extraction (`briefingd extract`) per MB of input.
    var extractMemory: ExtractMemoryFigure?
    var daemon: DaemonFigures?
    var python: PythonFigures?
    var pythonSkipped: String?
    var goals: [GoalResult]

    enum CodingKeys: String, CodingKey {
        case meta, stages, daemon, python, goals
        case pdfPages = "pdf_pages"
        case extractMemory = "extract_memory"
        case pythonSkipped = "python_skipped"
    }
}
