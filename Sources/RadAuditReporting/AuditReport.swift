import Foundation
import RadAuditConcurrency
import RadAuditAudit
import RadAuditCore
import RadAuditStatistics

/// The HTML report of an audit: one self-contained page (inline CSS and SVG, a small optional script for
/// sorting tables; no external resources), readable on screen and printed. Given the same tables and `generated`
/// time it is byte-for-byte the same.
public enum AuditReport {
    /// Feature values of the original extraction are tabulated per case up to this many cases; beyond, as
    /// median and range over the cohort.
    public static let maximumValueColumns = 60
    /// Rows any table of the page shows; beyond, the page says which CSV file holds them all.
    public static let maximumTableRows = 250
    /// Cells (features × groups) up to which the agreement heatmap is drawn; beyond, a family × group summary.
    public static let maximumHeatmapCells = 6000
    /// Cases up to which every case is drawn in the per-case diagnostics; beyond, only the cases flagged.
    public static let maximumDiagnosticCases = 40

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
                guard features.count * groups.count <= maximumHeatmapCells else { return familyHeatmap(results, groups: groups) }
                return section("heatmap", "2 Agreement heatmap",
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
        let listed = results.caseIDs.prefix(20).joined(separator: ", ")
            + (results.caseIDs.count > 20 ? ", … (\(results.caseIDs.count - 20) more in inputs.csv)" : "")
        item("Cohort", "\(results.caseIDs.count) cases: " + HTML.escape(listed))
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
        let byFamily = RobustCounts(results.stability, category: \.family)
        func cell(_ c: (robust: Int, scored: Int)) -> HTMLTable.Cell {
            .markup("\(c.robust) / \(c.scored)", sortKey: String(c.robust), className: "num")
        }
        let families = AuditCharts.orderedFamilies(features)
        let rows: [[HTMLTable.Cell]] = (families.map(Optional.some) + [nil]).map { family in
            [.text(family.map(IBSINotation.familyName) ?? "all families")] + groups.map { cell(byFamily.count(family, $0)) }
        }
        html += HTMLTable(caption: nil, columns: ["family"] + groups, rows: rows, sortable: false).render()
        let filters = filters(of: features)
        if filters != ["none"] {
            html += "<h3>Robust features per filter and perturbation group</h3>\n"
            let byFilter = RobustCounts(results.stability, category: \.filter)
            let filterRows: [[HTMLTable.Cell]] = filters.map { filter in
                [.code(filter)] + groups.map { cell(byFilter.count(filter, $0)) }
            }
            html += HTMLTable(caption: nil, columns: ["filter"] + groups, rows: filterRows, sortable: false).render()
        }
        return section("summary", "1 Summary", html)
    }

    static func forestPlots(_ results: AuditResults, features: [FeatureKey], groups: [String]) -> String {
        let stability = results.auditProtocol.stability
        var html = "<p class=\"note\">Estimate (point) and 95 % confidence interval (bar) per feature and perturbation "
            + "group, over the Koo &amp; Li reliability bands; the dashed red line is the robustness threshold "
            + "(\(HTML.escape(Number.format(stability.threshold)))). Intervals are clipped to the axis, which is the same "
            + "for every family. One family per fold (click to open); every plot is also in <code>figures/</code>.</p>\n"
        let plotted = AuditCharts.orderedFamilies(features).filter { family in results.stability.contains { $0.family == family } }
        let lookup = StabilityIndex(results.stability)
        for (index, family) in plotted.enumerated() {
            let count = features.filter { $0.family == family }.count
            html += "<details\(index == 0 ? " open" : "")><summary>\(HTML.escape(IBSINotation.familyName(family))) "
                + "(\(count) features)</summary>\n"
            html += figure(AuditCharts.forestPlot(results, family: family, features: features, groups: groups,
                                                  statistic: stability.statistic, threshold: stability.threshold, lookup: lookup),
                           caption: "\(IBSINotation.familyName(family)) (\(IBSINotation.familyAbbreviation(family)), "
                            + "\(IBSINotation.familyID(family) ?? "no IBSI code")).")
            html += "</details>\n"
        }
        return section("forest", "3 Forest plots", html)
    }

