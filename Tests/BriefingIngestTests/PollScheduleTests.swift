import Foundation
import Synchronization
import Testing

@testable import BriefingIngest

/// Schedules, backoff and the per-host limit.
struct PollScheduleTests {
    @Test func everyStaysWithinItsJitter() {
        var source = SourceConfig(name: "s", url: "http://h/")
        source.every = .seconds(100)
        source.jitter = 0.1
        let schedule = SourceSchedule(source)
        let delays = (0..<500).map { _ in schedule.delay(from: Date()) }
        #expect(delays.allSatisfy { (.seconds(90) ... .seconds(110)).contains($0) })
        // Jitter actually varies the delay.
        #expect(Set(delays).count > 10)
        source.jitter = 0
        #expect(SourceSchedule(source).delay(from: Date()) == .seconds(100))
    }

    @Test func cronWaitsForTheNextMatchingMinute() throws {
        var source = SourceConfig(name: "s", url: "http://h/")
        source.cron = "*/15 * * * *"
        let schedule = SourceSchedule(source)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let now = try #require(
            calendar.date(from: DateComponents(year: 2026, month: 3, day: 1, hour: 10, minute: 7, second: 30))
        )
        #expect(schedule.delay(from: now) == .seconds(7 * 60 + 30))
    }

    @Test func backoffGrowsWithFullJitterAndHonoursRetryAfter() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(8))
        for attempt in 0..<6 {
            let bound = Duration.milliseconds(min(8000, 1000 << attempt))
            let delays = (0..<200).map { _ in backoff.delay(attempt: attempt, retryAfter: nil) }
            #expect(delays.allSatisfy { (.zero...bound).contains($0) }, "attempt \(attempt)")
            #expect(delays.contains { $0 > bound / 2 })
        }
        // Retry-After is a floor.
        #expect(
            (0..<100).allSatisfy { _ in backoff.delay(attempt: 0, retryAfter: .seconds(5)) >= .seconds(5) })
        #expect(Backoff(base: .seconds(1)).delay(attempt: 200, retryAfter: nil) <= .seconds(300))
    }

    @Test func hostLimiterAdmitsAtMostTheLimitAndWakesWaitersInOrder() async {
        let limiter = HostLimiter(limit: 2)
        await limiter.acquire("a")
        await limiter.acquire("a")
        await limiter.acquire("b")
        #expect(await limiter.count("a") == 2)
        let order = OrderLog()
        let waiters = (1...2).map { i in
            Task {
                await limiter.acquire("a")
                order.append(i)
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(order.values.isEmpty)
        await limiter.release("a")
        try? await Task.sleep(for: .milliseconds(50))
        await limiter.release("a")
        for w in waiters { await w.value }
        #expect(order.values.count == 2)
        #expect(await limiter.count("a") == 2)
    }
}

/// Numbers appended from several tasks.
final class OrderLog: Sendable {
    private let stored = Mutex<[Int]>([])
    var values: [Int] { stored.withLock { $0 } }
    func append(_ i: Int) { stored.withLock { $0.append(i) } }
}

extension PollScheduleTests {
    @Test func retryAfterIsCappedAtTenIntervalsOrADay() {
        var source = SourceConfig(name: "a", url: "https://e.org/")
        source.every = .seconds(60)
        #expect(SourceSchedule(source).retryAfterCap == .seconds(600))
        source.every = .seconds(86_400)
        #expect(SourceSchedule(source).retryAfterCap == .seconds(86_400))
        source.every = .seconds(30 * 86_400)
        #expect(SourceSchedule(source).retryAfterCap == .seconds(86_400))
        source.every = nil
        source.cron = "*/5 * * * *"
        #expect(SourceSchedule(source).retryAfterCap == .seconds(86_400))
        // Whatever curl reads from Retry-After is representable and in milliseconds saturates.
        #expect(Duration.seconds(Int64.max).wholeMilliseconds == .max)
        #expect(Duration.seconds(999_999_999).wholeMilliseconds == 999_999_999_000)
    }

    @Test func transportErrorsThatMayPassAreRetriedOthersNot() {
        let u = "http://h/"
        #expect(HTTPError.transport(url: u, code: 6, message: "Could not resolve host").isRetryable)
        #expect(HTTPError.transport(url: u, code: 7, message: "Failed to connect").isRetryable)
        #expect(HTTPError.transport(url: u, code: 28, message: "Operation timed out").isRetryable)
        #expect(!HTTPError.transport(url: u, code: 60, message: "SSL certificate problem").isRetryable)
        #expect(HTTPError.transport(url: u, code: 60, message: "").kind == "tls")
        #expect(!HTTPError.tooLarge(url: u, limit: 1).isRetryable)
        #expect(!HTTPError.tooManyRedirects(url: u, limit: 5).isRetryable)
        #expect(!HTTPError.redirectRefused(from: u, to: "file:///x", reason: "r").isRetryable)
        #expect(HTTPError.tooLarge(url: u, limit: 10).description.contains("http.max_bytes"))
    }
}
