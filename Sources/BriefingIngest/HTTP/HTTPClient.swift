import Foundation

/// Runs ``CurlTransfer``s on threads of their own and bridges them to async callers, so a slow
/// server never occupies one of Swift's few cooperative threads.
///
/// It also knows which transfers are running, so that ``stopAndWait()`` can abort them all and
/// return only once none is left: what `SourcePolling.stop()` promises the daemon.
public final class HTTPClient: @unchecked Sendable {
    // @unchecked: `running`, `idle` and `stopped` are only touched while `condition` is locked.
    private let condition = NSCondition()
    private var running: [ObjectIdentifier: CancelFlag] = [:]
    /// Handles between transfers, reused so that connections and TLS sessions are too.
    private var idle: [CurlHandle] = []
    private var stopped = false

    public init() {}

    /// Fetches `request`; throws ``HTTPError/cancelled`` at once when the client is stopped.
    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let flag = CancelFlag()
        let (admitted, handle) = begin(flag)
        guard admitted else { throw .cancelled(url: request.url) }
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>) in
            let thread = Thread { [self] in
                let result: Result<HTTPResponse, HTTPError>
                do throws(HTTPError) {
                    guard let handle else {
                        throw HTTPError.setup(
                            url: request.url, message: "curl_easy_init failed (out of memory?)")
                    }
                    result = .success(try CurlTransfer.perform(request, on: handle, cancel: flag))
                } catch {
                    result = .failure(error)
                }
                end(flag, handle: handle)
                continuation.resume(returning: result)
            }
            thread.name = "briefingd-http"
            thread.start()
        }
        return try result.get()
    }

    /// Blocking work (state database, files) off the cooperative pool, on a thread of its own.
    public func blocking<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E)
        -> T
    {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<T, E>, Never>) in
            Self.blockingQueue.async {
                do throws(E) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Short blocking calls (SQLite, small files) share one serial queue: they are quick and SQLite
    /// serialises them anyway.
    private static let blockingQueue = DispatchQueue(label: "briefingd.poll.blocking")

    /// Aborts every running transfer, refuses new ones, and returns once none is running.
    public func stopAndWait() {
        condition.lock()
        stopped = true
        for flag in running.values { flag.cancel() }
        while !running.isEmpty { condition.wait() }
        idle.removeAll()
        condition.unlock()
    }

    /// Number of transfers in flight.
    public var activeTransfers: Int {
        condition.lock()
        defer { condition.unlock() }
        return running.count
    }

    /// Registers a transfer unless stopped, and hands it an idle handle or a new one (nil when
    /// curl cannot make one).
    private func begin(_ flag: CancelFlag) -> (admitted: Bool, handle: CurlHandle?) {
        condition.lock()
        defer { condition.unlock() }
        guard !stopped else { return (false, nil) }
        running[ObjectIdentifier(flag)] = flag
        return (true, idle.popLast() ?? CurlHandle())
    }

    private func end(_ flag: CancelFlag, handle: CurlHandle?) {
        condition.lock()
        if let handle, !stopped { idle.append(handle) }
        running[ObjectIdentifier(flag)] = nil
        condition.broadcast()
        condition.unlock()
    }
}
