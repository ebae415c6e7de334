import BriefingCore
import Metrics

/// Metrics of polling sources (no-ops unless `metrics.listen` is set). What became of a fetched
/// page itself (new snapshot, duplicate, unchanged) is counted by ``IngestMetrics`` when the
/// daemon ingests it.
public final class PollMetrics: Sendable {
    private let objects = MetricObjects()

    public init() {}

    /// Counts a finished poll of `source`; any result but `error` is a success.
    public func polled(source: String, result: PollResult) {
        objects.counter(
            "briefingd_polls_total", [("source", source), ("result", result.rawValue)]
        )
        .increment()
        if result != .error {
            objects.gauge("briefingd_last_success_timestamp_seconds", [("source", source)])
                .record(Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
        }
    }

    /// One HTTP transfer (all its redirect hops): bytes on the wire and how long it took.
    public func fetched(source: String, bytes: Int, duration: Duration) {
        objects.counter("briefingd_fetch_bytes_total", [("source", source)]).increment(
            by: max(0, bytes))
        objects.timer("briefingd_fetch_duration_seconds", [("source", source)])
            .recordNanoseconds(duration.wholeNanoseconds)
    }

    /// A failed transfer; kind: dns | connect | timeout | tls | http_5xx | http_429 | http_4xx | too_large | …
    public func fetchError(source: String, kind: String) {
        objects.counter("briefingd_fetch_errors_total", [("source", source), ("kind", kind)])
            .increment()
    }

    /// Creates a source's poll series at zero, so that they are scraped before its first poll.
    public func register(source: String) {
        for result in PollResult.allCases {
            objects.counter(
                "briefingd_polls_total", [("source", source), ("result", result.rawValue)]
            )
            .increment(by: 0)
        }
        objects.counter("briefingd_fetch_bytes_total", [("source", source)]).increment(by: 0)
    }
}
