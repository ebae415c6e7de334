import BriefingCore
import CSQLite
import Foundation

/// What the daemon remembers across restarts, in SQLite (WAL) at `<state.path>/state.db`:
/// snapshots by content id, per-URL validators and last content, feed/index items already
/// fetched, failures, and per-source poll status for `briefingd status`.
public final class StateStore: Sendable {
    public static let fileName = "state.db"
    let db: SQLiteDatabase
    public let path: String

    /// Opens (creating if needed) the state database in `directory`.
    /// - Throws: ``StateError/corrupt`` when the file exists but fails SQLite's integrity check.
    public init(directory: String, readOnly: Bool = false) throws(StateError) {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        do {
            db = try SQLiteDatabase(path: path, readOnly: readOnly)
            if readOnly { return }
            let check = try db.query("PRAGMA quick_check").first?["quick_check"].string
            guard check == "ok" else {
                throw StateError.corrupt(path: path, reason: check ?? "quick_check failed")
            }
            try db.execute(Self.connectionSettings)
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError.corrupt(path: path, reason: "\(error)")
        }
        try StateMigrations.migrate(db, path: path)
    }

    /// Closes the database; every later call fails.
    public func close() { db.close() }

    /// Settings of this connection (the tables are in ``StateMigrations``).
    static let connectionSettings = """
        PRAGMA journal_mode=WAL;
        PRAGMA synchronous=FULL;
        """

    // MARK: Snapshots

    /// A snapshot the daemon has written.
    public struct SnapshotRecord: Sendable, Equatable {
        public var id: String
        /// Path relative to `snapshots.path`, e.g. `2026-11-29/20261129T041002Z-inbox-0123456789ab.json`.
        public var path: String
        public var source: String
        public var url: String?
        public var ingestedAt: String

        public init(id: String, path: String, source: String, url: String?, ingestedAt: String) {
            self.id = id
            self.path = path
            self.source = source
            self.url = url
            self.ingestedAt = ingestedAt
        }
    }

    /// Relative path of the snapshot with this content id, if one was written.
    public func snapshotPath(id: String) throws(StateError) -> String? {
        try wrap { () throws(SQLiteError) in
            try db.query("SELECT path FROM snapshots WHERE id = ?", [.text(id)]).first?["path"].string
        }
    }

    /// Records written snapshots in one transaction; a URL snapshot also becomes its URL's latest.
    public func record(_ snapshots: [SnapshotRecord]) throws(StateError) {
        guard !snapshots.isEmpty else { return }
        try wrap { () throws(SQLiteError) in
            try db.transaction { (t) throws(SQLiteError) in
                for s in snapshots {
                    try t.query(
                        "INSERT OR IGNORE INTO snapshots(id, path, source, url, ingested_at) VALUES (?,?,?,?,?)",
                        [.text(s.id), .text(s.path), .text(s.source), SQLValue(s.url), .text(s.ingestedAt)])
                    if let url = s.url {
                        try t.query(
                            """
                            INSERT INTO urls(url, last_id, checked_at) VALUES (?,?,?)
                            ON CONFLICT(url) DO UPDATE SET last_id = excluded.last_id, checked_at = excluded.checked_at
                            """, [.text(url), .text(s.id), .text(s.ingestedAt)])
                    }
                }
            }
        }
    }

    /// Every recorded snapshot, oldest first.
    public func allSnapshots() throws(StateError) -> [SnapshotRecord] {
        try wrap { () throws(SQLiteError) in
            try db.query(
                "SELECT id, path, source, url, ingested_at FROM snapshots ORDER BY ingested_at, path"
            ).map {
                SnapshotRecord(
                    id: $0["id"].string ?? "", path: $0["path"].string ?? "",
                    source: $0["source"].string ?? "",
                    url: $0["url"].string, ingestedAt: $0["ingested_at"].string ?? "")
            }
        }
    }

    public func snapshotCount() throws(StateError) -> Int {
        try wrap { () throws(SQLiteError) in
            Int(try db.query("SELECT count(*) AS n FROM snapshots").first?["n"].int ?? 0)
        }
    }

    // MARK: URLs

    /// HTTP validators and the last content seen at a URL.
    public struct URLState: Sendable, Equatable {
        public var etag: String?
        public var lastModified: String?
        /// Id of the latest snapshot made from this URL.
        public var lastID: String?
    }

    public func urlState(_ url: String) throws(StateError) -> URLState? {
        try wrap { () throws(SQLiteError) in
            guard
                let row = try db.query(
                    "SELECT etag, last_modified, last_id FROM urls WHERE url = ?", [.text(url)]
                )
                .first
            else { return nil }
            return URLState(
                etag: row["etag"].string, lastModified: row["last_modified"].string,
                lastID: row["last_id"].string)
        }
    }

