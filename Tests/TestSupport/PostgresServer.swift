import Foundation

/// A real PostgreSQL 15 for one test: `initdb` into a temporary folder and `pg_ctl start` as the
/// `postgres` user, listening on a free 127.0.0.1 port (and a Unix socket in the folder), password
/// authentication on. Stopped and removed when released; nothing needs a system service.
public final class PostgresServer: @unchecked Sendable {
    // @unchecked: used from one test at a time.
    public static let binaries = "/usr/lib/postgresql/15/bin"
    public let root: TemporaryDirectory
    public let port: Int
    public let password = "test-\(UUID().uuidString.prefix(8))"
    public let user = "postgres"
    public let database = "postgres"
    private var data: String { root.file("data") }

    /// `postgres://postgres@127.0.0.1:PORT/postgres` (the password is given apart, as in the config).
    public var url: String { "postgres://\(user)@127.0.0.1:\(port)/\(database)" }

    /// `durable: false` turns fsync off, for tests that never lose power; the bench keeps it on.
    public init(durable: Bool = false) throws {
        root = try TemporaryDirectory("briefingd-pg")
        port = try Self.freePort()
        let pwfile = root.file("pw")
        try password.write(toFile: pwfile, atomically: true, encoding: .utf8)
        try Self.chownToPostgres(root.path)
        try Self.chownToPostgres(pwfile)
        try Self.asPostgres(
            "\(Self.binaries)/initdb", "-D", data, "-U", user, "--auth=scram-sha-256", "--pwfile=\(pwfile)",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        var conf =
            "listen_addresses = '127.0.0.1'\nport = \(port)\nunix_socket_directories = '\(root.path)'\n"
        conf += "max_connections = 100\nshared_buffers = 32MB\n"
        if !durable { conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/postgresql.conf"))
        handle.seekToEndOfFile()
        handle.write(Data(conf.utf8))
        try handle.close()
        try start()
    }

    public func start() throws {
        try Self.asPostgres(
            "\(Self.binaries)/pg_ctl", "-D", data, "-l", root.file("server.log"), "-w", "-t", "30", "start")
    }

    /// Stops the server (`fast`: sessions are cut, as in a crash of the network or an outage).
    public func stop(mode: String = "fast") throws {
        try Self.asPostgres("\(Self.binaries)/pg_ctl", "-D", data, "-m", mode, "-w", "stop")
    }

    /// Runs `sql` with psql and returns its unaligned, tuples-only output, trimmed.
    @discardableResult
    public func sql(_ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "\(Self.binaries)/psql")
        p.arguments = [
            "-h", "127.0.0.1", "-p", "\(port)", "-U", user, "-d", database, "-At", "-v", "ON_ERROR_STOP=1",
            "-c", sql,
        ]
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = password
        p.environment = env
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let text = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw DaemonError.io("psql failed: \(String(decoding: errors, as: UTF8.self))")
        }
        return String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `sql` whose answer is one integer.
    public func count(_ sql: String) throws -> Int {
        let text = try self.sql(sql)
        guard let n = Int(text) else { throw DaemonError.io("not a number: \(text)") }
        return n
    }

    /// YAML for the daemon's config: `store.postgres` pointing here, with the given instance and
    /// lease, the password in a file beside the server.
    public func storeYAML(instance: String, lease: String = "3s") throws -> String {
        let passwordFile = try writePasswordFile(in: root)
        return """
            store:
              postgres:
                url: \(url)
                password_file: \(passwordFile)
                instance: \(instance)
                lease: \(lease)
            """
    }

    /// Writes the password into a file the daemon can read; returns its path.
    public func writePasswordFile(in dir: TemporaryDirectory) throws -> String {
        let path = dir.file("pg.password")
        try (password + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    deinit {
        try? Self.asPostgres("\(Self.binaries)/pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        root.remove()
    }

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard bound else { throw DaemonError.io("cannot find a free port") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func chownToPostgres(_ path: String) throws {
        guard let pw = getpwnam("postgres") else {
            throw DaemonError.io("no postgres user; install the Debian package postgresql (make deps)")
        }
        guard chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
            throw DaemonError.io("chown \(path) failed")
        }
    }

    /// Runs a PostgreSQL program as the `postgres` user. Through the shell, not `Process`: the server
    /// that `pg_ctl start` leaves running keeps `Process` from ever seeing the program end.
    private static func asPostgres(_ arguments: String...) throws {
        let outPath = NSTemporaryDirectory() + "/briefingd-pgctl-\(UUID().uuidString.prefix(8)).out"
        defer { unlink(outPath) }
        let quoted = (["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        let status = system(quoted.joined(separator: " ") + " </dev/null >'\(outPath)' 2>&1")
        guard status == 0 else {
            let text = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            throw DaemonError.io("\(arguments.first ?? "") failed (\(status)): \(text)")
        }
    }
}
