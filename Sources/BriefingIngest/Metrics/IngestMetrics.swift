import BriefingCore
import Metrics

/// The daemon's counters and timers, through swift-metrics (exported by the Prometheus endpoint
/// when `metrics.listen` is set; no-ops otherwise). Names follow Prometheus conventions: counters
/// end in `_total`, durations are histograms in seconds.
public struct IngestMetrics: Sendable {
    public init() {}

    /// Creates the series an operator alerts on, at zero, so that a scrape shows them before the
    /// first input arrives (a missing series and a zero look different to PromQL).
    func register() {
        for result in ["taken", "duplicate", "failed"] {
            Counter(label: "briefingd_inputs_total", dimensions: [("source", "inbox"), ("result", result)])
                .increment(by: 0)
        }
        Counter(label: "briefingd_snapshots_written_total", dimensions: [("source", "inbox")]).increment(
            by: 0)
        backlog(0)
        Gauge(label: "briefingd_start_time_seconds").record(
            Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
    }

    func snapshotWritten(source: String, milliseconds: Int64) {
        Counter(label: "briefingd_snapshots_written_total", dimensions: [("source", source)]).increment()
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "taken")])
            .increment()
        Timer(label: "briefingd_ingest_duration_seconds", dimensions: [("source", source)])
            .recordMilliseconds(milliseconds)
        succeeded(source: source)
    }

    func duplicate(source: String) {
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "duplicate")])
            .increment()
        succeeded(source: source)
    }

    func unchanged(source: String) {
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "unchanged")])
            .increment()
        succeeded(source: source)
    }

    func failed(source: String) {
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "failed")])
            .increment()
    }

    /// Decode, normalize and extract of one input (the pure pipeline, without any I/O but the read).
    func extraction(source: String, nanoseconds: UInt64) {
        Timer(label: "briefingd_extraction_duration_seconds", dimensions: [("source", source)])
            .recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Files waiting in the inbox.
    func backlog(_ count: Int) {
        Gauge(label: "briefingd_inbox_backlog").record(count)
    }

    /// Wall-clock time of the last input from `source` that was taken in (new, duplicate or unchanged).
    func succeeded(source: String) {
        Gauge(label: "briefingd_last_success_timestamp_seconds", dimensions: [("source", source)])
            .record(Double(Timestamp.now().millisecondsSinceEpoch) / 1000)
    }
}
