import Foundation
import RadAuditImageIO
import Testing

/// DICOM PS3.15 Basic Application Level Confidentiality Profile: no value of an attribute the profile removes or
/// replaces may reach any output. `fixtures/dicom/synthetic-identifiers/` (made by
/// `scripts/fixtures/make-synthetic-identifiers.py`) carries a distinctive synthetic value in every such attribute
/// a CT image or an RT structure set can hold, and lists them in `identifiers.txt`.

private let fixture = CLI.repository.appendingPathComponent("fixtures/dicom/synthetic-identifiers")

/// A fast protocol: three families and one cheap perturbation.
private let protocolText = """
    name: de-identification test
    seed: 7
    extraction:
      resegmentation: {range: [-1000, 400]}
      discretisation:
        texture: {method: fixed_bin_size, bin_width: 25}
      texture: {dimensions: [3D]}
      families: [morphology, intensity_statistics, glcm]
    perturbations:
      noise: {repetitions: 2, sigma: 10}
    stability:
      statistic: ICC(1,1)
      robust_if: {metric: ci_low, threshold: 0.75}
    """

/// Every identifying value written into the fixture, one per line.
private func identifiers() throws -> [String] {
    let text = try String(contentsOf: fixture.appendingPathComponent("identifiers.txt"), encoding: .utf8)
    return text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
}

/// Every full date (8 digits `YYYYMMDD`, 1980–2015) inside the identifying values, dates and date-times alike.
private func fullDates(in values: [String]) -> Set<String> {
    var dates: Set<String> = []
    for value in values {
        let bytes = Array(value.utf8)
        var start = 0
        while start < bytes.count {
            guard bytes[start].isDigit else { start += 1; continue }
            var end = start
            while end < bytes.count && bytes[end].isDigit { end += 1 }
            if end - start >= 8 {
                for offset in start...(end - 8) {
                    let candidate = String(decoding: bytes[offset..<offset + 8], as: UTF8.self)
                    if isDate(candidate) { dates.insert(candidate) }
                }
            }
            start = end
        }
    }
    return dates
}

private func isDate(_ text: String) -> Bool {
    guard text.count == 8, let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)),
          let day = Int(text.suffix(2)) else { return false }
    var components = DateComponents()
    (components.year, components.month, components.day) = (year, month, day)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return (1980...2015).contains(year) && components.isValidDate(in: calendar)
}

private extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
}

/// Whether `needle` occurs in `data`; with `digitBounded`, only where no digit precedes it (so that a date is not
/// matched inside the digits of a feature value or a coordinate).
private func occurs(_ needle: String, in data: Data, digitBounded: Bool = false) -> Bool {
    let pattern = Data(needle.utf8)
    var searchStart = data.startIndex
    while let range = data.range(of: pattern, in: searchStart..<data.endIndex) {
        if !digitBounded || range.lowerBound == data.startIndex || !data[range.lowerBound - 1].isDigit { return true }
        searchStart = range.lowerBound + 1
    }
    return false
}

/// Every regular file under `directory` (recursively, hidden files too) with its contents, gzip members
/// decompressed (the exported variants are `.nii.gz`).
private func outputFiles(under directory: URL) throws -> [(name: String, data: Data)] {
    let root = directory.standardizedFileURL.path
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]) else {
        return []
    }
    var files: [(String, Data)] = []
    for case let url as URL in enumerator {
        guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
        var data = try Data(contentsOf: url)
        if Gzip.isCompressed(data) { data = try Gzip.decompress(data, path: url.path) }
        let path = url.standardizedFileURL.path
        files.append((path.hasPrefix(root) ? String(path.dropFirst(root.count + 1)) : path, data))
    }
    return files.sorted { $0.0 < $1.0 }
}

