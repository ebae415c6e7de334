// Normalized text → the `briefing` object: speakers, turns, exchanges, points and facts.
// The text is turned into an array of scalars once; every scanner walks it by hand (no Regex),
// and every span is a pair of indices into that array.

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

/// Finds the structure (speakers, turns, exchanges, points) and the facts (figures, changes,
/// periods, named things) of a briefing transcript.
public enum BriefingExtractor {
    /// Extracts the `briefing` object from normalized text.
    ///
    /// - Parameters:
    ///   - text: the normalized text; every span in the result counts Unicode scalars of it.
    ///   - context: the title carried by the input format, and the date of ingestion.
    /// - Returns: the briefing; fields the text does not state are nil or empty.
    public static func extract(_ text: String, context: ExtractionContext) -> Briefing {
        let t = ScalarText(text)
        let layout = TurnBuilder.build(t)
        return Briefing(
            title: context.titleHint ?? Title.find(t, frontMatter: layout.frontMatter),
            referenceYear: context.ingestionDate.year, speakers: layout.speakers, turns: layout.turns,
            exchanges: layout.exchanges)
    }
}
