// Bytes in, snapshot out: the whole pure core behind one call. No file, network or clock access;
// the caller passes the ingestion time and where the bytes came from.

/// Limits the pipeline enforces on every input.
public struct PipelineOptions: Sendable, Equatable {
    /// Largest share of U+FFFD replacement characters tolerated in the decoded text.
    public var maxReplacementRatio: Double
    /// Longest decoded text, in characters (Unicode scalars): a longer one is refused as
    /// `text_too_large` while decoding, before normalization and extraction (whose memory grows
    /// with the text) start.
    public var maxTextCharacters: Int
    public static let defaultMaxTextCharacters = 5_000_000
    /// Bounds on PDF input (pages).
    public var pdf: PDFLimits

    public init(
        maxReplacementRatio: Double = 0.01, maxTextCharacters: Int = PipelineOptions.defaultMaxTextCharacters,
        pdf: PDFLimits = PDFLimits()
    ) {
        self.maxReplacementRatio = maxReplacementRatio
        self.maxTextCharacters = maxTextCharacters
        self.pdf = pdf
    }
}

/// The pure processing pipeline: decode → normalize → extract → snapshot.
public enum BriefingPipeline {
    /// Turns the bytes of one input into its snapshot document.
    ///
    /// - Parameters:
    ///   - bytes: the raw input, as read from a file or an HTTP body.
    ///   - hints: file name and declared charset, used by format and encoding detection.
    ///   - source: where the input came from, copied into the snapshot.
    ///   - ingestedAt: the ingestion time, which also bounds date resolution (no period ends after it).
    /// - Throws: ``InputError`` when the input cannot become a snapshot; its `code` and `detail` go
    ///   into the `failed/` error file.
    public static func process(
        _ bytes: [UInt8], hints: DecodeHints = DecodeHints(), source: Source, ingestedAt: Timestamp,
        options: PipelineOptions = PipelineOptions()
    ) throws(InputError) -> Snapshot {
        try processWithNotes(bytes, hints: hints, source: source, ingestedAt: ingestedAt, options: options)
            .snapshot
    }

    /// ``process(_:hints:source:ingestedAt:options:)``, plus the decoder's notes worth a log line
    /// (e.g. a declared charset the bytes contradicted).
    public static func processWithNotes(
        _ bytes: [UInt8], hints: DecodeHints = DecodeHints(), source: Source, ingestedAt: Timestamp,
        options: PipelineOptions = PipelineOptions()
    ) throws(InputError) -> (snapshot: Snapshot, notes: [String]) {
        var decoded = try InputDecoder.decode(
            bytes, hints: hints, maxTextCharacters: options.maxTextCharacters, pdfLimits: options.pdf)
        if decoded.replacementCharacters > 0 {
            // Counting characters costs a pass over the text: only when something was replaced.
            let scalarCount = decoded.text.unicodeScalars.count
            if Double(decoded.replacementCharacters) > options.maxReplacementRatio
                * Double(max(scalarCount, 1))
            {
                throw .tooManyReplacements(
                    count: decoded.replacementCharacters, characters: scalarCount, encoding: decoded.encoding)
            }
        }
        // Repairs made while decoding (docx field codes, HTML boilerplate) are merged into the text's own.
        let normalized = TextNormalizer.normalize(decoded)
        decoded.text = ""  // the decoded copy of the text is not needed past normalization
        guard normalized.text.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
            throw .noText(format: decoded.format)
        }
        let context = ExtractionContext(
            titleHint: decoded.titleHint, publishedHint: decoded.publishedHint,
            url: source.http?.finalURL ?? source.url, feedItemDate: hints.feedItemDate?.civilDate,
            lastModified: source.http?.lastModified, ingestionDate: ingestedAt.civilDate)
        let briefing = BriefingExtractor.extract(normalized.text, context: context)
        let input = InputInfo(
            format: decoded.format, bytes: bytes.count, sha256: SHA256Digest.hex(of: bytes),
            encoding: decoded.encoding, encodingConfidence: decoded.confidence, bom: decoded.bom,
            replacementCharacters: decoded.replacementCharacters)
        let snapshot = Snapshot(
            id: SHA256Digest.hex(of: normalized.text), ingestedAt: ingestedAt.rfc3339,
            source: source, input: input,
            normalization: Normalization(actions: normalized.actions),
            briefing: briefing, text: normalized.text)
        return (snapshot, decoded.notes)
    }
}
