import Foundation
import Synchronization
import Testing

/// Every minimised fuzz finding (`fixtures/fuzz-crashers`, written by `scripts/fuzz/make_crashers.py`; see
/// `docs/reliability.md`) run through the CLI as the fuzz runner does: a crash, a hang or corrupt input accepted
/// is a failure; an error must be exit 1 (or 64) with one line, and leave no output. A finding whose input is not
/// detectably corrupt (`detectable: false`) may also succeed.
private let corpus = CLI.repository.appendingPathComponent("fixtures/fuzz-crashers")

private struct Finding: Decodable {
    var id: String
    var argv: [String]
    var detectable: Bool
}

private func findings() throws -> [Finding] {
    let text = try String(contentsOf: corpus.appendingPathComponent("manifest.jsonl"), encoding: .utf8)
    return try text.split(separator: "\n").map { try JSONDecoder().decode(Finding.self, from: Data($0.utf8)) }
}

/// Runs `radaudit argv` in the corpus directory with outputs under `scratch`.
private func run(_ argv: [String], scratch: URL) throws -> CLIRun {
    try CLI.run(argv.map { $0.replacingOccurrences(of: "/tmp/radaudit-fuzz-crashers", with: scratch.path) }, in: corpus)
}

@Test func everyFuzzFindingIsAOneLineErrorOrAnHonestSuccess() throws {
    let scratch = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: scratch) }
    let all = try findings()
    #expect(all.count >= 30)
    // Two at a time, as the fuzz runner does.
    let results = try all.concurrentResults(width: 2) { try run($0.argv, scratch: scratch) }
    for (finding, result) in zip(all, results) {
        #expect(result.status >= 0, "\(finding.id): killed by signal \(-result.status)")
        #expect(!result.stderr.contains("Fatal error"), "\(finding.id): \(result.stderr)")
        if finding.detectable || result.status != 0 {
            #expect(result.status == 1 || result.status == 64, "\(finding.id): exit \(result.status): \(result.stderr)")
            let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errors.count == 1, "\(finding.id): \(result.stderr)")
            if result.status == 1 {
                #expect(result.stderr.split(separator: "\n").filter { !$0.hasPrefix("note:") && !$0.hasPrefix("radaudit:") }.count == 1,
                        "\(finding.id): more than one line: \(result.stderr)")
            }
        }
        if let output = finding.argv.firstIndex(of: "--output").map({ finding.argv[$0 + 1] }), result.status != 0 {
            let path = output.replacingOccurrences(of: "/tmp/radaudit-fuzz-crashers", with: scratch.path)
            #expect(!FileManager.default.fileExists(atPath: path + "/manifest.json"), "\(finding.id) left a manifest")
        }
    }
}

extension Array where Element: Sendable {
    /// `transform` of every element, `width` at a time, in order.
    fileprivate func concurrentResults<T: Sendable>(width: Int, _ transform: @escaping @Sendable (Element) throws -> T) throws -> [T] {
        let results = Mutex(Array<Result<T, Error>?>(repeating: nil, count: count))
        let queue = DispatchQueue(label: "fuzz-regression", attributes: .concurrent)
        let slots = DispatchSemaphore(value: width)
        let group = DispatchGroup()
        for (index, element) in enumerated() {
            slots.wait()
            queue.async(group: group) {
                let result = Result { try transform(element) }
                results.withLock { $0[index] = result }
                slots.signal()
            }
        }
        group.wait()
        return try results.withLock { $0 }.map { try $0!.get() }
    }
}