    /// Keeps the validators a server sent, to make the next request conditional.
    public func setValidators(url: String, etag: String?, lastModified: String?, at: String)
        throws(StateError)
    {
        try wrap { () throws(SQLiteError) in
            try db.query(
                """
                INSERT INTO urls(url, etag, last_modified, checked_at) VALUES (?,?,?,?)
                ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
                    checked_at = excluded.checked_at
                """, [.text(url), SQLValue(etag), SQLValue(lastModified), .text(at)])
        }
    }

    // MARK: Feed and index items

    public func isItemSeen(source: String, url: String) throws(StateError) -> Bool {
        try wrap { () throws(SQLiteError) in
            !(try db.query("SELECT 1 FROM items WHERE source = ? AND url = ?", [.text(source), .text(url)])
                .isEmpty)
        }
    }

    public func markItemSeen(source: String, url: String, at: String) throws(StateError) {
        try wrap { () throws(SQLiteError) in
            try db.query(
                "INSERT OR IGNORE INTO items(source, url, seen_at) VALUES (?,?,?)",
                [.text(source), .text(url), .text(at)])
        }
    }

    // MARK: Failures and source status

    public func recordFailure(source: String, name: String, error: String, detail: String, at: String)
        throws(StateError)
    {
        try wrap { () throws(SQLiteError) in
            try db.query(
                "INSERT INTO failures(at, source, name, error, detail) VALUES (?,?,?,?,?)",
                [.text(at), .text(source), .text(name), .text(error), .text(detail)])
        }
    }

    /// Poll status of one source, as shown by `briefingd status`.
    public struct SourceStatus: Sendable, Equatable, Codable {
        public var name: String
        public var lastPoll: String?
        public var result: String?
        public var nextPoll: String?
        public var errors: Int
        public var lastError: String?
        public var lastSuccess: String?

        public init(
            name: String, lastPoll: String? = nil, result: String? = nil, nextPoll: String? = nil,
            errors: Int = 0,
            lastError: String? = nil, lastSuccess: String? = nil
        ) {
            self.name = name
            self.lastPoll = lastPoll
            self.result = result
            self.nextPoll = nextPoll
            self.errors = errors
            self.lastError = lastError
            self.lastSuccess = lastSuccess
        }

        enum CodingKeys: String, CodingKey {
            case name, result, errors
            case lastPoll = "last_poll"
            case nextPoll = "next_poll"
            case lastError = "last_error"
            case lastSuccess = "last_success"
        }
    }

    public func setSourceStatus(_ s: SourceStatus) throws(StateError) {
        try wrap { () throws(SQLiteError) in
            try db.query(
                """
                INSERT OR REPLACE INTO sources(name, last_poll, result, next_poll, errors, last_error, last_success)
                VALUES (?,?,?,?,?,?,?)
                """,
                [
                    .text(s.name), SQLValue(s.lastPoll), SQLValue(s.result), SQLValue(s.nextPoll),
                    .int(Int64(s.errors)),
                    SQLValue(s.lastError), SQLValue(s.lastSuccess),
                ])
        }
    }

    public func sourceStatuses() throws(StateError) -> [SourceStatus] {
        try wrap { () throws(SQLiteError) in
            try db.query(
                "SELECT name, last_poll, result, next_poll, errors, last_error, last_success FROM sources ORDER BY name"
            ).map {
                SourceStatus(
                    name: $0["name"].string ?? "", lastPoll: $0["last_poll"].string,
                    result: $0["result"].string,
                    nextPoll: $0["next_poll"].string, errors: Int($0["errors"].int ?? 0),
                    lastError: $0["last_error"].string, lastSuccess: $0["last_success"].string)
            }
        }
    }

    @discardableResult
    private func wrap<T>(_ body: () throws(SQLiteError) -> T) throws(StateError) -> T {
        do { return try body() } catch { throw StateError.database(path: path, reason: error.description) }
    }
}

/// The state database cannot be used.
public enum StateError: Error, CustomStringConvertible, Equatable {
    case corrupt(path: String, reason: String)
    case database(path: String, reason: String)

    public var description: String {
        switch self {
        case .corrupt(let path, let reason):
            "state database \(path) is damaged (\(reason)); it is set aside and rebuilt from the snapshots"
        case .database(let path, let reason):
            "state database \(path) failed (\(reason)); check the disk and the permissions of state.path"
        }
    }
}
