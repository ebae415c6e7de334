import CLibXML2

// The one wrapper over libxml2, used by the HTML and .docx readers here and by the feed and index
// page readers of the daemon. It parses from memory only, with network access off and entity
// declarations ignored (no entity is ever expanded: a billion-laughs feed costs nothing), and it
// reads the tree without recursion (a hostile page may nest 200,000 elements) and without
// libxml2's allocating helpers (freeing their results needs `xmlFree`, a global function pointer
// Swift 6 treats as shared mutable state).

/// A document parsed by libxml2; its tree is freed when the document is released, so nodes taken
/// from it must not outlive it.
public final class XMLDocument {
    public let pointer: xmlDocPtr
    /// The parser gave up before the end of the input (libxml2 stops at its resource limits, such
    /// as nesting depth), so the tree holds only the beginning of the document.
    public let stoppedEarly: Bool
    /// Entity declarations the document made and the parser ignored (`<!ENTITY lol "…">`): their
    /// references read as nothing.
    public let ignoredEntityDeclarations: Int

    init(_ pointer: xmlDocPtr, stoppedEarly: Bool, ignoredEntityDeclarations: Int) {
        self.pointer = pointer
        self.stoppedEarly = stoppedEarly
        self.ignoredEntityDeclarations = ignoredEntityDeclarations
    }

    deinit { xmlFreeDoc(pointer) }

    /// The root element, if the document has one.
    public var root: xmlNodePtr? { xmlDocGetRootElement(pointer) }
}

