import Metrics

/// The daemon's counters and timers, through swift-metrics (exported by the Prometheus endpoint
/// when `metrics.listen` is set; no-ops otherwise).
public struct IngestMetrics: Sendable {
    public init() {}

    func snapshotWritten(source: String, milliseconds: Int64) {
        Counter(label: "briefingd_snapshots_written_total", dimensions: [("source", source)]).increment()
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "taken")]).increment()
        Timer(label: "briefingd_ingest_duration_seconds", dimensions: [("source", source)])
            .recordMilliseconds(milliseconds)
    }

    func duplicate(source: String) {
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "duplicate")]).increment()
    }

    func failed(source: String) {
        Counter(label: "briefingd_inputs_total", dimensions: [("source", source), ("result", "failed")]).increment()
    }

    /// Files waiting in the inbox.
    func backlog(_ count: Int) {
        Gauge(label: "briefingd_inbox_backlog").record(count)
    }
}
