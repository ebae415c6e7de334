// One table lookup per scalar tells each scanner whether a position can start what it looks for,
// so the scanners skip ordinary text without running their parsers.

enum CharClass {
    static let digit: UInt8 = 1
    static let numeral: UInt8 = 2
    static let periodStart: UInt8 = 4
    static let namedStart: UInt8 = 8
    static let pointBoundary: UInt8 = 16

    /// Flags of every scalar of the Basic Multilingual Plane (others have none).
    static let table: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 0x10000)
        func set(_ chars: String, _ flag: UInt8) {
            for c in chars.unicodeScalars { t[Int(c.value)] |= flag }
        }
        for v in 0x30...0x39 { t[v] |= digit | periodStart }
        for v in 0xFF10...0xFF19 { t[v] |= digit | periodStart }
        set("〇零一二两兩三四五六七八九十拾百佰千仟万萬亿億", numeral)
        set("今本去上下前明近截第一二两兩三四五六七八九十", periodStart)
        set("“「『《", namedStart)
        set("。；：！？;:，\n", pointBoundary)
        return t
    }()

    @inline(__always) static func flags(_ table: [UInt8], _ c: Unicode.Scalar) -> UInt8 {
        c.value < 0x10000 ? table[Int(c.value)] : 0
    }
}

/// The positions whose scalar has any class flag, with the flags, in text order: each scanner
/// walks this short list (a fifth of the text, or less) instead of every scalar.
struct Candidates {
    private(set) var positions: [Int] = []
    private(set) var flags: [UInt8] = []

    init(_ t: ScalarText) {
        let table = CharClass.table
        var positions: [Int] = []
        var flags: [UInt8] = []
        positions.reserveCapacity(t.count / 4)
        flags.reserveCapacity(t.count / 4)
        t.s.withUnsafeBufferPointer { s in
            table.withUnsafeBufferPointer { table in
                for i in 0..<s.count {
                    let v = s[i].value
                    let f = v < 0x10000 ? table[Int(v)] : 0
                    if f != 0 {
                        positions.append(i)
                        flags.append(f)
                    }
                }
            }
        }
        self.positions = positions
        self.flags = flags
    }

    /// Index of the first candidate at or after `position`.
    func firstIndex(atOrAfter position: Int) -> Int {
        var lo = 0
        var hi = positions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if positions[mid] < position { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
