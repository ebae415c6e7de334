import Foundation
import Testing

@testable import BriefingIngest

/// The optional `store.postgres` section.
@Suite struct ConfigStoreTests {
    let minimal = """
        inbox: {path: var/inbox, archive: var/archive, failed: var/failed}
        snapshots: {path: var/snapshots}
        state: {path: var/state}

        """

    @Test func defaultsAndThePasswordFile() throws {
        let dir = NSTemporaryDirectory() + "/briefingd-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "s3cret\n".write(toFile: dir + "/pg.password", atomically: true, encoding: .utf8)
        let config = try ConfigLoader.parse(
            minimal + "store:\n  postgres:\n    url: postgres://briefingd@db.internal/briefings\n"
                + "    password_file: pg.password\n", workingDirectory: dir)
        let pg = try #require(config.store)
        #expect(
            pg.host == "db.internal" && pg.port == 5432 && pg.user == "briefingd"
                && pg.database == "briefings")
        #expect(pg.password == "s3cret")
        #expect(pg.leaseMilliseconds == 30_000)
        #expect(pg.instance == ProcessInfo.processInfo.hostName)
        #expect(!pg.displayURL.contains("s3cret"))
        #expect(try ConfigLoader.parse(minimal, workingDirectory: dir).store == nil)
    }

    @Test func badValuesNameTheirKey() {
        let cases: [(String, String)] = [
            ("url: mysql://x@h/db", "store.postgres.url"),
            ("url: postgres://h/db", "store.postgres.url"),
            ("url: postgres://u@h/", "store.postgres.url"),
            ("url: postgres://u@h/db\n    lease: 10ms", "store.postgres.lease"),
            ("url: postgres://u@h/db\n    password_file: /nonexistent/pw", "store.postgres.password_file"),
            ("url: postgres://u@h/db\n    sslmode: require", "store.postgres.sslmode"),
        ]
        for (yaml, key) in cases {
            #expect(throws: ConfigError.self) {
                try ConfigLoader.parse(
                    minimal + "store:\n  postgres:\n    " + yaml + "\n", workingDirectory: "/")
            }
            do {
                _ = try ConfigLoader.parse(
                    minimal + "store:\n  postgres:\n    " + yaml + "\n", workingDirectory: "/")
            } catch {
                #expect(error.key == key, "\(yaml)")
            }
        }
    }
}
