import Metrics

/// Poll counters and timers (`/metrics` when `metrics.listen` is set).
struct PollMetrics: Sendable {
    /// result: changed | unchanged | not_modified | error
    func poll(source: String, result: String) {
        Counter(label: "briefingd_polls_total", dimensions: [("source", source), ("result", result)])
            .increment()
    }

    /// One HTTP transfer (all its redirect hops): bytes on the wire and how long it took.
    func fetch(source: String, bytes: Int, milliseconds: Int64) {
        Counter(label: "briefingd_fetch_bytes_total", dimensions: [("source", source)]).increment(by: bytes)
        Timer(label: "briefingd_fetch_duration_seconds", dimensions: [("source", source)])
            .recordMilliseconds(milliseconds)
    }

    /// kind: dns | connect | timeout | tls | http_5xx | http_429 | http_4xx | too_large | …
    func fetchError(source: String, kind: String) {
        Counter(label: "briefingd_fetch_errors_total", dimensions: [("source", source), ("kind", kind)])
            .increment()
    }
}
