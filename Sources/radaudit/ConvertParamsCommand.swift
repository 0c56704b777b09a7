import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditCore
import RadAuditExtraction

/// `radaudit convert-params`: a pyradiomics parameter file as a RadAudit protocol.
struct ConvertParamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert-params",
        abstract: "Print the RadAudit protocol equivalent to a pyradiomics parameter file.",
        discussion: """
            The protocol uses conventions: pyradiomics, and says in a comment wherever a setting's meaning changes \\
            (docs/pyradiomics.md). A setting RadAudit cannot honour is refused with one line naming the key. \\
            `--protocol Params.yaml` runs the same protocol without converting first. With --names-table, prints \\
            the pyradiomics name mapping (docs/pyradiomics-names.csv) instead.
            """)

    @Argument(help: "pyradiomics parameter file (YAML).")
    var parameters: String?

    @Option(help: "Write the protocol here (atomically) instead of standard output.")
    var output: String?

    @Flag(help: "Print the table mapping pyradiomics feature names to RadAudit's (docs/pyradiomics-names.csv).")
    var namesTable = false

    func validate() throws {
        guard (parameters == nil) == namesTable else { throw ValidationError("give a parameter file, or --names-table") }
    }

    func run() throws {
        let text: String
        if namesTable {
            text = PyradiomicsFeatureName.csv
        } else {
            let path = parameters!
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ProtocolError(path: path, problem: FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")
            }
            text = try PyradiomicsParameterFile.convert(String(decoding: data, as: UTF8.self), path: path)
            // What is printed must run: parse it as a protocol before anyone relies on it.
            _ = try AuditProtocol.parse(text, path: "\(path) (converted)")
        }
        if let output { try AtomicFile.write(text, to: output) } else { FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}
