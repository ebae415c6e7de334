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
        let rounds = 20_000
        let answered = Counter()
        // Unstructured, so that a submission left waiting shows as a shortfall instead of a hang.
        Task.detached {
            for round in 0..<rounds {
                let queue = FetchQueue()
                async let outcome = queue.submit(Self.page(round))
                // Let the submitter get going on the other core, then close under it.
                for _ in 0..<(round % 64) { _ = Self.spin() }
                queue.shutDown()
                if case .stopping = await outcome { answered.add() }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while answered.value < rounds, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(answered.value == rounds, "submissions left waiting after shutDown")
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
