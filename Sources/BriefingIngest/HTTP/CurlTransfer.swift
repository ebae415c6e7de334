import CCurl
import CCurlShim
import Foundation
import Synchronization

/// Set by whoever wants a running transfer to end (daemon stopping, source removed); read by
/// curl's progress callback, which then aborts the transfer.
final class CancelFlag: Sendable {
    private let cancelled = Atomic(false)
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }
    func cancel() { cancelled.store(true, ordering: .relaxed) }
}

/// A curl easy handle kept between transfers: it keeps its connection cache, TLS session cache
/// and DNS cache, so an unchanged poll can reuse a live connection instead of a new handshake.
/// Used by one transfer at a time (curl's rule for easy handles).
final class CurlHandle: @unchecked Sendable {
    // @unchecked: handed from transfer to transfer through HTTPClient's lock, never shared.
    let raw: UnsafeMutableRawPointer

    init?() {
        guard CurlTransfer.globalInit == CURLE_OK, let raw = curl_easy_init() else { return nil }
        self.raw = raw
    }

    deinit { curl_easy_cleanup(raw) }
}

/// One GET on a ``CurlHandle``, run synchronously on the calling thread (never a Swift
/// concurrency thread: see ``HTTPClient``).
///
/// Redirects are followed here rather than by curl (`CURLOPT_FOLLOWLOCATION` stays off) so that
/// every `Location` is checked before it is requested: only http and https, never https to http.
struct CurlTransfer {
    /// curl_global_init is not thread-safe; a lazily initialised global runs it exactly once.
    static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    /// Runs `request`, checking `cancel` while data flows.
    static func perform(_ request: HTTPRequest, on curl: CurlHandle, cancel: CancelFlag) throws(HTTPError)
        -> HTTPResponse
    {
        let url = request.url
        let handle = curl.raw
        // Every option of the previous transfer goes (its callbacks' pointers are dangling now);
        // the caches stay.
        curl_easy_reset(handle)

        let context = TransferContext(limit: request.limits.maxBytes, cancel: cancel)
        let headers = HeaderList(request.headers)
        // curl holds raw pointers to both until the last perform: Swift must not free them earlier.
        defer { withExtendedLifetime((context, headers)) {} }
        try configure(handle, request, context: context, headers: headers)

        // One budget for every redirect hop together.
        let deadline = ContinuousClock.now + request.limits.totalTimeout.duration
        var current = url
        var wireBytes = 0
        var requests = 0
        while true {
            let remaining = ContinuousClock.now.duration(to: deadline).wholeMilliseconds
            guard remaining > 0 else {
                throw .transport(
                    url: current, code: 28, message: "total timeout reached while following redirects")
            }
            try set(handle, CURLOPT_URL, current, url: url)
            try set(handle, CURLOPT_TIMEOUT_MS, Int(remaining), url: url)
            context.reset()
            requests += 1
            let code = curl_easy_perform(handle)
            wireBytes += transferredBytes(handle)
            if code != CURLE_OK {
                if context.overLimit || code == CURLE_FILESIZE_EXCEEDED {
                    throw .tooLarge(url: current, limit: request.limits.maxBytes)
                }
                if cancel.isCancelled { throw .cancelled(url: current) }
                throw .transport(url: current, code: Int32(code.rawValue), message: context.errorText(code))
            }
            let status = getLong(handle, CURLINFO_RESPONSE_CODE)
            if (300..<400).contains(status), status != 304,
                let next = getString(handle, CURLINFO_REDIRECT_URL)
            {
                try checkRedirect(from: current, to: next)
                guard requests <= request.limits.maxRedirects else {
                    throw .tooManyRedirects(url: url, limit: request.limits.maxRedirects)
                }
                current = next
                continue
            }
            var retryAfter: curl_off_t = -1
            _ = briefingd_curl_getinfo_off_t(handle, CURLINFO_RETRY_AFTER, &retryAfter)
            return HTTPResponse(
                status: status, finalURL: getString(handle, CURLINFO_EFFECTIVE_URL) ?? current,
                etag: header(handle, "ETag"), lastModified: header(handle, "Last-Modified"),
                contentType: getString(handle, CURLINFO_CONTENT_TYPE),
                retryAfter: retryAfter > 0 ? .seconds(Int64(retryAfter)) : nil,
                body: context.body, wireBytes: wireBytes, requests: requests)
        }
    }

    /// Only http and https, and never from https down to http (which would expose cookies and
    /// credentials, and lets a network attacker substitute the page).
    static func checkRedirect(from: String, to: String) throws(HTTPError) {
        let target = to.lowercased()
        let isHTTPS = target.hasPrefix("https://")
        guard isHTTPS || target.hasPrefix("http://") else {
            throw .redirectRefused(from: from, to: to, reason: "only http and https URLs are fetched")
        }
        if from.lowercased().hasPrefix("https://") && !isHTTPS {
            throw .redirectRefused(from: from, to: to, reason: "a redirect from https to http is a downgrade")
        }
    }

