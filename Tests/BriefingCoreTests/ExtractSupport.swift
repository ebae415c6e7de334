import Foundation
import Testing

@testable import BriefingCore

/// Loads a test transcript from `Transcripts/`.
func loadExtractTranscript(_ name: String, _ ext: String = "txt") throws -> String {
    let url = try #require(
        Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Transcripts"))
    return try String(contentsOf: url, encoding: .utf8)
}

/// Normalizes and extracts `raw` as the pipeline does.
func extractBriefing(_ raw: String, ingested: CivilDate = CivilDate(year: 2026, month: 11, day: 29)) -> (
    Briefing, String
) {
    let text = TextNormalizer.normalize(raw, format: .text).text
    return (BriefingExtractor.extract(text, context: ExtractionContext(ingestionDate: ingested)), text)
}

/// The text at `span`, counted in Unicode scalars.
func spanText(_ text: String, _ span: Span) -> String {
    let scalars = Array(text.unicodeScalars)
    guard span.start >= 0, span.start <= span.end, span.end <= scalars.count else {
        return "<bad span \(span)>"
    }
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars[span.range])
    return String(view)
}

/// Checks that every item's `text` is the text at its `span`.
func expectSpansHold(_ b: Briefing, in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
    for x in b.turns { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
    for x in b.points { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
    for x in b.figures { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
    for x in b.changes { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
    for x in b.periods { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
    for x in b.named { #expect(spanText(text, x.span) == x.text, sourceLocation: sourceLocation) }
}

/// `text` with full-width digits, `％` and `．` folded to ASCII, as the normalizer may or may not
/// have done: fixture expectations hold either way.
func foldedWidth(_ text: String) -> String {
    var view = String.UnicodeScalarView()
    for c in text.unicodeScalars {
        switch c.value {
        case 0xFF10...0xFF19, 0xFF05, 0xFF0E: view.append(Unicode.Scalar(c.value - 0xFEE0)!)
        default: view.append(c)
        }
    }
    return String(view)
}
