// Word lists keyed by scalars for longest-match lookups while scanning, built once from the
// one-entry-per-line lists in `Lexicon/`.

/// A word list with optional tags (`余 over after`), searchable forwards and backwards.
/// A class, not a struct: a scanner's lookup then retains one object, not each of its tables.
final class ScalarLexicon: Sendable {
    struct Entry: Sendable {
        let word: [Unicode.Scalar]
        let tags: [String]
        /// The word as a String, made once.
        let text: String
        /// The tags as bits of `LexiconTag`, so scanners test them without comparing strings.
        let flags: UInt32
    }

    /// Entries by first scalar, longest first (the slot comes from `firstSlots`).
    private let byFirst: [[Entry]]
    private let firstSlots: ScalarSlots
    /// Entries by last scalar, longest first.
    private let byLast: [[Entry]]
    private let lastSlots: ScalarSlots
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
            let tags = fields.dropFirst().map(String.init)
            let entry = Entry(
                word: Array(head.unicodeScalars), tags: tags, text: String(head),
                flags: tags.reduce(0) { $0 | (LexiconTag.bits[$1] ?? 0) })
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
        let firstKeys = Array(first.keys)
        let lastKeys = Array(last.keys)
        byFirst = firstKeys.map { first[$0]!.sorted { $0.word.count > $1.word.count } }
        byLast = lastKeys.map { last[$0]!.sorted { $0.word.count > $1.word.count } }
        firstSlots = ScalarSlots(firstKeys)
        lastSlots = ScalarSlots(lastKeys)
        self.exact = exact
    }

    /// The longest entry written at `i` (not reaching past `limit`).
    @inline(__always) func match(_ t: ScalarText, at i: Int, limit: Int? = nil) -> Entry? {
        guard i >= 0, i < t.count, Self.test(firstBits, t[i]), let slot = firstSlots[t[i]] else { return nil }
        let list = byFirst[slot]
        let end = limit ?? t.count
        for e in list where i + e.word.count <= end && t.matches(e.word, at: i) { return e }
        return nil
    }

    /// The longest entry ending right before `end` (not starting before `floor`).
    @inline(__always) func match(_ t: ScalarText, endingAt end: Int, floor: Int = 0) -> Entry? {
        guard end > 0, end <= t.count, Self.test(lastBits, t[end - 1]), let slot = lastSlots[t[end - 1]]
        else {
            return nil
        }
        let list = byLast[slot]
        for e in list where end - e.word.count >= floor && t.matches(e.word, endingAt: end) { return e }
        return nil
    }

    @inline(__always) private static func test(_ bits: [UInt64], _ c: Unicode.Scalar) -> Bool {
        let v = c.value
        return v >= 0x10000 || bits[Int(v >> 6)] & (1 << UInt64(v & 63)) != 0
    }

    func entry(_ word: String) -> Entry? { exact[word] }
    func contains(_ word: String) -> Bool { exact[word] != nil }
}

/// An open-addressing map from a scalar to its position in a key list: one multiply and a probe
/// or two, cheaper than a Dictionary's seeded hashing in the scanners' inner loops.
struct ScalarSlots: Sendable {
    private let keys: [UInt32]
    private let slots: [Int32]
    private let shift: UInt32
    private let mask: Int

    init(_ list: [Unicode.Scalar]) {
        var bits: UInt32 = 2
        while (1 << bits) < list.count * 2 { bits += 1 }
        let size = 1 << Int(bits)
        var keys = [UInt32](repeating: .max, count: size)
        var slots = [Int32](repeating: -1, count: size)
        shift = 32 - bits
        mask = size - 1
        for (n, c) in list.enumerated() {
            var i = Int((c.value &* 0x9E37_79B1) >> shift)
            while keys[i] != .max { i = (i + 1) & mask }
            keys[i] = c.value
            slots[i] = Int32(n)
        }
        self.keys = keys
        self.slots = slots
    }

    @inline(__always) subscript(_ c: Unicode.Scalar) -> Int? {
        var i = Int((c.value &* 0x9E37_79B1) >> shift)
        while true {
            let k = keys[i]
            if k == c.value { return Int(slots[i]) }
            if k == .max { return nil }
            i = (i + 1) & mask
        }
    }
}

/// Tags of lexicon entries as bits (see `ScalarLexicon.Entry.flags`).
enum LexiconTag {
    static let over: UInt32 = 1 << 0
    static let nearly: UInt32 = 1 << 1
    static let about: UInt32 = 1 << 2
    static let under: UInt32 = 1 << 3
    static let before: UInt32 = 1 << 4
    static let after: UInt32 = 1 << 5
    static let lead: UInt32 = 1 << 6
    static let trail: UInt32 = 1 << 7
    static let place: UInt32 = 1 << 8
    static let stop: UInt32 = 1 << 9
    static let count: UInt32 = 1 << 10
    static let weak: UInt32 = 1 << 11
    static let agentEnd: UInt32 = 1 << 12
    static let duration: UInt32 = 1 << 13

    static let bits: [String: UInt32] = [
        "over": over, "nearly": nearly, "about": about, "under": under, "before": before, "after": after,
        "lead": lead, "trail": trail, "place": place, "stop": stop, "count": count, "weak": weak,
        "agent": agentEnd, "duration": duration,
    ]
}
