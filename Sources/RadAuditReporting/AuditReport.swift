import Foundation
import RadAuditConcurrency
import RadAuditAudit
import RadAuditCore

/// The HTML report of an audit: one self-contained page (inline CSS and SVG, a small optional script for
/// sorting tables; no external resources), readable on screen and printed. Given the same tables and `generated`
/// time it is byte-for-byte the same.
public enum AuditReport {
    /// Feature values of the original extraction are tabulated per case up to this many cases; beyond, as
    /// median and range over the cohort.
    public static let maximumValueColumns = 60

    /// - Parameter concurrency: how many threads may render sections at once.
    public static func render(_ results: AuditResults, generated: Date = Date(),
                              concurrency: Int = ProcessInfo.processInfo.activeProcessorCount) -> String {
        let stability = results.auditProtocol.stability
        let rule = IBSINotation.rule(stability)
        let groups = results.perturbationGroups
        let features = orderedFeatures(results)
        let title = "Stability audit: \(results.auditProtocol.name ?? "unnamed protocol")"
        var body = "<header><h1>\(HTML.escape(title))</h1>\n"
        body += "<p class=\"lead\">\(HTML.escape(results.run.tool)) \(HTML.escape(results.run.version))"
            + (results.run.commit.map { " (commit <code>\(HTML.escape(String($0.prefix(12))))</code>)" } ?? "")
            + " · run \(HTML.escape(results.run.started)) – \(HTML.escape(results.run.finished))"
            + " · report written \(HTML.escape(UTCTimestamp.format(generated)))</p></header>\n"
        body += """
            <nav class="toc"><a href="#summary">1 Summary</a><br><a href="#heatmap">2 Agreement heatmap</a><br>\
            <a href="#forest">3 Forest plots</a><br><a href="#diagnostics">4 Per-case diagnostics</a><br>\
            <a href="#robust">5 Robust features</a><br><a href="#stability">6 Every feature</a><br>\
            <a href="#values">7 Feature values</a><br><a href="#cohort">8 Cohort and variants</a><br>\
            <a href="#settings">9 Extraction settings</a><br><a href="#checklist">10 IBSI reporting checklist</a>
            """
        body += (results.observed == nil ? "" : "<br><a href=\"#observed\">11 Observed reproducibility</a>") + "</nav>\n"
        // The sections are independent: render them on up to `concurrency` threads, then join them in order.
        let sections: [@Sendable () -> String] = [
            { summary(results, groups: groups, features: features, rule: rule.text) },
            {
                section("heatmap", "2 Agreement heatmap",
                        figure(AuditCharts.heatmap(results, features: features, groups: groups, rule: rule.text),
                               caption: "\(stability.statistic) estimate of every feature (rows) for every perturbation "
                                + "group (columns); the group \u{201C}all\u{201D} pools every variant. Bold with a dot: \(rule.text). "
                                + "Hover a cell for its 95 % confidence interval."))
            },
            { forestPlots(results, features: features, groups: groups) },
            { diagnostics(results) },
            { robustTable(results, features: features, groups: groups, rule: rule.text) },
            { stabilityTable(results) },
            { valuesTable(results, features: features) },
            { cohortTables(results) },
            { settingsTable(results) },
            { checklist(results) },
            { results.observed.map { observed(results, $0) } ?? "" },
        ]
        body += sections.concurrentMap(width: concurrency) { $0() }.joined()
        body += "<footer>Written by radaudit from the tables of this audit directory (re-render with "
            + "<code>radaudit report DIR</code>). The W3C PROV-XML record <code>provenance.provx</code> beside this file "
            + "records the same run (validate it with <code>radaudit validate provenance.provx</code>).</footer>\n"
        return HTMLPage.render(title: title, body: body)
    }

    /// Features grouped by filter (the unfiltered image first, then the filters in protocol order), then in IBSI family
    /// order, then in the order of the stability table (or the feature table).
    static func orderedFeatures(_ results: AuditResults) -> [FeatureKey] {
        var seen = Set<String>()
        let keys = (results.stability.map(\.key) + results.features.map(\.key)).filter { seen.insert(AuditCharts.key($0)).inserted }
        return filters(of: keys).flatMap { filter in
            let filtered = keys.filter { $0.filter == filter }
            return AuditCharts.orderedFamilies(filtered).flatMap { family in filtered.filter { $0.family == family } }
        }
    }

