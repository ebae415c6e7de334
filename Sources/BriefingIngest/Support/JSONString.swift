/// JSON string escaping, shared by the log handler, the manifest and the `failed/` reason files.

/// Escapes `s` as a JSON string literal.
func appendJSONString(_ s: String, to out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20:
            out += "\\u00" + String(scalar.value >> 4, radix: 16) + String(scalar.value & 0xF, radix: 16)
        default: out.unicodeScalars.append(scalar)
        }
    }
    out += "\""
}
