// Word lists keyed by scalars for longest-match lookups while scanning, built once from the
// one-entry-per-line lists in `Lexicon/`.

/// A word list with optional tags (`余 over after`), searchable forwards and backwards.
struct ScalarLexicon: Sendable {
    struct Entry: Sendable {
        let word: [Unicode.Scalar]
        let tags: [String]
    }

    /// Entries by first scalar, longest first.
    private let byFirst: [Unicode.Scalar: [Entry]]
    /// Entries by last scalar, longest first.
    private let byLast: [Unicode.Scalar: [Entry]]
    private let exact: [String: Entry]
    /// Bit sets over the Basic Multilingual Plane of first and last scalars: most lookups find
    /// nothing, and a bit test answers them without hashing.
    private let firstBits: [UInt64]
    private let lastBits: [UInt64]

    /// Parses `list`: one entry per line, the word then optional tags separated by spaces;
    /// empty lines and lines starting with `#` are skipped.
    init(_ list: String) {
        var first: [Unicode.Scalar: [Entry]] = [:]
        var last: [Unicode.Scalar: [Entry]] = [:]
        var exact: [String: Entry] = [:]
        for line in list.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let head = fields.first, !head.hasPrefix("#") else { continue }
            let entry = Entry(word: Array(head.unicodeScalars), tags: fields.dropFirst().map(String.init))
            first[entry.word[0], default: []].append(entry)
            last[entry.word[entry.word.count - 1], default: []].append(entry)
            exact[String(head)] = entry
        }
        var firstBits = [UInt64](repeating: 0, count: 1024)
        var lastBits = [UInt64](repeating: 0, count: 1024)
        for c in first.keys where c.value < 0x10000 {
            firstBits[Int(c.value >> 6)] |= 1 << UInt64(c.value & 63)
        }
        for c in last.keys where c.value < 0x10000 {
            lastBits[Int(c.value >> 6)] |= 1 << UInt64(c.value & 63)
        }
        // Scalars beyond the plane always go to the dictionary.
        self.firstBits = firstBits
        self.lastBits = lastBits
        byFirst = first.mapValues { $0.sorted { $0.word.count > $1.word.count } }
        byLast = last.mapValues { $0.sorted { $0.word.count > $1.word.count } }
        self.exact = exact
    }

    /// The longest entry written at `i` (not reaching past `limit`).
    @inline(__always) func match(_ t: ScalarText, at i: Int, limit: Int? = nil) -> Entry? {
        guard i >= 0, i < t.count, Self.test(firstBits, t[i]), let list = byFirst[t[i]] else { return nil }
        let end = limit ?? t.count
        for e in list where i + e.word.count <= end && t.matches(e.word, at: i) { return e }
        return nil
    }

    /// The longest entry ending right before `end` (not starting before `floor`).
    @inline(__always) func match(_ t: ScalarText, endingAt end: Int, floor: Int = 0) -> Entry? {
        guard end > 0, end <= t.count, Self.test(lastBits, t[end - 1]), let list = byLast[t[end - 1]] else {
            return nil
        }
        for e in list where end - e.word.count >= floor && t.matches(e.word, endingAt: end) { return e }
        return nil
    }

    /// Every entry ending right before `end`, longest first.
    func matches(_ t: ScalarText, endingAt end: Int, floor: Int = 0) -> [Entry] {
        guard end > 0, end <= t.count, let list = byLast[t[end - 1]] else { return [] }
        return list.filter { end - $0.word.count >= floor && t.matches($0.word, endingAt: end) }
    }

    @inline(__always) private static func test(_ bits: [UInt64], _ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v >= 0x10000 || bits[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0
    }

    func entry(_ word: String) -> Entry? { exact[word] }
    func contains(_ word: String) -> Bool { exact[word] != nil }
}
