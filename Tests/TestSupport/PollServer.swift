import Foundation

/// `Tests/Servers/poll_server.py` as a child process on 127.0.0.1 (ephemeral port): routes are
/// set from the test and read by the server on every request; every request is logged.
public final class PollServer: @unchecked Sendable {
    // @unchecked: used from one test at a time; Process is not Sendable.
    public let root: TemporaryDirectory
    public let port: Int
    /// `http://127.0.0.1:PORT` (or https with TLS).
    public let base: String
    private let process: Process
    private var routes: [String: Any] = [:]

    /// Starts the server; with `tls`, it speaks HTTPS with that certificate.
    public init(tls: SelfSignedCertificate? = nil) throws {
        let root = try TemporaryDirectory("briefingd-server")
        self.root = root
        try Data("{}".utf8).write(to: URL(fileURLWithPath: root.file("routes.json")))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = [
            "python3", Paths.repository.appendingPathComponent("Tests/Servers/poll_server.py").path,
        ]
        arguments += ["--root", root.path]
        if let tls { arguments += ["--tls", tls.certificate, tls.key] }
        p.arguments = arguments
        let log = FileHandle(
            forWritingAtPath: {
                let path = root.file("server.log")
                _ = FileManager.default.createFile(atPath: path, contents: nil)
                return path
            }())
        p.standardOutput = log
        p.standardError = log
        try p.run()
        process = p
        let portFile = root.file("port")
        guard waitUntil(timeout: 10, { FileManager.default.fileExists(atPath: portFile) }),
            let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text)
        else {
            p.terminate()
            throw DaemonError.io(
                "poll_server.py did not start: \((try? String(contentsOfFile: root.file("server.log"), encoding: .utf8)) ?? "")"
            )
        }
        self.port = port
        base = (tls == nil ? "http" : "https") + "://127.0.0.1:\(port)"
    }

    /// Sets how `path` answers (see poll_server.py for the keys).
    public func route(_ path: String, _ spec: [String: Any]) throws {
        routes[path] = spec
        let data = try JSONSerialization.data(withJSONObject: routes, options: [.sortedKeys])
        let temp = root.file("routes.json.tmp")
        try data.write(to: URL(fileURLWithPath: temp))
        guard rename(temp, root.file("routes.json")) == 0 else { throw DaemonError.io("rename routes.json") }
    }

    /// Writes a body file the routes can name as `body_file`; returns the name.
    @discardableResult
    public func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: root.file(name)))
        return name
    }

    /// Logged requests (optionally for one path): `path`, `status`, `bytes`, `time`, `headers` (lowercased names).
    public func requests(_ path: String? = nil) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: root.file("requests.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                return nil
            }
            if let path, obj["path"] as? String != path { return nil }
            return obj
        }
    }

    deinit {
        // SIGKILL: a child spawned from a test thread may inherit a mask that blocks SIGTERM.
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        root.remove()
    }
}

/// A throwaway certificate for 127.0.0.1 and localhost, made with the openssl CLI.
public struct SelfSignedCertificate: Sendable {
    public let certificate: String
    public let key: String

    public init(in directory: TemporaryDirectory) throws {
        certificate = directory.file("cert.pem")
        key = directory.file("key.pem")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw DaemonError.io("openssl req failed (\(p.terminationStatus))")
        }
    }
}

extension DaemonProcess {
    /// Snapshot documents in the order they were written (manifest order).
    public func snapshotsInOrder() throws -> [[String: Any]] {
        try manifest().compactMap { $0["path"] as? String }.map { try snapshot($0) }
    }

    /// Absolute paths of every snapshot file, for `validateSnapshots`.
    public func snapshotPaths() -> [String] { snapshotFiles().map { snapshots + "/" + $0 } }
}
