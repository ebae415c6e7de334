/// A text encoding, named as the snapshot's `input.encoding` writes it. The encodings the
/// detector tells apart have cases; anything else is what uchardet named it.
public enum TextEncoding: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    case utf8
    case utf16LE
    case utf16BE
    case utf32LE
    case utf32BE
    /// Also reported for GB2312 and GBK input: GB18030 is their superset.
    case gb18030
    case big5
    /// Only when HKSCS characters occur.
    case big5HKSCS
    case windows1252
    /// An encoding named by a declaration or by uchardet (`ISO-8859-2`, `SHIFT_JIS`, …).
    case other(String)

    public init(name: String) {
        switch name {
        case "UTF-8": self = .utf8
        case "UTF-16LE": self = .utf16LE
        case "UTF-16BE": self = .utf16BE
        case "UTF-32LE": self = .utf32LE
        case "UTF-32BE": self = .utf32BE
        case "GB18030": self = .gb18030
        case "Big5": self = .big5
        case "Big5-HKSCS": self = .big5HKSCS
        case "windows-1252": self = .windows1252
        default: self = .other(name)
        }
    }

    public init(stringLiteral name: String) { self.init(name: name) }

    /// The canonical name, as written in snapshots and messages.
    public var name: String {
        switch self {
        case .utf8: "UTF-8"
        case .utf16LE: "UTF-16LE"
        case .utf16BE: "UTF-16BE"
        case .utf32LE: "UTF-32LE"
        case .utf32BE: "UTF-32BE"
        case .gb18030: "GB18030"
        case .big5: "Big5"
        case .big5HKSCS: "Big5-HKSCS"
        case .windows1252: "windows-1252"
        case .other(let name): name
        }
    }

    public var description: String { name }

    /// Whether the encoding is one of the UTF-16 forms.
    var isUTF16: Bool { self == .utf16LE || self == .utf16BE }
}

extension TextEncoding: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}
