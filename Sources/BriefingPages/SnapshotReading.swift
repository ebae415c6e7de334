import Foundation

/// A snapshot document as pages read it: only what a page shows, and tolerant of fields added or
/// left out by other versions of the writer, so that `render --all` can rebuild pages of old files.
/// Enumerated fields stay strings: a kind this version does not know is shown as written.
public struct PageSnapshot: Decodable, Sendable {
    public var id: String
    public var ingestedAt: String
    public var source: Source
    public var input: Input?
    public var normalization: Normalization?
    public var briefing: Briefing
    public var text: String

    enum CodingKeys: String, CodingKey {
        case id, source, input, normalization, briefing, text
        case ingestedAt = "ingested_at"
    }

    public struct Source: Decodable, Sendable {
        public var kind: String
        public var name: String
        public var path: String?
        public var url: String?
    }

    public struct Input: Decodable, Sendable {
        public var format: String?
        public var bytes: Int?
        public var encoding: String?
        public var encodingConfidence: Double?
        public var bom: Bool?
        public var replacementCharacters: Int?

        enum CodingKeys: String, CodingKey {
            case format, bytes, encoding, bom
            case encodingConfidence = "encoding_confidence"
            case replacementCharacters = "replacement_characters"
        }
    }

    public struct Normalization: Decodable, Sendable {
        public var actions: [Action]
        public struct Action: Decodable, Sendable {
            public var kind: String
            public var count: Int
            public var examples: [String]?
        }
    }

    public struct Briefing: Decodable, Sendable {
        public var title: String?
        public var date: String?
        public var dateSource: String?
        public var speakers: [Speaker]
        public var turns: [Turn]
        public var exchanges: [Exchange]
        public var points: [Point]
        public var figures: [Figure]
        public var changes: [Change]
        public var periods: [Period]
        public var named: [Named]

        enum CodingKeys: String, CodingKey {
            case title, date, speakers, turns, exchanges, points, figures, changes, periods, named
            case dateSource = "date_source"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            title = try c.decodeIfPresent(String.self, forKey: .title)
            date = try c.decodeIfPresent(String.self, forKey: .date)
            dateSource = try c.decodeIfPresent(String.self, forKey: .dateSource)
            speakers = try c.decodeIfPresent([Speaker].self, forKey: .speakers) ?? []
            turns = try c.decodeIfPresent([Turn].self, forKey: .turns) ?? []
            exchanges = try c.decodeIfPresent([Exchange].self, forKey: .exchanges) ?? []
            points = try c.decodeIfPresent([Point].self, forKey: .points) ?? []
            figures = try c.decodeIfPresent([Figure].self, forKey: .figures) ?? []
            changes = try c.decodeIfPresent([Change].self, forKey: .changes) ?? []
            periods = try c.decodeIfPresent([Period].self, forKey: .periods) ?? []
            named = try c.decodeIfPresent([Named].self, forKey: .named) ?? []
        }
    }

    public struct Speaker: Decodable, Sendable {
        public var id: String
        public var role: String
        public var label: String
        public var outlet: String?
        public var organization: String?
        public var title: String?
        public var name: String?
    }

    public struct Turn: Decodable, Sendable {
        public var index: Int
        public var speaker: String
        public var kind: String
        public var number: Int?
        public var span: [Int]
    }

    public struct Exchange: Decodable, Sendable {
        public var question: Int
        public var answers: [Int]
    }

    public struct Point: Decodable, Sendable {
        public var turn: Int?
        public var marker: String
        public var level: Int
        public var span: [Int]
    }

    public struct Figure: Decodable, Sendable {
        public var turn: Int?
        public var text: String
        public var value: Double
        public var unit: String?
        public var approx: String?
        public var subject: String?
        public var ratioTo: Double?
        public var span: [Int]

        enum CodingKeys: String, CodingKey {
            case turn, text, value, unit, approx, subject, span
            case ratioTo = "ratio_to"
        }
    }

    public struct Change: Decodable, Sendable {
        public var turn: Int?
        public var text: String
        public var direction: String
        public var basis: String?
        public var percent: Double?
        public var amount: Double?
        public var unit: String?
        public var figure: Int?
        public var span: [Int]
    }

    public struct Period: Decodable, Sendable {
        public var turn: Int?
        public var text: String
        public var start: String?
        public var end: String?
        public var duration: String?
        public var approx: String?
        public var span: [Int]
    }

    public struct Named: Decodable, Sendable {
        public var kind: String
        public var turn: Int?
        public var text: String
        public var span: [Int]
    }
}

/// Why a snapshot file could not become a page.
public enum PageSnapshotError: Error, CustomStringConvertible {
    case notASnapshot(path: String, reason: String)

    public var description: String {
        switch self {
        case .notASnapshot(let path, let reason):
            "\(path) is not a briefing snapshot this version can read (\(reason)); "
                + "give the .json files of the snapshot folder"
        }
    }
}

extension PageSnapshot {
    /// Decodes a snapshot document; `path` only names it in the error.
    public static func decode(_ bytes: some DataProtocol, path: String) throws(PageSnapshotError)
        -> PageSnapshot
    {
        do {
            return try JSONDecoder().decode(PageSnapshot.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw .notASnapshot(path: path, reason: Self.describe(error))
        } catch {
            throw .notASnapshot(path: path, reason: "\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty
                ? "the document"
                : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(at(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(at(context.codingPath)) has the wrong type"
        case .dataCorrupted(let context): return "not JSON at \(at(context.codingPath))"
        @unknown default: return "\(error)"
        }
    }
}
