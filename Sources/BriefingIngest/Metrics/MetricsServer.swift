import Foundation
import Metrics
import Prometheus
import Synchronization

/// The `metrics.listen` endpoint: Prometheus text exposition of every swift-metrics metric of the
/// process, served by a minimal HTTP/1.1 listener on one dedicated thread.
///
/// Scrapes are rare and small, so one connection is answered at a time; each request must arrive
/// within two seconds. `GET /metrics` (or `HEAD`) answers 200, other paths 404, other methods 405.
public final class MetricsServer: Sendable {
    /// The address actually bound, `host:port` (the port is the kernel's choice when 0 was asked for).
    public let address: String
    private let fd: Int32
    private let registry: PrometheusCollectorRegistry
    private let stopping = Atomic(false)

    /// Routes swift-metrics to a fresh Prometheus registry (once per process), binds `listen` and
    /// starts answering on a new thread.
    /// - Throws: ``MetricsServerError`` when the address cannot be bound.
    public static func start(listen: HostPort) throws(MetricsServerError) -> MetricsServer {
        let registry = PrometheusCollectorRegistry()
        let server = try MetricsServer(listen: listen, registry: registry)
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        IngestMetrics().register()
        let thread = Thread { server.serve() }
        thread.name = "metrics"
        thread.start()
        return server
    }

    init(listen: HostPort, registry: PrometheusCollectorRegistry) throws(MetricsServerError) {
        self.registry = registry
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var found: UnsafeMutablePointer<addrinfo>?
        let host = listen.host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        let rc = getaddrinfo(host, String(listen.port), &hints, &found)
        guard rc == 0, let info = found else {
            throw MetricsServerError(listen: listen, reason: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(found) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw MetricsServerError(listen: listen, reason: String(cString: strerror(errno)))
        }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(fd, 16) == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw MetricsServerError(listen: listen, reason: reason)
        }
        self.fd = fd
        self.address = Self.boundAddress(fd) ?? "\(listen.host):\(listen.port)"
    }

    /// The text exposition a scrape gets now.
    func exposition() -> String { String(decoding: registry.emitToBuffer(), as: UTF8.self) }

    /// Stops accepting; a scrape being answered finishes.
    public func stop() {
        stopping.store(true, ordering: .relaxed)
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func serve() {
        // SIGTERM, SIGINT and SIGHUP belong to the daemon's signalfd, never to this thread.
        var mask = sigset_t()
        sigemptyset(&mask)
        for s in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&mask, s) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)
        while !stopping.load(ordering: .relaxed) {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE {
                    if errno == EMFILE || errno == ENFILE { usleep(100_000) }
                    continue
                }
                break
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            answer(client)
            close(client)
        }
        close(fd)
    }

    private func answer(_ client: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let head = Self.readHead(client) else { return }
        let response = Self.response(to: head, metrics: { registry.emitToBuffer() })
        // A scraper that went away gets nothing more.
        response.withUnsafeBytes { buffer in
            _ = try? writeAll(client, buffer, "send", "metrics client") {
                send($0, $1, $2, Int32(MSG_NOSIGNAL))
            }
        }
    }

    /// The request line and headers (up to the blank line), or nil when the client sent none in time.
    private static func readHead(_ client: Int32) -> String? {
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while data.count < 8192 {
            let received = chunk.withUnsafeMutableBytes { buffer in
                try? retryingOnEINTR("recv", "metrics client") {
                    recv(client, buffer.baseAddress!, buffer.count, 0)
                }
            }
            guard let n = received, n > 0 else { break }
            data += chunk[0..<n]
            if data.count >= 4,
                data.indices.dropLast(3).contains(where: { data[$0..<($0 + 4)].elementsEqual(end) })
            {
                break
            }
        }
        return data.isEmpty ? nil : String(decoding: data, as: UTF8.self)
    }

    /// The whole HTTP response to a request head; `metrics` is only called for a scrape.
    static func response(to head: String, metrics: () -> [UInt8]) -> [UInt8] {
        let requestLine = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = requestLine.split(separator: " ")
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1.") else {
            return render(
                400, "Bad Request", body: Array("bad request: expected GET /metrics HTTP/1.1\n".utf8))
        }
        let method = parts[0]
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        guard method == "GET" || method == "HEAD" else {
            return render(
                405, "Method Not Allowed", body: Array("only GET and HEAD are served\n".utf8),
                extra: "Allow: GET, HEAD\r\n")
        }
        guard path == "/metrics" else {
            return render(
                404, "Not Found", body: Array("not found; metrics are at /metrics\n".utf8),
                head: method == "HEAD")
        }
        return render(
            200, "OK", body: metrics(), contentType: "text/plain; version=0.0.4; charset=utf-8",
            head: method == "HEAD")
    }

    private static func render(
        _ status: Int, _ reason: String, body: [UInt8], contentType: String = "text/plain; charset=utf-8",
        extra: String = "", head: Bool = false
    ) -> [UInt8] {
        let header =
            "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
            + extra + "Connection: close\r\n\r\n"
        return Array(header.utf8) + (head ? [] : body)
    }

    private static func boundAddress(_ fd: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
        let rc = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo(
                    $0, length, &host, socklen_t(host.count), &service, socklen_t(service.count),
                    NI_NUMERICHOST | NI_NUMERICSERV)
            }
        }
        guard rc == 0 else { return nil }
        func text(_ c: [CChar]) -> String {
            String(decoding: c.prefix { $0 != 0 }.map(UInt8.init(bitPattern:)), as: UTF8.self)
        }
        let h = text(host)
        return (h.contains(":") ? "[\(h)]" : h) + ":" + text(service)
    }
}

/// The metrics endpoint cannot listen where `metrics.listen` says.
public struct MetricsServerError: Error, CustomStringConvertible {
    public var listen: HostPort
    public var reason: String
    public var description: String {
        "cannot listen on \(listen.host):\(listen.port) for metrics (\(reason)); "
            + "choose a free loopback port in metrics.listen, or remove the key to turn metrics off"
    }
}