    private static func configure(
        _ handle: UnsafeMutableRawPointer, _ request: HTTPRequest, context: TransferContext,
        headers: HeaderList
    ) throws(HTTPError) {
        let url = request.url
        let limits = request.limits
        let user = Unmanaged.passUnretained(context).toOpaque()
        // Signals must not be used for timeouts: the process has many threads.
        try set(handle, CURLOPT_NOSIGNAL, 1, url: url)
        try set(handle, CURLOPT_HTTPGET, 1, url: url)
        try set(handle, CURLOPT_FOLLOWLOCATION, 0, url: url)
        try set(handle, CURLOPT_PROTOCOLS_STR, "http,https", url: url)
        try set(handle, CURLOPT_REDIR_PROTOCOLS_STR, "http,https", url: url)
        try set(handle, CURLOPT_SSL_VERIFYPEER, 1, url: url)
        try set(handle, CURLOPT_SSL_VERIFYHOST, 2, url: url)
        if let ca = request.caFile { try set(handle, CURLOPT_CAINFO, ca, url: url) }
        if let proxy = request.proxy { try set(handle, CURLOPT_PROXY, proxy, url: url) }
        // "" offers every encoding this libcurl can undo (gzip, deflate, br).
        try set(handle, CURLOPT_ACCEPT_ENCODING, "", url: url)
        try set(
            handle, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout.duration.wholeMilliseconds), url: url
        )
        try set(handle, CURLOPT_LOW_SPEED_LIMIT, limits.lowSpeedBytes, url: url)
        try set(
            handle, CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.lowSpeedTime.duration.components.seconds)),
            url: url)
        // Refuses early when Content-Length is too big; the write callback catches the rest.
        try check(
            briefingd_curl_setopt_off_t(handle, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(limits.maxBytes)), url)
        try check(briefingd_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers.list), url)
        try check(briefingd_curl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, writeBody), url)
        try check(briefingd_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, user), url)
        try check(briefingd_curl_setopt_xferinfo_callback(handle, progress), url)
        try check(briefingd_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, user), url)
        try set(handle, CURLOPT_NOPROGRESS, 0, url: url)
        try check(briefingd_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, context.errorBuffer), url)
    }

    private static func set(_ h: UnsafeMutableRawPointer, _ o: CURLoption, _ v: Int, url: String)
        throws(HTTPError)
    {
        try check(briefingd_curl_setopt_long(h, o, v), url)
    }

    private static func set(_ h: UnsafeMutableRawPointer, _ o: CURLoption, _ v: String, url: String)
        throws(HTTPError)
    {
        // curl copies string options (since 7.17), so the temporary C string may go away after the call.
        try check(briefingd_curl_setopt_string(h, o, v), url)
    }

    private static func check(_ code: CURLcode, _ url: String) throws(HTTPError) {
        guard code == CURLE_OK else {
            throw .setup(url: url, message: String(cString: curl_easy_strerror(code)))
        }
    }

    private static func getLong(_ h: UnsafeMutableRawPointer, _ info: CURLINFO) -> Int {
        var value = 0
        _ = briefingd_curl_getinfo_long(h, info, &value)
        return value
    }

    private static func getString(_ h: UnsafeMutableRawPointer, _ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard briefingd_curl_getinfo_string(h, info, &value) == CURLE_OK, let value else { return nil }
        return String(cString: value)
    }

    /// A response header of the last response (curl's header API, 7.83+).
    private static func header(_ h: UnsafeMutableRawPointer, _ name: String) -> String? {
        var out: UnsafeMutablePointer<curl_header>?
        guard curl_easy_header(h, name, 0, UInt32(CURLH_HEADER), -1, &out) == CURLHE_OK, let out,
            let value = out.pointee.value
        else { return nil }
        return String(cString: value)
    }

    private static func transferredBytes(_ h: UnsafeMutableRawPointer) -> Int {
        var body: curl_off_t = 0
        _ = briefingd_curl_getinfo_off_t(h, CURLINFO_SIZE_DOWNLOAD_T, &body)
        return getLong(h, CURLINFO_HEADER_SIZE) + getLong(h, CURLINFO_REQUEST_SIZE) + Int(body)
    }
}

/// What curl's callbacks share with the transfer: the body so far, the cap, the cancel flag.
private final class TransferContext {
    var body: [UInt8] = []
    var overLimit = false
    let limit: Int
    let cancel: CancelFlag
    /// CURLOPT_ERRORBUFFER: curl writes a specific message here (CURL_ERROR_SIZE bytes).
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))

    init(limit: Int, cancel: CancelFlag) {
        self.limit = limit
        self.cancel = cancel
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit { errorBuffer.deallocate() }

    func reset() {
        body.removeAll(keepingCapacity: true)
        overLimit = false
        errorBuffer[0] = 0
    }

    func errorText(_ code: CURLcode) -> String {
        errorBuffer[0] != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
    }
}

/// Request headers as a curl_slist, freed with its owner.
private final class HeaderList {
    private(set) var list: UnsafeMutablePointer<curl_slist>?

    init(_ headers: [HTTPHeader]) {
        for h in headers {
            // "Name;" is curl's way to send a header with an empty value.
            let line = h.value.isEmpty ? "\(h.name);" : "\(h.name): \(h.value)"
            list = curl_slist_append(list, line)
        }
    }

    deinit { curl_slist_free_all(list) }
}

/// Returning fewer bytes than offered makes curl abort with CURLE_WRITE_ERROR.
private let writeBody:
    @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, user in
        guard let data, let user else { return 0 }
        let context = Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue()
        let n = size * count
        if context.cancel.isCancelled { return 0 }
        if context.body.count + n > context.limit {
            context.overLimit = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: n) {
            context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: n))
        }
        return n
    }

/// Called by curl at least once a second, also while the server sends nothing: the place to abort.
private let progress:
    @convention(c) (UnsafeMutableRawPointer?, curl_off_t, curl_off_t, curl_off_t, curl_off_t) -> Int32 = {
        user, _, _, _, _ in
        guard let user else { return 0 }
        return Unmanaged<TransferContext>.fromOpaque(user).takeUnretainedValue().cancel.isCancelled ? 1 : 0
    }
