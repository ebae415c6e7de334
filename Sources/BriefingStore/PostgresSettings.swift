import Foundation

/// The `store.postgres` section of the config: where the shared database is, who this instance is,
/// and how long a lease on a source lasts without renewal.
public struct PostgresSettings: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// Never logged or printed; from `password_file`, else `PGPASSWORD`, else the URL.
    public var password: String?
    /// Unique per instance; the owner recorded on leases and snapshot rows.
    public var instance: String
    /// A source whose lease is not renewed within this many milliseconds is taken over by another instance.
    public var leaseMilliseconds: Int64
    /// How long one database call may take before it counts as "database unavailable".
    public var timeoutMilliseconds: Int64 = 5000
    /// The `url` as written, without its password: safe to print.
    public var displayURL: String

    public static let defaultLeaseMilliseconds: Int64 = 30_000

    public init(
        host: String, port: Int = 5432, user: String, database: String, password: String?, instance: String,
        leaseMilliseconds: Int64 = PostgresSettings.defaultLeaseMilliseconds
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.instance = instance
        self.leaseMilliseconds = leaseMilliseconds
        self.displayURL = "postgres://\(user)@\(host):\(port)/\(database)"
    }

    /// Parses `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`; the problem, worded for the operator, on failure.
    public static func parse(
        url: String, passwordFile: String?, instance: String?, leaseMilliseconds: Int64?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> Result<PostgresSettings, SettingsProblem> {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            return .failure(
                SettingsProblem(key: "url", "expected postgres://USER@HOST:PORT/DATABASE"))
        }
        guard let host = parts.host, !host.isEmpty else {
            return .failure(
                SettingsProblem(key: "url", "names no host; expected postgres://USER@HOST:PORT/DATABASE"))
        }
        guard let user = parts.user, !user.isEmpty else {
            return .failure(
                SettingsProblem(key: "url", "names no user; expected postgres://USER@HOST:PORT/DATABASE"))
        }
        let database = String(parts.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            return .failure(
                SettingsProblem(key: "url", "names no database; expected postgres://USER@HOST:PORT/DATABASE"))
        }
        if parts.query != nil {
            return .failure(
                SettingsProblem(key: "url", "takes no ?parameters; use the keys of store.postgres"))
        }
        var password = parts.password?.removingPercentEncoding
        if let envPassword = environment["PGPASSWORD"], !envPassword.isEmpty { password = envPassword }
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile),
                let text = String(data: data, encoding: .utf8)
            else {
                return .failure(
                    SettingsProblem(
                        key: "password_file",
                        "cannot read \(passwordFile); it must be readable by the daemon's user"))
            }
            // Editors add a final newline; it is never part of the password.
            password = String(text.split(whereSeparator: \.isNewline).first ?? "")
        }
        let name = instance ?? ProcessInfo.processInfo.hostName
        guard !name.isEmpty, name.utf8.count <= 200 else {
            return .failure(SettingsProblem(key: "instance", "must be a name of 1 to 200 bytes"))
        }
        let lease = leaseMilliseconds ?? defaultLeaseMilliseconds
        guard lease >= 1000 else {
            return .failure(SettingsProblem(key: "lease", "must be at least 1s; 30s suits most fleets"))
        }
        var settings = PostgresSettings(
            host: host.removingPercentEncoding ?? host, port: parts.port ?? 5432,
            user: user.removingPercentEncoding ?? user,
            database: database.removingPercentEncoding ?? database,
            password: password, instance: name, leaseMilliseconds: lease)
        settings.timeoutMilliseconds = max(2000, min(10_000, lease / 3))
        return .success(settings)
    }
}

/// What is wrong with one key of `store.postgres`.
public struct SettingsProblem: Error, Equatable, Sendable {
    public var key: String
    public var message: String
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
}
