import Dispatch
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Synchronization

/// The shared PostgreSQL database of a fleet of instances: schema, snapshot rows, and the poll state
/// (leases, validators, seen items, next due times) the instances share.
///
/// Every call has a deadline (`settings.timeoutMilliseconds`), so a database that is down or stuck
/// reads as ``StoreError/unavailable(_:)`` quickly instead of hanging the daemon.
public final class SharedStore: Sendable {
    public let settings: PostgresSettings
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(settings: PostgresSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        var config = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database, tls: .prefer(.makeClientConfiguration()))
        config.options.connectTimeout = .milliseconds(settings.timeoutMilliseconds)
        config.options.maximumConnections = 4
        config.options.keepAliveBehavior = .init(frequency: .seconds(10))
        let client = PostgresClient(configuration: config)
        self.client = client
        runner = Task { await client.run() }
    }

    /// Connects once to check the credentials, applies pending migrations under the advisory lock,
    /// and returns the store. A refused login is ``StoreError/rejected(_:)``.
    public static func open(settings: PostgresSettings, logger: Logger) async throws(StoreError)
        -> SharedStore
    {
        let applied = try await migrate(settings: settings, logger: logger)
        if !applied.isEmpty {
            logger.notice("store_migrated", metadata: ["versions": "\(applied)"])
        }
        return SharedStore(settings: settings, logger: logger)
    }

    /// Stops the connection pool; calls after this fail.
    public func close() {
        runner.cancel()
    }

    // MARK: Schema

    /// Applies the migrations the database lacks, in order, each in its own transaction, while holding
    /// an advisory lock: instances starting together apply each migration once. Returns the versions applied.
    @discardableResult
    public static func migrate(settings: PostgresSettings, logger: Logger) async throws(StoreError) -> [Int] {
        do {
            return try await withDeadline(milliseconds: settings.timeoutMilliseconds * 6) {
                let connection = try await connectOnce(settings: settings, logger: logger)
                defer { Task { try? await connection.close() } }
                try await connection.query(
                    "SELECT pg_advisory_lock(\(SchemaMigrations.lockKey))", logger: logger)
                do {
                    try await connection.query("CREATE SCHEMA IF NOT EXISTS briefingd", logger: logger)
                    try await connection.query(
                        """
                        CREATE TABLE IF NOT EXISTS briefingd.schema_migrations (
                            version integer PRIMARY KEY, name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now())
                        """, logger: logger)
                    var current = 0
                    for try await version in try await connection.query(
                        "SELECT coalesce(max(version), 0)::int FROM briefingd.schema_migrations",
                        logger: logger
                    ).decode(Int.self) {
                        current = version
                    }
                    var applied: [Int] = []
                    for migration in SchemaMigrations.all where migration.version > current {
                        try await connection.withTransaction(logger: logger) { tx in
                            for statement in migration.statements {
                                try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                            }
                            try await tx.query(
                                "INSERT INTO briefingd.schema_migrations (version, name) VALUES (\(migration.version), \(migration.name))",
                                logger: logger)
                        }
                        applied.append(migration.version)
                    }
                    try await connection.query(
                        "SELECT pg_advisory_unlock(\(SchemaMigrations.lockKey))", logger: logger)
                    return applied
                } catch {
                    _ = try? await connection.query(
                        "SELECT pg_advisory_unlock(\(SchemaMigrations.lockKey))", logger: logger)
                    throw error
                }
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    /// One connection outside the pool: the pool retries a refused login forever, this reports it.
    static func connectOnce(settings: PostgresSettings, logger: Logger) async throws -> PostgresConnection {
        var config = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.user, password: settings.password,
            database: settings.database,
            tls: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())))
        config.options.connectTimeout = .milliseconds(settings.timeoutMilliseconds)
        return try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
    }

    // MARK: Calls with a deadline

    /// Runs `body` on a pooled connection, within the deadline.
    @discardableResult
    func call<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T)
        async throws(StoreError) -> T
    {
        let client = self.client
        do {
            return try await Self.withDeadline(milliseconds: settings.timeoutMilliseconds) {
                try await client.withConnection { connection in try await body(connection) }
            }
        } catch {
            throw StoreError.from(error)
        }
    }

    static func withDeadline<T: Sendable>(
        milliseconds: Int64, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        // Not a task group: a group waits for its cancelled child, and a query on a connection the
        // server dropped may never answer, cancelled or not. The caller is answered by whichever
        // comes first; a stuck query is left to end with its connection.
        try await withCheckedThrowingContinuation { continuation in
            let gate = DeadlineGate(continuation)
            let timer = Task {
                try await Task.sleep(for: .milliseconds(milliseconds))
                gate.resume(with: .failure(StoreError.unavailable("no answer within \(milliseconds) ms")))
            }
            Task {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                timer.cancel()
                gate.resume(with: result)
            }
        }
    }

    /// Runs an async store call from a plain thread (the daemon's loop), waiting for its result.
    /// Never call it from a task: it blocks the thread.
    public func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws(StoreError) -> T)
        throws(StoreError) -> T
    {
        try Self.runBlocking(body)
    }

    /// ``blocking(_:)`` without a store, for opening one.
    public static func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws(StoreError) -> T)
        throws(StoreError) -> T
    {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do throws(StoreError) {
                box.set(.success(try await body()))
            } catch {
                box.set(.failure(error))
            }
            done.signal()
        }
        done.wait()
        return try box.get().get()
    }

    // MARK: Snapshots

    /// A snapshot to publish: its content id, its path under the instance's snapshot folder, its JSON.
    public struct SnapshotRow: Sendable {
        public var id: String
        public var path: String
        public var json: [UInt8]
        public init(id: String, path: String, json: [UInt8]) {
            self.id = id
            self.path = path
            self.json = json
        }
    }

    /// Where an existing row's snapshot file is, and which instance wrote it.
    public struct ExistingRow: Sendable, Equatable {
        public var path: String
        public var instance: String
    }

    /// Inserts the snapshots with their speakers, turns, figures and changes, in one transaction, and
    /// notifies `briefing_snapshot` with each new id (delivered on commit). Returns the ids that were
    /// new; the others already had a row (`ON CONFLICT DO NOTHING`), written by this or another instance.
    public func insert(_ rows: [SnapshotRow]) async throws(StoreError) -> Set<String> {
        guard !rows.isEmpty else { return [] }
        // One order for every instance, so that two transactions with the same ids never deadlock.
        let sorted = rows.sorted { $0.id < $1.id }
        let instance = settings.instance
        let logger = self.logger
        return try await call { connection in
            try await connection.withTransaction(logger: logger) { tx in
                var inserted = Set<String>()
                for row in sorted {
                    var binds = PostgresBindings()
                    binds.append(String(decoding: row.json, as: UTF8.self))
                    binds.append(row.path)
                    binds.append(instance)
                    let result = try await tx.query(
                        PostgresQuery(unsafeSQL: Self.insertSQL, binds: binds), logger: logger)
                    for try await count in result.decode(Int.self) where count > 0 { inserted.insert(row.id) }
                }
                return inserted
            }
        }
    }

    /// The rows that exist among `ids`.
    public func existing(ids: [String]) async throws(StoreError) -> [String: ExistingRow] {
        guard !ids.isEmpty else { return [:] }
        let logger = self.logger
        return try await call { connection in
            var found: [String: ExistingRow] = [:]
            let rows = try await connection.query(
                "SELECT id, path, instance FROM briefingd.snapshots WHERE id = ANY(\(ids))", logger: logger)
            for try await (id, path, instance) in rows.decode((String, String, String).self) {
                found[id] = ExistingRow(path: path, instance: instance)
            }
            return found
        }
    }

    /// Single statement: the snapshot row, its child rows, the URL's last id and the notification
    /// all happen only when the row is new. Child rows come from the document itself.
    static let insertSQL = """
        WITH doc AS (SELECT $1::jsonb AS d),
        s AS (
            INSERT INTO briefingd.snapshots
                (id, source, source_kind, url, title, date, ingested_at, path, instance, supersedes, document)
            SELECT d->>'id', d->'source'->>'name', d->'source'->>'kind', d->'source'->>'url',
                d->'briefing'->>'title',
                CASE WHEN d->'briefing'->>'date' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
                    THEN (d->'briefing'->>'date')::date END,
                (d->>'ingested_at')::timestamptz, $2, $3, d->'revision'->>'supersedes', d
            FROM doc
            ON CONFLICT (id) DO NOTHING
            RETURNING id),
        sp AS (
            INSERT INTO briefingd.speakers
                (snapshot_id, speaker_id, role, label, outlet, organization, title, name)
            SELECT s.id, e->>'id', e->>'role', e->>'label', e->>'outlet', e->>'organization', e->>'title',
                e->>'name'
            FROM s, doc, jsonb_array_elements(d->'briefing'->'speakers') AS e),
        tu AS (
            INSERT INTO briefingd.turns (snapshot_id, "index", kind, speaker_id, number, text)
            SELECT s.id, (e->>'index')::int, e->>'kind', e->>'speaker', (e->>'number')::int, e->>'text'
            FROM s, doc, jsonb_array_elements(d->'briefing'->'turns') AS e),
        fi AS (
            INSERT INTO briefingd.figures
                (snapshot_id, "index", turn, value, unit, approx, subject, ratio_to, text)
            SELECT s.id, (x.o - 1)::int, (x.e->>'turn')::int, (x.e->>'value')::numeric, x.e->>'unit',
                x.e->>'approx', x.e->>'subject', (x.e->>'ratio_to')::numeric, x.e->>'text'
            FROM s, doc, jsonb_array_elements(d->'briefing'->'figures') WITH ORDINALITY AS x(e, o)),
        ch AS (
            INSERT INTO briefingd.changes
                (snapshot_id, "index", turn, direction, basis, percent, amount, unit, figure, text)
            SELECT s.id, (x.o - 1)::int, (x.e->>'turn')::int, x.e->>'direction', x.e->>'basis',
                (x.e->>'percent')::numeric, (x.e->>'amount')::numeric, x.e->>'unit', (x.e->>'figure')::int,
                x.e->>'text'
            FROM s, doc, jsonb_array_elements(d->'briefing'->'changes') WITH ORDINALITY AS x(e, o)),
        us AS (
            INSERT INTO briefingd.url_state (url, last_id)
            SELECT d->'source'->>'url', s.id FROM s, doc
            WHERE d->'source'->>'kind' = 'url' AND d->'source'->>'url' IS NOT NULL
            ON CONFLICT (url) DO UPDATE SET last_id = EXCLUDED.last_id, updated_at = now()),
        n AS (SELECT pg_notify('briefing_snapshot', id) FROM s)
        SELECT ((SELECT count(*) FROM s) + 0 * (SELECT count(*) FROM n))::int
        """
}

/// One result handed from a task to a waiting thread.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked: `value` is written once before the semaphore is signalled and read after it.
    private var value: Result<T, StoreError>?
    private let lock = NSLock()
    func set(_ v: Result<T, StoreError>) {
        lock.lock()
        value = v
        lock.unlock()
    }
    func get() -> Result<T, StoreError> {
        lock.lock()
        defer { lock.unlock() }
        return value!
    }
}

/// The one answer of ``SharedStore/withDeadline(milliseconds:_:)``: the first of the call and the
/// deadline resumes the caller, the other finds nothing left to resume.
private final class DeadlineGate<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, any Error>?>

    init(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation = Mutex(continuation)
    }

    func resume(with result: Result<T, any Error>) {
        let waiting = continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume(with: result)
    }
}
