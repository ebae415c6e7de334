import CSQLite
import Foundation

/// Which inbox inputs were in hand (sent to a worker, not yet settled), in the `in_hand` table of
/// the state database, so that an input in hand when the daemon itself died is taken again only
/// once after the restart: if that try dies too, it goes to `failed/` as `crashed` instead of
/// killing every later start.
///
/// It has its own connection with `synchronous=NORMAL`: in WAL mode that survives the daemon being
/// killed (only a power cut may lose the last marks), and it keeps an fsync per batch off the
/// path from drop to snapshot.
public final class InHandStore: Sendable {
    private let db: SQLiteDatabase
    public let path: String

    public init(directory: String) throws(StateError) {
        path = (directory as NSString).appendingPathComponent(StateStore.fileName)
        do {
            db = try SQLiteDatabase(path: path)
            try db.execute("PRAGMA synchronous=NORMAL;")
        } catch {
            throw StateError.database(path: path, reason: error.description)
        }
        try StateMigrations.migrate(db, path: path)
    }

    /// Closes the connection; later calls fail.
    public func close() { db.close() }

    /// Marks `names` as in hand and returns, for each, how many earlier tries were still in hand
    /// when the daemon stopped (0 for an input never tried before).
    public func take(_ names: [String]) throws(StateError) -> [String: Int] {
        guard !names.isEmpty else { return [:] }
        do {
            return try db.transaction { (t) throws(SQLiteError) -> [String: Int] in
                var earlier: [String: Int] = [:]
                for name in names {
                    let row = try t.query("SELECT attempts FROM in_hand WHERE name = ?", [.text(name)])
                    let attempts = Int(row.first?["attempts"].int ?? 0)
                    earlier[name] = attempts
                    try t.query(
                        "INSERT OR REPLACE INTO in_hand(name, attempts) VALUES (?, ?)",
                        [.text(name), .int(Int64(attempts + 1))])
                }
                return earlier
            }
        } catch {
            throw StateError.database(path: path, reason: error.description)
        }
    }

    /// The inputs are settled (or handed back untried): they are no longer in hand.
    public func release(_ names: [String]) throws(StateError) {
        guard !names.isEmpty else { return }
        do {
            try db.transaction { (t) throws(SQLiteError) in
                for name in names { try t.query("DELETE FROM in_hand WHERE name = ?", [.text(name)]) }
            }
        } catch {
            throw StateError.database(path: path, reason: error.description)
        }
    }

    /// Every input marked in hand, with its number of tries.
    public func all() throws(StateError) -> [String: Int] {
        do {
            var out: [String: Int] = [:]
            for row in try db.query("SELECT name, attempts FROM in_hand") {
                out[row["name"].string ?? ""] = Int(row["attempts"].int ?? 0)
            }
            return out
        } catch {
            throw StateError.database(path: path, reason: error.description)
        }
    }
}
