import Foundation

/// A `headers_from_file` that cannot be used. Messages name the file and line, never a value.
public struct HeaderFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "headers_from_file \(path): \(problem)" }
}

/// Reads `Name: value` lines (blank lines and `#` comments skipped) from a file kept out of the
/// config, typically `Authorization`. Read at every poll, so a rotated token is picked up.
enum HeaderFile {
    static func read(_ path: String) throws(HeaderFileError) -> [HTTPHeader] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HeaderFileError(
                path: path, problem: "cannot be read; check that it exists and the daemon may read it")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw HeaderFileError(path: path, problem: "is not UTF-8 text")
        }
        return try parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws(HeaderFileError) -> [HTTPHeader] {
        var headers: [HTTPHeader] = []
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw HeaderFileError(path: path, problem: "line \(number + 1) is not 'Name: value'")
            }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.allSatisfy(Self.isTokenCharacter) else {
                throw HeaderFileError(
                    path: path, problem: "line \(number + 1) has no valid header name before ':'")
            }
            headers.append(HTTPHeader(name: name, value: value))
        }
        return headers
    }

    /// RFC 9110 token characters; anything else would let a value smuggle a second header line.
    private static func isTokenCharacter(_ c: Character) -> Bool {
        guard c.isASCII, let v = c.asciiValue else { return false }
        return (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
            || "!#$%&'*+-.^_`|~".contains(c)
    }
}
