// The snapshot document of `../shared/spec/contract.md` ("briefing-snapshot/1").
// Field names and nullability follow the contract exactly; `Snapshot.schema.json` beside this
// file describes the same document and the tests validate every snapshot against it.

/// One snapshot document: what a briefing input became.
public struct Snapshot: Codable, Sendable, Equatable {
    public static let schemaName = "briefing-snapshot/1"

    public var schema: String = Snapshot.schemaName
    /// Hex SHA-256 of the normalized `text`.
    public var id: String
    /// RFC 3339 UTC time with milliseconds, e.g. `2026-11-29T04:10:02.123Z`.
    public var ingestedAt: String
    public var source: Source
    public var revision: Revision
    public var input: InputInfo
    public var normalization: Normalization
    public var briefing: Briefing
    public var text: String

    public init(
        id: String, ingestedAt: String, source: Source, revision: Revision = Revision(),
        input: InputInfo, normalization: Normalization, briefing: Briefing, text: String
    ) {
        self.id = id
        self.ingestedAt = ingestedAt
        self.source = source
        self.revision = revision
        self.input = input
        self.normalization = normalization
        self.briefing = briefing
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case schema, id, source, revision, input, normalization, briefing, text
        case ingestedAt = "ingested_at"
    }

    /// First 12 hex digits of `id`, as used in snapshot file names.
    public var shortID: String { String(id.prefix(12)) }
}

/// Where an input came from.
public struct Source: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case inbox, url }

    public var kind: Kind
    /// `inbox` for dropped files, otherwise the configured source's name.
    public var name: String
    /// Path of the input as it was found (inbox only).
    public var path: String?
    /// URL fetched (url only).
    public var url: String?
    public var http: HTTPInfo?

    public init(kind: Kind, name: String, path: String? = nil, url: String? = nil, http: HTTPInfo? = nil) {
        self.kind = kind
        self.name = name
        self.path = path
        self.url = url
        self.http = http
    }

    /// The source written by `briefingd extract`, which reads a file outside any inbox.
    public static func file(_ path: String) -> Source { Source(kind: .inbox, name: "inbox", path: path) }
}

/// HTTP facts of a fetched page.
public struct HTTPInfo: Codable, Sendable, Equatable {
    public var status: Int
    public var finalURL: String?
    public var etag: String?
    public var lastModified: String?
    public var contentType: String?

    public init(
        status: Int, finalURL: String? = nil, etag: String? = nil, lastModified: String? = nil,
        contentType: String? = nil
    ) {
        self.status = status
        self.finalURL = finalURL
        self.etag = etag
        self.lastModified = lastModified
        self.contentType = contentType
    }

    enum CodingKeys: String, CodingKey {
        case status, etag
        case finalURL = "final_url"
        case lastModified = "last_modified"
        case contentType = "content_type"
    }
}

public struct Revision: Codable, Sendable, Equatable {
    /// Id of the earlier snapshot of the same URL that this one replaces.
    public var supersedes: String?
    public init(supersedes: String? = nil) { self.supersedes = supersedes }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(supersedes, forKey: .supersedes)  // always present, `null` when none
    }
}

/// What the raw input was and how it was decoded.
public struct InputInfo: Codable, Sendable, Equatable {
    public enum Format: String, Codable, Sendable { case text, markdown, html, docx, pdf }

    public var format: Format
    public var bytes: Int
    public var sha256: String
    /// The encoding, written by its canonical name: "UTF-8", "UTF-16LE", "GB18030", "Big5", …
    public var encoding: TextEncoding
    public var encodingConfidence: Double
    public var bom: Bool
    public var replacementCharacters: Int

    public init(
        format: Format, bytes: Int, sha256: String, encoding: TextEncoding, encodingConfidence: Double,
        bom: Bool, replacementCharacters: Int
    ) {
        self.format = format
        self.bytes = bytes
        self.sha256 = sha256
        self.encoding = encoding
        self.encodingConfidence = encodingConfidence
        self.bom = bom
        self.replacementCharacters = replacementCharacters
    }

    enum CodingKeys: String, CodingKey {
        case format, bytes, sha256, encoding, bom
        case encodingConfidence = "encoding_confidence"
        case replacementCharacters = "replacement_characters"
    }
}

public struct Normalization: Codable, Sendable, Equatable {
    public var actions: [NormalizationAction]
    public init(actions: [NormalizationAction] = []) { self.actions = actions }
}

/// One kind of repair made to the text, how often, and a few of the strings it removed or changed.
public struct NormalizationAction: Codable, Sendable, Equatable {
    public var kind: ActionKind
    public var count: Int
    public var examples: [String]

    public init(kind: ActionKind, count: Int, examples: [String] = []) {
        self.kind = kind
        self.count = count
        self.examples = examples
    }
}
