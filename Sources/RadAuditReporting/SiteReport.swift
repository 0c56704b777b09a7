import Foundation
import RadAuditAudit
import RadAuditImageIO
import RadAuditCore
import RadAuditProvenance

/// The HTML report of `radaudit sites`: site-effect tests per feature and, with harmonisation, what ComBat changed.
public enum SiteReport {
    /// How many features get a distribution chart (those with the strongest site effect before harmonisation).
    public static let distributionCharts = 6

    public static func render(_ analysis: SiteAnalysis, generated: Date = Date()) -> String {
        let input = URL(fileURLWithPath: analysis.input).lastPathComponent
        let title = "Site effects: \(input)"
        var body = "<header><h1>\(HTML.escape(title))</h1>\n<p class=\"lead\">radaudit \(HTML.escape(analysis.toolVersion)) · run "
            + "\(HTML.escape(UTCTimestamp.format(analysis.started))) – \(HTML.escape(UTCTimestamp.format(analysis.finished)))"
            + " · report written \(HTML.escape(UTCTimestamp.format(generated)))</p></header>\n"
        body += summary(analysis)
        if !analysis.warnings.isEmpty {
            body += AuditReport.section("warnings", "Warnings", analysis.warnings.map {
                "<p class=\"warning\">\(HTML.escape($0))</p>\n"
            }.joined())
        }
        var charts = AuditReport.figure(SiteCharts.significantShare(before: analysis.tests, after: analysis.harmonisation?.tests),
                                        caption: "Share of features with a Benjamini–Hochberg q-value below 0.05 per test"
                                            + (analysis.harmonisation == nil ? "." : ", before and after ComBat."))
        if let pca = SiteCharts.pca(analysis) {
            charts += AuditReport.figure(pca, caption: "First two principal components of the standardised features "
                                            + "(missing values at the feature mean), one point per sample, coloured by site. "
                                            + "Site clusters that ComBat removes show as overlapping clouds after harmonisation.")
        }
        charts += "<h3>Features with the strongest site effect</h3>\n"
        for index in strongestFeatures(analysis) {
            charts += AuditReport.figure(SiteCharts.distribution(analysis, feature: index),
                                         caption: "\(analysis.featureNames[index]): values by site (box: quartiles, bar: median).")
        }
        body += AuditReport.section("charts", "Charts", charts)
        body += testTable(analysis)
        body += "<footer>Written by radaudit sites. The W3C PROV-XML record <code>provenance.provx</code> beside this file "
            + "records the inputs, settings and every test (validate it with <code>radaudit validate provenance.provx</code>)."
            + "</footer>\n"
        return HTMLPage.render(title: title, body: body)
    }

    static func summary(_ analysis: SiteAnalysis) -> String {
        var html = "<dl class=\"summary\">\n"
        func item(_ term: String, _ value: String) { html += "<dt>\(HTML.escape(term))</dt><dd>\(value)</dd>\n" }
        item("Input", "<code>\(HTML.escape(analysis.input))</code> (SHA-256 <code>\(HTML.escape(analysis.inputSHA256))</code>)")
        let counts = analysis.siteOrder.map { site in "\(site) (\(analysis.sites.filter { $0 == site }.count))" }
        item("Samples", "\(analysis.sampleIDs.count) in \(analysis.siteOrder.count) sites (column "
             + "<code>\(HTML.escape(analysis.siteColumn))</code>): \(HTML.escape(counts.joined(separator: ", ")))")
        item("Features", "\(analysis.featureNames.count)")
        item("Tests", "Kruskal–Wallis and Anderson–Darling k-sample across sites, two-sample Kolmogorov–Smirnov per site "
             + "pair; q-values: Benjamini–Hochberg across features (per test)")
        for test in SiteCharts.testOrder(analysis.tests) {
            let before = SiteCharts.significantShare(analysis.tests, test: test)
            var text = "\(before.significant) of \(before.total) with q &lt; 0.05"
            if let after = analysis.harmonisation.map({ SiteCharts.significantShare($0.tests, test: test) }) {
                text += " before, \(after.significant) of \(after.total) after ComBat"
            }
            item(SiteCharts.testName(test), text)
        }
        if let h = analysis.harmonisation {
            var settings = "ComBat, <strong>\(HTML.escape(h.method))</strong>"
            if !h.categorical.isEmpty { settings += "; categorical covariates: " + HTML.escape(h.categorical.joined(separator: ", ")) }
            if !h.continuous.isEmpty { settings += "; continuous covariates: " + HTML.escape(h.continuous.joined(separator: ", ")) }
            if let reference = h.referenceSite { settings += "; reference site: " + HTML.escape(reference) }
            item("Harmonisation", settings + " (Johnson et al. 2007; Fortin et al. 2018; as neuroCombat and sva::ComBat)")
        }
        html += "</dl>\n"
        return AuditReport.section("summary", "Summary", html)
    }

