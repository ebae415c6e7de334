// The compact snapshot JSON written straight into a byte buffer. Foundation's JSONEncoder spent a
// third of the whole pipeline's time on one snapshot (Codable boxing, a tree of values, sorted
// dictionaries; see docs/benchmark.md); this writer produces the very same bytes, which
// `SnapshotJSONWriterTests` checks against JSONEncoder for every field, set and unset.
//
// Rules it mirrors from the model's Codable conformances: keys in sorted order; optionals written as
// `null` where the model encodes them with `encode`, left out where it uses `encodeIfPresent` (or the
// synthesized conformance); numbers as JSONEncoder prints them. A new model field needs a line here.

struct SnapshotJSONWriter {
    private let sink: ByteSink

    init(capacity: Int) { sink = ByteSink(capacity: capacity) }

    /// A writer that only counts the bytes it would write.
    init(counting: Void) { sink = ByteSink(counting: ()) }

    /// A writer into `buffer`, which must hold all it writes (as counted before).
    init(into buffer: UnsafeMutableBufferPointer<UInt8>) { sink = ByteSink(into: buffer) }

    /// The JSON written so far.
    var bytes: [UInt8] { sink.array() }

    /// How many bytes were written (or counted) so far.
    var count: Int { sink.written }

    mutating func snapshot(_ s: Snapshot) {
        // briefing, id, ingested_at, input, normalization, revision, schema, source, text
        raw("{\"briefing\":")
        briefing(s.briefing)
        raw(",\"id\":")
        string(s.id)
        raw(",\"ingested_at\":")
        string(s.ingestedAt)
        raw(",\"input\":")
        input(s.input)
        raw(",\"normalization\":{\"actions\":")
        array(s.normalization.actions) { w, a in
            w.raw("{\"count\":")
            w.int(a.count)
            w.raw(",\"examples\":")
            w.array(a.examples) { w, e in w.string(e) }
            w.raw(",\"kind\":")
            w.string(a.kind.rawValue)
            w.raw("}")
        }
        raw("},\"revision\":{\"supersedes\":")
        optionalString(s.revision.supersedes)
        raw("},\"schema\":")
        string(s.schema)
        raw(",\"source\":")
        source(s.source)
        raw(",\"text\":")
        string(s.text)
        raw("}")
    }

    private mutating func source(_ s: Source) {
        // http, kind, name, path, url; the optionals are synthesized, so absent when nil
        raw("{")
        if let http = s.http {
            raw("\"http\":{")
            var first = true
            optionalMember("content_type", http.contentType, &first)
            optionalMember("etag", http.etag, &first)
            optionalMember("final_url", http.finalURL, &first)
            optionalMember("last_modified", http.lastModified, &first)
            raw(first ? "\"status\":" : ",\"status\":")
            int(http.status)
            raw("},")
        }
        raw("\"kind\":")
        string(s.kind.rawValue)
        raw(",\"name\":")
        string(s.name)
        if let path = s.path {
            raw(",\"path\":")
            string(path)
        }
        if let url = s.url {
            raw(",\"url\":")
            string(url)
        }
        raw("}")
    }

    private mutating func input(_ i: InputInfo) {
        // bom, bytes, encoding, encoding_confidence, format, replacement_characters, sha256
        raw("{\"bom\":")
        raw(i.bom ? "true" : "false")
        raw(",\"bytes\":")
        int(i.bytes)
        raw(",\"encoding\":")
        string(i.encoding.name)
        raw(",\"encoding_confidence\":")
        double(i.encodingConfidence)
        raw(",\"format\":")
        string(i.format.rawValue)
        raw(",\"replacement_characters\":")
        int(i.replacementCharacters)
        raw(",\"sha256\":")
        string(i.sha256)
        raw("}")
    }