/// Parsing and tree reading over libxml2.
public enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()  // once, before any thread parses
        return true
    }()

    // MARK: - Parsing

    /// Parses XML. `recover` keeps what libxml2 can read of a malformed document (feeds in the
    /// wild); without it, a malformed document gives nil. libxml2's limits stay on (no
    /// `XML_PARSE_HUGE`): documents nesting deeper than 256 elements or holding a text node over
    /// 10 MB are cut (with `recover`) or refused.
    public static func parseXML(_ bytes: [UInt8], recover: Bool) -> XMLDocument? {
        _ = initialized
        guard bytes.count < Int32.max else { return nil }
        guard let ctxt = xmlNewParserCtxt() else { return nil }
        defer { xmlFreeParserCtxt(ctxt) }
        var options =
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue
        if recover { options |= XML_PARSE_RECOVER.rawValue }
        // Entity declarations are counted (in the context's spare pointer) and dropped: a reference
        // to one then reads as nothing (an undeclared entity, which recovery and our readers skip).
        let ignoreEntity: entityDeclSAXFunc = { context, _, _, _, _, _ in
            guard let ctxt = context?.assumingMemoryBound(to: xmlParserCtxt.self) else { return }
            let count = Int(bitPattern: ctxt.pointee._private)
            ctxt.pointee._private = UnsafeMutableRawPointer(bitPattern: count + 1)
        }
        ctxt.pointee.sax.pointee.entityDecl = ignoreEntity
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                xmlCtxtReadMemory(ctxt, $0.baseAddress, Int32($0.count), nil, nil, Int32(options))
            }
        }
        let ignored = Int(bitPattern: ctxt.pointee._private)
        ctxt.pointee._private = nil
        // Without recovery libxml2 returns no document for a malformed one.
        guard let doc = parsed else { return nil }
        return XMLDocument(
            doc, stoppedEarly: recover && ctxt.pointee.disableSAX != 0, ignoredEntityDeclarations: ignored)
    }

    /// Parses HTML leniently, as browsers do. `encoding` (from HTTP, or "UTF-8" for text already
    /// decoded) wins over the page's `<meta>` when `ignoreDeclaredEncoding` is set. Depth limits are
    /// lifted (`XML_PARSE_HUGE`): a transcript inside 1,000 nested `<div>`s is still read; the
    /// caller bounds depth itself, and ``XMLDocument/stoppedEarly`` says when libxml2 gave up anyway.
    public static func parseHTML(
        _ bytes: [UInt8], url: String? = nil, encoding: String?, ignoreDeclaredEncoding: Bool = false
    ) -> XMLDocument? {
        _ = initialized
        guard bytes.count < Int32.max, let ctxt = htmlNewParserCtxt() else { return nil }
        defer { htmlFreeParserCtxt(ctxt) }
        var options =
            HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | XML_PARSE_HUGE.rawValue
        if ignoreDeclaredEncoding { options |= HTML_PARSE_IGNORE_ENC.rawValue }
        let doc = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                htmlCtxtReadMemory(ctxt, $0.baseAddress, Int32($0.count), url, encoding, Int32(options))
            }
        }
        guard let doc else { return nil }
        return XMLDocument(doc, stoppedEarly: ctxt.pointee.disableSAX != 0, ignoredEntityDeclarations: 0)
    }

    // MARK: - Nodes

    @inline(__always) public static func isElement(_ node: xmlNodePtr) -> Bool {
        node.pointee.type == XML_ELEMENT_NODE
    }

    @inline(__always) public static func isText(_ node: xmlNodePtr) -> Bool {
        node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE
    }

    /// Local name of an element ("p", "t", …), without namespace prefix.
    public static func name(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// The local name, lowercased (XML feeds write `pubDate`; HTML names are lowercase already).
    public static func lowercasedName(_ node: xmlNodePtr) -> String { name(node).lowercased() }

    /// True when the element's local name equals `expected` (no String allocation).
    public static func hasName(_ node: xmlNodePtr, _ expected: StaticString) -> Bool {
        guard let name = node.pointee.name else { return false }
        return expected.withUTF8Buffer { want in
            var i = 0
            while i < want.count {
                if name[i] != want[i] { return false }
                i += 1
            }
            return name[i] == 0
        }
    }

    /// The element's namespace URI, if any.
    public static func namespace(_ node: xmlNodePtr) -> String? {
        node.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// Attribute value by local name (whatever its namespace prefix: `w:val`), read from the tree
    /// itself; "" for an attribute without value.
    public static func attribute(_ node: xmlNodePtr, _ name: String, caseInsensitive: Bool = false) -> String?
    {
        let wanted = caseInsensitive ? name.lowercased() : name
        var attribute = node.pointee.properties
        while let a = attribute {
            if let aName = a.pointee.name {
                let found = String(cString: aName)
                if (caseInsensitive ? found.lowercased() : found) == wanted {
                    return text(firstOf: a.pointee.children)
                }
            }
            attribute = a.pointee.next
        }
        return nil
    }

    /// Non-whitespace characters in a text node.
    public static func visibleLength(_ node: xmlNodePtr) -> Int {
        guard let content = node.pointee.content else { return 0 }
        var n = 0
        var i = 0
        while content[i] != 0 {
            let b = content[i]
            // Count characters, not bytes: skip UTF-8 continuation bytes and ASCII whitespace.
            if b & 0xC0 != 0x80 && b != 0x20 && b != 0x0A && b != 0x0D && b != 0x09 { n += 1 }
            i += 1
        }
        return n
    }

    /// Child elements of `node`, in order.
    public static func childElements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node.pointee.children
        while let c = child {
            if isElement(c) { out.append(c) }
            child = c.pointee.next
        }
        return out
    }

    // MARK: - Walking

    /// Walks the subtree of `root` in document order without recursion: `enter` sees each node
    /// and says whether to descend into it; `leave` sees each node once its subtree is done (also
    /// when `enter` declined to descend).
    public static func walk(
        _ root: xmlNodePtr, enter: (xmlNodePtr) -> Bool, leave: (xmlNodePtr) -> Void = { _ in }
    ) {
        var node = root
        while true {
            if enter(node), let child = node.pointee.children {
                node = child
                continue
            }
            // Leave this node and every ancestor whose last child it closes.
            while true {
                leave(node)
                if node == root { return }
                if let next = node.pointee.next {
                    node = next
                    break
                }
                guard let parent = node.pointee.parent else { return }
                node = parent
            }
        }
    }

    /// The first element named `name` in the subtree of `root` (itself included), in document order.
    public static func firstElement(named name: String, in root: xmlNodePtr) -> xmlNodePtr? {
        var found: xmlNodePtr?
        walk(root) { n in
            if found != nil { return false }
            if isElement(n) && self.name(n) == name { found = n }
            return found == nil
        }
        return found
    }

    /// Every element named `name` in the subtree of `root` (itself included), in document order.
    public static func elements(named name: String, in root: xmlNodePtr) -> [xmlNodePtr] {
        elements(in: root).filter { self.name($0) == name }
    }

    /// Every element in the subtree of `root` (itself included), in document order.
    public static func elements(in root: xmlNodePtr) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        walk(root) { n in
            guard isElement(n) else { return false }
            found.append(n)
            return true
        }
        return found
    }

    /// Deepest element nesting below `root` (`root` counts 1).
    public static func depth(of root: xmlNodePtr) -> Int {
        var depth = 0
        var deepest = 0
        walk(
            root,
            enter: { n in
                guard isElement(n) else { return false }
                depth += 1
                deepest = max(deepest, depth)
                return true
            },
            leave: { n in if isElement(n) { depth -= 1 } })
        return deepest
    }

    /// All text and CDATA below `node`, concatenated in document order.
    public static func text(_ node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        walk(node) { n in
            if isText(n) { appendContent(n, to: &bytes) }
            return isElement(n) || n == node
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Text of `first` and its siblings (an attribute's value nodes), descending into elements.
    private static func text(firstOf first: xmlNodePtr?) -> String {
        var bytes: [UInt8] = []
        var sibling = first
        while let s = sibling {
            walk(s) { n in
                if isText(n) { appendContent(n, to: &bytes) }
                return isElement(n)
            }
            sibling = s.pointee.next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends a text node's UTF-8 (libxml2 keeps text as UTF-8).
    @inline(__always) public static func appendContent(_ node: xmlNodePtr, to bytes: inout [UInt8]) {
        guard let content = node.pointee.content else { return }
        bytes.append(contentsOf: UnsafeBufferPointer(start: content, count: Int(xmlStrlen(content))))
    }
}
