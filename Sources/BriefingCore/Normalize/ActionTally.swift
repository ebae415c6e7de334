// Counting repairs as they happen. Kinds are reported in a fixed order (the order below) so that the
// same input always gives the same `normalization.actions`.

/// What a normalization action repaired; its raw value is the `kind` written in snapshots.
public enum ActionKind: String, CaseIterable, Codable, Sendable {
    case htmlBoilerplate = "html_boilerplate"
    case fieldCode = "field_code"
    case deletedText = "deleted_text"
    case pageHeader = "page_header"
    case pageFooter = "page_footer"
    case pageNumber = "page_number"
    case pageBreakJoin = "page_break_join"
    case mojibakeRepaired = "mojibake_repaired"
    case lineEndings = "line_endings"
    case controlCharacters = "control_characters"
    case zeroWidth = "zero_width"
    case unicodeNFC = "unicode_nfc"
    case fullwidthFolded = "fullwidth_folded"
    case bookmarkMarker = "bookmark_marker"
    case footnoteMarker = "footnote_marker"
    case imageMarker = "image_marker"
    case pageMarker = "page_marker"
    case pandocAnchor = "pandoc_anchor"
    case htmlAnchor = "html_anchor"
    case duplicatedSpeakerLabel = "duplicated_speaker_label"
    case indentSpaces = "indent_spaces"
    case trailingSpaces = "trailing_spaces"
    case spaceVariants = "space_variants"
    case cjkSpaceRemoved = "cjk_space_removed"
    case labelLineJoined = "label_line_joined"
    case hardWrapJoined = "hard_wrap_joined"
    case blankLines = "blank_lines"
}

struct ActionTally {
    static let maxExamples = 3
    private var counts = [Int](repeating: 0, count: ActionKind.allCases.count)
    private var examples = [[String]](repeating: [], count: ActionKind.allCases.count)
    private static let index: [ActionKind: Int] = Dictionary(
        uniqueKeysWithValues: ActionKind.allCases.enumerated().map { ($1, $0) })

    mutating func add(_ kind: ActionKind, count: Int = 1, example: String? = nil) {
        let i = Self.index[kind]!
        counts[i] += count
        if let example, !example.isEmpty, examples[i].count < Self.maxExamples, !examples[i].contains(example)
        {
            examples[i].append(example)
        }
    }

    /// Lazily built example: only computed while examples are still wanted.
    mutating func add(_ kind: ActionKind, count: Int = 1, lazyExample: () -> String) {
        let i = Self.index[kind]!
        add(kind, count: count, example: examples[i].count < Self.maxExamples ? lazyExample() : nil)
    }

    mutating func merge(_ other: ActionTally) {
        for (i, kind) in ActionKind.allCases.enumerated() where other.counts[i] > 0 {
            add(kind, count: other.counts[i])
            for e in other.examples[i] { add(kind, count: 0, example: e) }
        }
    }

    /// `U+200B`: how a character without a visible form is shown as an example (cheaper than
    /// `String(format:)`, which dominated the time of text full of such characters).
    static func codePoint(_ v: UInt32) -> String {
        let hex = String(v, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    var isEmpty: Bool { !counts.contains { $0 > 0 } }

    var actions: [NormalizationAction] {
        ActionKind.allCases.enumerated().compactMap { i, kind in
            counts[i] > 0
                ? NormalizationAction(kind: kind, count: counts[i], examples: examples[i]) : nil
        }
    }
}