    /// Features in order of their Kruskal–Wallis p-value before harmonisation (smallest first), at most
    /// ``distributionCharts``.
    static func strongestFeatures(_ analysis: SiteAnalysis) -> [Int] {
        let p = Dictionary(analysis.tests.filter { $0.test == "kruskal-wallis" }.map { ($0.feature, $0.pValue) }) { a, _ in a }
        return analysis.featureNames.indices
            .filter { p[analysis.featureNames[$0]]?.isFinite == true }
            .sorted { (p[analysis.featureNames[$0]]!, $0) < (p[analysis.featureNames[$1]]!, $1) }
            .prefix(distributionCharts).map { $0 }
    }

    static func testTable(_ analysis: SiteAnalysis) -> String {
        let after = analysis.harmonisation.map { h in
            Dictionary(h.tests.map { ("\($0.feature)\u{0}\($0.test)\u{0}\($0.groups)", $0) }) { a, _ in a }
        }
        let rows: [[HTMLTable.Cell]] = analysis.tests.map { t in
            var row: [HTMLTable.Cell] = [.text(t.feature), .text(SiteCharts.testName(t.test)), .text(t.groups.replacingOccurrences(of: "|", with: ", ")),
                                         .number(t.statistic), .number(t.pValue, digits: 3), .number(t.qValue, digits: 3),
                                         .text(t.qValue < 0.05 ? "yes" : "no", className: t.qValue < 0.05 ? "no" : "yes")]
            if let after {
                let a = after["\(t.feature)\u{0}\(t.test)\u{0}\(t.groups)"]
                row += [.number(a?.qValue ?? .nan, digits: 3),
                        .text(a.map { $0.qValue < 0.05 ? "yes" : "no" } ?? "", className: (a?.qValue ?? 1) < 0.05 ? "no" : "yes")]
            }
            return row
        }
        let columns = ["feature", "test", "sites", "statistic", "p", "q", "q < 0.05"]
            + (after == nil ? [] : ["q after ComBat", "q < 0.05 after"])
        return AuditReport.section("tests", "Every test", "<p class=\"note\">One row per feature and test (click a header to sort).</p>\n"
                                    + HTMLTable(caption: nil, columns: columns, rows: rows).render())
    }
}

/// Writes `report.html` and `provenance.provx` of a `radaudit sites` run.
public enum SiteReportWriter {
    /// Renders both, validates the record, then writes both atomically into `directory`.
    @discardableResult
    public static func write(_ analysis: SiteAnalysis, directory: String, generated: Date = Date(),
                             validator: ProvenanceValidator? = nil) throws -> (report: String, provenance: String) {
        let html = Data(SiteReport.render(analysis, generated: generated).utf8)
        let record = ProvenanceDocument.sites(analysis, options: ProvenanceOptions(generated: generated,
                                                                                   reportSHA256: SHA256Digest.hex(of: html)))
        return try AuditReportWriter.write(report: html, record: record, directory: directory, validator: validator)
    }
}
