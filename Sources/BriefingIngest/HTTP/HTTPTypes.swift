import Foundation

/// One request header. Values may be secrets (`Authorization`): they are sent, never logged.
public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// One GET as the poller wants it: the URL, its headers and the limits it runs under.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [HTTPHeader]
    public var limits: HTTPConfig
    /// PEM bundle to verify the server with instead of the system's CA store.
    public var caFile: String?
    /// Proxy URL; nil leaves curl to read `http_proxy`, `https_proxy` and `no_proxy`.
    public var proxy: String?

    public init(
        url: String, headers: [HTTPHeader] = [], limits: HTTPConfig, caFile: String? = nil,
        proxy: String? = nil
    ) {
        self.url = url
        self.headers = headers
        self.limits = limits
        self.caFile = caFile
        self.proxy = proxy
    }
}

/// What the server answered, after following redirects.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The URL that answered, after redirects.
    public var finalURL: String
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?
    /// `Retry-After` (seconds or an HTTP date, as curl parses it), if sent.
    public var retryAfter: Duration?
    /// The decoded body (gzip, deflate and br are undone by curl).
    public var body: [UInt8]
    /// Bytes sent and received on the wire over all hops: request and response headers plus the
    /// body as transferred (compressed when the server compressed it).
    public var wireBytes: Int
    /// Requests made, redirects included.
    public var requests: Int

    /// The `charset` parameter of `Content-Type`, if any.
    public var charset: String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "charset"
            else {
                continue
            }
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            return value.trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        }
        return nil
    }
}

/// A transfer that did not produce a response.
public enum HTTPError: Error, Sendable, Equatable, CustomStringConvertible {
    /// curl failed: DNS, connect, TLS, timeout, a broken connection. `message` is curl's own text.
    case transport(url: String, code: Int32, message: String)
    /// The body grew past `http.max_bytes`; the transfer was aborted.
    case tooLarge(url: String, limit: Int)
    /// A redirect pointed somewhere briefingd does not go (another scheme, or https to http).
    case redirectRefused(from: String, to: String, reason: String)
    /// More redirects than `http.max_redirects`.
    case tooManyRedirects(url: String, limit: Int)
    /// The daemon is stopping or the source was removed; the transfer was aborted.
    case cancelled(url: String)
    /// curl could not be set up for this request (e.g. an option it does not support).
    case setup(url: String, message: String)

    /// DNS and connect failures, timeouts and broken connections may pass; the rest will not.
    public var isRetryable: Bool {
        guard case .transport(_, let code, _) = self else { return false }
        return Self.retryableCurlCodes.contains(code)
    }

    /// CURLE_COULDNT_RESOLVE_PROXY, _HOST, _CONNECT, PARTIAL_FILE, OPERATION_TIMEDOUT, GOT_NOTHING,
    /// SEND_ERROR, RECV_ERROR, HTTP2, HTTP2_STREAM.
    static let retryableCurlCodes: Set<Int32> = [5, 6, 7, 16, 18, 28, 52, 55, 56, 92]

    /// A short machine-readable name, for metrics and `briefingd status`.
    public var kind: String {
        switch self {
        case .transport(_, let code, _):
            switch code {
            case 5, 6: "dns"
            case 7: "connect"
            case 28: "timeout"
            case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91: "tls"
            default: "transport"
            }
        case .tooLarge: "too_large"
        case .redirectRefused: "redirect_refused"
        case .tooManyRedirects: "too_many_redirects"
        case .cancelled: "cancelled"
        case .setup: "setup"
        }
    }

    public var description: String {
        switch self {
        case .transport(let url, let code, let message):
            "\(url): \(message) (curl error \(code))"
        case .tooLarge(let url, let limit):
            "\(url): the body is larger than http.max_bytes (\(limit) bytes); raise the limit if this page is genuine"
        case .redirectRefused(let from, let to, let reason):
            "\(from) redirects to \(to), which is refused: \(reason)"
        case .tooManyRedirects(let url, let limit):
            "\(url): more than \(limit) redirects (a loop?); fix the source URL or raise http.max_redirects"
        case .cancelled(let url):
            "\(url): transfer aborted because the daemon is stopping or the source was removed"
        case .setup(let url, let message):
            "\(url): cannot set up the transfer: \(message)"
        }
    }
}
