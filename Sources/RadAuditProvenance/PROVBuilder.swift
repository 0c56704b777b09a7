import Foundation
import RadAuditAudit
import RadAuditCore

/// Namespaces of RadAudit's provenance records.
public enum ProvenanceNamespace {
    public static let prov = "http://www.w3.org/ns/prov#"
    public static let xsd = "http://www.w3.org/2001/XMLSchema"
    public static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    /// RadAudit's own terms, version 1.0 of the vocabulary (`reports/schema/radaudit-prov-1.0.xsd`). A w3id.org
    /// permanent identifier: the version is part of the URI, so a later, incompatible vocabulary gets a new one.
    public static let radaudit = "https://w3id.org/radaudit/prov/1.0#"
    /// Radiomics Ontology: IBSI identifiers as `ro:<id>` (e.g. `ro:Q4LE`).
    public static let radiomicsOntology = "http://www.radiomics.org/RO/"
}

/// A PROV attribute value written as an extension element `radaudit:<name>`, optionally typed with `xsi:type`.
struct Extension {
    let name: String
    let value: String
    /// `xsd:double`, `xsd:QName`, …; nil for plain strings.
    let type: String?

    static func text(_ name: String, _ value: String) -> Extension { Extension(name: name, value: value, type: nil) }

    static func double(_ name: String, _ value: Double) -> Extension {
        Extension(name: name, value: PROVBuilder.xsdDouble(value), type: "xsd:double")
    }

    static func integer(_ name: String, _ value: Int) -> Extension { Extension(name: name, value: String(value), type: "xsd:int") }

    static func unsignedLong(_ name: String, _ value: UInt64) -> Extension {
        Extension(name: name, value: String(value), type: "xsd:unsignedLong")
    }

    static func boolean(_ name: String, _ value: Bool) -> Extension {
        Extension(name: name, value: value ? "true" : "false", type: "xsd:boolean")
    }

    /// A `prov:type` (or extension) naming a term by QName, e.g. `radaudit:ImageVolume`.
    static func qname(_ value: String, name: String = "type") -> Extension { Extension(name: name, value: value, type: "xsd:QName") }

    static func dateTime(_ name: String, _ value: String) -> Extension { Extension(name: name, value: value, type: "xsd:dateTime") }

    /// An IBSI feature as `ro:<id>` (`xsd:QName`), or as the full Radiomics Ontology IRI (`xsd:anyURI`) when the
    /// identifier starts with a digit and so cannot be the local part of a QName.
    static func ibsiTerm(_ name: String, _ code: String) -> Extension {
        let term = PROVBuilder.ibsiTerm(code)
        return Extension(name: name, value: term.value, type: term.type)
    }
}

/// Writes PROV-XML records and relations into an ``XMLTree``, in the element order the PROV-XML schema requires
/// (`prov:` attributes first, then extension elements).
final class PROVBuilder {
    let tree: XMLTree
    private let prov: XMLTree.Namespace
    private let radaudit: XMLTree.Namespace
    private let xsi: XMLTree.Namespace
    private var identifiers: [[String]: String] = [:]
    private var usedIdentifiers = Set<String>()

    /// A `prov:document` declaring the prov, xsd, xsi, radaudit, ro namespaces and `run` = `urn:uuid:<run>#`.
    init(runUUID: String) {
        tree = XMLTree(root: "document", prefix: "prov", namespaces: [
            ("prov", ProvenanceNamespace.prov), ("xsd", ProvenanceNamespace.xsd), ("xsi", ProvenanceNamespace.xsi),
            ("radaudit", ProvenanceNamespace.radaudit), ("ro", ProvenanceNamespace.radiomicsOntology),
            ("run", "urn:uuid:\(runUUID)#"),
        ])
        prov = tree.namespace("prov")
        radaudit = tree.namespace("radaudit")
        xsi = tree.namespace("xsi")
    }