    /// The filters of `keys` in order of first appearance, `none` first.
    static func filters(of keys: [FeatureKey]) -> [String] {
        var seen = Set<String>()
        let filters = keys.map(\.filter).filter { seen.insert($0).inserted }
        return filters.filter { $0 == "none" } + filters.filter { $0 != "none" }
    }

    static func section(_ id: String, _ title: String, _ content: String) -> String {
        "<section id=\"\(id)\"><h2>\(HTML.escape(title))</h2>\n\(content)</section>\n"
    }

    static func figure(_ svg: String, caption: String) -> String {
        "<figure>\n\(svg)<figcaption>\(HTML.escape(caption))</figcaption></figure>\n"
    }

    static func summary(_ results: AuditResults, groups: [String], features: [FeatureKey], rule: String) -> String {
        let p = results.auditProtocol
        var sites: [String: Int] = [:]
        var siteOrder: [String] = []
        for input in results.inputs {
            let site = input.site ?? "(none)"
            if sites[site] == nil { siteOrder.append(site) }
            sites[site, default: 0] += 1
        }
        let variantsPerCase = Dictionary(grouping: results.variants, by: \.caseID).values.map(\.count).max() ?? 0
        var html = "<dl class=\"summary\">\n"
        func item(_ term: String, _ value: String) { html += "<dt>\(HTML.escape(term))</dt><dd>\(value)</dd>\n" }
        item("Cohort", "\(results.caseIDs.count) cases: " + HTML.escape(results.caseIDs.joined(separator: ", ")))
        if !(siteOrder == ["(none)"]) {
            item("Sites", HTML.escape(siteOrder.map { "\($0) (\(sites[$0]!))" }.joined(separator: ", ")))
        }
        item("Protocol", HTML.escape(p.name ?? "unnamed") + (p.description.map { " — " + HTML.escape($0) } ?? "")
             + " · seed \(p.seed ?? AuditProtocol.defaultSeed)")
        item("Software", HTML.escape("\(results.run.tool) \(results.run.version)")
             + (results.run.commit.map { ", commit <code>\(HTML.escape($0))</code>" } ?? ""))
        item("Extraction", HTML.escape(IBSINotation.describe(p.extraction).filter {
            ["interpolation", "reSegmentation", "discretisation", "textureAggregation"].contains($0.element)
        }.map(\.value).joined(separator: " · ")))
        item("Variants", "\(variantsPerCase) per case (original included) in groups " + HTML.escape(groups.joined(separator: ", ")))
        item("Statistic", "<strong>\(HTML.escape(p.stability.statistic))</strong>, "
             + HTML.escape(IBSINotation.statisticName(p.stability.statistic)) + ", with its F-based 95 % confidence interval")
        item("Robustness rule", HTML.escape(rule) + " (Koo &amp; Li 2016: poor &lt; 0.50 ≤ moderate &lt; 0.75 ≤ good &lt; 0.90 ≤ excellent)")
        item("Threshold", "<strong>\(HTML.escape(Number.format(p.stability.threshold)))</strong> on the "
             + (p.stability.metric == .ciLow ? "lower bound of the 95 % CI" : "estimate"))
        item("Features", "\(features.count) features in \(AuditCharts.orderedFamilies(features).count) families")
        if !results.errors.isEmpty {
            item("Errors", "<span class=\"warning\">\(results.errors.count) case/variant extraction(s) failed — see section 4</span>")
        }
        if !results.run.warnings.isEmpty {
            item("Warnings", "<ul class=\"warning\">" + results.run.warnings.prefix(50).map { "<li>\(HTML.escape($0))</li>" }.joined()
                 + (results.run.warnings.count > 50 ? "<li>… and \(results.run.warnings.count - 50) more (run.json)</li>" : "") + "</ul>")
        }
        html += "</dl>\n<h3>Robust features per family and perturbation group</h3>\n"
        var rows: [[HTMLTable.Cell]] = []
        let families = AuditCharts.orderedFamilies(features)
        for family in families + ["total"] {
            var row: [HTMLTable.Cell] = [.text(family == "total" ? "all families" : IBSINotation.familyName(family))]
            for group in groups {
                let results = results.stability.filter { $0.perturbation == group && (family == "total" || $0.family == family) }
                let robust = results.filter(\.robust).count
                row.append(.markup("\(robust) / \(results.count)", sortKey: String(robust), className: "num"))
            }
            rows.append(row)
        }
        html += HTMLTable(caption: nil, columns: ["family"] + groups, rows: rows, sortable: false).render()
        let filters = filters(of: features)
        if filters != ["none"] {
            html += "<h3>Robust features per filter and perturbation group</h3>\n"
            let filterRows: [[HTMLTable.Cell]] = filters.map { filter in
                [.code(filter)] + groups.map { group in
                    let scored = results.stability.filter { $0.perturbation == group && $0.filter == filter }
                    let robust = scored.filter(\.robust).count
                    return .markup("\(robust) / \(scored.count)", sortKey: String(robust), className: "num")
                }
            }
            html += HTMLTable(caption: nil, columns: ["filter"] + groups, rows: filterRows, sortable: false).render()
        }
        return section("summary", "1 Summary", html)
    }