    static func diagnostics(_ results: AuditResults) -> String {
        var html = "<p class=\"note\">ROI size and mean intensity of every case under every variant. A case whose "
            + "points scatter far from the others, or whose original (diamond) sits apart, deserves a look at its image "
            + "and mask.</p>\n"
        var drawn: [String]? = nil
        if results.caseIDs.count > maximumDiagnosticCases {
            let flagged = flaggedCases(results)
            drawn = Array(flagged.prefix(maximumDiagnosticCases).map(\.caseID))
            html += "<p>\(results.caseIDs.count) cases: \(flagged.count) flagged (their ROI volume varies across variants by "
                + "more than three times the cohort's median, or their original ROI mean intensity lies beyond 3 SD of the "
                + "cohort's); \(drawn!.count) are drawn, the rest are summarised by <code>cases.csv</code>.</p>\n"
            html += HTMLTable(caption: "Flagged cases", columns: ["case", "ROI volume CV across variants", "mean intensity z"],
                              rows: flagged.map { [.text($0.caseID), .number($0.volumeCV, digits: 3), .number($0.intensityZ, digits: 3)] },
                              limit: maximumTableRows, source: "cases.csv").render()
        }
        let charts: [(KeyPath<CaseDiagnostics, Double>, String, String, String)] = [
            (\.roiVoxels, "ROI volume (voxels)", "ROI volume per case and variant",
             "ROI volume (voxels of the intensity mask) per case and variant."),
            (\.roiMeanIntensity, "ROI mean intensity", "ROI mean intensity per case and variant",
             "Mean intensity inside the ROI per case and variant."),
        ]
        for (value, label, title, caption) in charts where drawn?.isEmpty != true {
            if results.diagnostics.contains(where: { $0[keyPath: value].isFinite }) {
                html += figure(AuditCharts.diagnostics(results, value: { $0[keyPath: value] }, label: label, title: title,
                                                       cases: drawn),
                               caption: caption)
            } else {
                html += "<p class=\"note\">\(HTML.escape(label)): no values in cases.csv.</p>\n"
            }
        }
        if !results.errors.isEmpty {
            html += HTMLTable(caption: "Failed extractions", columns: ["case", "variant", "error"],
                              rows: results.errors.map { [.text($0.caseID), .text($0.variantID), .text($0.error)] },
                              limit: maximumTableRows, source: "errors.csv").render()
        }
        return section("diagnostics", "4 Per-case diagnostics", html)
    }

    /// Cases whose diagnostics stand out, most extreme first: the coefficient of variation of the ROI volume across
    /// the case's variants above three times the cohort's median, or an original ROI mean intensity more than 3 SD
    /// from the cohort's mean.
    static func flaggedCases(_ results: AuditResults) -> [(caseID: String, volumeCV: Double, intensityZ: Double)] {
        let byCase = Dictionary(grouping: results.diagnostics, by: \.caseID)
        var cvs: [String: Double] = [:], originals: [String: Double] = [:]
        for (caseID, records) in byCase {
            let volumes = records.map(\.roiVoxels).filter(\.isFinite)
            if volumes.count > 1 {
                let mean = Summation.mean(volumes)
                cvs[caseID] = mean > 0 ? Summation.variance(volumes).squareRoot() / mean : .nan
            }
            if let original = records.first(where: { $0.variantID == AuditResults.originalVariant })?.roiMeanIntensity,
               original.isFinite { originals[caseID] = original }
        }
        let sortedCV = cvs.values.filter(\.isFinite).sorted()
        let medianCV = sortedCV.isEmpty ? Double.nan : sortedCV[sortedCV.count / 2]
        let means = Array(originals.values)
        let mean = Summation.mean(means), sd = Summation.variance(means).squareRoot()
        return results.caseIDs.compactMap { caseID -> (String, Double, Double)? in
            let cv = cvs[caseID] ?? .nan
            let z = originals[caseID].map { sd > 0 ? ($0 - mean) / sd : 0 } ?? .nan
            guard (cv.isFinite && medianCV.isFinite && cv > 3 * max(medianCV, 1e-9)) || abs(z) > 3 else { return nil }
            return (caseID, cv, z)
        }.sorted { max($0.1 / max(medianCV, 1e-9), abs($0.2)) > max($1.1 / max(medianCV, 1e-9), abs($1.2)) }
    }

