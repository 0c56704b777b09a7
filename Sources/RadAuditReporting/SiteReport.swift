import Foundation
import RadAuditAudit
import RadAuditImageIO

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

extension ProvenanceDocument {
    /// The provenance record of a `radaudit sites` run.
    public static func sites(_ analysis: SiteAnalysis, options: ProvenanceOptions = ProvenanceOptions()) -> ProvenanceDocument {
        let b = PROVBuilder(runUUID: PROVBuilder.uuid(for: Data("radaudit sites \(analysis.inputSHA256) \(analysis.started.timeIntervalSince1970)".utf8)))
        let generated = UTCTimestamp.format(options.generated)
        b.comment("RadAudit provenance record of a site-effect analysis: W3C PROV-XML (prov:document) with RadAudit "
                  + "extension elements (namespace \(ProvenanceNamespace.radaudit), schema radaudit-prov-1.0.xsd). "
                  + "Written \(generated).")
        let tool = b.identifier("radaudit")
        b.record("softwareAgent", id: tool, label: "radaudit \(analysis.toolVersion)", [.text("version", analysis.toolVersion)])
        let input = b.identifier("table", URL(fileURLWithPath: analysis.input).lastPathComponent)
        b.record("entity", id: input, location: analysis.input, types: [.qname("radaudit:FeatureTable")], [
            .text("sha256", analysis.inputSHA256), .text("siteColumn", analysis.siteColumn),
        ] + (analysis.idColumn.map { [.text("idColumn", $0)] } ?? []) + [
            .integer("nSamples", analysis.sampleIDs.count), .integer("nSites", analysis.siteOrder.count),
            .integer("nFeatures", analysis.featureNames.count),
        ])
        let testPlan = b.identifier("siteTestSettings")
        b.record("plan", id: testPlan, label: "site-effect tests", types: [.qname("radaudit:SiteTestSettings")], [
            .text("test", "kruskal-wallis"), .text("test", "anderson-darling"), .text("test", "ks"),
            .text("method", "q-values: Benjamini-Hochberg across features, per test"), .text("siteColumn", analysis.siteColumn),
        ])
        let start = UTCTimestamp.format(analysis.started), end = UTCTimestamp.format(analysis.finished)
        var outputs: [String: String] = [:]
        func output(_ file: TableFile, generatedBy activity: String, derivedFrom source: String) {
            let id = b.identifier("table", file.name)
            outputs[file.name] = id
            b.record("entity", id: id, location: file.name, types: [.qname("radaudit:Table")], [.text("sha256", file.sha256)])
            b.wasGeneratedBy(id, activity)
            b.wasDerivedFrom(id, source)
        }
        let before = b.identifier("siteTests", "before")
        b.activity(id: before, start: start, end: end, label: "site-effect tests", types: [.qname("radaudit:SiteEffectTest")],
                   [.text("stage", SiteTestResult.Stage.beforeHarmonisation.rawValue)])
        b.used(before, input)
        b.wasAssociatedWith(before, agent: tool, plan: testPlan)
        addSiteTestResults(analysis.tests, to: b, activity: before)
        for file in analysis.outputs { output(file, generatedBy: before, derivedFrom: input) }

        if let h = analysis.harmonisation {
            let plan = b.identifier("harmonisationSettings")
            b.record("plan", id: plan, label: "ComBat (\(h.method))", types: [.qname("radaudit:HarmonisationSettings")],
                     [.text("combatMethod", h.method), .boolean("parametric", h.method == "parametric" || h.method == "mean-only"),
                      .boolean("empiricalBayes", h.method != "no-eb"), .boolean("meanOnly", h.method == "mean-only"),
                      .text("siteColumn", analysis.siteColumn)]
                        + h.categorical.map { .text("categoricalCovariate", $0) } + h.continuous.map { .text("continuousCovariate", $0) }
                        + (h.referenceSite.map { [.text("referenceSite", $0)] } ?? []) + analysis.warnings.map { .text("warning", $0) })
            let harmonisation = b.identifier("harmonisation")
            b.activity(id: harmonisation, start: start, end: end, label: "ComBat harmonisation", types: [.qname("radaudit:Harmonisation")])
            b.used(harmonisation, input)
            b.wasAssociatedWith(harmonisation, agent: tool, plan: plan)
            let harmonised = h.outputs.first
            if let harmonised { output(harmonised, generatedBy: harmonisation, derivedFrom: input) }
            let after = b.identifier("siteTests", "after")
            b.activity(id: after, start: start, end: end, label: "site-effect tests after harmonisation",
                       types: [.qname("radaudit:SiteEffectTest")], [.text("stage", SiteTestResult.Stage.afterHarmonisation.rawValue)])
            if let harmonised, let id = outputs[harmonised.name] { b.used(after, id) }
            b.wasAssociatedWith(after, agent: tool, plan: testPlan)
            b.wasInformedBy(after, harmonisation)
            addSiteTestResults(h.tests, to: b, activity: after)
            for file in h.outputs.dropFirst() { output(file, generatedBy: after, derivedFrom: outputs[harmonised?.name ?? ""] ?? input) }
        }
        addReporting(b, agent: tool, generated: generated, used: [input] + outputs.keys.sorted().map { outputs[$0]! },
                     reportSHA256: options.reportSHA256)
        return ProvenanceDocument(builder: b)
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