    static func forestPlots(_ results: AuditResults, features: [FeatureKey], groups: [String]) -> String {
        let stability = results.auditProtocol.stability
        var html = "<p class=\"note\">Estimate (point) and 95 % confidence interval (bar) per feature and perturbation "
            + "group, over the Koo &amp; Li reliability bands; the dashed red line is the robustness threshold "
            + "(\(HTML.escape(Number.format(stability.threshold)))). Intervals are clipped to the axis.</p>\n"
        for family in AuditCharts.orderedFamilies(features) where results.stability.contains(where: { $0.family == family }) {
            html += "<h3>\(HTML.escape(IBSINotation.familyName(family)))</h3>\n"
            html += figure(AuditCharts.forestPlot(results, family: family, features: features, groups: groups,
                                                  statistic: stability.statistic, threshold: stability.threshold),
                           caption: "\(IBSINotation.familyName(family)) (\(IBSINotation.familyAbbreviation(family)), "
                            + "\(IBSINotation.familyID(family) ?? "no IBSI code")).")
        }
        return section("forest", "3 Forest plots", html)
    }

    static func diagnostics(_ results: AuditResults) -> String {
        var html = "<p class=\"note\">ROI size and mean intensity of every case under every variant. A case whose "
            + "points scatter far from the others, or whose original (diamond) sits apart, deserves a look at its image "
            + "and mask.</p>\n"
        let charts: [(KeyPath<CaseDiagnostics, Double>, String, String, String)] = [
            (\.roiVoxels, "ROI volume (voxels)", "ROI volume per case and variant",
             "ROI volume (voxels of the intensity mask) per case and variant."),
            (\.roiMeanIntensity, "ROI mean intensity", "ROI mean intensity per case and variant",
             "Mean intensity inside the ROI per case and variant."),
        ]
        for (value, label, title, caption) in charts {
            if results.diagnostics.contains(where: { $0[keyPath: value].isFinite }) {
                html += figure(AuditCharts.diagnostics(results, value: { $0[keyPath: value] }, label: label, title: title),
                               caption: caption)
            } else {
                html += "<p class=\"note\">\(HTML.escape(label)): no values in cases.csv.</p>\n"
            }
        }
        if !results.errors.isEmpty {
            html += HTMLTable(caption: "Failed extractions", columns: ["case", "variant", "error"],
                              rows: results.errors.map { [.text($0.caseID), .text($0.variantID), .text($0.error)] }).render()
        }
        return section("diagnostics", "4 Per-case diagnostics", html)
    }

