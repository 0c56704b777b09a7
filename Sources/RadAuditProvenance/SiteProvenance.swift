import Foundation
import RadAuditAudit

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
