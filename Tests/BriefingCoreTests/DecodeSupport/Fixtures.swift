import BriefingCore
import Foundation
import TestSupport

// The shared fixture and the texts every variant must normalize to.

enum Fixtures {
    /// `../shared/fixtures/nmg-public-security-briefing.txt` beside the repository.
    static let briefingBytes: [UInt8] = {
        guard let bytes = try? Paths.fixtureBytes() else {
            fatalError(
                "fixture missing at \(Paths.fixtureBriefing.path): a copy of shared/ must sit beside the clone"
            )
        }
        return bytes
    }()

    static let briefing = String(decoding: briefingBytes, as: UTF8.self)

    static let traditional = TraditionalBriefing.text
    static let traditionalHongKong = TraditionalBriefing.text + "\n" + TraditionalBriefing.hongKongLine

    /// `count` characters starting at character `offset` (a short extract, as a news site quotes).
    static func extract(_ text: String, offset: Int, count: Int = 200) -> String {
        String(text.unicodeScalars.dropFirst(offset).prefix(count))
    }

    /// What the clean UTF-8 text normalizes to: the reference every variant is compared with.
    static func reference(_ text: String) -> String {
        TextNormalizer.normalize(text, format: .text).text
    }

    /// Decode then normalize, as the pipeline does.
    static func normalized(_ bytes: [UInt8], hints: DecodeHints = DecodeHints()) throws -> (
        DecodedInput, String
    ) {
        let decoded = try InputDecoder.decode(bytes, hints: hints)
        return (decoded, TextNormalizer.normalize(decoded.text, format: decoded.format).text)
    }
}

/// Where two texts first differ, with some context, for readable failure messages.
func firstDifference(_ a: String, _ b: String) -> String {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    var i = 0
    while i < x.count && i < y.count && x[i] == y[i] { i += 1 }
    if i == x.count && i == y.count { return "equal" }
    let from = max(0, i - 20)
    let show = { (s: [Unicode.Scalar]) in
        String(String.UnicodeScalarView(s[min(from, s.count)..<min(s.count, i + 30)])).debugDescription
    }
    return "at \(i): \(show(x)) vs \(show(y))"
}
