import Foundation
import RadAuditCore
import Testing
@testable import RadAuditAudit
@testable import RadAuditReporting

/// The report of a 300-case audit (synthetic tables: 16 variants in 9 groups, 200 features) stays within its budget:
/// at most 5 MB, and no table shows more than `maximumTableRows` rows unless it has a search box.
@Test func aThreeHundredCaseReportStaysWithinItsBudget() throws {
    let families = ["morphology", "intensity_statistics", "glcm", "glrlm", "glszm"]
    let features = (0..<200).map { i in
        FeatureKey(family: families[i % families.count], feature: "Feature \(i)", ibsiCode: String(format: "F%03d", i),
                   aggregation: i % 3 == 0 ? "none" : "3D")
    }
    let groups = ["noise", "rotation", "translation", "volume_adaptation", "contour_randomisation", "mask", "resampling", "NTVC"]
    let variantIDs = ["original"] + (0..<15).map { "v\($0)" }
    func group(_ v: Int) -> String { v == 0 ? "none" : groups[(v - 1) % groups.count] }
    // A fixed linear congruential sequence: the same tables on every run.
    var state: UInt64 = 42
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let cases = (1...300).map { String(format: "case%03d", $0) }
    var variants: [VariantRecord] = [], diagnostics: [CaseDiagnostics] = [], originals: [FeatureValue] = []
    var inputs: [AuditInput] = []
    for (position, c) in cases.enumerated() {
        inputs.append(AuditInput(caseID: c, site: ["A", "B", "C"][position % 3], image: "/data/\(c)/ct.nii.gz",
                                 mask: "/data/\(c)/gtv.nii.gz", imageSHA256: String(repeating: "a", count: 64),
                                 maskSHA256: String(repeating: "b", count: 64)))
        for (v, id) in variantIDs.enumerated() {
            variants.append(VariantRecord(caseID: c, casePosition: position, variantID: id, perturbation: group(v),
                                          parameters: v == 0 ? "" : "p=\(v)", seed: UInt64(position * 100 + v), notes: ""))
            diagnostics.append(CaseDiagnostics(caseID: c, variantID: id, site: nil, roiVoxels: 5000 + 100 * uniform(),
                                               roiMeanIntensity: 40 + uniform()))
        }
        for f in features {
            originals.append(FeatureValue(caseID: c, variantID: "original", perturbation: "none", family: f.family,
                                          feature: f.feature, ibsiCode: f.ibsiCode, aggregation: f.aggregation, value: uniform()))
        }
    }
    var stability: [StabilityResult] = []
    for g in groups + ["all"] {
        for f in features {
            let estimate = uniform()
            stability.append(StabilityResult(perturbation: g, family: f.family, feature: f.feature, ibsiCode: f.ibsiCode,
                                             aggregation: f.aggregation, statistic: "ICC(1,1)", estimate: estimate,
                                             ciLow: estimate - 0.1, ciHigh: min(1, estimate + 0.05),
                                             kooLi: estimate - 0.1 >= 0.75 ? "good" : "moderate",
                                             robust: estimate - 0.1 >= 0.75, cases: 300, raters: 3))
        }
    }
    let results = AuditResults(directory: "/tmp/synthetic", run: RunInfo(version: "0.1.0", started: "2026-12-02T00:00:00Z",
                                                                        finished: "2026-12-02T01:00:00Z", seed: 1, jobs: 2),
                               auditProtocol: try AuditProtocol.parse("name: scale", path: "p.yaml"), inputs: inputs,
                               features: originals, variants: variants, stability: stability, diagnostics: diagnostics,
                               errors: [])
    let html = AuditReport.render(results, generated: Date(timeIntervalSince1970: 1_800_000_000))
    #expect(html.utf8.count <= 5_000_000, "report is \(html.utf8.count) bytes")
    // Every table: its rows, and whether a search box filters it.
    var index = html.startIndex
    var tables = 0
    while let start = html.range(of: "<table", range: index..<html.endIndex) {
        let end = html.range(of: "</table>", range: start.upperBound..<html.endIndex)!
        let rows = html[start.lowerBound..<end.upperBound].components(separatedBy: "<tr>").count - 2  // without the header
        let from = html.index(start.lowerBound, offsetBy: -400, limitedBy: html.startIndex) ?? html.startIndex
        let filtered = html[from..<start.lowerBound].contains("data-filter=")
        #expect(rows <= (filtered ? 2000 : AuditReport.maximumTableRows), "a table of \(rows) rows without a search box")
        tables += 1
        index = end.upperBound
    }
    #expect(tables >= 8)
    // The summary names some cases, not all 300; no path of the machine that ran the audit.
    #expect(!html.contains("case300,") && html.contains("more in inputs.csv"))
    #expect(!html.contains("/data/case001"))
    #expect(html.contains("Which features survive which perturbations"))
    #expect(html.contains("300 cases: ") && html.contains(" flagged"))
}
