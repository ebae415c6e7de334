import BriefingCore
import Foundation
import Synchronization
import Testing

@testable import BriefingIngest

/// The hand-over of fetched pages between pollers and the inbox loop.
@Suite struct FetchQueueTests {
    static func page(_ n: Int) -> FetchedDocument {
        FetchedDocument(
            sourceName: "s", url: "http://127.0.0.1/\(n)", body: Array("第\(n)页".utf8),
            http: HTTPInfo(status: 200, finalURL: "http://127.0.0.1/\(n)"), hints: DecodeHints())
    }

    /// A page submitted while the queue shuts down is answered either way: taken before the
    /// shutdown (and answered `stopping` by it) or refused at once. None is left waiting.
    @Test func submitRacingShutDownIsAlwaysAnswered() async throws {
        let answered = Counter()
        let finished = Counter()
        let stop = Counter()
        // Unstructured, so that a submission left waiting shows as a loop that never ends instead
        // of a test that hangs. Rounds run for a while (other suites share the cooperative pool,
        // so how many fit varies); then the loop must end, every round answered.
        Task.detached {
            var round = 0
            while stop.value == 0 && round < 20_000 {
                let queue = FetchQueue()
                let page = Self.page(round)
                async let outcome = queue.submit(page)
                // Let the submitter get going on the other core, then close under it.
                for _ in 0..<(round % 64) { _ = Self.spin() }
                queue.shutDown()
                if case .stopping = await outcome { answered.add() }
                round += 1
            }
            finished.add()
        }
        try await Task.sleep(for: .seconds(2))
        stop.add()
        let deadline = ContinuousClock.now + .seconds(60)
        while finished.value == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(finished.value == 1, "a submission was left waiting after shutDown")
        #expect(answered.value > 0)
    }

    @Test func takeHandsOverInOrderAndAnswersTheSubmitter() async throws {
        let queue = FetchQueue()
        async let first = queue.submit(Self.page(1))
        var taken: [(FetchedDocument, @Sendable (IngestOutcome) -> Void)] = []
        while taken.isEmpty {
            taken = queue.take(limit: 8)
            if taken.isEmpty { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(taken.map(\.0.url) == ["http://127.0.0.1/1"])
        taken[0].1(.unchanged(id: "x"))
        #expect(await first == .unchanged(id: "x"))
        queue.shutDown()
        #expect(await queue.submit(Self.page(2)) == .stopping)
    }

    @inline(never) static func spin() -> Int { Int.random(in: 0..<10) }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func add() { count.withLock { $0 += 1 } }
}
