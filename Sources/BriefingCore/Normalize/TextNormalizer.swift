import Foundation

// Decoded text → the canonical text every span points into. Each repair is counted.

/// Normalized text and the repairs made to reach it.
public struct NormalizedText: Sendable, Equatable {
    public var text: String
    public var actions: [NormalizationAction]

    public init(text: String, actions: [NormalizationAction]) {
        self.text = text
        self.actions = actions
    }
}

/// Removes conversion leftovers and folds the text into one canonical form.
public enum TextNormalizer {
    public static func normalize(_ text: String, format: InputInfo.Format = .text) -> NormalizedText {
        var out = text.replacingOccurrences(of: "\r\n", with: "\n")
        var actions: [NormalizationAction] = []
        var count = 0
        var examples: [String] = []
        while let r = out.range(of: "[bookmark:") {
            guard let close = out[r.upperBound...].firstIndex(of: "]") else { break }
            let marker = String(out[r.lowerBound...close])
            if examples.count < 3 { examples.append(marker) }
            out.removeSubrange(r.lowerBound...close)
            count += 1
        }
        if count > 0 { actions.append(NormalizationAction(kind: "bookmark_marker", count: count, examples: examples)) }
        return NormalizedText(text: out, actions: actions)
    }
}
