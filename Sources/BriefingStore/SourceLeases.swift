import Dispatch
import Foundation
import Logging
import PostgresNIO

/// Holds this instance's leases on sources: takes its fair share of the free or expired ones, renews
/// them every third of `lease`, and trusts a lease only until `lease` after the start of the last
/// renewal that succeeded, so that it stops polling before another instance may take the source over.
public final class SourceLeases: Sendable {
    let store: SharedStore
    let logger: Logger
    private let wanted = Locked<[String]>([])
    /// Source name → monotonic ms until which this instance may poll it.
    private let trusted = Locked<[String: Int64]>([:])
    private let failing = Locked(false)

    public init(store: SharedStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    public var renewInterval: Int64 { max(300, store.settings.leaseMilliseconds / 3) }

    /// The configured sources; leases on others are left alone.
    public func setSources(_ names: [String]) { wanted.value = names.sorted() }

    /// Whether this instance may poll `source` now.
    public func holds(_ source: String) -> Bool {
        guard let until = trusted.value[source] else { return false }
        return Self.now() < until
    }

    public var held: [String] {
        let now = Self.now()
        return trusted.value.filter { $0.value > now }.map(\.key).sorted()
    }

    /// Renews and takes leases until cancelled.
    public func run() async {
        while !Task.isCancelled {
            await renewOnce()
            try? await Task.sleep(for: .milliseconds(renewInterval))
        }
    }

    /// One round: heartbeat, renew own leases, give back what is over the fair share, take what is free.
    public func renewOnce() async {
        let names = wanted.value
        let started = Self.now()
        let me = store.settings.instance
        let lease = Double(store.settings.leaseMilliseconds) / 1000
        let logger = self.logger
        do {
            let mine = try await store.call { connection in
                try await connection.withTransaction(logger: logger) { tx in
                    try await Self.round(tx, names: names, me: me, lease: lease, logger: logger)
                }
            }
            // Trusted for `lease` from before the round was sent: the database's expiry is later than that.
            let until =
                started + store.settings.leaseMilliseconds - max(100, store.settings.leaseMilliseconds / 10)
            let before = Set(held)
            trusted.value = Dictionary(uniqueKeysWithValues: mine.map { ($0, until) })
            let gained = Set(mine).subtracting(before)
            let lost = before.subtracting(mine)
            if failing.value {
                failing.value = false
                logger.notice("leases_resumed", metadata: ["held": "\(mine.count)"])
            }
            if !gained.isEmpty || !lost.isEmpty {
                logger.info(
                    "leases_changed",
                    metadata: [
                        "taken": "\(gained.sorted().joined(separator: ","))",
                        "given_up": "\(lost.sorted().joined(separator: ","))", "held": "\(mine.count)",
                    ])
            }
        } catch {
            if !failing.value {
                failing.value = true
                logger.error(
                    "leases_not_renewed",
                    metadata: [
                        "error": "\(error)",
                        "action":
                            "polling pauses when the leases run out; retrying every \(renewInterval) ms",
                    ])
            }
        }
    }

    private static func round(
        _ tx: PostgresConnection, names: [String], me: String, lease: Double, logger: Logger
    ) async throws -> [String] {
        try await tx.query(
            """
            INSERT INTO briefingd.instances (instance, expires_at)
            VALUES (\(me), clock_timestamp() + make_interval(secs => \(lease)))
            ON CONFLICT (instance) DO UPDATE SET expires_at = EXCLUDED.expires_at
            """, logger: logger)
        guard !names.isEmpty else { return [] }
        try await tx.query(
            "INSERT INTO briefingd.leases (source) SELECT unnest(\(names)::text[]) ON CONFLICT DO NOTHING",
            logger: logger)
        var mine: [String] = []
        for try await s in try await tx.query(
            """
            UPDATE briefingd.leases SET expires_at = clock_timestamp() + make_interval(secs => \(lease))
            WHERE owner = \(me) AND source = ANY(\(names)) AND expires_at > clock_timestamp() RETURNING source
            """, logger: logger
        ).decode(String.self) {
            mine.append(s)
        }
        var live = 1
        for try await n in try await tx.query(
            "SELECT count(*)::int FROM briefingd.instances WHERE expires_at > clock_timestamp()",
            logger: logger
        ).decode(Int.self) {
            live = max(1, n)
        }
        let fair = (names.count + live - 1) / live
        if mine.count > fair {
            // Newcomers get work without waiting for anyone to stop.
            let extra = Array(mine.sorted().suffix(mine.count - fair))
            try await tx.query(
                """
                UPDATE briefingd.leases SET owner = NULL, expires_at = NULL
                WHERE owner = \(me) AND source = ANY(\(extra))
                """, logger: logger)
            mine.removeAll { extra.contains($0) }
        } else if mine.count < fair {
            let want = fair - mine.count
            var free: [String] = []
            for try await s in try await tx.query(
                """
                SELECT source FROM briefingd.leases
                WHERE source = ANY(\(names)) AND (owner IS NULL OR expires_at IS NULL OR expires_at <= clock_timestamp())
                ORDER BY source LIMIT \(want) FOR UPDATE SKIP LOCKED
                """, logger: logger
            ).decode(String.self) {
                free.append(s)
            }
            if !free.isEmpty {
                try await tx.query(
                    """
                    UPDATE briefingd.leases SET owner = \(me), expires_at = clock_timestamp() + make_interval(secs => \(lease))
                    WHERE source = ANY(\(free))
                    """, logger: logger)
                mine += free
            }
        }
        return mine
    }

    /// Gives every lease back at once (SIGTERM), so that the others take the sources over at their
    /// next round instead of after `lease`.
    public func releaseAll() async {
        trusted.value = [:]
        let me = store.settings.instance
        let logger = self.logger
        do {
            try await store.call { connection in
                try await connection.query(
                    "UPDATE briefingd.leases SET owner = NULL, expires_at = NULL WHERE owner = \(me)",
                    logger: logger)
                try await connection.query(
                    "DELETE FROM briefingd.instances WHERE instance = \(me)", logger: logger)
            }
            logger.info("leases_released")
        } catch {
            logger.warning(
                "leases_not_released",
                metadata: [
                    "error": "\(error)", "action": "the others take the sources over when the leases expire",
                ])
        }
    }

    static func now() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000) }
}

/// A value behind a lock.
final class Locked<T: Sendable>: @unchecked Sendable {
    // @unchecked: `stored` is only touched while `lock` is held.
    private var stored: T
    private let lock = NSLock()
    init(_ value: T) { stored = value }
    var value: T {
        get {
            lock.lock()
            defer { lock.unlock() }
            return stored
        }
        set {
            lock.lock()
            stored = newValue
            lock.unlock()
        }
    }
}