    /// The answer per perturbation group: robust counts, which features survive which groups (an UpSet-style
    /// table of the robustness patterns), and the recommended features (robust in every required group).
    static func robustTable(_ results: AuditResults, features: [FeatureKey], groups: [String], rule: String) -> String {
        let lookup = StabilityIndex(results.stability)
        let perturbationGroups = groups.filter { $0 != StabilityResult.allGroup }
        var html = "<p>\(HTML.escape(rule)). Robust features per group:</p>\n"
        html += HTMLTable(caption: nil, columns: ["group", "robust", "of"], rows: groups.map { group in
            let scored = features.compactMap { lookup[group, $0] }
            return [.text(group), .integer(scored.filter(\.robust).count), .integer(scored.count)]
        }, sortable: false).render()

        // Robustness patterns: the set of perturbation groups each feature survives, most common first.
        var patterns: [[Bool]: Int] = [:]
        for feature in features {
            let pattern = perturbationGroups.map { lookup[$0, feature]?.robust == true }
            patterns[pattern, default: 0] += 1
        }
        let ranked = patterns.sorted { ($0.value, $0.key.filter { $0 }.count) > ($1.value, $1.key.filter { $0 }.count) }
        if perturbationGroups.count > 1 {
            html += "<h3>Which features survive which perturbations</h3>\n<p class=\"note\">Each row is one pattern of "
                + "robustness (● robust in that group), with the number of features that follow it, most common first.</p>\n"
            let patternRows: [[HTMLTable.Cell]] = ranked.prefix(30).map { entry in
                [HTMLTable.Cell.integer(entry.value)]
                    + entry.key.map { $0 ? HTMLTable.Cell.markup("●", className: "r1") : HTMLTable.Cell.markup("", className: "r0") }
            }
            html += HTMLTable(caption: nil, columns: ["features"] + perturbationGroups, rows: patternRows, sortable: false).render()
        }

        let required = RobustFeatures.requiredGroups(results.stability, required: results.auditProtocol.stability.required)
        let recommended = Set(RobustFeatures.recommended(results.stability, required: results.auditProtocol.stability.required)
            .map(\.key))
        let robust = features.filter(recommended.contains)
        let rows: [[HTMLTable.Cell]] = robust.map { feature in
            [.text(IBSINotation.familyAbbreviation(feature.family)), .text(feature.displayName), .code(feature.ibsiCode)]
                + groups.map { group in
                    lookup[group, feature].map { HTMLTable.Cell.statistic($0.estimate) } ?? .text("")
                }
        }
        html += "<h3>Recommended features</h3>\n<p>\(robust.count) of \(features.count) features are robust in every required "
            + "group (\(HTML.escape(required.joined(separator: ", "))); <code>stability: required:</code>), listed in "
            + "<code>\(RobustFeatures.fileName)</code>. Cells: estimate.</p>\n"
            + HTMLTable(caption: nil, columns: ["family", "feature", "IBSI code"] + groups, rows: rows, id: "robust-table",
                        limit: maximumTableRows, source: RobustFeatures.fileName, filterable: rows.count > 20).render()
        return section("robust", "5 Robust features", html)
    }

    /// Every feature's estimate in every group, one row per feature (robust cells shaded), with a search box; the
    /// intervals, classes and counts are in `stability.csv`.
    static func stabilityTable(_ results: AuditResults) -> String {
        let groups = results.perturbationGroups
        let features = orderedFeatures(results)
        let lookup = StabilityIndex(results.stability)
        let rows: [[HTMLTable.Cell]] = features.map { feature in
            [.text(IBSINotation.familyAbbreviation(feature.family)), .text(feature.displayName), .code(feature.ibsiCode)]
                + groups.map { group in
                    guard let r = lookup[group, feature] else { return .text("") }
                    return .markup(HTML.statistic(r.estimate), className: r.robust ? "num r1" : "num")
                }
        }
        let html = "<p class=\"note\">\(results.auditProtocol.stability.statistic) estimate of every feature in every group "
            + "(shaded: robust); click a header to sort, type to search. Confidence intervals, Koo &amp; Li classes and the "
            + "numbers of cases are in <code>stability.csv</code>.</p>\n"
            + HTMLTable(caption: nil, columns: ["family", "feature", "IBSI code"] + groups, rows: rows, id: "stability-table",
                        limit: 2000, source: "stability.csv", filterable: true).render()
        return section("stability", "6 Every feature: agreement per group", html)
    }

