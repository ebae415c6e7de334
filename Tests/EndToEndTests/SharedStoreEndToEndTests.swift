import Foundation
import TestSupport
import Testing

/// Several real daemons on one real PostgreSQL (`store.postgres`): shared sources, one row per content,
/// the database going away and coming back.
@Suite(.serialized) struct SharedStoreEndToEndTests {
    /// A daemon of the fleet, with `extra` YAML (sources) beside its `store.postgres`.
    static func instance(_ name: String, _ server: PostgresServer, lease: String = "3s", extra: String = "")
        throws -> DaemonProcess
    {
        try DaemonProcess(
            extraYAML: try server.storeYAML(instance: name, lease: lease) + "\n" + extra, logLevel: "info")
    }

    static func briefing(_ note: String) throws -> [UInt8] {
        Array((try Paths.fixtureText() + "\n补充说明：\(note)。\n").utf8)
    }

    @Test func threeInstancesPollEachSourceOncePerTickAndTakeOverFromAKilledOne() throws {
        let server = try PostgresServer()
        let web = try PollServer()
        let names = (1...12).map { String(format: "src-%02d", $0) }
        for (i, name) in names.enumerated() {
            try web.file("\(name).txt", try Self.briefing("来源\(i)"))
            try web.route("/\(name).txt", ["body_file": "\(name).txt", "etag": "\"\(name)-v1\""])
        }
        let sources = PollYAML.sources(names.map { ($0, "\(web.base)/\($0).txt", ["every: 2s"]) })
        let fleet = try ["a", "b", "c"].map { try Self.instance($0, server, extra: sources) }
        for d in fleet { try d.start() }

        // Every source is polled; each tick's request comes from one instance only.
        #expect(waitUntil(timeout: 30) { names.allSatisfy { web.requests("/\($0).txt").count >= 4 } })
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 12)
        #expect(
            try server.count("SELECT count(DISTINCT owner) FROM briefingd.leases WHERE owner IS NOT NULL")
                == 3)
        for name in names {
            let times = web.requests("/\(name).txt").compactMap { $0["time"] as? Double }
            let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
            #expect(gaps.allSatisfy { $0 >= 1.5 }, "\(name) fetched twice in one tick: \(gaps)")
        }
        // The second and later polls are conditional, with the validators the fleet shares.
        #expect(
            names.allSatisfy { name in
                web.requests("/\(name).txt").filter { $0["status"] as? Int == 304 }.count >= 2
            })

        // kill -9 the instance with the most leases: another takes each of its sources within lease + interval.
        let owners = try server.sql(
            "SELECT owner, count(*) FROM briefingd.leases GROUP BY owner ORDER BY 2 DESC, 1")
        let victimName = String(owners.split(separator: "\n")[0].split(separator: "|")[0])
        let victim = fleet[["a", "b", "c"].firstIndex(of: victimName)!]
        let orphaned = try server.sql("SELECT source FROM briefingd.leases WHERE owner = '\(victimName)'")
            .split(separator: "\n").map(String.init)
        #expect(!orphaned.isEmpty)
        victim.stop(signal: SIGKILL)
        let killedAt = Date().timeIntervalSince1970
        #expect(
            waitUntil(timeout: 15) {
                orphaned.allSatisfy { name in
                    web.requests("/\(name).txt").contains { ($0["time"] as? Double ?? 0) > killedAt + 0.2 }
                }
            })
        for name in orphaned {
            let first = web.requests("/\(name).txt").compactMap { $0["time"] as? Double }.first {
                $0 > killedAt + 0.2
            }
            // lease (3 s) + one interval (2 s), and a renewal round of slack.
            #expect((first ?? .infinity) - killedAt < 3 + 2 + 1.5, "\(name) taken over late")
        }
        #expect(
            try server.count("SELECT count(DISTINCT owner) FROM briefingd.leases WHERE owner IS NOT NULL")
                == 2)
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 12)
        for d in fleet where d !== victim { #expect(d.stop() == 0) }
        // SIGTERM gives the leases back at once.
        #expect(try server.count("SELECT count(*) FROM briefingd.leases WHERE owner IS NOT NULL") == 0)
    }

    @Test func distinctFilesOverThreeInboxesAndTwinsInTwoGiveOneRowPerContent() throws {
        let server = try PostgresServer()
        let fleet = try ["a", "b", "c"].map { try Self.instance($0, server) }
        for d in fleet { try d.start() }
        // Scaled down from 1,000 + 50 to keep the suite fast on a debug build; the bench runs more.
        let distinct = 240
        let twins = 20
        for i in 0..<distinct {
            try fleet[i % 3].drop(try Self.briefing("独立\(i)"), as: "d-\(i).txt")
        }
        // The same briefing into two inboxes at the same moment.
        for i in 0..<twins / 2 {
            let bytes = try Self.briefing("双份\(i)")
            try fleet[0].drop(bytes, as: "t-\(i).txt")
            try fleet[1].drop(bytes, as: "t-\(i).txt")
        }
        let expectedRows = distinct + twins / 2
        #expect(
            waitUntil(timeout: 90) {
                fleet.allSatisfy { CrashSafetyTests.visibleNames($0.inbox).isEmpty }
                    && (try? server.count("SELECT count(*) FROM briefingd.snapshots")) == expectedRows
            })
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == expectedRows)
        let archived = fleet.map { filesUnder($0.archive).count }.reduce(0, +)
        #expect(archived == distinct + twins)
        #expect(fleet.allSatisfy { filesUnder($0.failed).isEmpty })
        // Each twin: one instance wrote it, the other logged a duplicate naming the existing id.
        let duplicates = fleet.flatMap { $0.events("duplicate") }
        #expect(duplicates.count == twins / 2)
        let ids = Set(
            try server.sql("SELECT id FROM briefingd.snapshots").split(separator: "\n").map(String.init))
        #expect(duplicates.allSatisfy { ids.contains($0["id"] as? String ?? "") })
        // Local files: exactly one per row across the fleet, and the rows point at them.
        #expect(fleet.map { $0.snapshotFiles().count }.reduce(0, +) == expectedRows)
        for d in fleet { #expect(d.stop() == 0) }
    }

    @Test func postgresStoppedMidBurstLosesNothing() throws {
        let server = try PostgresServer()
        let daemon = try Self.instance("solo", server)
        try daemon.start()
        for i in 0..<30 { try daemon.drop(try Self.briefing("前\(i)"), as: "p-\(i).txt") }
        #expect(
            waitUntil(timeout: 30) {
                (try? server.count("SELECT count(*) FROM briefingd.snapshots")) ?? 0 >= 10
            })
        try server.stop()
        for i in 0..<30 { try daemon.drop(try Self.briefing("后\(i)"), as: "q-\(i).txt") }
        #expect(waitUntil(timeout: 20) { !daemon.events("cannot_write").isEmpty })
        // Inputs wait in the inbox while the database is away.
        #expect(!CrashSafetyTests.visibleNames(daemon.inbox).isEmpty)
        try server.start()
        #expect(
            waitUntil(timeout: 60) {
                CrashSafetyTests.visibleNames(daemon.inbox).isEmpty
                    && (try? server.count("SELECT count(*) FROM briefingd.snapshots")) == 60
            })
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 60)
        #expect(filesUnder(daemon.archive).count == 60)
        #expect(daemon.snapshotFiles().count == 60)
        #expect(daemon.manifest().count == 60)
        let cannot = daemon.events("cannot_write")
        #expect(cannot.count == 1)
        let reason = cannot.first?["reason"] as? String ?? ""
        #expect(reason.contains("store.postgres"))
        #expect(daemon.events("resumed").count == 1)
        #expect(daemon.stop() == 0)
    }

    @Test func startUpRepublishesRowsTheDatabaseLacks() throws {
        let server = try PostgresServer()
        let daemon = try Self.instance("solo", server)
        try daemon.start()
        for i in 0..<5 { try daemon.drop(try Self.briefing("补\(i)"), as: "r-\(i).txt") }
        #expect(waitUntil(timeout: 30) { filesUnder(daemon.archive).count == 5 })
        #expect(daemon.stop() == 0)
        // As after a crash between the durable file and the commit: the rows are missing.
        try server.sql(
            "DELETE FROM briefingd.snapshots WHERE id IN (SELECT id FROM briefingd.snapshots LIMIT 3)")
        try daemon.start()
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 5)
        #expect(daemon.events("store_recovered").first.map { "\($0["rows_published"] ?? "")" } == "3")
        #expect(daemon.stop() == 0)
        // Again: nothing to do, nothing doubled.
        try daemon.start()
        #expect(try server.count("SELECT count(*) FROM briefingd.snapshots") == 5)
        #expect(daemon.events("store_recovered").count == 1)
        #expect(daemon.stop() == 0)
    }

    @Test func wrongPasswordAndStoppedServerAreClearErrorsAtStart() throws {
        let server = try PostgresServer()
        let daemon = try Self.instance("solo", server)
        let secret = "wrong-\(UUID().uuidString.prefix(6))"
        try (secret + "\n").write(toFile: server.root.file("pg.password"), atomically: true, encoding: .utf8)
        let refused = try runBriefingd(["run", "--config", daemon.configPath])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("store.postgres"))
        #expect(refused.stderr.contains("password authentication failed"))
        #expect(!(refused.stderr + refused.stdout).contains(secret))

        _ = try server.writePasswordFile(in: server.root)
        try server.stop()
        let down = try runBriefingd(["run", "--config", daemon.configPath])
        #expect(down.status == 69)
        #expect(down.stderr.contains("store.postgres: PostgreSQL unavailable"))

        try server.start()
        let migrate = try runBriefingd(["migrate", "--config", daemon.configPath])
        #expect(migrate.status == 0)
        #expect(migrate.stdout.contains("applied 1"))
        let again = try runBriefingd(["migrate", "--config", daemon.configPath])
        #expect(again.stdout.contains("up to date"))
        let check = try runBriefingd(["check-config", "--config", daemon.configPath])
        #expect(check.stdout.contains("instance: solo") && check.stdout.contains("password: (set)"))
        #expect(!check.stdout.contains(server.password))
    }
}
