import Foundation
import PostgresNIO

/// Why the shared store could not do what was asked. Descriptions name `store.postgres` and say what
/// to do; they never contain the password.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server refused the credentials or the database does not exist: a config problem.
    case rejected(String)
    /// No connection or no answer in time: the database may come back.
    case unavailable(String)
    /// The server answered with an error to a statement.
    case failed(String)

    public var description: String {
        switch self {
        case .rejected(let why):
            "store.postgres: the server refused the connection (\(why)); check url, password_file or PGPASSWORD"
        case .unavailable(let why): "store.postgres: PostgreSQL unavailable (\(why))"
        case .failed(let why): "store.postgres: \(why)"
        }
    }

    /// True when the operator must change the config (exit 78 at start).
    public var isConfigProblem: Bool {
        if case .rejected = self { return true }
        return false
    }

    /// Classifies any error thrown by PostgresNIO or by the deadline around a call.
    static func from(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? PostgresTransactionError {
            return from(e.beginError ?? e.closureError ?? e.commitError ?? e.rollbackError ?? error)
        }
        guard let e = error as? PSQLError else { return .failed("\(error)") }
        if e.code == .server, let info = e.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "server error"
            // 28xxx: invalid authorization; 3D000: no such database.
            if state.hasPrefix("28") || state == "3D000" { return .rejected(message) }
            // 08xxx connection, 57Pxx shutdown, 53xxx resources: the server may come back.
            if state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("53") {
                return .unavailable(message)
            }
            return .failed("\(message) (SQLSTATE \(state))")
        }
        switch e.code {
        case .authMechanismRequiresPassword:
            return .rejected("the server asks for a password and none is configured")
        case .unsupportedAuthMechanism, .saslError:
            return .rejected("authentication failed")
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown,
            .poolClosed:
            if let underlying = e.underlying { return .unavailable(Self.describe(underlying)) }
            return .unavailable("connection lost")
        default:
            return .failed("\(e.code)")
        }
    }

    /// Socket errors read "connection refused", not a type dump, so that a cause reads the same at every retry.
    private static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        if text.lowercased().contains("timeout") || text.lowercased().contains("timed out") {
            return "connect timed out"
        }
        if text.contains("resolve") || text.contains("NXDOMAIN") || text.contains("getaddrinfo") {
            return "host name not found"
        }
        return text.count > 160 ? String(text.prefix(160)) : text
    }
}