    /// A `run:` identifier for the named thing, unique in the document and the same for the same parts. Characters
    /// outside `[A-Za-z0-9._-]` become `-`; a clash after that gets a numeric suffix.
    func identifier(_ kind: String, _ parts: String...) -> String {
        let key = [kind] + parts
        if let known = identifiers[key] { return known }
        let cleaned = ([kind] + parts).map { part in
            String(part.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "A"..."Z", "a"..."z", "0"..."9", ".", "-", "_": Character(scalar)
                default: "-"
                }
            })
        }.joined(separator: "_")
        var candidate = "run:" + cleaned
        var suffix = 2
        while usedIdentifiers.contains(candidate) {
            candidate = "run:\(cleaned)_\(suffix)"
            suffix += 1
        }
        usedIdentifiers.insert(candidate)
        identifiers[key] = candidate
        return candidate
    }

    func comment(_ text: String) {
        tree.comment(" \(text) ", under: tree.root)
    }

    /// `prov:entity`, `prov:plan` or one of the agent elements, with its `prov:` attributes and extensions.
    func record(_ element: String, id: String, label: String? = nil, location: String? = nil, types: [Extension] = [],
                value: Extension? = nil, _ extensions: [Extension] = []) {
        let node = tree.element(element, in: prov, under: tree.root)
        tree.setAttribute("id", in: prov, value: id, on: node)
        if let label { tree.element("label", in: prov, text: label, under: node) }
        if let location { tree.element("location", in: prov, text: location, under: node) }
        for type in types { typed("type", in: prov, type, under: node) }
        if let value { typed("value", in: prov, value, under: node) }
        for e in extensions { typed(e.name, in: radaudit, e, under: node) }
    }

    func activity(id: String, start: String? = nil, end: String? = nil, label: String? = nil, types: [Extension] = [],
                  _ extensions: [Extension] = []) {
        let node = tree.element("activity", in: prov, under: tree.root)
        tree.setAttribute("id", in: prov, value: id, on: node)
        if let start { tree.element("startTime", in: prov, text: start, under: node) }
        if let end { tree.element("endTime", in: prov, text: end, under: node) }
        if let label { tree.element("label", in: prov, text: label, under: node) }
        for type in types { typed("type", in: prov, type, under: node) }
        for e in extensions { typed(e.name, in: radaudit, e, under: node) }
    }

    func used(_ activity: String, _ entity: String) {
        relation("used", [("activity", activity), ("entity", entity)])
    }

    func wasGeneratedBy(_ entity: String, _ activity: String, time: String? = nil) {
        relation("wasGeneratedBy", [("entity", entity), ("activity", activity)], time: time)
    }

    func wasAssociatedWith(_ activity: String, agent: String, plan: String? = nil) {
        relation("wasAssociatedWith", [("activity", activity), ("agent", agent)] + (plan.map { [("plan", $0)] } ?? []))
    }

    func wasDerivedFrom(_ generated: String, _ used: String) {
        relation("wasDerivedFrom", [("generatedEntity", generated), ("usedEntity", used)])
    }

    func wasInformedBy(_ informed: String, _ informant: String) {
        relation("wasInformedBy", [("informed", informed), ("informant", informant)])
    }

    func wasAttributedTo(_ entity: String, _ agent: String) {
        relation("wasAttributedTo", [("entity", entity), ("agent", agent)])
    }

    private func relation(_ name: String, _ references: [(String, String)], time: String? = nil) {
        let node = tree.element(name, in: prov, under: tree.root)
        for (role, id) in references {
            let reference = tree.element(role, in: prov, under: node)
            tree.setAttribute("ref", in: prov, value: id, on: reference)
        }
        if let time { tree.element("time", in: prov, text: time, under: node) }
    }

    private func typed(_ name: String, in namespace: XMLTree.Namespace, _ e: Extension, under parent: XMLTree.Element) {
        let node = tree.element(name, in: namespace, text: e.value, under: parent)
        if let type = e.type { tree.setAttribute("type", in: xsi, value: type, on: node) }
    }

    /// The `xsd:double` lexical form: shortest round-trip decimal, `NaN`, `INF`, `-INF`.
    static func xsdDouble(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-INF" : "INF" }
        return "\(value)"
    }

    /// `ro:<code>` as an `xsd:QName`, or the full IRI as `xsd:anyURI` when `code` is not an NCName.
    static func ibsiTerm(_ code: String) -> (value: String, type: String) {
        if let first = code.unicodeScalars.first, CharacterSet.letters.contains(first) {
            return ("ro:\(code)", "xsd:QName")
        }
        return (ProvenanceNamespace.radiomicsOntology + code, "xsd:anyURI")
    }

    /// A name-based UUID (RFC 9562 version 8, SHA-256 of `name`): the same run always gets the same identifier.
    static func uuid(for name: Data) -> String {
        var bytes = Array(SHA256Digest.hex(of: name).utf8.prefix(32))
        // Set the version nibble (8) and the RFC 4122/9562 variant bits (10xx) in the hexadecimal text.
        bytes[12] = UInt8(ascii: "8")
        let variant = "89ab".utf8.map { $0 }
        bytes[16] = variant[Int(hexValue(bytes[16]) & 0x3)]
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = [text.prefix(8), text.dropFirst(8).prefix(4), text.dropFirst(12).prefix(4),
                     text.dropFirst(16).prefix(4), text.dropFirst(20)]
        return parts.joined(separator: "-")
    }

    private static func hexValue(_ ascii: UInt8) -> UInt8 {
        ascii >= UInt8(ascii: "a") ? ascii - UInt8(ascii: "a") + 10 : ascii - UInt8(ascii: "0")
    }
}
