// Byte-order marks at the very start of the input. A BOM settles the encoding outright.

enum ByteOrderMark: CaseIterable {
    case utf8, utf16LE, utf16BE, utf32LE, utf32BE, gb18030

    var bytes: [UInt8] {
        switch self {
        case .utf8: [0xEF, 0xBB, 0xBF]
        case .utf16LE: [0xFF, 0xFE]
        case .utf16BE: [0xFE, 0xFF]
        case .utf32LE: [0xFF, 0xFE, 0x00, 0x00]
        case .utf32BE: [0x00, 0x00, 0xFE, 0xFF]
        case .gb18030: [0x84, 0x31, 0x95, 0x33]  // U+FEFF in GB18030's four-byte area
        }
    }

    /// The encoding the mark settles.
    var textEncoding: TextEncoding {
        switch self {
        case .utf8: .utf8
        case .utf16LE: .utf16LE
        case .utf16BE: .utf16BE
        case .utf32LE: .utf32LE
        case .utf32BE: .utf32BE
        case .gb18030: .gb18030
        }
    }

    /// Canonical encoding name.
    var encoding: String { textEncoding.name }

    /// The BOM `bytes` start with. UTF-32LE is tested before UTF-16LE because its BOM extends it.
    static func detect(_ bytes: [UInt8]) -> ByteOrderMark? {
        for bom in [ByteOrderMark.utf32LE, .utf32BE, .utf8, .utf16LE, .utf16BE, .gb18030]
        where bytes.starts(with: bom.bytes) {
            return bom
        }
        return nil
    }
}
