import Foundation
import TestSupport
import Testing

@testable import BriefingIngest

@Suite struct StateMigrationTests {
    /// The tables exactly as a daemon wrote them before the schema carried a version number.
    static let unversionedSchema = """
        PRAGMA journal_mode=WAL;
        CREATE TABLE snapshots(
            id TEXT PRIMARY KEY, path TEXT NOT NULL, source TEXT NOT NULL, url TEXT, ingested_at TEXT NOT NULL);
        CREATE INDEX snapshots_path ON snapshots(path);
        CREATE TABLE urls(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_id TEXT, checked_at TEXT);
        CREATE TABLE items(source TEXT NOT NULL, url TEXT NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY(source, url));
        CREATE TABLE failures(
            at TEXT NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL, error TEXT NOT NULL, detail TEXT NOT NULL);
        CREATE TABLE sources(
            name TEXT PRIMARY KEY, last_poll TEXT, result TEXT, next_poll TEXT, errors INTEGER NOT NULL DEFAULT 0,
            last_error TEXT, last_success TEXT);
        INSERT INTO snapshots VALUES ('aa', '2026-11-29/x-inbox-aa.json', 'inbox', NULL, 't1');
        INSERT INTO urls VALUES ('https://e.org/', '"v1"', NULL, 'aa', 't2');
        INSERT INTO items VALUES ('site', 'https://e.org/1', 't3');
        INSERT INTO sources(name, result, errors) VALUES ('site', 'not_modified', 2);
        """

    func userVersion(_ path: String) throws -> Int64? {
        let db = try SQLiteDatabase(path: path, readOnly: true)
        defer { db.close() }
        return try db.query("PRAGMA user_version").first?["user_version"].int
    }

    @Test func newDatabaseIsAtTheLatestVersion() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = try StateStore(directory: dir.path)
        let inHand = try InHandStore(directory: dir.path)
        #expect(try inHand.take(["a.txt"]) == ["a.txt": 0])
        inHand.close()
        state.close()
        #expect(try userVersion(dir.file(StateStore.fileName)) == Int64(StateMigrations.latest))
        #expect(StateMigrations.latest == 2)
    }

    @Test func unversionedDatabaseIsUpgradedKeepingItsRows() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file(StateStore.fileName)
        do {
            let old = try SQLiteDatabase(path: path)
            try old.execute(Self.unversionedSchema)
            old.close()
        }
        #expect(try userVersion(path) == 0)

        let state = try StateStore(directory: dir.path)
        #expect(try state.snapshotPath(id: "aa") == "2026-11-29/x-inbox-aa.json")
        #expect(
            try state.urlState("https://e.org/") == .init(etag: "\"v1\"", lastModified: nil, lastID: "aa"))
        #expect(try state.isItemSeen(source: "site", url: "https://e.org/1"))
        #expect(try state.sourceStatuses() == [.init(name: "site", result: "not_modified", errors: 2)])
        // The table added by the second step works on the upgraded file.
        let inHand = try InHandStore(directory: dir.path)
        #expect(try inHand.take(["b.txt"]) == ["b.txt": 0])
        #expect(try inHand.all() == ["b.txt": 1])
        inHand.close()
        state.close()
        #expect(try userVersion(path) == 2)
    }

    @Test func unversionedInHandRowsSurviveTheUpgrade() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file(StateStore.fileName)
        do {
            let old = try SQLiteDatabase(path: path)
            try old.execute(
                Self.unversionedSchema
                    + """
                    CREATE TABLE in_hand(name TEXT PRIMARY KEY, attempts INTEGER NOT NULL);
                    INSERT INTO in_hand VALUES ('crashy.txt', 1);
                    """)
            old.close()
        }
        let inHand = try InHandStore(directory: dir.path)
        defer { inHand.close() }
        #expect(try inHand.all() == ["crashy.txt": 1])
        #expect(try inHand.take(["crashy.txt"]) == ["crashy.txt": 1])
        #expect(try userVersion(path) == 2)
    }

    @Test func databaseFromANewerDaemonIsRefusedAndLeftAlone() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = dir.file(StateStore.fileName)
        do {
            let newer = try SQLiteDatabase(path: path)
            try newer.execute("CREATE TABLE later(x); PRAGMA user_version = 99;")
            newer.close()
        }
        #expect { try StateStore(directory: dir.path) } throws: {
            guard case .database(_, let reason) = $0 as? StateError else { return false }
            return reason.contains("newer")
        }
        #expect(try userVersion(path) == 99)
    }

    @Test func preparedStatementsAreReusedWithFreshBindings() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let db = try SQLiteDatabase(path: dir.file("t.db"))
        try db.execute("CREATE TABLE t(k TEXT PRIMARY KEY, v TEXT)")
        for i in 0..<50 {
            try db.query("INSERT INTO t(k, v) VALUES (?, ?)", [.text("k\(i)"), .text("v\(i)")])
        }
        // A NULL binding must not keep the previous value; a reordered SELECT reads the same fields.
        try db.query("INSERT INTO t(k, v) VALUES (?, ?)", [.text("empty"), .null])
        #expect(try db.query("SELECT v, k FROM t WHERE k = ?", [.text("k7")]).first?["v"] == .text("v7"))
        #expect(try db.query("SELECT k, v FROM t WHERE k = ?", [.text("k8")]).first?["v"] == .text("v8"))
        #expect(try db.query("SELECT k, v FROM t WHERE k = ?", [.text("empty")]).first?["v"] == .null)
        #expect(try db.query("SELECT count(*) AS n FROM t").first?["n"] == .int(51))
        db.close()
    }

    @Test func closingWithCachedStatementsFoldsTheLog() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let state = try StateStore(directory: dir.path)
        try state.markItemSeen(source: "s", url: "u", at: "t")
        #expect(try state.isItemSeen(source: "s", url: "u"))
        #expect(FileManager.default.fileExists(atPath: dir.file(StateStore.fileName + "-wal")))
        state.close()
        // SQLite only closes (and removes the log) once every prepared statement is finalized.
        #expect(!FileManager.default.fileExists(atPath: dir.file(StateStore.fileName + "-wal")))
    }
}
