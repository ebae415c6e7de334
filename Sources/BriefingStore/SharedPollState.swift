import PostgresNIO

// The poll state the fleet shares: HTTP validators and last content id per URL, feed and index
// items already taken, and when each source is next due.

extension SharedStore {
    /// Validators and the last snapshot id of one URL, as any instance last saw them.
    public struct URLRecord: Sendable, Equatable {
        public var etag: String?
        public var lastModified: String?
        public var lastID: String?
    }

    public func urlRecord(_ url: String) async throws(StoreError) -> URLRecord? {
        try await urlRecords([url])[url]
    }

    public func urlRecords(_ urls: [String]) async throws(StoreError) -> [String: URLRecord] {
        guard !urls.isEmpty else { return [:] }
        let logger = self.logger
        return try await call { connection in
            var found: [String: URLRecord] = [:]
            let rows = try await connection.query(
                "SELECT url, etag, last_modified, last_id FROM briefingd.url_state WHERE url = ANY(\(urls))",
                logger: logger)
            for try await (url, etag, lm, last) in rows.decode((String, String?, String?, String?).self) {
                found[url] = URLRecord(etag: etag, lastModified: lm, lastID: last)
            }
            return found
        }
    }

    public func setValidators(url: String, etag: String?, lastModified: String?) async throws(StoreError) {
        let logger = self.logger
        try await call { connection in
            try await connection.query(
                """
                INSERT INTO briefingd.url_state (url, etag, last_modified) VALUES (\(url), \(etag), \(lastModified))
                ON CONFLICT (url) DO UPDATE SET etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
                    updated_at = now()
                """, logger: logger)
        }
    }

    /// The `urls` of `source` no instance has taken yet, in the given order.
    public func unseen(source: String, urls: [String]) async throws(StoreError) -> [String] {
        guard !urls.isEmpty else { return [] }
        let logger = self.logger
        let seen = try await call { connection in
            var seen = Set<String>()
            let rows = try await connection.query(
                "SELECT url FROM briefingd.seen_items WHERE source = \(source) AND url = ANY(\(urls))",
                logger: logger)
            for try await url in rows.decode(String.self) { seen.insert(url) }
            return seen
        }
        return urls.filter { !seen.contains($0) }
    }

    public func markSeen(source: String, url: String) async throws(StoreError) {
        let logger = self.logger
        try await call { connection in
            try await connection.query(
                "INSERT INTO briefingd.seen_items (source, url) VALUES (\(source), \(url)) ON CONFLICT DO NOTHING",
                logger: logger)
        }
    }

    /// Milliseconds until `source` is due by the fleet's shared schedule (0 when due or never polled).
    /// Measured on the database's clock, so instances with skewed clocks agree.
    public func millisecondsUntilDue(source: String) async throws(StoreError) -> Int64 {
        let logger = self.logger
        return try await call { connection in
            var wait: Int64 = 0
            let rows = try await connection.query(
                """
                SELECT coalesce(greatest(0, extract(epoch FROM next_due - clock_timestamp()) * 1000), 0)::bigint
                FROM briefingd.leases WHERE source = \(source)
                """, logger: logger)
            for try await ms in rows.decode(Int64.self) { wait = ms }
            return wait
        }
    }

    /// Records that `source` was polled now and is next due in `milliseconds`; only while this
    /// instance holds its lease (false otherwise).
    @discardableResult
    public func setNextDue(source: String, inMilliseconds milliseconds: Int64) async throws(StoreError)
        -> Bool
    {
        let logger = self.logger
        let instance = settings.instance
        let seconds = Double(milliseconds) / 1000
        return try await call { connection in
            var updated = false
            let rows = try await connection.query(
                """
                UPDATE briefingd.leases
                SET next_due = clock_timestamp() + make_interval(secs => \(seconds)), last_poll = clock_timestamp()
                WHERE source = \(source) AND owner = \(instance) RETURNING source
                """, logger: logger)
            for try await _ in rows.decode(String.self) { updated = true }
            return updated
        }
    }
}
