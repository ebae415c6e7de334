import Foundation
import TestSupport
import Testing

/// The sd_notify protocol as systemd sees it: a datagram socket named by `$NOTIFY_SOCKET`.
@Suite(.serialized) struct NotifyProtocolTests {
    @Test func readyStatusWatchdogAndStopping() throws {
        let daemon = try DaemonProcess()
        let socket = try NotifySocket(path: daemon.root.file("notify.sock"))
        try daemon.start(environment: ["NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "1000000"])
        #expect(socket.wait { $0.contains { $0.hasPrefix("READY=1") } }, "\(socket.messages())")

        // WATCHDOG=1 every 500 ms (half of WATCHDOG_USEC) from an idle loop. What matters is that
        // pings come well within the watchdog period and not much faster than asked; the median gap
        // is robust against a busy machine delaying a wake-up now and then, and the period leaves
        // room for a loaded one.
        #expect(
            waitUntil { socket.arrivals(of: "WATCHDOG=1").count >= 7 }, "\(socket.arrivals(of: "WATCHDOG=1"))"
        )
        let pings = socket.arrivals(of: "WATCHDOG=1")
        let gaps = zip(pings.dropFirst(), pings).map { $0.timeIntervalSince($1) }.sorted()
        let median = gaps.isEmpty ? 0 : gaps[gaps.count / 2]
        #expect(median > 0.35 && median < 0.95, "median gap between pings: \(median) s")

        let fixture = try Paths.fixtureText()
        try daemon.drop(Array(fixture.utf8), as: "a.txt")
        try daemon.drop(Array((fixture + "\n第二份。").utf8), as: "b.txt")
        try daemon.drop([], as: "empty.txt")
        #expect(
            socket.wait { $0.contains { $0.hasPrefix("STATUS=2 snapshots, 0 duplicates, 1 failed") } },
            "\(socket.messages().filter { $0.hasPrefix("STATUS=") })")

        #expect(daemon.stop(signal: SIGTERM) == 0)
        let all = socket.messages()
        #expect(all.contains("STOPPING=1"))
        let ready = try #require(all.firstIndex { $0.hasPrefix("READY=1") })
        let stopping = try #require(all.firstIndex(of: "STOPPING=1"))
        #expect(ready < stopping)
        #expect(!all[stopping...].contains { $0.hasPrefix("READY=1") })
    }

    @Test func noWatchdogPingsWithoutWatchdogUsecOrForAnotherPid() throws {
        let daemon = try DaemonProcess()
        let socket = try NotifySocket(path: daemon.root.file("notify.sock"))
        // WATCHDOG_PID names another process: the pings are not meant for this one.
        try daemon.start(environment: [
            "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "200000", "WATCHDOG_PID": "1",
        ])
        #expect(socket.wait { $0.contains { $0.hasPrefix("READY=1") } })
        usleep(500_000)
        #expect(!socket.messages().contains("WATCHDOG=1"))
        #expect(daemon.stop() == 0)
    }
}

/// A bound `AF_UNIX` datagram socket standing in for systemd's notification socket.
final class NotifySocket {
    let path: String
    private let fd: Int32
    private var received: [String] = []
    private var arrivals: [Date] = []

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        try #require(bytes.count < MemoryLayout.size(ofValue: address.sun_path), "socket path too long")
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(fd >= 0 && bound == 0, "cannot bind \(path): \(String(cString: strerror(errno)))")
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// Every datagram received so far, one entry per datagram, in order.
    func messages() -> [String] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, Int32(MSG_DONTWAIT)) }
            if n <= 0 { break }
            received.append(String(decoding: buffer[0..<n], as: UTF8.self))
            arrivals.append(Date())
        }
        return received
    }

    /// When each datagram equal to `message` was read (read often: the test reads as they come).
    func arrivals(of message: String) -> [Date] {
        _ = messages()
        return zip(received, arrivals).filter { $0.0 == message }.map(\.1)
    }

    /// Waits up to `timeout` seconds for the messages so far to satisfy `condition`.
    func wait(timeout: Double = 30, _ condition: ([String]) -> Bool) -> Bool {
        waitUntil(timeout: timeout) { condition(messages()) }
    }
}
