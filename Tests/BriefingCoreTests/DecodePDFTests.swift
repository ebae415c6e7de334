import BriefingCore
import Foundation
import TestSupport
import Testing

// PDFs typeset from text (scripts/make_pdf.py) read back as the text they were made from, and bad
// PDFs refused with an error that says what is wrong.

private let ingested = Timestamp(millisecondsSinceEpoch: 1_796_530_202_123)

private func snapshot(_ bytes: [UInt8], name: String, options: PipelineOptions = PipelineOptions()) throws
    -> Snapshot
{
    try BriefingPipeline.process(
        bytes, hints: DecodeHints(fileName: name), source: .file(name), ingestedAt: ingested, options: options
    )
}

private func withoutWhitespace(_ s: String) -> String {
    String(String.UnicodeScalarView(s.unicodeScalars.filter { !$0.properties.isWhitespace }))
}

private func decodeError(
    _ bytes: [UInt8], limits: PDFLimits = PDFLimits(),
    maxTextCharacters: Int = PipelineOptions.defaultMaxTextCharacters
) -> InputError? {
    do {
        _ = try InputDecoder.decode(
            bytes, hints: DecodeHints(fileName: "briefing.pdf"), maxTextCharacters: maxTextCharacters,
            pdfLimits: limits)
        return nil
    } catch {
        return error
    }
}

/// The PDF and the text it was typeset from give the same briefing.
private func expectSameBriefing(pdf: Snapshot, text: Snapshot) {
    #expect(pdf.input.format == .pdf)
    #expect(withoutWhitespace(pdf.text) == withoutWhitespace(text.text))
    #expect(pdf.briefing.title == text.briefing.title)
    #expect(pdf.briefing.speakers == text.briefing.speakers)
    #expect(pdf.briefing.turns.count == text.briefing.turns.count)
    for (a, b) in zip(pdf.briefing.turns, text.briefing.turns) {
        #expect(a.speaker == b.speaker && a.kind == b.kind)
        #expect(withoutWhitespace(a.text) == withoutWhitespace(b.text))
    }
    #expect(pdf.briefing.figures.count == text.briefing.figures.count)
}

private func count(_ snapshot: Snapshot, _ kind: String) -> Int {
    snapshot.normalization.actions.first { $0.kind.rawValue == kind }?.count ?? 0
}

@Test func fixtureAsAMultiPagePDFGivesTheSameTurnsAndTextAsTheTxt() throws {
    let pdf = try PDFMaker.fixture()
    let fromPDF = try snapshot(pdf, name: "briefing.pdf")
    let fromText = try snapshot(try Paths.fixtureBytes(), name: "briefing.txt")
    expectSameBriefing(pdf: fromPDF, text: fromText)
    #expect(fromPDF.briefing.turns.count == 12)
    // Several pages, each with its header, footer and number taken off; paragraphs cut by page breaks joined.
    let pages = count(fromPDF, "page_number")
    #expect(pages >= 5)
    #expect(count(fromPDF, "page_header") == pages)
    #expect(count(fromPDF, "page_footer") == pages)
    #expect(count(fromPDF, "page_break_join") >= 1)
    #expect(!fromPDF.text.contains("内蒙古自治区人民政府新闻办公室"))
    #expect(fromPDF.input.bytes == pdf.count && fromPDF.input.encoding == "UTF-8")
}

@Test(arguments: ["chinese", "slash", "page", "dash"])
func traditionalChinesePDFGivesTheSameTurnsAndTextAsTheTxt(numbers: String) throws {
    let source = try #require(
        Bundle.module.url(
            forResource: "taiwan-traffic-briefing", withExtension: "txt", subdirectory: "Transcripts"))
    let pdf = try PDFMaker.make([
        "text", source.path, PDFMaker.output, "--font", "MSung-Light", "--header", "交通部公路局新聞稿",
        "--footer", "交通部道路安全記者會逐字稿", "--numbers", numbers,
    ])
    let fromPDF = try snapshot(pdf, name: "briefing.pdf")
    let fromText = try snapshot([UInt8](try Data(contentsOf: source)), name: "briefing.txt")
    expectSameBriefing(pdf: fromPDF, text: fromText)
    #expect(fromPDF.briefing.turns.count == 10)
    #expect(count(fromPDF, "page_number") == 2)
    #expect(count(fromPDF, "page_header") == 2 && count(fromPDF, "page_footer") == 2)
}

