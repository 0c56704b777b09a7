import Foundation
import RadAuditCore
import RadAuditStatistics
import Testing

/// `merge` of 200 shard directories (synthetic: copies of a one-case audit, renamed and rescaled per shard): the merged
/// `features.csv` is the shards' rows in cohort order, byte for byte, whatever the order the directories are named
/// in; the stability equals the ICC computed here with the statistics library; progress is reported.
@Test func mergeOfTwoHundredShards() throws {
    let directory = try CLI.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    let protocolPath = directory.appendingPathComponent("p.yaml").path
    try """
        extraction:
          discretisation: {texture: {method: fixed_bin_size, bin_width: 25}}
          families: [intensity_statistics]
        perturbations:
          noise: {repetitions: 2, sigma: 10}
        """.write(toFile: protocolPath, atomically: true, encoding: .utf8)
    let cohort = CLI.repository.appendingPathComponent("fixtures/cohort").path
    let one = directory.appendingPathComponent("one.csv").path
    try "case_id,image,mask\ncase1,\(cohort)/case1_image.nii.gz,\(cohort)/case1_mask.nii.gz\n"
        .write(toFile: one, atomically: true, encoding: .utf8)
    let template = directory.appendingPathComponent("template").path
    let audit = try CLI.run(["audit", "--protocol", protocolPath, "--cases", one, "--output", template, "--shard", "1/1"])
    #expect(audit.status == 0, "\(audit.stderr)")

    // Shard k holds case<k> at cohort position k − 1, its values scaled by a per-case factor and a per-variant wobble.
    let count = 200
    func table(_ name: String) throws -> CSVTable.File { try CSVTable.load(template + "/" + name) }
    let features = try table("features.csv"), variants = try table("variants.csv")
    let valueColumn = features.column("value")!, variantColumn = features.column("variant_id")!
    let variantIDs = variants.rows.map { $0.fields[variants.column("variant_id")!] }
    var expectedBody = ""
    var shards: [String] = []
    for k in 1...count {
        let shard = directory.appendingPathComponent("shard-\(k)").path
        try FileManager.default.createDirectory(atPath: shard, withIntermediateDirectories: true)
        func renamed(_ name: String, _ edit: (inout [String], [String]) -> Void = { _, _ in }) throws -> String {
            let file = try table(name)
            let rows = file.rows.map { record -> [String] in
                var fields = record.fields
                if let c = file.column("case_id") { fields[c] = "case\(k)" }
                if let p = file.column("case_position") { fields[p] = String(k - 1) }
                edit(&fields, file.header)
                return fields
            }
            let text = CSVTable.render(header: file.header, rows: rows)
            try text.write(toFile: shard + "/" + name, atomically: true, encoding: .utf8)
            return text
        }
        let body = try renamed("features.csv") { fields, _ in
            let v = Double(variantIDs.firstIndex(of: fields[variantColumn])!)
            let value = Double(fields[valueColumn])!
            fields[valueColumn] = Number.format(value * (1 + 0.01 * Double(k)) * (1 + 1e-3 * sin(Double(k) * (v + 1))))
        }
        expectedBody += body.drop { $0 != "\n" }.dropFirst()
        for name in ["variants.csv", "errors.csv", "cases.csv", "inputs.csv"] { _ = try renamed(name) }
        try FileManager.default.copyItem(atPath: template + "/protocol.yaml", toPath: shard + "/protocol.yaml")
        var run = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: template + "/run.json"))) as! [String: Any]
        run["shard"] = "\(k)/\(count)"
        try JSONSerialization.data(withJSONObject: run, options: [.sortedKeys]).write(to: URL(fileURLWithPath: shard + "/run.json"))
        try Data("{\"complete\": true, \"files\": []}".utf8).write(to: URL(fileURLWithPath: shard + "/manifest.json"))
        shards.append(shard)
    }

    let merged = directory.appendingPathComponent("merged").path
    let run = try CLI.run(["merge"] + shards.reversed() + ["--output", merged])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stderr.contains("radaudit: 200 of 200 cases merged"), "\(run.stderr)")
    let text = try String(contentsOfFile: merged + "/features.csv", encoding: .utf8)
    #expect(text == features.header.joined(separator: ",") + "\n" + expectedBody)

    // ICC(1,1) of the noise group for every feature, from the values written above.
    let mergedFeatures = try CSVTable.load(merged + "/features.csv")
    var values: [String: [String: [String: Double]]] = [:]  // code|aggregation → case → variant → value
    for row in mergedFeatures.rows {
        let f = row.fields
        values[f[5] + "|" + f[6], default: [:]][f[0], default: [:]][f[1]] = Double(f[valueColumn])!
    }
    let stability = try CSVTable.load(merged + "/stability.csv")
    #expect(stability.rows.count == values.count)
    for row in stability.rows {
        let f = Dictionary(uniqueKeysWithValues: zip(stability.header, row.fields))
        let byCase = values[f["ibsi_code"]! + "|" + f["aggregation"]!]!
        let table = (1...count).map { k in variantIDs.map { byCase["case\(k)"]![$0]! } }
        let icc = IntraclassCorrelation(.oneWaySingle, anova: TwoWayANOVA(table))
        #expect(f["cases"] == "200" && f["raters"] == "3")
        #expect(abs(Double(f["estimate"]!)! - icc.estimate) <= 1e-12, "\(f["feature"]!)")
        #expect(abs(Double(f["ci_low"]!)! - icc.lower) <= 1e-12, "\(f["feature"]!)")
    }
    #expect(FileManager.default.fileExists(atPath: merged + "/manifest.json"))
}