    /// Features robust in the `all` group (or, without one, in every group), with their IBSI codes.
    static func robustTable(_ results: AuditResults, features: [FeatureKey], groups: [String], rule: String) -> String {
        let lookup = Dictionary(results.stability.map { ("\($0.perturbation)\u{0}\(AuditCharts.key($0.key))", $0) }) { a, _ in a }
        let decisive = groups.contains(StabilityResult.allGroup) ? [StabilityResult.allGroup] : groups
        let robust = features.filter { feature in
            decisive.allSatisfy { lookup["\($0)\u{0}\(AuditCharts.key(feature))"]?.robust == true }
        }
        var rows: [[HTMLTable.Cell]] = []
        for feature in robust {
            var row: [HTMLTable.Cell] = [.text(IBSINotation.familyAbbreviation(feature.family)), .text(feature.feature),
                                         .text(feature.aggregation == "none" ? "" : feature.aggregation), .code(feature.ibsiCode),
                                         .code(IBSINotation.nomenclature(feature, settings: results.auditProtocol.extraction))]
            for group in groups {
                if let r = lookup["\(group)\u{0}\(AuditCharts.key(feature))"] {
                    row.append(.markup("\(HTML.statistic(r.estimate)) [\(HTML.statistic(r.ciLow)), \(HTML.statistic(r.ciHigh))]",
                                       sortKey: HTML.sortKey(r.estimate), className: "num"))
                } else {
                    row.append(.text(""))
                }
            }
            rows.append(row)
        }
        let scope = decisive == [StabilityResult.allGroup] ? "in the group pooling every variant (all)" : "in every group"
        let html = "<p>\(robust.count) of \(features.count) features are robust \(HTML.escape(scope)): "
            + "\(HTML.escape(rule)). Cells: estimate [95 % CI].</p>\n"
            + HTMLTable(caption: nil, columns: ["family", "feature", "aggregation", "IBSI code", "IBSI name"] + groups,
                        rows: rows).render()
        return section("robust", "5 Robust features", html)
    }

    static func stabilityTable(_ results: AuditResults) -> String {
        let rows: [[HTMLTable.Cell]] = results.stability.map { r in
            [.text(r.perturbation), .text(IBSINotation.familyAbbreviation(r.family)), .text(r.feature),
             .text(r.aggregation == "none" ? "" : r.aggregation), .code(r.ibsiCode), .text(r.statistic),
             .statistic(r.estimate), .statistic(r.ciLow), .statistic(r.ciHigh), .text(r.kooLi),
             .text(r.robust ? "yes" : "no", className: r.robust ? "yes" : "no"), .integer(r.cases), .integer(r.raters)]
        }
        let html = "<p class=\"note\">Every feature in every perturbation group (click a header to sort). "
            + "cases: subjects with a value for every variant of the group; raters: variants (the original included).</p>\n"
            + HTMLTable(caption: nil, columns: ["group", "family", "feature", "aggregation", "IBSI code", "statistic", "estimate",
                                                "95 % CI low", "95 % CI high", "Koo & Li", "robust", "cases", "raters"],
                        rows: rows, id: "stability-table").render()
        return section("stability", "6 Every feature: agreement per group", html)
    }

    static func valuesTable(_ results: AuditResults, features: [FeatureKey]) -> String {
        let originals = results.features.filter { $0.variantID == AuditResults.originalVariant }
        let values = Dictionary(originals.map { ("\($0.caseID)\u{0}\(AuditCharts.key($0.key))", $0.value) }) { a, _ in a }
        let cases = results.caseIDs
        var html = "<p class=\"note\">Feature values of the original (unperturbed) extraction; every variant's values are in "
            + "<code>features.csv</code>.</p>\n"
        if cases.count <= maximumValueColumns {
            let rows: [[HTMLTable.Cell]] = features.map { feature in
                [.text(IBSINotation.familyAbbreviation(feature.family)), .text(feature.displayName), .code(feature.ibsiCode)]
                    + cases.map { caseID in
                        values["\(caseID)\u{0}\(AuditCharts.key(feature))"].map { HTMLTable.Cell.number($0) } ?? .text("")
                    }
            }
            html += HTMLTable(caption: nil, columns: ["family", "feature", "IBSI code"] + cases, rows: rows).render()
        } else {
            let rows: [[HTMLTable.Cell]] = features.map { feature in
                let v = cases.compactMap { values["\($0)\u{0}\(AuditCharts.key(feature))"] }.filter(\.isFinite).sorted()
                let median = v.isEmpty ? Double.nan : (v[(v.count - 1) / 2] + v[v.count / 2]) / 2
                return [.text(IBSINotation.familyAbbreviation(feature.family)), .text(feature.displayName), .code(feature.ibsiCode),
                        .integer(v.count), .number(v.first ?? .nan), .number(median), .number(v.last ?? .nan)]
            }
            html += "<p class=\"note\">\(cases.count) cases: summarised per feature.</p>\n"
                + HTMLTable(caption: nil, columns: ["family", "feature", "IBSI code", "cases", "minimum", "median", "maximum"],
                            rows: rows).render()
        }
        return section("values", "7 Feature values", html)
    }