    private mutating func briefing(_ b: Briefing) {
        // changes, date, date_source, exchanges, figures, named, periods, points, reference_year,
        // reference_year_source, speakers, title, turns
        raw("{\"changes\":")
        array(b.changes) { w, c in
            // amount?, basis, direction, figure, percent?, span, text, turn, unit?
            w.raw("{")
            if let amount = c.amount {
                w.raw("\"amount\":")
                w.number(amount)
                w.raw(",")
            }
            w.raw("\"basis\":")
            w.string(c.basis.rawValue)
            w.raw(",\"direction\":")
            w.string(c.direction.rawValue)
            w.raw(",\"figure\":")
            w.optionalInt(c.figure)
            if let percent = c.percent {
                w.raw(",\"percent\":")
                w.number(percent)
            }
            w.raw(",\"span\":")
            w.span(c.span)
            w.raw(",\"text\":")
            w.string(c.text)
            w.raw(",\"turn\":")
            w.optionalInt(c.turn)
            if let unit = c.unit {
                w.raw(",\"unit\":")
                w.string(unit)
            }
            w.raw("}")
        }
        raw(",\"date\":")
        optionalString(b.date)
        raw(",\"date_source\":")
        optionalString(b.dateSource?.rawValue)
        raw(",\"exchanges\":")
        array(b.exchanges) { w, e in
            w.raw("{\"answers\":")
            w.array(e.answers) { w, a in w.int(a) }
            w.raw(",\"question\":")
            w.int(e.question)
            w.raw("}")
        }
        raw(",\"figures\":")
        array(b.figures) { w, f in
            // approx, ratio_to?, span, subject, text, turn, unit, value
            w.raw("{\"approx\":")
            w.string(f.approx.rawValue)
            if let ratioTo = f.ratioTo {
                w.raw(",\"ratio_to\":")
                w.number(ratioTo)
            }
            w.raw(",\"span\":")
            w.span(f.span)
            w.raw(",\"subject\":")
            w.optionalString(f.subject)
            w.raw(",\"text\":")
            w.string(f.text)
            w.raw(",\"turn\":")
            w.optionalInt(f.turn)
            w.raw(",\"unit\":")
            w.optionalString(f.unit)
            w.raw(",\"value\":")
            w.number(f.value)
            w.raw("}")
        }
        raw(",\"named\":")
        array(b.named) { w, n in
            // kind, span, text, turn? (synthesized)
            w.raw("{\"kind\":")
            w.string(n.kind.rawValue)
            w.raw(",\"span\":")
            w.span(n.span)
            w.raw(",\"text\":")
            w.string(n.text)
            if let turn = n.turn {
                w.raw(",\"turn\":")
                w.int(turn)
            }
            w.raw("}")
        }
        raw(",\"periods\":")
        array(b.periods) { w, p in
            // approx?, duration?, end, span, start, text, turn
            w.raw("{")
            if let approx = p.approx {
                w.raw("\"approx\":")
                w.string(approx.rawValue)
                w.raw(",")
            }
            if let duration = p.duration {
                w.raw("\"duration\":")
                w.string(duration)
                w.raw(",")
            }
            w.raw("\"end\":")
            w.optionalString(p.end)
            w.raw(",\"span\":")
            w.span(p.span)
            w.raw(",\"start\":")
            w.optionalString(p.start)
            w.raw(",\"text\":")
            w.string(p.text)
            w.raw(",\"turn\":")
            w.optionalInt(p.turn)
            w.raw("}")
        }
        raw(",\"points\":")
        array(b.points) { w, p in
            // level, marker, span, text, turn? (synthesized)
            w.raw("{\"level\":")
            w.int(p.level)
            w.raw(",\"marker\":")
            w.string(p.marker)
            w.raw(",\"span\":")
            w.span(p.span)
            w.raw(",\"text\":")
            w.string(p.text)
            if let turn = p.turn {
                w.raw(",\"turn\":")
                w.int(turn)
            }
            w.raw("}")
        }
        raw(",\"reference_year\":")
        optionalInt(b.referenceYear)
        raw(",\"reference_year_source\":")
        optionalString(b.referenceYearSource?.rawValue)
        raw(",\"speakers\":")
        array(b.speakers) { w, s in
            // id, label, name?, organization?, outlet?, role, title? (synthesized)
            w.raw("{\"id\":")
            w.string(s.id)
            w.raw(",\"label\":")
            w.string(s.label)
            if let name = s.name {
                w.raw(",\"name\":")
                w.string(name)
            }
            if let organization = s.organization {
                w.raw(",\"organization\":")
                w.string(organization)
            }
            if let outlet = s.outlet {
                w.raw(",\"outlet\":")
                w.string(outlet)
            }
            w.raw(",\"role\":")
            w.string(s.role.rawValue)
            if let title = s.title {
                w.raw(",\"title\":")
                w.string(title)
            }
            w.raw("}")
        }
        raw(",\"title\":")
        optionalString(b.title)
        raw(",\"turns\":")
        array(b.turns) { w, t in
            // index, kind, number?, span, speaker, text
            w.raw("{\"index\":")
            w.int(t.index)
            w.raw(",\"kind\":")
            w.string(t.kind.rawValue)
            if let number = t.number {
                w.raw(",\"number\":")
                w.int(number)
            }
            w.raw(",\"span\":")
            w.span(t.span)
            w.raw(",\"speaker\":")
            w.string(t.speaker)
            w.raw(",\"text\":")
            w.string(t.text)
            w.raw("}")
        }
        raw("}")
    }

    // MARK: - Values

