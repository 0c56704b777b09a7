import CLibXML2
import Foundation

/// One problem found in an XML document, located by line.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the document (0 when libxml2 gives none).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`, as compilers print it.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Problems writing or validating a provenance record.
public enum ProvenanceError: Error, CustomStringConvertible, Sendable {
    /// The XML schema could not be loaded.
    case schema(String)
    /// The record does not validate; nothing was written.
    case invalid([ValidationIssue])
    case write(String)

    public var description: String {
        switch self {
        case .schema(let message): "cannot load the provenance schema: \(message)"
        case .invalid(let issues): "invalid provenance record:\n" + issues.map(\.description).joined(separator: "\n")
        case .write(let message): message
        }
    }
}

/// Validates PROV-XML records against an XML schema with libxml2: by default the RadAudit schema
/// (`radaudit-prov-1.0.xsd`, which imports the W3C PROV-XML schema and declares RadAudit's extension elements),
/// embedded in the binary so an installed tool needs no files beside it.
///
/// A parsed schema is read-only and shared; every validation gets its own parser and validation context, so one
/// validator may be used from several tasks at once.
public final class ProvenanceValidator: @unchecked Sendable {
    private let schema: xmlSchemaPtr
    /// Where the schema came from (a path, or the embedded copy).
    public let schemaSource: String

    /// The RadAudit schema embedded in the binary (parsed once per process).
    public static func bundled() throws -> ProvenanceValidator {
        try bundledValidator.get()
    }

    private static let bundledValidator: Result<ProvenanceValidator, ProvenanceError> = {
        do {
            return .success(try ProvenanceSchema.withFiles { directory in
                try ProvenanceValidator(schemaFile: directory.appendingPathComponent(ProvenanceSchema.entryPoint).path,
                                        source: "embedded \(ProvenanceSchema.entryPoint)")
            })
        } catch let error as ProvenanceError {
            return .failure(error)
        } catch {
            return .failure(.schema("\(error)"))
        }
    }()

    /// A validator for the schema in `path` (e.g. `reports/schema/radaudit-prov-1.0.xsd`, or the W3C `prov.xsd`
    /// alone); `include`/`import` locations are resolved relative to it.
    public convenience init(schemaFile path: String) throws {
        try self.init(schemaFile: path, source: path)
    }

    private init(schemaFile path: String, source: String) throws {
        LibXML.initialise()
        guard FileManager.default.fileExists(atPath: path) else { throw ProvenanceError.schema("\(path): no such file") }
        let sink = IssueSink(file: path)
        guard let context = xmlSchemaNewParserCtxt(path) else { throw ProvenanceError.schema("\(path): cannot be read") }
        defer { xmlSchemaFreeParserCtxt(context) }
        xmlSchemaSetParserStructuredErrors(context, IssueSink.handler, Unmanaged.passUnretained(sink).toOpaque())
        let parsed = sink.collectingGenericErrors { xmlSchemaParse(context) }
        guard let parsed else {
            throw ProvenanceError.schema(sink.issues.map(\.description).joined(separator: "\n"))
        }
        schema = parsed
        schemaSource = source
    }

    deinit {
        xmlSchemaFree(schema)
    }

    /// The problems of an XML document (well-formedness, then schema validity); empty when it is valid.
    /// - Parameter name: the name used in the messages (the file name).
    public func validate(_ data: Data, name: String) -> [ValidationIssue] {
        let sink = IssueSink(file: name)
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)
        let document: xmlDocPtr? = sink.collectingGenericErrors {
            data.withUnsafeBytes { buffer in
                xmlReadMemory(buffer.bindMemory(to: CChar.self).baseAddress, Int32(buffer.count), name, "UTF-8", options)
            }
        }
        guard let document else {
            return sink.issues.isEmpty ? [ValidationIssue(file: name, line: 0, message: "not an XML document")] : sink.issues
        }
        defer { xmlFreeDoc(document) }
        return validate(document, sink: sink)
    }

    /// The schema problems of a document built in memory, named `name` in the messages (which carry no line
    /// numbers: the tree has not been read from a file).
    func validate(_ document: xmlDocPtr, name: String) -> [ValidationIssue] {
        validate(document, sink: IssueSink(file: name))
    }

    private func validate(_ document: xmlDocPtr, sink: IssueSink) -> [ValidationIssue] {
        guard let context = xmlSchemaNewValidCtxt(schema) else {
            return [ValidationIssue(file: sink.file, line: 0, message: "cannot create a validation context")]
        }
        defer { xmlSchemaFreeValidCtxt(context) }
        xmlSchemaSetValidStructuredErrors(context, IssueSink.handler, Unmanaged.passUnretained(sink).toOpaque())
        let status = xmlSchemaValidateDoc(context, document)
        if status != 0 && sink.issues.isEmpty {
            sink.issues.append(ValidationIssue(file: sink.file, line: 0, message: "does not validate (libxml2 status \(status))"))
        }
        return sink.issues
    }

    /// The problems of the XML file at `path`; empty when it is valid.
    public func validate(file path: String) -> [ValidationIssue] {
        guard let data = FileManager.default.contents(atPath: path) else {
            return [ValidationIssue(file: path, line: 0, message: FileManager.default.fileExists(atPath: path)
                                    ? "cannot be read" : "no such file")]
        }
        return validate(data, name: path)
    }
}

/// Collects libxml2's structured errors as ``ValidationIssue``s.
private final class IssueSink {
    let file: String
    var issues: [ValidationIssue] = []

    init(file: String) {
        self.file = file
    }

    static let handler: xmlStructuredErrorFunc = { context, error in
        guard let context, let error else { return }
        let sink = Unmanaged<IssueSink>.fromOpaque(context).takeUnretainedValue()
        let message = error.pointee.message.map { String(cString: $0) } ?? "unknown error"
        let issue = ValidationIssue(file: sink.file, line: Int(error.pointee.line),
                                    message: message.trimmingCharacters(in: .whitespacesAndNewlines))
        if sink.issues.last != issue { sink.issues.append(issue) }
    }

    /// Runs `body` with this sink as the calling thread's libxml2 error handler (parser errors are reported there).
    func collectingGenericErrors<T>(_ body: () -> T) -> T {
        xmlSetStructuredErrorFunc(Unmanaged.passUnretained(self).toOpaque(), Self.handler)
        defer { xmlSetStructuredErrorFunc(nil, nil) }
        return body()
    }
}
