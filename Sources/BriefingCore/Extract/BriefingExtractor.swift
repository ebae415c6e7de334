// Normalized text → the `briefing` object: speakers, turns, exchanges, points and facts.

/// What the extractor knows besides the text.
public struct ExtractionContext: Sendable, Equatable {
    /// A title the input format carried (HTML `<title>`), preferred over guessing from the text.
    public var titleHint: String?
    /// Date of ingestion (UTC): the fallback reference year, and the latest date a period may end.
    public var ingestionDate: CivilDate

    public init(titleHint: String? = nil, ingestionDate: CivilDate) {
        self.titleHint = titleHint
        self.ingestionDate = ingestionDate
    }
}

public enum BriefingExtractor {
    public static func extract(_ text: String, context: ExtractionContext) -> Briefing {
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init)
        return Briefing(title: context.titleHint ?? firstLine, referenceYear: context.ingestionDate.year)
    }
}
