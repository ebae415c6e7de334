import BriefingCore
import Foundation
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
    ///
    /// A fixed number of rounds, each closing the queue a little later after the submission began,
    /// and each awaited: a submission left waiting hangs the test, which the time limit turns into
    /// a failure. (Rounds counted against the wall clock made the test depend on how busy the
    /// machine was: under load it could end before a single round ran.)
    @Test(.timeLimit(.minutes(3))) func submitRacingShutDownIsAlwaysAnswered() async throws {
        let rounds = 3_000
        var answered = 0
        for round in 0..<rounds {
            let queue = FetchQueue()
            let page = Self.page(round)
            async let outcome = queue.submit(page)
            // Let the submitter get going on the other core, then close under it.
            for _ in 0..<(round % 64) { _ = Self.spin() }
            queue.shutDown()
            if case .stopping = await outcome { answered += 1 }
        }
        #expect(answered == rounds, "\(rounds - answered) submissions were not answered as stopping")
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
