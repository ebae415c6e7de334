import Foundation

/// When a source is polled next: `every` with ± jitter, or a cron expression in local time.
enum SourceSchedule: Sendable, Equatable {
    case every(Duration, jitter: Double)
    case cron(CronSchedule)

    init(_ source: SourceConfig) {
        if let expression = source.cron, let cron = CronSchedule(expression) {
            self = .cron(cron)
        } else {
            // ConfigLoader guarantees exactly one of every/cron; 30m is the contract's example.
            self = .every(source.every?.duration ?? .seconds(1800), jitter: source.jitter)
        }
    }

    /// The wait, to the millisecond, from `now` until the poll after one that starts at `now`.
    func delay<R: RandomNumberGenerator>(from now: Date, using random: inout R) -> Duration {
        switch self {
        case .every(let interval, let jitter):
            let ms = interval.wholeMilliseconds
            // Jitter spreads sources configured with the same interval over time.
            let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter), using: &random) : 1
            return .milliseconds(max(1, Int64((Double(ms) * factor).rounded())))
        case .cron(let cron):
            guard let next = cron.next(after: now) else { return .seconds(86_400) }
            return .milliseconds(max(1, Int64((next.timeIntervalSince(now) * 1000).rounded(.up))))
        }
    }

    /// The longest wait a server's `Retry-After` may impose: ten intervals of an `every` source,
    /// and never more than a day, so that a hostile or broken server cannot stop polling for years.
    var retryAfterCap: Duration {
        let day = Duration.seconds(86_400)
        guard case .every(let interval, _) = self else { return day }
        return min(day, interval * 10)
    }

    func delay(from now: Date) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(from: now, using: &random)
    }
}
