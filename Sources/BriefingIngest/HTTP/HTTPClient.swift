import Foundation
import Synchronization

/// Runs ``CurlTransfer``s on the shared ``BlockingThreadPool`` and bridges them to async callers,
/// so a slow server never occupies one of Swift's few cooperative threads.
///
/// It also knows which transfers are running, so that ``stopAndWait()`` can abort them all and
/// return only once none is left: what `SourcePolling.stop()` promises the daemon.
public final class HTTPClient: Sendable {
    private struct Transfers {
        var running: [ObjectIdentifier: CancelFlag] = [:]
        /// Handles between transfers, reused so that connections and TLS sessions are too.
        var idle: [CurlHandle] = []
        var stopped = false
    }

    private let transfers = Mutex(Transfers())
    /// Entered by every running transfer, left when it ends: ``stopAndWait()`` waits on it.
    private let inFlight = DispatchGroup()

    /// Threads for transfers, shared by every source: enough for every host's concurrency limit
    /// in a typical config, and a bound on threads however many sources there are.
    static let transferPool = BlockingThreadPool(size: 32, name: "briefingd-http")

    public init() {}

    /// Fetches `request`; throws ``HTTPError/cancelled`` at once when the client is stopped.
    public func fetch(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let flag = CancelFlag()
        let (admitted, handle) = begin(flag)
        guard admitted else { throw .cancelled(url: request.url) }
        let result = await Self.transferPool.run { [self] () -> Result<HTTPResponse, HTTPError> in
            defer { end(flag, handle: handle) }
            guard let handle else {
                return .failure(
                    .setup(url: request.url, message: "curl_easy_init failed (out of memory?)"))
            }
            guard !flag.isCancelled else { return .failure(.cancelled(url: request.url)) }
            do throws(HTTPError) {
                return .success(try CurlTransfer.perform(request, on: handle, cancel: flag))
            } catch {
                return .failure(error)
            }
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
        transfers.withLock { transfers in
            transfers.stopped = true
            for flag in transfers.running.values { flag.cancel() }
        }
        inFlight.wait()
        transfers.withLock { $0.idle.removeAll() }
    }

    /// Number of transfers in flight.
    public var activeTransfers: Int { transfers.withLock { $0.running.count } }

    /// Registers a transfer unless stopped, and hands it an idle handle or a new one (nil when
    /// curl cannot make one).
    private func begin(_ flag: CancelFlag) -> (admitted: Bool, handle: CurlHandle?) {
        transfers.withLock { transfers in
            guard !transfers.stopped else { return (false, nil) }
            transfers.running[ObjectIdentifier(flag)] = flag
            inFlight.enter()
            return (true, transfers.idle.popLast() ?? CurlHandle())
        }
    }

    private func end(_ flag: CancelFlag, handle: CurlHandle?) {
        transfers.withLock { transfers in
            if let handle, !transfers.stopped { transfers.idle.append(handle) }
            transfers.running[ObjectIdentifier(flag)] = nil
        }
        inFlight.leave()
    }
}
