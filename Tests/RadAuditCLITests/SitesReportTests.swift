import Foundation
import Testing

/// A wide table of 36 samples from three sites with sex and age covariates: 12 features with site shifts and scale
/// differences, 8 without.
private func wideTable() -> String {
    var state: UInt64 = 7
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let shift = ["A": 0.0, "B": 1.0, "C": -0.7], scale = ["A": 1.0, "B": 1.6, "C": 0.8]
    var text = "id,site,sex,age," + (1...20).map { "f\($0)" }.joined(separator: ",") + "\n"
    for sample in 0..<36 {
        let site = sample < 14 ? "A" : sample < 26 ? "B" : "C"
        let age = 40 + (sample * 7) % 40
        var cells = ["p\(sample)", site, sample % 2 == 0 ? "F" : "M", "\(age)"]
        for feature in 0..<20 {
            var value = (uniform() + uniform() + uniform() + uniform() - 2) + 0.02 * Double(age - 60)
            if feature < 12 { value = value * scale[site]! + shift[site]! * (1 + Double(feature) / 10) }
            cells.append("\(value * 10 + 100)")
        }
        text += cells.joined(separator: ",") + "\n"
    }
    return text
}

@Test func sitesHarmonizeWritesTestsTableReportAndValidRecord() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let input = directory.appendingPathComponent("wide.csv")
    try wideTable().write(to: input, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out")
    let run = try CLI.run(["sites", "--input", input.path, "--site", "site", "--id", "id", "--harmonize", "parametric",
                           "--categorical", "sex", "--continuous", "age", "--output", out.path])
    #expect(run.status == 0, "\(run.stderr)")
    for name in ["site_tests.csv", "harmonized.csv", "site_tests_harmonized.csv", "report.html", "provenance.provx"] {
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
    }
    let harmonized = try String(contentsOf: out.appendingPathComponent("harmonized.csv"), encoding: .utf8)
    #expect(harmonized.hasPrefix("id,site,sex,age,f1,"))
    let before = try String(contentsOf: out.appendingPathComponent("site_tests.csv"), encoding: .utf8)
    let after = try String(contentsOf: out.appendingPathComponent("site_tests_harmonized.csv"), encoding: .utf8)
    func significant(_ csv: String) -> Int {
        csv.split(separator: "\n").dropFirst().filter { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return cells[1] == "kruskal-wallis" && (Double(cells[5]) ?? 1) < 0.05
        }.count
    }
    #expect(significant(before) >= 8)
    #expect(significant(after) < significant(before))
    let report = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
    #expect(report.components(separatedBy: "<svg").count - 1 >= 3)
    #expect(report.contains("after ComBat"))
    let validate = try CLI.run(["validate", out.appendingPathComponent("provenance.provx").path])
    #expect(validate.status == 0, "\(validate.stderr)")
}

@Test func sitesWarnsAboutComBatAssumptions() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    var text = "id,site,scanner,f1,f2\n"
    for sample in 0..<13 {
        let site = sample < 6 ? "A" : sample < 12 ? "B" : "C"
        text += "s\(sample),\(site),\(site == "A" ? "X" : "Y"),\(Double(sample) * 1.3),\(Double(sample % 4))\n"
    }
    let input = directory.appendingPathComponent("wide.csv")
    try text.write(to: input, atomically: true, encoding: .utf8)
    let out = directory.appendingPathComponent("out")
    let run = try CLI.run(["sites", "--input", input.path, "--site", "site", "--harmonize", "mean-only",
                           "--categorical", "scanner", "--output", out.path])
    #expect(run.stderr.contains("site 'C' has 1 sample(s)"), "\(run.stderr)")
    #expect(run.stderr.contains("covariate 'scanner'") && run.stderr.contains("confounded"), "\(run.stderr)")

    let misuse = try CLI.run(["sites", "--input", input.path, "--site", "site", "--categorical", "scanner", "--output", out.path])
    #expect(misuse.status != 0 && misuse.stderr.contains("need --harmonize"))
}
