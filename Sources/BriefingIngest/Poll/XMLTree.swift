import CLibXML2
import Foundation

/// Small helpers over libxml2's tree: element walking, attributes, text. Documents are parsed
/// with network access off and no entity substitution, so a hostile feed cannot make libxml2
/// fetch or expand anything.
enum XMLTree {
    /// xmlInitParser must run once before threads parse; a lazily initialised global does that.
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static let xmlOptions = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_RECOVER.rawValue)
    static let htmlOptions = Int32(
        HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOBLANKS.rawValue)

    /// Parses XML; nil when libxml2 cannot make a document of it at all.
    static func parseXML(_ bytes: [UInt8], url: String) -> xmlDocPtr? {
        _ = initialised
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    xmlReadMemory($0, Int32(clamping: buffer.count), url, nil, xmlOptions)
                }
            }
        }
    }

    /// Parses HTML leniently, as browsers do; `charset` (from Content-Type) wins over `<meta>`.
    static func parseHTML(_ bytes: [UInt8], url: String, charset: String?) -> htmlDocPtr? {
        _ = initialised
        return bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, Int32(clamping: buffer.count), url, charset, htmlOptions)
                }
            }
        }
    }

    /// Every element under `node` (itself included), depth first in document order.
    static func elements(_ node: xmlNodePtr?) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var stack: [xmlNodePtr] = node.map { [$0] } ?? []
        while let n = stack.popLast() {
            if n.pointee.type == XML_ELEMENT_NODE { out.append(n) }
            var children: [xmlNodePtr] = []
            var child = n.pointee.children
            while let c = child {
                children.append(c)
                child = c.pointee.next
            }
            stack.append(contentsOf: children.reversed())
        }
        return out
    }

    /// Child elements of `node`, in order.
    static func children(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE { out.append(c) }
            child = c.pointee.next
        }
        return out
    }

    /// The element's local name, lowercased (HTML names are already lowercase in libxml2).
    static func name(_ node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0).lowercased() } ?? ""
    }

    /// The element's namespace URI, if any.
    static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// Attribute value, read from the tree itself (no copy that would need libxml2's xmlFree,
    /// a global function pointer Swift 6 refuses to touch from concurrent code).
    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        var attr = node.pointee.properties
        while let a = attr {
            if let n = a.pointee.name, String(cString: n).lowercased() == name.lowercased() {
                return collectText(
                    UnsafeMutableRawPointer(a.pointee.children)?.assumingMemoryBound(to: xmlNode.self))
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// All text inside the element, trimmed.
    static func text(_ node: xmlNodePtr) -> String {
        collectText(node.pointee.children).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Concatenated text and CDATA of `first` and its siblings, descending into elements.
    private static func collectText(_ first: xmlNodePtr?) -> String {
        var out = ""
        var stack: [xmlNodePtr] = []
        var node = first
        while let n = node ?? stack.popLast() {
            node = nil
            switch n.pointee.type {
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let c = n.pointee.content { out += String(cString: c) }
            case XML_ELEMENT_NODE:
                if let next = n.pointee.next { stack.append(next) }
                node = n.pointee.children
                continue
            default: break
            }
            node = n.pointee.next
        }
        return out
    }
}
