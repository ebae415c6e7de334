// End-to-end figures from a running daemon: single-drop latency when idle, a burst of distinct
// files, the same burst again as duplicates, and the daemon's resident memory around them.

struct InboxBenchmark {
    var daemon: DaemonHarness
    var fixture: [UInt8]
    var burstSize: Int
    var latencyDrops: Int

    /// The fixture with one unique sentence appended: distinct content, so a distinct snapshot.
    func variant(_ label: String, _ number: Int) -> [UInt8] {
        fixture + Array("\n本次基准测试\(label)第\(number)号样本。\n".utf8)
    }

    func run() throws(BenchError) -> DaemonFigures {
        var figures = DaemonFigures(
            settle: daemon.settle, loadAverage: Environment.loadAverage(), errorLogLines: 0)
        try daemon.start()
        let sampler = MemorySampler(pid: daemon.pid)
        defer { sampler.stop() }
        MonotonicClock.sleep(milliseconds: 500)
        let afterStart = ProcessMemory.read(pid: daemon.pid)
        // Extraction runs in worker processes: their memory is measured on its own.
        let workers = childProcesses(of: daemon.pid)
        let workerIdle = workers.map { mebibytes(kibibytes: ProcessMemory.read(pid: $0)?.rssKiB ?? 0) }
        let workerSamplers = workers.map { MemorySampler(pid: $0) }
        defer { for sampler in workerSamplers { sampler.stop() } }

        figures.latency = try dropLatency()

        // All burst files are written first as dotfiles (ignored by the daemon), so the timed part is
        // only the renames and the daemon's work, not this process writing 50 MB.
        let names = (0..<burstSize).map { "burst-\($0).txt" }
        for (i, name) in names.enumerated() {
            try FileIO.write(variant("批量", i), to: daemon.inbox + "/." + name)
        }
        MonotonicClock.sleep(milliseconds: 500)
        let beforeBurst = ProcessMemory.read(pid: daemon.pid)?.rssKiB ?? 0

        sampler.reset()
        for workerSampler in workerSamplers { workerSampler.reset() }
        let manifest = AppendedLineCounter(path: daemon.manifest)
        let written = AppendedLineCounter(path: daemon.logPath, containing: "\"event\":\"snapshot_written\"")
        let failed = AppendedLineCounter(path: daemon.logPath, containing: "\"event\":\"input_failed\"")
        let baseline = manifest.poll()
        let burstStart = MonotonicClock.nanoseconds()
        var burst = try drop(
            names, done: { manifest.poll() - baseline }, failed: failed, what: "manifest lines")
        // Archiving follows the manifest line; let it finish so the duplicate burst starts clean.
        try wait(until: { written.poll() >= baseline + burstSize }, failed: failed, what: "archive")
        if daemon.pages {
            // Pages follow the snapshots on their own; the burst is done for readers once they are all there.
            let expected = baseline + burstSize
            while daemon.pageCount() < expected, daemon.isRunning,
                MonotonicClock.seconds(since: burstStart) < 600
            {
                MonotonicClock.sleep(milliseconds: 50)
            }
            if daemon.pageCount() >= expected {
                burst.pagesSeconds = MonotonicClock.seconds(since: burstStart)
            } else {
                figures.problem = "pages did not catch up in 600 s: \(daemon.pageCount()) of \(expected)"
            }
        }
        burst.peakRSSMiB = mebibytes(kibibytes: sampler.peakKiB)
        var peakAnonymousKiB = sampler.peakAnonymousKiB
        figures.burst = burst

        let duplicateNames = (0..<burstSize).map { "again-\($0).txt" }
        for (i, name) in duplicateNames.enumerated() {
            try FileIO.write(variant("批量", i), to: daemon.inbox + "/." + name)
        }
        MonotonicClock.sleep(milliseconds: 500)
        sampler.reset()
        let duplicates = AppendedLineCounter(path: daemon.logPath, containing: "\"event\":\"duplicate\"")
        let seenDuplicates = duplicates.poll()
        var duplicateBurst = try drop(
            duplicateNames, done: { duplicates.poll() - seenDuplicates }, failed: failed,
            what: "`duplicate` events (archived)")
        duplicateBurst.peakRSSMiB = mebibytes(kibibytes: sampler.peakKiB)
        peakAnonymousKiB = max(peakAnonymousKiB, sampler.peakAnonymousKiB)
        figures.duplicateBurst = duplicateBurst
        if manifest.poll() != baseline + burstSize {
            figures.problem =
                "duplicates made new snapshots: \(manifest.count - baseline) manifest lines for \(burstSize) contents"
        }

        MonotonicClock.sleep(milliseconds: 1000)
        let end = ProcessMemory.read(pid: daemon.pid)
        figures.memory = MemoryFigure(
            idleAfterStartMiB: mebibytes(kibibytes: afterStart?.rssKiB ?? 0),
            idleBeforeBurstMiB: mebibytes(kibibytes: beforeBurst),
            peakDuringBurstMiB: max(burst.peakRSSMiB, duplicateBurst.peakRSSMiB),
            highWaterMarkMiB: mebibytes(kibibytes: end?.highWaterMarkKiB ?? 0),
            idleAfterBurstMiB: mebibytes(kibibytes: end?.rssKiB ?? 0),
            anonymousIdleAfterStartMiB: mebibytes(kibibytes: afterStart?.anonymousKiB ?? 0),
            anonymousPeakDuringBurstMiB: mebibytes(kibibytes: peakAnonymousKiB),
            anonymousIdleAfterBurstMiB: mebibytes(kibibytes: end?.anonymousKiB ?? 0),
            workerIdleAfterStartMiB: workerIdle,
            workerPeakDuringBurstMiB: workerSamplers.map { mebibytes(kibibytes: $0.peakKiB) })
        figures.errorLogLines = daemon.errorLineCount()
        return figures
    }