    /// Robust fractions per family and group, coloured, in place of the feature heatmap when it would be too large.
    static func familyHeatmap(_ results: AuditResults, groups: [String]) -> String {
        let families = AuditCharts.orderedFamilies(orderedFeatures(results))
        let counts = RobustCounts(results.stability, category: \.family)
        let rows: [[HTMLTable.Cell]] = families.map { family in
            [.text(IBSINotation.familyName(family))] + groups.map { group in
                let (robust, scored) = counts.count(family, group)
                let fraction = scored > 0 ? Double(robust) / Double(scored) : 0
                return .markup("<span style=\"background:\(ChartColour.agreement(fraction));padding:0 6px\">\(robust)/\(scored)</span>",
                               sortKey: String(robust), className: "num")
            }
        }
        return section("heatmap", "2 Agreement overview",
                       "<p class=\"note\">\(orderedFeatures(results).count) features × \(groups.count) groups: too many for a "
                       + "per-feature heatmap (<code>figures/heatmap.svg</code> has it); robust features per family and group "
                       + "instead.</p>\n" + HTMLTable(caption: nil, columns: ["family"] + groups, rows: rows, sortable: false).render())
    }

    static func valuesTable(_ results: AuditResults, features: [FeatureKey]) -> String {
        let originals = results.features.filter { $0.variantID == AuditResults.originalVariant }
        let values = Dictionary(originals.map { ("\($0.caseID)\u{0}\(AuditCharts.key($0.key))", $0.value) }) { a, _ in a }
        let cases = results.caseIDs
        var html = "<p class=\"note\">Feature values of the original (unperturbed) extraction; every variant's values are in "
            + "<code>features.csv</code>.</p>\n"
        if cases.count <= maximumValueColumns && features.count <= maximumTableRows {
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

    /// The cases (file names only: the paths of the machine that ran the audit stay in `inputs.csv` and the record)
    /// and the variants (one row per variant: the same for every case but its seed, which `variants.csv` gives).
    static func cohortTables(_ results: AuditResults) -> String {
        let metadataKeys = Array(Set(results.inputs.flatMap(\.metadata.keys))).sorted()
        func name(_ path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
        let inputRows: [[HTMLTable.Cell]] = results.inputs.map { input in
            [.text(input.caseID), .text(input.site ?? ""), .text(name(input.image)), .code(String(input.imageSHA256.prefix(16)) + "…"),
             .text(name(input.mask)), .code(String(input.maskSHA256.prefix(16)) + "…")]
                + metadataKeys.map { .text(input.metadata[$0] ?? "") }
        }
        var html = "<p class=\"note\">File names and shortened SHA-256 digests; <code>inputs.csv</code> and the provenance "
            + "record have the paths and digests in full.</p>\n"
        html += HTMLTable(caption: "Cases", columns: ["case", "site", "image", "image SHA-256", "mask", "mask SHA-256"] + metadataKeys,
                          rows: inputRows, id: "cases-table", limit: maximumTableRows, source: "inputs.csv",
                          filterable: inputRows.count > 20).render()
        var seen = Set<String>()
        var variantRows: [[HTMLTable.Cell]] = []
        for v in results.variants where seen.insert(v.variantID).inserted {
            variantRows.append([.code(v.variantID), .text(v.perturbation), .code(v.parameters.replacingOccurrences(of: ";", with: "; "))])
        }
        html += HTMLTable(caption: "Perturbation variants (per case seeds in variants.csv)",
                          columns: ["variant", "perturbation", "parameters"], rows: variantRows,
                          limit: maximumTableRows, source: "variants.csv").render()
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
