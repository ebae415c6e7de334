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

/// One result row, read by column name so that a reordered SELECT cannot shift its fields.
struct SQLiteRow {
    fileprivate let columns: [String: Int]
    fileprivate let values: [SQLValue]

    /// The value of the column named (or aliased) `name` in the statement.
    subscript(_ name: String) -> SQLValue {
        guard let index = columns[name] else {
            preconditionFailure("column \(name) is not in the result (\(columns.keys.sorted()))")
        }
        return values[index]
    }
}

// SQLITE_TRANSIENT tells SQLite to copy bound strings; the C macro is a cast Swift cannot import.
private let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One SQLite connection, serialised by a lock so the daemon's threads can share it.
///
/// Each distinct SQL text is prepared once per connection and kept: the daemon runs the same few
/// statements for every input, and parsing them again each time is wasted work under the lock.
final class SQLiteDatabase: @unchecked Sendable {
    // @unchecked: every use of `handle`, `isOpen` and `statements` happens inside `lock`.
    private let handle: OpaquePointer
    private var isOpen = true
    private var statements: [String: PreparedStatement] = [:]
    private let lock = NSLock()

    /// A compiled statement and its column positions by name.
    private struct PreparedStatement {
        let handle: OpaquePointer
        let columns: [String: Int]
    }

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
        if isOpen { finalizeAndClose() }
    }

    /// Closes the connection, which folds the write-ahead log back into the database file; later
    /// calls throw. The daemon closes it on its way out rather than leaving that to whichever
    /// thread drops the last reference.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        if isOpen { finalizeAndClose() }
        isOpen = false
    }

    /// SQLite refuses to close a connection that still has prepared statements.
    private func finalizeAndClose() {
        for statement in statements.values { sqlite3_finalize(statement.handle) }
        statements = [:]
        sqlite3_close(handle)
    }

    /// Runs one or more statements without results or parameters.
    func execute(_ sql: String) throws(SQLiteError) {
        try locked { () throws(SQLiteError) in try executeScript(sql) }
    }

    /// Runs one statement with bound parameters and returns every row.
    @discardableResult
    func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> [SQLiteRow] {
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
        func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> [SQLiteRow] {
            try db.run(sql, parameters)
        }
        func execute(_ sql: String) throws(SQLiteError) {
            try db.executeScript(sql)
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

    /// Schema scripts run once per start, so they are not kept prepared.
    private func executeScript(_ sql: String) throws(SQLiteError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let message = err.map { String(cString: $0) } ?? "error"
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: message)
        }
    }

    private func prepared(_ sql: String) throws(SQLiteError) -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v3(
            handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw fail(rc) }
        var columns: [String: Int] = [:]
        for c in 0..<sqlite3_column_count(statement) {
            if let name = sqlite3_column_name(statement, c) { columns[String(cString: name)] = Int(c) }
        }
        let entry = PreparedStatement(handle: statement, columns: columns)
        statements[sql] = entry
        return entry
    }

    private func run(_ sql: String, _ parameters: [SQLValue]) throws(SQLiteError) -> [SQLiteRow] {
        let prepared = try prepared(sql)
        let statement = prepared.handle
        // Ready for the next use whatever happens here, and no bound string is kept alive.
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch p {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .text(let s): rc = sqlite3_bind_text(statement, index, s, -1, SQLITE_TRANSIENT)
            }
            guard rc == SQLITE_OK else { throw fail(rc) }
        }
        var rows: [SQLiteRow] = []
        let count = sqlite3_column_count(statement)
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw fail(step) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for c in 0..<count {
                switch sqlite3_column_type(statement, c) {
                case SQLITE_NULL: values.append(.null)
                case SQLITE_INTEGER: values.append(.int(sqlite3_column_int64(statement, c)))
                default: values.append(.text(String(cString: sqlite3_column_text(statement, c))))
                }
            }
            rows.append(SQLiteRow(columns: prepared.columns, values: values))
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