    /// Only the burst of distinct files (for the daemon with pages off): its figure.
    func runBurstOnly() throws(BenchError) -> BurstFigure {
        try daemon.start()
        let names = (0..<burstSize).map { "burst-\($0).txt" }
        for (i, name) in names.enumerated() {
            try FileIO.write(variant("批量", i), to: daemon.inbox + "/." + name)
        }
        MonotonicClock.sleep(milliseconds: 500)
        let manifest = AppendedLineCounter(path: daemon.manifest)
        let failed = AppendedLineCounter(path: daemon.logPath, containing: "\"event\":\"input_failed\"")
        let baseline = manifest.poll()
        return try drop(names, done: { manifest.poll() - baseline }, failed: failed, what: "manifest lines")
    }

    /// Renames every prepared dotfile into the inbox at once and times until `done()` reaches the count.
    private func drop(
        _ names: [String], done: () -> Int, failed: AppendedLineCounter, what: String
    ) throws(BenchError) -> BurstFigure {
        let failedBefore = failed.poll()
        let cpuBefore = processTreeCPUSeconds(pid: daemon.pid)
        let start = MonotonicClock.nanoseconds()
        for name in names { try FileIO.rename(daemon.inbox + "/." + name, daemon.inbox + "/" + name) }
        let dropSeconds = MonotonicClock.seconds(since: start)
        try wait(
            until: { done() + (failed.poll() - failedBefore) >= names.count }, failed: failed, what: what)
        let seconds = MonotonicClock.seconds(since: start)
        let failures = failed.poll() - failedBefore
        let cpu = processTreeCPUSeconds(pid: daemon.pid).flatMap { after in cpuBefore.map { after - $0 } }
        return BurstFigure(
            files: names.count, seconds: seconds,
            documentsPerSecond: Double(names.count - failures) / seconds,
            dropSeconds: dropSeconds, completion: what, peakRSSMiB: 0, failed: failures,
            cpuMillisecondsPerDocument: cpu.map { $0 * 1000 / Double(names.count) })
    }

    /// Polls every 2 ms; gives up when nothing moves for 60 s or the daemon dies.
    private func wait(until condition: () -> Bool, failed: AppendedLineCounter, what: String)
        throws(BenchError)
    {
        var lastProgress = MonotonicClock.nanoseconds()
        var lastFailed = failed.poll()
        while !condition() {
            guard daemon.isRunning else {
                throw BenchError("briefingd exited while waiting for \(what): \(daemon.logTail())")
            }
            if failed.poll() != lastFailed {
                lastFailed = failed.count
                lastProgress = MonotonicClock.nanoseconds()
            }
            if MonotonicClock.nanoseconds() - lastProgress > 60_000_000_000 {
                throw BenchError("no progress on \(what) for 60 s; log: \(daemon.logTail())")
            }
            MonotonicClock.sleep(milliseconds: 2)
        }
    }

    /// One file at a time into the idle daemon, ~100 ms apart; each timed from its rename to its
    /// manifest line (which the daemon appends only once the snapshot file is durable).
    private func dropLatency() throws(BenchError) -> LatencyFigure {
        let manifest = AppendedLineCounter(path: daemon.manifest)
        var samples: [Double] = []
        for i in 0..<latencyDrops {
            let name = "single-\(i).txt"
            try FileIO.write(variant("单件", i), to: daemon.inbox + "/." + name)
            let before = manifest.poll()
            let start = MonotonicClock.nanoseconds()
            try FileIO.rename(daemon.inbox + "/." + name, daemon.inbox + "/" + name)
            while manifest.poll() == before {
                guard MonotonicClock.seconds(since: start) < 10 else {
                    throw BenchError("no snapshot 10 s after dropping \(name); log: \(daemon.logTail())")
                }
                MonotonicClock.sleep(milliseconds: 1)
            }
            samples.append(MonotonicClock.seconds(since: start) * 1000)
            MonotonicClock.sleep(milliseconds: 100)
        }
        return LatencyFigure(
            drops: latencyDrops, p50Milliseconds: Statistics.percentile(samples, 50),
            p90Milliseconds: Statistics.percentile(samples, 90),
            p99Milliseconds: Statistics.percentile(samples, 99),
            maxMilliseconds: samples.max() ?? 0, over50Milliseconds: samples.filter { $0 >= 50 }.count,
            firstDropMilliseconds: samples[0],
            p99AfterFirstMilliseconds: samples.count > 1
                ? Statistics.percentile(Array(samples.dropFirst()), 99) : nil,
            samplesMilliseconds: samples.map { ($0 * 100).rounded() / 100 })
    }
}
