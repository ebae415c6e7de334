import BriefingCore
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

@testable import BriefingStore

/// The shared store against a real PostgreSQL started for each test.
@Suite(.serialized) struct SharedStoreTests {
    @Test func migrationsApplyOnceWhenTwoInstancesStartTogether() async throws {
        let server = try PostgresServer()
        var s = settings(server)
        // Two schemas created at once on a busy machine (the suites run in parallel) may take longer
        // than the short timeout the other tests use; what is checked here is that they apply once.
        s.timeoutMilliseconds = 10_000
        async let first = SharedStore.migrate(settings: s, logger: quiet)
        async let second = SharedStore.migrate(settings: s, logger: quiet)
        let results = try await [first, second]
        #expect(results.flatMap { $0 } == SchemaMigrations.all.map(\.version))
        #expect(
            try server.count("SELECT count(*) FROM briefingd.schema_migrations") == SchemaMigrations.latest)
        #expect(try await SharedStore.migrate(settings: s, logger: quiet).isEmpty)
        for table in [
            "snapshots", "speakers", "turns", "figures", "changes", "leases", "url_state", "seen_items",
        ] {
            #expect(try server.count("SELECT count(*) FROM briefingd.\(table)") == 0)
        }
    }

    @Test func wrongPasswordIsAConfigErrorNamingStorePostgres() async throws {
        let server = try PostgresServer()
        let secret = "not-the-password-\(UUID().uuidString.prefix(6))"
        do {
            _ = try await SharedStore.open(settings: settings(server, password: secret), logger: quiet)
            Issue.record("opened with a wrong password")
        } catch {
            #expect(error.isConfigProblem)
            #expect(error.description.contains("store.postgres"))
            #expect(error.description.contains("password authentication failed"))
            #expect(!error.description.contains(secret))
        }
    }

    @Test func unreachableHostIsUnavailableNotAConfigError() async throws {
        let server = try PostgresServer()
        try server.stop()
        do {
            _ = try await SharedStore.open(settings: settings(server), logger: quiet)
            Issue.record("opened a stopped server")
        } catch {
            #expect(!error.isConfigProblem)
            #expect(error.description.contains("store.postgres: PostgreSQL unavailable"))
        }
    }

    @Test func oneRowPerContentWithItsPartsAndOneNotification() async throws {
        let server = try PostgresServer()
        let a = try await SharedStore.open(settings: settings(server, instance: "a"), logger: quiet)
        let b = try await SharedStore.open(settings: settings(server, instance: "b"), logger: quiet)
        defer {
            a.close()
            b.close()
        }
        let (snapshot, row) = try fixtureRow("一")
        let (_, other) = try fixtureRow("二", path: "2026-11-29/y.json")

        let listener = try await SharedStore.connectOnce(settings: a.settings, logger: quiet)
        let (insertedA, insertedB, received) = try await listener.listen(on: "briefing_snapshot") {
            notifications in
            // Both instances publish the same content at once, plus one more each.
            async let fromA = a.insert([row, other])
            async let fromB = b.insert([row])
            let (insertedA, insertedB) = try await (fromA, fromB)
            var received: [String] = []
            for try await n in notifications {
                received.append(n.payload)
                if received.count == 2 { break }
            }
            return (insertedA, insertedB, received)
        }
        try await listener.close()
        #expect(insertedA.contains(other.id))
        #expect(insertedA.contains(row.id) != insertedB.contains(row.id))
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 2)
        #expect(Set(received) == [row.id, other.id])

        let id = row.id
        let b1 = snapshot.briefing
        #expect(
            try server.count("SELECT count(*) FROM briefingd.speakers WHERE snapshot_id = '\(id)'")
                == b1.speakers.count)
        #expect(
            try server.count("SELECT count(*) FROM briefingd.turns WHERE snapshot_id = '\(id)'")
                == b1.turns.count)
        #expect(
            try server.count("SELECT count(*) FROM briefingd.figures WHERE snapshot_id = '\(id)'")
                == b1.figures.count)
        #expect(
            try server.count("SELECT count(*) FROM briefingd.changes WHERE snapshot_id = '\(id)'")
                == b1.changes.count)
        #expect(b1.figures.count > 0 && b1.changes.count > 0)
        // The document is the snapshot, queryable as jsonb.
        #expect(try server.sql("SELECT document->>'id' FROM briefingd.snapshots WHERE id = '\(id)'") == id)
        #expect(try server.sql("SELECT title FROM briefingd.snapshots WHERE id = '\(id)'") == b1.title)
        // A second publication of the same content changes nothing.
        #expect(try await a.insert([row]).isEmpty)
        #expect(try server.count("SELECT count(*) FROM briefingd.turns") == 2 * b1.turns.count)
        let existing = try await b.existing(ids: [row.id, "0000"])
        #expect(existing.keys.sorted() == [row.id])
    }

    @Test func leasesShareSourcesAndExpireWhenAnInstanceDies() async throws {
        let server = try PostgresServer()
        let a = try await SharedStore.open(
            settings: settings(server, instance: "a", lease: 1500), logger: quiet)
        let b = try await SharedStore.open(
            settings: settings(server, instance: "b", lease: 1500), logger: quiet)
        defer {
            a.close()
            b.close()
        }
        let names = (1...12).map { "s\($0)" }
        let la = SourceLeases(store: a, logger: quiet)
        let lb = SourceLeases(store: b, logger: quiet)
        la.setSources(names)
        lb.setSources(names)
        await la.renewOnce()
        #expect(la.held == names.sorted())
        await lb.renewOnce()
        #expect(lb.held.isEmpty)  // all taken; a gives back its extra share at its next round
        await la.renewOnce()
        await lb.renewOnce()
        #expect(la.held.count == 6 && lb.held.count == 6)
        #expect(Set(la.held).isDisjoint(with: lb.held))
        #expect(Set(la.held + lb.held) == Set(names))
        #expect(try server.count("SELECT count(DISTINCT owner) FROM briefingd.leases") == 2)

        // a stops renewing (killed): it stops trusting its leases, and b takes them after `lease`.
        let aHeld = la.held
        try await Task.sleep(for: .milliseconds(1600))
        #expect(!aHeld.contains { la.holds($0) })
        await lb.renewOnce()
        #expect(lb.held == names.sorted())

        // b stops cleanly: its leases are free at once for a.
        await lb.releaseAll()
        #expect(lb.held.isEmpty)
        await la.renewOnce()
        #expect(la.held == names.sorted())
    }

    @Test func validatorsSeenItemsAndTheScheduleAreShared() async throws {
        let server = try PostgresServer()
        let a = try await SharedStore.open(settings: settings(server, instance: "a"), logger: quiet)
        let b = try await SharedStore.open(settings: settings(server, instance: "b"), logger: quiet)
        defer {
            a.close()
            b.close()
        }
        try await a.setValidators(url: "http://x/1", etag: "\"v1\"", lastModified: nil)
        #expect(
            try await b.urlRecord("http://x/1")
                == SharedStore.URLRecord(etag: "\"v1\"", lastModified: nil, lastID: nil))
        try await a.markSeen(source: "feed", url: "http://x/2")
        #expect(try await b.unseen(source: "feed", urls: ["http://x/2", "http://x/3"]) == ["http://x/3"])

        let la = SourceLeases(store: a, logger: quiet)
        la.setSources(["feed"])
        await la.renewOnce()
        #expect(try await a.setNextDue(source: "feed", inMilliseconds: 60_000))
        // Only the lease holder sets the schedule; everyone reads it.
        #expect(try await !b.setNextDue(source: "feed", inMilliseconds: 0))
        let wait = try await b.millisecondsUntilDue(source: "feed")
        #expect(wait > 55_000 && wait <= 60_000)
    }
}
