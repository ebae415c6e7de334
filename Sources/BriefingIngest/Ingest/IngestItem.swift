import BriefingCore

/// One thing to turn into a snapshot: a file taken from the inbox, or a page fetched from a source.
public enum IngestItem: Sendable {
    case file(InboxFile)
    case fetched(FetchedDocument)
}

/// A file in the inbox that has settled.
public struct InboxFile: Sendable, Equatable {
    public var name: String
    public var path: String
    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// A body fetched from a configured source.
public struct FetchedDocument: Sendable {
    public var sourceName: String
    public var url: String
    public var body: [UInt8]
    public var http: HTTPInfo
    public var hints: DecodeHints

    public init(sourceName: String, url: String, body: [UInt8], http: HTTPInfo, hints: DecodeHints) {
        self.sourceName = sourceName
        self.url = url
        self.body = body
        self.http = http
        self.hints = hints
    }
}

/// What became of one item.
public enum IngestOutcome: Sendable, Equatable {
    /// A new snapshot, at this path relative to `snapshots.path`.
    case written(id: String, path: String)
    /// The content already has a snapshot (at `path`); no second one was made.
    case duplicate(id: String, path: String)
    /// A fetched page whose normalized text is the same as the last snapshot of its URL.
    case unchanged(id: String)
    /// The input cannot become a snapshot; it went to `failed/`.
    case failed(code: String, detail: String)
    /// The item could not be handled now (disk full, snapshot folder unwritable); it stays where it is.
    case deferred(reason: String)
    /// The file vanished before it could be read (removed by its owner).
    case vanished
    /// The daemon is stopping: the fetched page was not taken (the next run fetches it again).
    case stopping
}

extension IngestItem {
    var sourceName: String {
        switch self {
        case .file: "inbox"
        case .fetched(let d): d.sourceName
        }
    }
    var displayName: String {
        switch self {
        case .file(let f): f.name
        case .fetched(let d): d.url
        }
    }
}
