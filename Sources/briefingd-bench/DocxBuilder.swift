import Foundation
import ZIPFoundation

// The smallest .docx Word and python-docx both open: content types, the package relationship and
// word/document.xml with one paragraph (`<w:p><w:r><w:t>`) per line, deflated as Word does.

enum DocxBuilder {
    static func docx(lines: [Substring]) throws(BenchError) -> [UInt8] {
        var body = ""
        for line in lines {
            body += "<w:p><w:r><w:t xml:space=\"preserve\">"
            body += escape(line)
            body += "</w:t></w:r></w:p>"
        }
        let document = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">\
            <w:body>\(body)<w:sectPr/></w:body></w:document>
            """
        let contentTypes = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>\
            </Types>
            """
        let relationships = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/></Relationships>
            """
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in [
                ("[Content_Types].xml", contentTypes), ("_rels/.rels", relationships),
                ("word/document.xml", document),
            ] {
                let data = Data(text.utf8)
                try archive.addEntry(
                    with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate,
                    provider: { position, size in data.subdata(in: Int(position)..<Int(position) + size) })
            }
            guard let data = archive.data else { throw BenchError("in-memory ZIP has no data") }
            return [UInt8](data)
        } catch let error as BenchError {
            throw error
        } catch {
            throw BenchError("building the .docx failed: \(error)")
        }
    }

    private static func escape(_ text: Substring) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
