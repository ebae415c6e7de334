import CLibXML2

// Small helpers over libxml2's C tree, shared by the HTML and .docx readers.

enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()  // once, before any thread parses
        return true
    }()

    static func initialize() { _ = initialized }

    /// Local name of an element ("p", "t", …), without namespace prefix.
    static func name(_ node: UnsafeMutablePointer<xmlNode>) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    /// True when the element's local name equals `expected` (no String allocation).
    static func hasName(_ node: UnsafeMutablePointer<xmlNode>, _ expected: StaticString) -> Bool {
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

    static func attribute(_ node: UnsafeMutablePointer<xmlNode>, _ name: String) -> String? {
        var attribute = node.pointee.properties
        while let a = attribute {
            if let aName = a.pointee.name, String(cString: aName) == name {
                guard let child = a.pointee.children, let content = child.pointee.content else { return "" }
                return String(cString: content)
            }
            attribute = a.pointee.next
        }
        return nil
    }

    /// Attribute by local name, whatever its namespace prefix (`w:val`, `w:type`).
    static func localAttribute(_ node: UnsafeMutablePointer<xmlNode>, _ name: StaticString) -> String? {
        attribute(node, name.description)
    }

    /// Non-whitespace characters in a text node.
    static func visibleLength(_ node: UnsafeMutablePointer<xmlNode>) -> Int {
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

    static func firstElement(named name: String, in node: UnsafeMutablePointer<xmlNode>)
        -> UnsafeMutablePointer<xmlNode>?
    {
        if node.pointee.type == XML_ELEMENT_NODE && self.name(node) == name { return node }
        var child = node.pointee.children
        while let c = child {
            if c.pointee.type == XML_ELEMENT_NODE, let found = firstElement(named: name, in: c) {
                return found
            }
            child = c.pointee.next
        }
        return nil
    }

    static func elements(named name: String, in node: UnsafeMutablePointer<xmlNode>)
        -> [UnsafeMutablePointer<xmlNode>]
    {
        var found: [UnsafeMutablePointer<xmlNode>] = []
        func visit(_ n: UnsafeMutablePointer<xmlNode>) {
            if n.pointee.type == XML_ELEMENT_NODE && self.name(n) == name { found.append(n) }
            var child = n.pointee.children
            while let c = child {
                visit(c)
                child = c.pointee.next
            }
        }
        visit(node)
        return found
    }
}
