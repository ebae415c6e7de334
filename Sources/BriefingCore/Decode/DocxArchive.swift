import Foundation
import ZIPFoundation

// The .docx container: a ZIP archive read in memory with ZIPFoundation. Kept apart from the XML
// walking because Foundation and libxml2's headers (which pull in the system ICU) cannot be
// imported into the same Swift file.

enum DocxArchive {
    /// word/document.xml larger than this is refused (a ZIP bomb or not a briefing).
    static let maxDocumentBytes: UInt64 = 256 * 1024 * 1024

    static func documentXML(_ bytes: [UInt8]) throws(InputError) -> Data {
        let archive: Archive
        do {
            archive = try Archive(data: Data(bytes), accessMode: .read)
        } catch {
            throw .invalidDocx(reason: "not a readable ZIP archive")
        }
        guard let entry = archive["word/document.xml"] else {
            throw .invalidDocx(
                reason: "the ZIP archive has no word/document.xml, so it is not a Word document")
        }
        guard entry.uncompressedSize <= maxDocumentBytes else {
            throw .invalidDocx(reason: "word/document.xml unpacks to \(entry.uncompressedSize) bytes")
        }
        var xml = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                // The header's size can lie; stop a ZIP bomb while it inflates.
                guard UInt64(xml.count + chunk.count) <= maxDocumentBytes else {
                    throw CocoaError(.fileReadTooLarge)
                }
                xml.append(chunk)
            }
        } catch {
            throw .invalidDocx(reason: "word/document.xml cannot be unpacked (\(error))")
        }
        return xml
    }
}
