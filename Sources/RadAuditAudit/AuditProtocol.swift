import Foundation
import RadAuditExtraction
import Yams

/// A RadAudit protocol file (YAML): a name, a seed, extraction settings, perturbations and the stability rule.
public struct AuditProtocol: Sendable, Hashable, Decodable {
    public var name: String?
    public var description: String?
    /// Seed of every random draw of an audit.
    public var seed: UInt64?
    public var extraction: ExtractionSettings
    public var perturbations: ProtocolPerturbations
    public var stability: StabilitySettings
    /// Agreement across real repeats (test–retest, observers, acquisition protocols), when the cohort has them.
    public var observed: ObservedSettings?

    /// The seed used when a protocol names none (recorded in every output all the same).
    public static let defaultSeed: UInt64 = 20_261_127

    public init(name: String? = nil, description: String? = nil, seed: UInt64? = nil,
                extraction: ExtractionSettings = ExtractionSettings(),
                perturbations: ProtocolPerturbations = ProtocolPerturbations(), stability: StabilitySettings = StabilitySettings(),
                observed: ObservedSettings? = nil) {
        self.observed = observed
        self.name = name
        self.description = description
        self.seed = seed
        self.extraction = extraction
        self.perturbations = perturbations
        self.stability = stability
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case name, description, seed, extraction, perturbations, stability, observed }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed)
        extraction = try c.decodeIfPresent(ExtractionSettings.self, forKey: .extraction) ?? ExtractionSettings()
        perturbations = try c.decodeIfPresent(ProtocolPerturbations.self, forKey: .perturbations) ?? ProtocolPerturbations()
        stability = try c.decodeIfPresent(StabilitySettings.self, forKey: .stability) ?? StabilitySettings()
        observed = try c.decodeIfPresent(ObservedSettings.self, forKey: .observed)
    }

    /// Reads and validates a protocol file, or a pyradiomics parameter file (recognised by its sections), which
    /// runs as the protocol `radaudit convert-params` prints for it.
    ///
    /// - Throws: `ProtocolError` naming the file, the key path and the problem.
    public static func load(_ path: String) throws -> AuditProtocol {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProtocolError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
        }
        let text = String(decoding: data, as: UTF8.self)
        if PyradiomicsParameterFile.detect(text) {
            return try parse(try PyradiomicsParameterFile.convert(text, path: path), path: "\(path) (converted from pyradiomics parameters)")
        }
        return try parse(text, path: path)
    }

    public static func parse(_ yaml: String, path: String) throws -> AuditProtocol {
        do {
            return try YAMLDecoder().decode(AuditProtocol.self, from: yaml)
        } catch let error as DecodingError {
            let line = (try? Yams.compose(yaml: yaml)).flatMap { $0.flatMap { lineNumber(of: codingPath(error), in: $0) } }
            throw ProtocolError(path: line.map { "\(path):\($0)" } ?? path, problem: describe(error))
        } catch {
            throw ProtocolError(path: path, problem: "not valid YAML (\(error))")
        }
    }

    private static func codingPath(_ error: DecodingError) -> [CodingKey] {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): c.codingPath
        case .keyNotFound(_, let c): c.codingPath
        @unknown default: []
        }
    }

    /// The 1-based line of the YAML node at `path` (the deepest node that exists).
    private static func lineNumber(of path: [CodingKey], in root: Node) -> Int? {
        var node = root
        for key in path {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping,
                      let entry = mapping.first(where: { $0.key.string == key.stringValue }) {
                // A misspelt key is best located by the key itself.
                node = entry.key.string == path.last?.stringValue && key.stringValue == path.last?.stringValue ? entry.key : entry.value
            } else {
                break
            }
        }
        return node.mark.map { $0.line }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                .replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): missing \(typeName(type))"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required key is missing"
        case .dataCorrupted(let context):
            let location = path(context.codingPath)
            return location.isEmpty ? context.debugDescription : "\(location): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Int.Type, is UInt64.Type: "a number"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }
}

/// A protocol file problem, in one line.
public struct ProtocolError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var problem: String
    public var description: String { "\(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}