    static func cohortTables(_ results: AuditResults) -> String {
        let metadataKeys = Array(Set(results.inputs.flatMap(\.metadata.keys))).sorted()
        let inputRows: [[HTMLTable.Cell]] = results.inputs.map { input in
            [.text(input.caseID), .text(input.site ?? ""), .text(input.image), .code(String(input.imageSHA256.prefix(16)) + "…"),
             .text(input.mask), .code(String(input.maskSHA256.prefix(16)) + "…")]
                + metadataKeys.map { .text(input.metadata[$0] ?? "") }
        }
        var html = "<p class=\"note\">SHA-256 digests are shortened here; the provenance record has them in full.</p>\n"
        html += HTMLTable(caption: "Cases", columns: ["case", "site", "image", "image SHA-256", "mask", "mask SHA-256"] + metadataKeys,
                          rows: inputRows).render()
        let variantRows: [[HTMLTable.Cell]] = results.variants.map { v in
            [.text(v.caseID), .text(v.variantID), .text(v.perturbation), .code(v.parameters),
             .markup(v.seed.map(String.init) ?? "", sortKey: v.seed.map(String.init), className: "num")]
        }
        html += HTMLTable(caption: "Perturbation variants", columns: ["case", "variant", "perturbation", "parameters", "seed"],
                          rows: variantRows).render()
        return section("cohort", "8 Cohort and variants", html)
    }

    static func settingsTable(_ results: AuditResults) -> String {
        let rows: [[HTMLTable.Cell]] = IBSINotation.describe(results.auditProtocol.extraction).map { s in
            [.text(s.label), .code(s.value), .code(s.ibsiIDs.joined(separator: " ")), .text(s.items.joined(separator: ", "))]
        }
        return section("settings", "9 Extraction settings",
                       HTMLTable(caption: nil, columns: ["setting", "IBSI notation", "IBSI identifier", "reporting item"],
                                 rows: rows, sortable: false).render())
    }

    static func checklist(_ results: AuditResults) -> String {
        let entries = ReportingChecklist.entries(for: results)
        let filled = entries.filter { $0.status == .filled }.count
        let partial = entries.filter { $0.status == .partial }.count
        let rows: [[HTMLTable.Cell]] = entries.map { e in
            let status: String
            switch e.status {
            case .filled: status = "run"
            case .partial: status = "run + author"
            case .author: status = "author"
            }
            return [.text(e.item.id), .text(e.item.section), .text(e.item.topic), .text(e.item.modalities),
                    .text(status, className: e.status.rawValue), .text(e.value)]
        }
        let html = "<p>IBSI 1 reporting guidelines, items 1–76 (Zwanenburg et al., Radiology 2020): this run filled "
            + "\(filled) of \(entries.count) items and part of \(partial) more; the author must supply the rest. Status: "
            + "<em>run</em> — answered by this run; <em>run + author</em> — RadAudit states its part, the author adds "
            + "what happened before; <em>author</em> — only the author can answer.</p>\n"
            + HTMLTable(caption: nil, columns: ["item", "section", "topic", "modality", "status", "answer from the run"],
                        rows: rows).render()
        return section("checklist", "10 IBSI reporting checklist", html)
    }
}
