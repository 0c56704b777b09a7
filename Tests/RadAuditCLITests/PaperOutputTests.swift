import Foundation
import RadAuditCore
import Testing

/// The paper's files of an audit (`methods.md`, `figures/*.svg`, `tables/*.csv|tex`), `robust_features.csv` and
/// `features_wide.csv`: present, consistent with the long tables, and the same bytes when rendered again.
@Test func paperOutputsAreWrittenAndDeterministic() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        seed: 5
        extraction:
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          families: [intensity_statistics, glcm]
        perturbations:
          noise: {repetitions: 2, sigma: 10}
          mask: {dilate_mm: [1]}
        stability:
          required: [noise]
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    let output = directory.appendingPathComponent("audit").path
    let run = try CLI.run(["audit", "--protocol", protocolPath, "--cases", "fixtures/cohort/cases.csv", "--output", output])
    #expect(run.status == 0, "\(run.stderr)")
    let names = ["methods.md", "robust_features.csv", "features_wide.csv", "figures/heatmap.svg", "figures/forest_glcm.svg",
                 "tables/robust_per_group.csv", "tables/robust_per_group.tex", "tables/robust_features.csv",
                 "tables/robust_features.tex"]
    func contents() throws -> [Data] { try names.map { try Data(contentsOf: URL(fileURLWithPath: output + "/" + $0)) } }
    let first = try contents()
    #expect(try CLI.run(["report", output]).status == 0)
    #expect(try contents() == first, "the paper's files changed when rendered again")

    let methods = try String(contentsOfFile: output + "/methods.md", encoding: .utf8)
    #expect(methods.contains("digital phantom 482/482") && methods.contains("CT phantom C 209/209"))
    #expect(methods.contains("protocol seed 5") && methods.contains("ICC(1,1)") && methods.contains("Koo and Li [5]"))
    #expect(methods.contains("noise-1") && methods.contains("Zwanenburg A, Leger S"))
    let svg = try String(contentsOfFile: output + "/figures/heatmap.svg", encoding: .utf8)
    #expect(svg.hasPrefix("<?xml") && svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(try String(contentsOfFile: output + "/tables/robust_per_group.tex", encoding: .utf8).contains("\\toprule"))

    // robust_features.csv: exactly the features robust in the required group (noise) of stability.csv.
    let stability = try CSVTable.load(output + "/stability.csv")
    let column = { (name: String) in stability.column(name)! }
    let expected = Set(stability.rows.filter { $0.fields[column("perturbation")] == "noise" && $0.fields[column("robust")] == "true" }
        .map { $0.fields[column("ibsi_code")] + "|" + $0.fields[column("aggregation")] })
    let robust = try CSVTable.load(output + "/robust_features.csv")
    #expect(Set(robust.rows.map { $0.fields[robust.column("ibsi_code")!] + "|" + $0.fields[robust.column("aggregation")!] }) == expected)
    #expect(!expected.isEmpty)

    // features_wide.csv: one row per case × variant, one uniquely named column per feature, the values of features.csv.
    let wide = try CSVTable.load(output + "/features_wide.csv")
    #expect(Array(wide.header.prefix(4)) == ["case_id", "variant_id", "perturbation", "site"])
    #expect(Set(wide.header).count == wide.header.count)
    #expect(wide.rows.count == 6 * 4)
    let long = try CSVTable.load(output + "/features.csv")
    let mean = long.rows.first { $0.fields[0] == "case3" && $0.fields[1] == "noise-2" && $0.fields[5] == "Q4LE" }!
    let row = wide.rows.first { $0.fields[0] == "case3" && $0.fields[1] == "noise-2" }!
    #expect(row.fields[wide.column("intensity_statistics_mean_intensity")!] == mean.fields[7])
    // … which `sites` reads as it is (the original rows are the samples).
    let sites = try CLI.run(["sites", "--input", output + "/features_wide.csv", "--site", "site", "--id", "case_id",
                             "--output", directory.appendingPathComponent("sites").path])
    #expect(sites.status == 0 && sites.stderr.contains("radaudit: 6 samples at 3 sites"), "\(sites.stderr)")
}

/// The conformance counts `methods.md` states are the reference values of the fixtures' IBSI 1 tables, which the
/// feature tests reproduce one by one.
@Test func theStatedConformanceCountsAreTheReferenceTables() throws {
    func count(_ file: String, configuration: String? = nil) throws -> Int {
        let table = try CSVTable.load(CLI.repository.appendingPathComponent("fixtures/ibsi1/\(file)").path)
        let value = table.column("value")!, config = table.column("configuration")!
        return table.rows.filter { !["", "NA"].contains($0.fields[value]) && (configuration == nil || $0.fields[config] == configuration) }.count
    }
    let methods = try String(contentsOfFile: CLI.repository.appendingPathComponent("reports/examples/audit-example/methods.md").path,
                             encoding: .utf8)
    let digital = try count("reference_values_digital_phantom.csv")
    #expect(methods.contains("digital phantom \(digital)/\(digital)"))
    for c in ["A", "B", "C", "D", "E"] {
        let n = try count("reference_values_ct_phantom_configs_A-E.csv", configuration: c)
        #expect(methods.contains("CT phantom \(c) \(n)/\(n)"))
    }
}