    private mutating func raw(_ literal: StaticString) {
        // Every literal here is a string literal, so it has a pointer (no closure, no retain).
        sink.append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private mutating func array<T>(_ items: [T], _ element: (inout SnapshotJSONWriter, T) -> Void) {
        raw("[")
        for i in items.indices {
            if i > 0 { raw(",") }
            element(&self, items[i])
        }
        raw("]")
    }

    private mutating func span(_ span: Span) {
        raw("[")
        int(span.start)
        raw(",")
        int(span.end)
        raw("]")
    }

    private mutating func int(_ value: Int) {
        // Digits written backwards into a small buffer: spans alone are hundreds of integers.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var magnitude = value.magnitude
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { sink.append(UInt8(ascii: "-")) }
            sink.append(UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private mutating func optionalInt(_ value: Int?) {
        if let value { int(value) } else { raw("null") }
    }

    /// As `JSONNumber`: whole numbers without a fractional part, others as JSONEncoder writes a Double.
    private mutating func number(_ value: Double) {
        if value.rounded() == value, abs(value) < 9.0e15 { int(Int(value)) } else { double(value) }
    }

    /// JSONEncoder's Double: Swift's shortest round-trip `description`, less a trailing ".0".
    private mutating func double(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { sink.append($0) }
    }

    private mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    /// `,"key":"value"` when present (no comma before the first member).
    private mutating func optionalMember(_ key: StaticString, _ value: String?, _ first: inout Bool) {
        guard let value else { return }
        if !first { raw(",") }
        first = false
        raw("\"")
        raw(key)
        raw("\":")
        string(value)
    }

    /// A JSON string as JSONEncoder writes it with `.withoutEscapingSlashes`: `"` and `\` escaped,
    /// control characters as short escapes or `\u00xx`, everything else (all non-ASCII) as raw UTF-8.
    /// Runs of plain bytes are copied in one go: briefing text is almost all plain.
    private mutating func string(_ value: String) {
        raw("\"")
        var value = value
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress else { return }
            var runStart = 0
            var i = 0
            while i < utf8.count {
                // Eight plain bytes at a time: briefing text is long runs of CJK with no escapes.
                while i + 8 <= utf8.count,
                    !Self.needsEscape(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                {
                    i += 8
                }
                guard i < utf8.count else { break }
                let b = utf8[i]
                i += 1
                guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
                sink.append(UnsafeBufferPointer(rebasing: utf8[runStart..<i - 1]))
                runStart = i
                switch b {
                case UInt8(ascii: "\""): raw("\\\"")
                case UInt8(ascii: "\\"): raw("\\\\")
                case 0x08: raw("\\b")
                case 0x0C: raw("\\f")
                case 0x0A: raw("\\n")
                case 0x0D: raw("\\r")
                case 0x09: raw("\\t")
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    for byte in [
                        UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hex[Int(b >> 4)],
                        hex[Int(b & 0xF)],
                    ] {
                        sink.append(byte)
                    }
                }
            }
            sink.append(UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        raw("\"")
    }

    /// Whether any of the eight bytes is a control character, `"` or `\` (the classic SWAR tests:
    /// a byte below 0x20, a byte equal to 0x22 or 0x5C). Bytes of multi-byte UTF-8 never match.
    @inline(__always)
    private static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZeroByte(_ v: UInt64) -> Bool { (v &- ones) & ~v & highs != 0 }
        let control = (word &- ones &* 0x20) & ~word & highs != 0
        return control || hasZeroByte(word ^ (ones &* 0x22)) || hasZeroByte(word ^ (ones &* 0x5C))
    }
}

/// A growable byte buffer whose append is a bounds check and a memcpy. The writer makes thousands of
/// small appends per snapshot (keys, punctuation, numbers), where `Array.append(contentsOf:)` cost
/// more than the copying itself.
///
/// It also counts without writing (`counting`), and writes into a buffer it does not own (`into`):
/// the snapshot is counted first and then written straight into an array of its exact size, so no
/// larger buffer and no copy of the JSON (three times the text's size) are ever held.
private final class ByteSink {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int
    /// Whether `base` is this sink's to grow and free.
    private let owned: Bool
    private let counting: Bool

    init(capacity: Int) {
        self.capacity = max(capacity, 256)
        base = .allocate(capacity: self.capacity)
        owned = true
        counting = false
    }

    init(counting: Void) {
        capacity = 0
        base = .allocate(capacity: 1)
        owned = true
        self.counting = true
    }

    init(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        capacity = buffer.count
        base = buffer.baseAddress ?? .allocate(capacity: 0)
        owned = buffer.baseAddress == nil
        counting = false
    }

    deinit { if owned { base.deallocate() } }

    var written: Int { count }

    @inline(__always)
    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if counting { return count += bytes.count }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        (base + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        if counting { return count += 1 }
        if count == capacity { grow(to: count + 1) }
        (base + count).initialize(to: byte)
        count += 1
    }

    private func grow(to needed: Int) {
        // A buffer sized by counting the same snapshot is never too small.
        precondition(owned, "snapshot JSON outgrew the size it was counted at")
        let larger = max(needed, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        fresh.initialize(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = larger
    }

    func array() -> [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }
}
