import CLibXML2
import Foundation

/// An XML document built node by node with libxml2 (text and attribute values are escaped by libxml2; no markup
/// is ever assembled from strings). One tree per task: libxml2 documents are not shared between threads.
final class XMLTree {
    /// A declared namespace, used to qualify elements and attributes.
    struct Namespace {
        fileprivate let pointer: xmlNsPtr
    }

    /// An element of the tree.
    struct Element {
        fileprivate let pointer: xmlNodePtr
    }

    private let document: xmlDocPtr
    let root: Element

    /// A document whose root element `prefix:name` declares `namespaces` (prefix, URI) in the given order; the
    /// root's own namespace must be among them.
    init(root name: String, prefix: String, namespaces: [(prefix: String, uri: String)]) {
        LibXML.initialise()
        document = xmlNewDoc("1.0")
        // Element names interned in one dictionary rather than copied per node: fewer allocations to make and free.
        document.pointee.dict = xmlDictCreate()
        let node = xmlNewDocNode(document, nil, name, nil)!
        xmlDocSetRootElement(document, node)
        root = Element(pointer: node)
        for (declaredPrefix, uri) in namespaces {
            let namespace = xmlNewNs(node, uri, declaredPrefix)
            if declaredPrefix == prefix { xmlSetNs(node, namespace) }
        }
    }

    deinit {
        xmlFreeDoc(document)
    }

    /// The namespace declared on the root with this prefix.
    func namespace(_ prefix: String) -> Namespace {
        guard let pointer = xmlSearchNs(document, root.pointer, prefix) else {
            preconditionFailure("namespace prefix '\(prefix)' is not declared on the root")
        }
        return Namespace(pointer: pointer)
    }

    /// Appends `<ns:name>text</ns:name>` (text escaped; characters XML 1.0 forbids become U+FFFD).
    @discardableResult
    func element(_ name: String, in namespace: Namespace, text: String? = nil, under parent: Element) -> Element {
        Element(pointer: xmlNewTextChild(parent.pointer, namespace.pointer, name, text.map(Self.xmlSafe)))
    }

    /// Sets the attribute `ns:name` (value escaped by libxml2).
    func setAttribute(_ name: String, in namespace: Namespace, value: String, on element: Element) {
        xmlNewNsProp(element.pointer, namespace.pointer, name, Self.xmlSafe(value))
    }

    /// Appends an XML comment (`--` is not allowed inside comments and is replaced by `- -`).
    func comment(_ text: String, under parent: Element) {
        var safe = Self.xmlSafe(text)
        while safe.contains("--") { safe = safe.replacingOccurrences(of: "--", with: "- -") }
        if safe.hasSuffix("-") { safe += " " }
        xmlAddChild(parent.pointer, xmlNewDocComment(document, safe))
    }

    /// The schema problems of the document; empty when it is valid.
    func issues(validatedBy validator: ProvenanceValidator, name: String) -> [ValidationIssue] {
        validator.validate(document, name: name)
    }

    /// The document as indented UTF-8 with an XML declaration.
    func serialized() -> Data {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpFormatMemoryEnc(document, &buffer, &size, "UTF-8", 1)
        guard let buffer else { return Data() }
        defer { cxml_free(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    /// Replaces the characters XML 1.0 does not allow (most C0 controls, surrogates, U+FFFE/U+FFFF) by U+FFFD.
    static func xmlSafe(_ text: String) -> String {
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
            default: false
            }
        }
        guard !text.unicodeScalars.allSatisfy(allowed) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { allowed($0) ? $0 : "\u{FFFD}" }))
    }
}

/// Process-wide libxml2 set-up.
enum LibXML {
    private static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    /// Initialises the parser once per process (libxml2 asks for this before use from several threads).
    static func initialise() {
        _ = initialised
    }
}
