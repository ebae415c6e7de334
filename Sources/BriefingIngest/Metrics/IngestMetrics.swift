import BriefingCore
import Metrics

/// The daemon's counters and timers, through swift-metrics (exported by the Prometheus endpoint
/// when `metrics.listen` is set; no-ops otherwise). Names follow Prometheus conventions: counters
/// end in `_total`, durations are histograms in seconds.
public final class IngestMetrics: Sendable {
    private let objects = MetricObjects()

    public init() {}

    /// Creates the series an operator alerts on, at zero, so that a scrape shows them before the
    /// first input arrives (a missing series and a zero look different to PromQL).
    func register() {
        for result in ["taken", "duplicate", "failed"] {
            objects.counter("briefingd_inputs_total", [("source", "inbox"), ("result", result)])
                .increment(by: 0)
        }
        objects.counter("briefingd_snapshots_written_total", [("source", "inbox")]).increment(
            by: 0)
        backlog(0)
        objects.gauge("briefingd_start_time_seconds").record(
            Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
    }

    func snapshotWritten(source: String, duration: Duration) {
        objects.counter("briefingd_snapshots_written_total", [("source", source)]).increment()
        objects.counter("briefingd_inputs_total", [("source", source), ("result", "taken")])
            .increment()
        objects.timer("briefingd_ingest_duration_seconds", [("source", source)])
            .recordNanoseconds(duration.wholeNanoseconds)
        succeeded(source: source)
    }

    func duplicate(source: String) {
        objects.counter("briefingd_inputs_total", [("source", source), ("result", "duplicate")])
            .increment()
        succeeded(source: source)
    }

    func unchanged(source: String) {
        objects.counter("briefingd_inputs_total", [("source", source), ("result", "unchanged")])
            .increment()
        succeeded(source: source)
    }

    func failed(source: String) {
        objects.counter("briefingd_inputs_total", [("source", source), ("result", "failed")])
            .increment()
    }

    /// Decode, normalize and extract of one input (the pure pipeline, without any I/O but the read).
    func extraction(source: String, duration: Duration) {
        objects.timer("briefingd_extraction_duration_seconds", [("source", source)])
            .recordNanoseconds(max(0, duration.wholeNanoseconds))
    }

    /// Files waiting in the inbox.
    func backlog(_ count: Int) {
        objects.gauge("briefingd_inbox_backlog").record(count)
    }

    /// Wall-clock time of the last input from `source` that was taken in (new, duplicate or unchanged).
    func succeeded(source: String) {
        objects.gauge("briefingd_last_success_timestamp_seconds", [("source", source)])
            .record(Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
    }
}
