import Foundation
import Testing
@testable import RadAuditAudit
@testable import RadAuditProvenance
@testable import RadAuditReporting
import RadAuditAuditFixtures

/// A deterministic three-site cohort: features 0–2 carry a site shift, feature 3 is bimodal within sites.
private func cohort(harmonised: Bool) -> SiteAnalysis {
    var state: UInt64 = 42
    func uniform() -> Double {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Double(state >> 11) / Double(1 << 53)
    }
    let sites = (0..<30).map { ["A", "B", "C"][$0 % 3] }
    let shift = ["A": 0.0, "B": 2.0, "C": -1.5]
    let values: [[Double]] = (0..<4).map { feature in
        sites.enumerated().map { sample, site in
            let noise = uniform() + uniform() + uniform() - 1.5
            if feature == 3 { return (sample % 2 == 0 ? 5 : -5) + 0.2 * noise }
            return 10 + noise + shift[site]! * (feature < 3 ? 1 : 0)
        }
    }
    let names = ["shifted <1>", "shifted 2", "shifted 3", "bimodal"]
    func tests(_ stage: SiteTestResult.Stage, _ p: Double) -> [SiteTestResult] {
        names.flatMap { name in
            [SiteTestResult(feature: name, test: "kruskal-wallis", groups: "A|B|C", statistic: 12, pValue: p, qValue: p * 2,
                            method: "chi2-tie-corrected", stage: stage),
             SiteTestResult(feature: name, test: "ks", groups: "A|B", statistic: 0.5, pValue: p, qValue: p * 3,
                            method: "exact", stage: stage)]
        }
    }
    let digest = String(repeating: "c", count: 64)
    return SiteAnalysis(
        input: "wide & <odd>.csv", inputSHA256: digest, siteColumn: "site", idColumn: "id",
        sampleIDs: sites.indices.map { "s\($0)" }, sites: sites, featureNames: names, values: values,
        tests: tests(.beforeHarmonisation, 0.001), outputs: [TableFile(name: "site_tests.csv", sha256: digest)],
        harmonisation: harmonised ? SiteAnalysis.Harmonisation(
            method: "parametric", categorical: ["sex"], continuous: ["age"], referenceSite: nil,
            values: values.map { $0.map { $0 * 0.9 } }, tests: tests(.afterHarmonisation, 0.4),
            outputs: [TableFile(name: "harmonized.csv", sha256: digest), TableFile(name: "site_tests_harmonized.csv", sha256: digest)])
            : nil,
        warnings: ["site 'C' is small"], started: Fixture.generated, finished: Fixture.generated, toolVersion: "0.1.0")
}

@Test(arguments: [false, true])
func siteRecordValidates(harmonised: Bool) throws {
    let data = ProvenanceDocument.sites(cohort(harmonised: harmonised), options: ProvenanceOptions(generated: Fixture.generated))
        .serialized()
    let issues = try ProvenanceValidator.bundled().validate(data, name: "sites.provx")
    #expect(issues.isEmpty, "\(issues.map(\.description).joined(separator: "\n"))")
    let xml = String(decoding: data, as: UTF8.self)
    #expect(xml.contains("<radaudit:test>kruskal-wallis</radaudit:test>"))
    #expect(xml.contains("<radaudit:pAdjustedBH xsi:type=\"xsd:double\">0.002</radaudit:pAdjustedBH>"))
    #expect(xml.contains("radaudit:Harmonisation") == harmonised)
    if harmonised {
        #expect(xml.contains("<radaudit:combatMethod>parametric</radaudit:combatMethod>"))
        #expect(xml.contains("<radaudit:empiricalBayes xsi:type=\"xsd:boolean\">true</radaudit:empiricalBayes>"))
        #expect(xml.contains("<radaudit:categoricalCovariate>sex</radaudit:categoricalCovariate>"))
        #expect(xml.contains("<radaudit:continuousCovariate>age</radaudit:continuousCovariate>"))
        #expect(xml.contains("<radaudit:stage>after</radaudit:stage>"))
    }
}

@Test func siteReportHasChartsAndEscapes() {
    let html = SiteReport.render(cohort(harmonised: true), generated: Fixture.generated)
    #expect(html.components(separatedBy: "<svg").count - 1 >= 3)
    #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("src="))
    #expect(html.contains("wide &amp; &lt;odd&gt;.csv"))
    #expect(html.contains("shifted &lt;1&gt;"))
    #expect(html.contains("after ComBat"))
    #expect(html.contains("PC1 ("))
    #expect(html.contains("site &#39;C&#39; is small"))
    #expect(html == SiteReport.render(cohort(harmonised: true), generated: Fixture.generated))
}

@Test func harmonisationChecksFlagSmallSitesConfoundingAndMultimodality() {
    let analysis = cohort(harmonised: false)
    let sexBySite = analysis.sites.map { $0 == "A" ? "F" : "M" }
    let ages: [String: Double] = ["A": 40, "B": 60, "C": 80]
    let ageBySite = analysis.sites.enumerated().map { ages[$0.element]! + 0.01 * Double($0.offset % 3) }
    let warnings = HarmonisationChecks.warnings(
        values: analysis.values, featureNames: analysis.featureNames, sites: analysis.sites,
        categorical: [("sex", sexBySite)], continuous: [("age", ageBySite)])
    #expect(warnings.contains { $0.contains("covariate 'sex'") && $0.contains("confounded") })
    #expect(warnings.contains { $0.contains("covariate 'age'") && $0.contains("η²") })
    #expect(warnings.contains { $0.contains("1 of 4 features") && $0.contains("bimodal") })

    let small = HarmonisationChecks.warnings(values: [[1, 2, 3, 4, 5]], featureNames: ["f"], sites: ["A", "A", "A", "A", "B"],
                                             categorical: [("sex", ["F", "M", "F", "M", "F"])])
    #expect(small.contains { $0.contains("site 'B' has 1 sample(s)") })
    #expect(!small.contains { $0.contains("site 'A'") })

    let balanced = analysis.sites.indices.map { $0 % 2 == 0 ? "F" : "M" }
    let clean = HarmonisationChecks.warnings(values: Array(analysis.values.prefix(3)), featureNames: ["a", "b", "c"],
                                             sites: analysis.sites, categorical: [("sex", balanced)])
    #expect(clean.isEmpty, "\(clean)")
}

@Test func bimodalityCoefficientSeparatesBimodalFromNormalData() {
    let bimodal: [Double] = (0..<40).map { index in
        let mode: Double = index % 2 == 0 ? 10 : -10
        return mode + Double(index % 5) * 0.1
    }
    #expect(HarmonisationChecks.bimodalityCoefficient(bimodal) > 5.0 / 9.0)
    // Evenly spaced normal quantiles: BC well below 5/9.
    let normal = (1...40).map { i -> Double in
        let p = (Double(i) - 0.5) / 40
        return (2.0).squareRoot() * inverseErf(2 * p - 1)
    }
    #expect(HarmonisationChecks.bimodalityCoefficient(normal) < 0.45)
    #expect(HarmonisationChecks.bimodalityCoefficient([1, 1, 1, 1]).isNaN)
}

/// Inverse error function by bisection (test helper).
private func inverseErf(_ y: Double) -> Double {
    var low = -6.0, high = 6.0
    for _ in 0..<200 {
        let mid = (low + high) / 2
        if erf(mid) < y { low = mid } else { high = mid }
    }
    return (low + high) / 2
}
