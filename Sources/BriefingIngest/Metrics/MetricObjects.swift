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
        counters.withLock { made in
            let key = Key(label, dimensions)
            if let counter = made[key] { return counter }
            let counter = Counter(label: label, dimensions: dimensions)
            made[key] = counter
            return counter
        }
    }

    func timer(_ label: String, _ dimensions: [(String, String)] = []) -> Timer {
        timers.withLock { made in
            let key = Key(label, dimensions)
            if let timer = made[key] { return timer }
            let timer = Timer(label: label, dimensions: dimensions)
            made[key] = timer
            return timer
        }
    }

    func gauge(_ label: String, _ dimensions: [(String, String)] = []) -> Gauge {
        gauges.withLock { made in
            let key = Key(label, dimensions)
            if let gauge = made[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: dimensions)
            made[key] = gauge
            return gauge
        }
    }
}
