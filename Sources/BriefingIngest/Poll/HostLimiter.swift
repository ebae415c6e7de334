/// At most `limit` transfers to one host at a time, across all sources; waiters go first come,
/// first served, so items queued oldest first also start oldest first.
actor HostLimiter {
    let limit: Int
    private var inUse: [String: Int] = [:]
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(limit: Int) { self.limit = max(1, limit) }

    func acquire(_ host: String) async {
        if inUse[host, default: 0] < limit {
            inUse[host, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiters[host, default: []].append($0) }
    }

    /// Hands the slot to the next waiter, if any, else frees it.
    func release(_ host: String) {
        if var queue = waiters[host], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[host] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            let count = inUse[host, default: 1] - 1
            inUse[host] = count > 0 ? count : nil
        }
    }

    /// Transfers running for `host` (for tests).
    func count(_ host: String) -> Int { inUse[host, default: 0] }
}
