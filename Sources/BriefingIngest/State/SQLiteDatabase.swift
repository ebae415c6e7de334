import CSQLite
import Foundation

/// A failure reported by SQLite, with the statement that caused it.
public struct SQLiteError: Error, CustomStringConvertible {
    public var code: Int32
    public var message: String
    public var description: String { "sqlite error \(code): \(message)" }
}

/// A value bound to or read from a statement.
enum SQLValue: Equatable {
    case null
    case int(Int64)
    case text(String)
}

// SQLITE_TRANSIENT tells SQLite to copy bound strings; the C macro is a cast Swift cannot import.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection, serialised by a lock so the daemon's threads can share it.
final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: every use of `handle` and `isOpen` happens inside `lock`.
    private let handle: OpaquePointer
    private var isOpen = true
    private let lock = NSLock()

    init(path: String, readOnly: Bool = false) throws(SQLiteError) {
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close(db) }
            throw SQLiteError(code: rc, message: "\(message) (\(path))")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
    }

    deinit {
        if isOpen { sqlite3_close(handle) }
    }

    /// Closes the connection, which folds the write-ahead log back into the database file; later
    /// calls throw. The daemon closes it on its way out rather than leaving that to whichever
    /// thread drops the last reference.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        if isOpen { sqlite3_close(handle) }
        isOpen = false
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws(SQLiteError) {
        try locked { () throws(SQLiteError) in
            var err: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(handle, sql, nil, nil, &err)
            if rc != SQLITE_OK {
                let message = err.map { String(cString: $0) } ?? "error"
                sqlite3_free(err)
                throw SQLiteError(code: rc, message: message)
            }
        }
    }

    /// Runs one statement with bound parameters and returns every row.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
        try locked { () throws(SQLiteError) in try run(sql, parameters) }
    }

    /// Runs `body` inside one transaction, committed when it returns and rolled back when it throws.
    func transaction<T>(_ body: (Transaction) throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        try locked { () throws(SQLiteError) in
            _ = try run("BEGIN IMMEDIATE", [])
            do throws(SQLiteError) {
                let result = try body(Transaction(db: self))
                _ = try run("COMMIT", [])
                return result
            } catch {
                _ = try? run("ROLLBACK", [])
                throw error
            }
        }
    }

    /// Statements run inside `transaction`, where the lock is already held.
    struct Transaction {
        fileprivate let db: SQLiteDatabase
        @discardableResult
        func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> [[SQLValue]] {
            try db.run(sql, parameters)
        }
    }

    private func locked<T>(_ body: () throws(SQLiteError) -> T) throws(SQLiteError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard isOpen else {
            throw SQLiteError(
                code: SQLITE_MISUSE, message: "the state database is closed: the daemon is stopping")
        }
        return try body()
    }

    private func fail(_ rc: Int32) -> SQLiteError {
        SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)))
    }

    private func run(_ sql: String, _ parameters: [SQLValue]) throws(SQLiteError) -> [[SQLValue]] {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw fail(rc) }
        defer { sqlite3_finalize(statement) }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .null: sqlite3_bind_null(statement, index)
            case .int(let v): sqlite3_bind_int64(statement, index, v)
            case .text(let s): sqlite3_bind_text(statement, index, s, -1, SQLITE_TRANSIENT)
            }
        }
        var rows: [[SQLValue]] = []
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw fail(step) }
            var row: [SQLValue] = []
            for c in 0..<sqlite3_column_count(statement) {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_NULL: row.append(.null)
                case SQLITE_INTEGER: row.append(.int(sqlite3_column_int64(statement, c)))
                default: row.append(.text(String(cString: sqlite3_column_text(statement, c))))
                }
            }
            rows.append(row)
        }
        return rows
    }
}

extension SQLValue {
    var string: String? {
        if case .text(let s) = self { return s }
        if case .int(let i) = self { return String(i) }
        return nil
    }
    var int: Int64? {
        if case .int(let i) = self { return i }
        return nil
    }
    init(_ s: String?) { self = s.map(SQLValue.text) ?? .null }
}
