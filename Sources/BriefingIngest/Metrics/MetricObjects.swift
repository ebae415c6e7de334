import Metrics
import Synchronization

/// swift-metrics objects made once per name and labels and then kept: making one asks the backend
/// to look up or register the series, which is too much work to repeat for every event.
///
/// Make it after `MetricsSystem.bootstrap` (the daemon bootstraps first thing): objects made before
/// would stay no-ops.
final class MetricObjects: Sendable {
    private struct Key: Hashable {
        var label: String
        var dimensions: [String]

        init(_ label: String, _ dimensions: [(String, String)]) {
            self.label = label
            self.dimensions = dimensions.flatMap { [$0.0, $0.1] }
        }
    }

    private let counters = Mutex<[Key: Counter]>([:])
    private let timers = Mutex<[Key: Timer]>([:])
    private let gauges = Mutex<[Key: Gauge]>([:])

    func counter(_ label: String, _ dimensions: [(String, String)] = []) -> Counter {
        made(counters, label, dimensions) { Counter(label: label, dimensions: dimensions) }
    }

    func timer(_ label: String, _ dimensions: [(String, String)] = []) -> Timer {
        made(timers, label, dimensions) { Timer(label: label, dimensions: dimensions) }
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> Gauge {
        made(gauges, label, dimensions) { Gauge(label: label, dimensions: dimensions) }
    }

    /// The object kept for `label` and `dimensions`, made by `make` the first time.
    private func made<M: Sendable>(
        _ kept: borrowing Mutex<[Key: M]>, _ label: String, _ dimensions: [(String, String)], _ make: () -> M
    ) -> M {
        kept.withLock { kept in
            let key = Key(label, dimensions)
            if let object = kept[key] { return object }
            let object = make()
            kept[key] = object
            return object
        }
    }
}