@Test func aPDFIsRecognisedByItsBytesWhateverItsName() throws {
    let pdf = try PDFMaker.fixture(extra: ["--numbers", "none"])
    for name in ["briefing.txt", "download", "briefing.docx"] {
        #expect(try snapshot(pdf, name: name).input.format == .pdf, "\(name)")
    }
    // Some writers put bytes before the header; readers look for it in the first 1024 bytes.
    let prefixed = Array("HTTP junk before the file\r\n".utf8) + pdf
    let read = try snapshot(prefixed, name: "download")
    #expect(read.input.format == .pdf && read.briefing.turns.count == 12)
}

@Test func anEncryptedPDFIsRefused() throws {
    let pdf = try PDFMaker.fixture(extra: ["--encrypt", "secret"])
    let error = decodeError(pdf)
    #expect(error == .encrypted)
    #expect(error?.code == "encrypted")
    #expect(error?.description.contains("password") == true)
}

@Test func aDamagedPDFIsRefused() throws {
    let pdf = try PDFMaker.fixture()
    // Cut off half way (no cross-reference table, no trailer), and the body overwritten with noise.
    var noisy = pdf
    var random = SeededRandom(seed: 7)
    for i in 100..<noisy.count { noisy[i] = UInt8.random(in: 0...255, using: &random) }
    for damaged in [Array(pdf.prefix(pdf.count / 2)), noisy, Array("%PDF-1.7\n".utf8)] {
        guard case .damagedPDF(let reason) = decodeError(damaged) else {
            Issue.record("a damaged PDF of \(damaged.count) bytes was not refused as damaged_pdf")
            continue
        }
        #expect(!reason.isEmpty)
    }
    #expect(decodeError(Array(pdf.prefix(pdf.count / 2)))?.code == "damaged_pdf")
}

@Test func aPDFOfImagesOnlyIsRefusedAsHavingNoTextLayer() throws {
    let pdf = try PDFMaker.make(["image", PDFMaker.output])
    guard case .noTextLayer(let pages, let images) = decodeError(pdf) else {
        Issue.record("an image-only PDF was not refused as no_text_layer")
        return
    }
    #expect(pages == 1 && images == 1)
    #expect(decodeError(pdf)?.code == "no_text_layer")
    #expect(decodeError(pdf)?.description.contains("images only") == true)
}

@Test func aPDFOverThePageLimitIsRefusedBeforeItsTextIsRead() throws {
    let twelve = try PDFMaker.make(["pages", "12", PDFMaker.output])
    #expect(decodeError(twelve, limits: PDFLimits(maxPages: 10)) == .tooManyPages(pages: 12, limit: 10))
    #expect(decodeError(twelve, limits: PDFLimits(maxPages: 12)) == nil)
    // The default limit through the pipeline's options: 500 pages.
    let many = try PDFMaker.make(["pages", "501", PDFMaker.output])
    #expect(throws: InputError.tooManyPages(pages: 501, limit: 500)) {
        try snapshot(many, name: "long.pdf")
    }
    #expect(decodeError(many)?.code == "too_many_pages")
}

@Test func pdfBombsAreRefusedOrReadWithinBounds() throws {
    // A page tree claiming two billion pages: poppler does not believe the count, nothing is allocated.
    let pages = try PDFMaker.make(["bomb-pages", PDFMaker.output])
    let pagesError = decodeError(pages)
    #expect(
        pagesError?.code == "damaged_pdf" || pagesError?.code == "too_many_pages",
        "\(String(describing: pagesError))")
    // Objects nested 200,000 deep: the parser's depth limit stops it; the page's text still reads.
    let nesting = try PDFMaker.make(["bomb-nesting", PDFMaker.output])
    #expect(try InputDecoder.decode(nesting).text == "Hello\n")
    // Many pages drawing one shared stream: small on disk, large once read. The text is bounded.
    let text = try PDFMaker.make(["bomb-text", "300", PDFMaker.output])
    #expect(text.count < 100_000)
    // Read page by page until the text limit is passed, then refused without reading the rest.
    guard case .textTooLarge(let characters, let limit) = decodeError(text, maxTextCharacters: 1_000_000)
    else {
        Issue.record("a PDF with 300 × 80 KB of text was not refused as text_too_large")
        return
    }
    #expect(limit == 1_000_000 && characters > limit && characters < 1_200_000)
}
