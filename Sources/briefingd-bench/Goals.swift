// The benchmark's goals (decode, pipeline, burst, latency, memory), checked against what was
// measured. A goal whose figure could not be measured is reported as such (met: nil), never as passed.

enum Goals {
    static func evaluate(stages: [StageFigure], daemon: DaemonFigures?) -> [GoalResult] {
        func mbps(_ form: String, _ stage: Stage) -> Double? {
            stages.first { $0.form == form && $0.stage == stage }?.megabytesPerSecond
        }
        func atLeast(_ goal: String, _ value: Double?, _ target: Double, unit: String) -> GoalResult {
            guard let value else { return GoalResult(goal: goal, measured: "not measured", met: nil) }
            return GoalResult(goal: goal, measured: format(value, unit), met: value >= target)
        }
        func below(_ goal: String, _ value: Double?, _ target: Double, unit: String) -> GoalResult {
            guard let value else { return GoalResult(goal: goal, measured: "not measured", met: nil) }
            return GoalResult(goal: goal, measured: format(value, unit), met: value < target)
        }
        let memory = daemon?.memory
        let idle = memory.map { max($0.idleAfterStartMiB, $0.idleBeforeBurstMiB, $0.idleAfterBurstMiB) }
        let peak = memory.map { max($0.peakDuringBurstMiB, $0.highWaterMarkMiB) }
        return [
            atLeast(
                "full pipeline ≥ 50 MB/s per core (UTF-8 fixture)", mbps("UTF-8", .pipeline), 50, unit: "MB/s"
            ),
            atLeast(
                "decode+normalize ≥ 100 MB/s (UTF-8)", mbps("UTF-8", .decodeNormalize), 100, unit: "MB/s"),
            atLeast(
                "decode+normalize ≥ 50 MB/s (GB18030)", mbps("GB18030", .decodeNormalize), 50, unit: "MB/s"),
            atLeast(
                "inbox burst ≥ 1,000 docs/s, every snapshot fsynced", daemon?.burst?.documentsPerSecond, 1000,
                unit: "docs/s"),
            below("drop-to-snapshot p99 < 50 ms (idle)", daemon?.latency?.p99Milliseconds, 50, unit: "ms"),
            below("daemon RSS < 64 MiB during burst", peak, 64, unit: "MiB"),
            below("daemon RSS < 20 MiB idle (worst idle reading)", idle, 20, unit: "MiB"),
        ]
    }

    static func format(_ value: Double, _ unit: String) -> String {
        let digits = value >= 100 ? 0 : 1
        return "\(Report.number(value, digits: digits)) \(unit)"
    }
}