@Test func auditAndExtractOutputsCarryNoPatientIdentifier() throws {
    let values = try identifiers()
    let dates = fullDates(in: values)
    #expect(values.count > 100 && dates.count > 20, "identifiers.txt: \(values.count) values, \(dates.count) dates")

    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let series = fixture.appendingPathComponent("series").path
    let structureSet = fixture.appendingPathComponent("rtstruct.dcm").path
    let cases = directory.appendingPathComponent("cases.csv")
    try """
        case_id,image,mask,site,roi
        case-a,\(series),\(structureSet),A,GTV
        case-b,\(series),\(structureSet),B,GTV

        """.write(to: cases, atomically: true, encoding: .utf8)
    let protocolFile = directory.appendingPathComponent("protocol-in.yaml")
    try protocolText.write(to: protocolFile, atomically: true, encoding: .utf8)

    // Everything the commands write goes under `output`.
    let output = directory.appendingPathComponent("output")
    let audit = output.appendingPathComponent("audit")
    let auditRun = try CLI.run(["audit", "--protocol", protocolFile.path, "--cases", cases.path, "--output", audit.path,
                                "--export-variants"])
    #expect(auditRun.status == 0, "\(auditRun.stderr)")
    let extracted = output.appendingPathComponent("extract.csv")
    let extractRun = try CLI.run(["extract", "--image", series, "--mask", structureSet, "--roi", "GTV",
                                  "--protocol", protocolFile.path, "--diagnostics", "--output", extracted.path])
    #expect(extractRun.status == 0, "\(extractRun.stderr)")

    // The audit worked: features of both cases, the GTV covering the blob (504 voxels of 2 mm³ at least).
    let features = try String(contentsOf: audit.appendingPathComponent("features.csv"), encoding: .utf8)
    for caseID in ["case-a", "case-b"] {
        let volume = features.split(separator: "\n").first { $0.hasPrefix("\(caseID),original,") && $0.contains(",YEKZ,") }
        let value = volume.flatMap { $0.split(separator: ",").last }.flatMap { Double($0) }
        #expect((value ?? 0) >= 1008, "\(caseID): \(volume.map(String.init) ?? "no voxel-counting volume in features.csv")")
    }
    #expect(features.split(separator: "\n").count > 100)
    let extractTable = try String(contentsOf: extracted, encoding: .utf8)
    #expect(extractTable.contains(",YEKZ,"))
    for name in ["acquisition.json", "inputs.csv", "report.html", "provenance.provx", "manifest.json"] {
        #expect(FileManager.default.fileExists(atPath: audit.appendingPathComponent(name).path), "\(name) missing")
    }

    var files = try outputFiles(under: output)
    #expect(files.contains { $0.name.hasPrefix("audit/cache/") }, "no cache written: \(files.map(\.name))")
    #expect(files.contains { $0.name.hasPrefix("audit/variants/") }, "no variants exported: \(files.map(\.name))")
    files += [("audit stdout", Data(auditRun.stdout.utf8)), ("audit stderr", Data(auditRun.stderr.utf8)),
              ("extract stdout", Data(extractRun.stdout.utf8)), ("extract stderr", Data(extractRun.stderr.utf8))]

    var leaks: [String] = []
    for file in files {
        for value in values where occurs(value, in: file.data, digitBounded: isDate(value)) {
            leaks.append("\(file.name): \(value)")
        }
        for date in dates.sorted() {
            let (year, month, day) = (date.prefix(4), date.dropFirst(4).prefix(2), date.suffix(2))
            let forms = [date, "\(year)-\(month)-\(day)", "\(year)/\(month)/\(day)", "\(year).\(month).\(day)",
                         "\(day).\(month).\(year)", "\(day)/\(month)/\(year)", "\(month)/\(day)/\(year)"]
            for form in forms where occurs(form, in: file.data, digitBounded: true) {
                leaks.append("\(file.name): date \(date) as \(form)")
            }
        }
    }
    #expect(leaks.isEmpty, "\(leaks.count) identifying values in the outputs:\n\(leaks.joined(separator: "\n"))")
}
