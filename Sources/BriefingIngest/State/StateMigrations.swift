/// The state database's schema as numbered steps, the number applied kept in `PRAGMA user_version`.
///
/// A database written before the schema was numbered reads as version 0. Its tables already match
/// the early steps, so those steps only create what is missing (`IF NOT EXISTS`) and keep every row;
/// later steps may assume the version they follow.
enum StateMigrations {
    struct Step {
        var version: Int32
        var sql: String
    }

    static let steps: [Step] = [
        Step(
            version: 1,
            sql: """
                CREATE TABLE IF NOT EXISTS snapshots(
                    id TEXT PRIMARY KEY, path TEXT NOT NULL, source TEXT NOT NULL, url TEXT, ingested_at TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS snapshots_path ON snapshots(path);
                CREATE TABLE IF NOT EXISTS urls(
                    url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, last_id TEXT, checked_at TEXT);
                CREATE TABLE IF NOT EXISTS items(
                    source TEXT NOT NULL, url TEXT NOT NULL, seen_at TEXT NOT NULL, PRIMARY KEY(source, url));
                CREATE TABLE IF NOT EXISTS failures(
                    at TEXT NOT NULL, source TEXT NOT NULL, name TEXT NOT NULL, error TEXT NOT NULL, detail TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS sources(
                    name TEXT PRIMARY KEY, last_poll TEXT, result TEXT, next_poll TEXT, errors INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT, last_success TEXT);
                """),
        // Inbox inputs sent to an extraction worker and not yet settled.
        Step(
            version: 2,
            sql: """
                CREATE TABLE IF NOT EXISTS in_hand(name TEXT PRIMARY KEY, attempts INTEGER NOT NULL);
                """),
    ]

    static var latest: Int32 { steps.last?.version ?? 0 }

    /// Brings the database at `path` up to ``latest`` in one transaction, so a failed step leaves
    /// it at its old version and two connections opening it at once apply each step once.
    /// - Throws: ``StateError/database`` when a step fails or the database was written by a newer
    ///   briefingd, whose tables this one does not know.
    static func migrate(_ db: SQLiteDatabase, path: String) throws(StateError) {
        do {
            try db.transaction { (t) throws(SQLiteError) in
                let current = Int32(try t.query("PRAGMA user_version").first?["user_version"].int ?? 0)
                guard current <= latest else {
                    throw SQLiteError(
                        code: 0,
                        message:
                            "schema version \(current) is newer than this briefingd knows (\(latest)); run the newer briefingd or move the file aside"
                    )
                }
                for step in steps where step.version > current {
                    try t.execute(step.sql)
                    // PRAGMA takes no bound parameters; the version is our own integer.
                    try t.execute("PRAGMA user_version = \(step.version)")
                }
            }
        } catch {
            throw StateError.database(path: path, reason: error.description)
        }
    }
}
