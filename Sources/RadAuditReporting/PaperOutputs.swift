import Foundation
import RadAuditAudit
import RadAuditCore

/// What a co-author pastes into the paper, written beside the report from the same tables (by `radaudit audit`,
/// `merge` and `report`): `methods.md`, a methods paragraph with its references; `figures/*.svg`, each chart of the
/// report as a standalone SVG; `tables/*.csv` and `tables/*.tex`, the summary tables as CSV and as LaTeX (booktabs).
/// Nothing in them depends on the time of writing: the same tables give the same files.
enum PaperOutputs {
    static let methodsName = "methods.md"
    static let figuresDirectory = "figures"
    static let tablesDirectory = "tables"

    /// IBSI 1 reference values this version reproduces within tolerance (its test suite and
    /// `../shared/tools/ibsi-conformance.sh`): the digital phantom, then CT phantom configurations A–E.
    static let conformance = [("digital phantom", 482), ("CT phantom A", 346), ("CT phantom B", 346),
                              ("CT phantom C", 209), ("CT phantom D", 210), ("CT phantom E", 210)]

    static func write(_ results: AuditResults, directory: String) throws {
        let base = URL(fileURLWithPath: directory)
        let figures = base.appendingPathComponent(figuresDirectory), tables = base.appendingPathComponent(tablesDirectory)
        try FileManager.default.createDirectory(at: figures, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: tables, withIntermediateDirectories: true)
        try AtomicFile.write(methods(results), to: base.appendingPathComponent(methodsName).path)

        let groups = results.perturbationGroups
        let features = AuditReport.orderedFeatures(results)
        let rule = IBSINotation.rule(results.auditProtocol.stability).text
        var charts: [(String, String)] = [("heatmap", AuditCharts.heatmap(results, features: features, groups: groups, rule: rule))]
        let lookup = StabilityIndex(results.stability)
        for family in AuditCharts.orderedFamilies(features) where results.stability.contains(where: { $0.family == family }) {
            charts.append(("forest_\(family)", AuditCharts.forestPlot(results, family: family, features: features, groups: groups,
                                                                      statistic: results.auditProtocol.stability.statistic,
                                                                      threshold: results.auditProtocol.stability.threshold,
                                                                      lookup: lookup)))
        }
        if let observed = results.observed, !observed.agreement.isEmpty {
            charts.append(("perturbation_vs_observed", AuditReport.scatter(results, observed)))
        }
        for (name, svg) in charts {
            try AtomicFile.write(standalone(svg), to: figures.appendingPathComponent("\(name).svg").path)
        }

        for (name, header, rows) in summaryTables(results, groups: groups) {
            try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: tables.appendingPathComponent("\(name).csv").path)
            try AtomicFile.write(latex(header: header, rows: rows), to: tables.appendingPathComponent("\(name).tex").path)
        }
    }

    /// An inline HTML `<svg>` as a standalone SVG file (with its namespace and an XML declaration).
    static func standalone(_ svg: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            + (svg.hasPrefix("<svg ") ? "<svg xmlns=\"http://www.w3.org/2000/svg\" " + svg.dropFirst(5) : svg)
    }

    /// `robust_per_group` (robust features per family and group), `robust_features` (the recommended list) and, with
    /// real repeats, `perturbation_validity`.
    static func summaryTables(_ results: AuditResults, groups: [String]) -> [(String, [String], [[String]])] {
        let families = AuditCharts.orderedFamilies(AuditReport.orderedFeatures(results))
        let counts = RobustCounts(results.stability, category: \.family)
        let perGroup = (families.map(Optional.some) + [nil]).map { family in
            [family.map(IBSINotation.familyName) ?? "all families"] + groups.map { group -> String in
                let c = counts.count(family, group)
                return c.scored > 0 ? "\(c.robust)/\(c.scored)" : ""
            }
        }
        let filtered = results.stability.contains { $0.filter != "none" }
        let robust = RobustFeatures.rows(results.stability, required: results.auditProtocol.stability.required, filtered: filtered)
        var tables = [("robust_per_group", ["family"] + groups, perGroup),
                      ("robust_features", RobustFeatures.columns(filtered: filtered), robust)]
        if let validity = results.observed?.validity, !validity.isEmpty {
            tables.append(("perturbation_validity", PerturbationValidity.columns, validity.map(\.fields)))
        }
        return tables
    }

    /// A booktabs `tabular` of the table (text escaped for LaTeX).
    static func latex(header: [String], rows: [[String]]) -> String {
        func escape(_ text: String) -> String {
            var out = ""
            for c in text {
                switch c {
                case "\\": out += "\\textbackslash{}"
                case "&", "%", "$", "#", "_", "{", "}": out += "\\\(c)"
                case "~": out += "\\textasciitilde{}"
                case "^": out += "\\textasciicircum{}"
                default: out.append(c)
                }
            }
            return out
        }
        var text = "% Generated by radaudit from this audit's tables.\n"
        text += "\\begin{tabular}{l" + String(repeating: "r", count: max(0, header.count - 1)) + "}\n\\toprule\n"
        text += header.map(escape).joined(separator: " & ") + " \\\\\n\\midrule\n"
        for row in rows { text += row.map(escape).joined(separator: " & ") + " \\\\\n" }
        return text + "\\bottomrule\n\\end{tabular}\n"
    }

    /// The methods paragraph: software, IBSI compliance, settings in IBSI notation, perturbations with their
    /// parameters and seed, the statistic and rule (Koo & Li), the number of robust features; then references.
    static func methods(_ results: AuditResults) -> String {
        let p = results.auditProtocol
        let settings = IBSINotation.describe(p.extraction).map { "\($0.label.lowercased()): \($0.value)" }
        let caseCount = results.caseIDs.count
        var variants: [(id: String, parameters: String)] = []
        var seen = Set<String>()
        for v in results.variants where v.variantID != AuditResults.originalVariant && seen.insert(v.variantID).inserted {
            variants.append((v.variantID, v.parameters))
        }
        let groups = results.perturbationGroups
        let required = RobustFeatures.requiredGroups(results.stability, required: p.stability.required)
        let recommended = RobustFeatures.recommended(results.stability, required: p.stability.required).count
        let featureCount = Set(results.stability.map(\.key)).count
        let rule = IBSINotation.rule(p.stability)
        let commit = results.run.commit.map { " (commit \(String($0.prefix(12))))" } ?? ""
        var text = "# Methods\n\n"
        text += "*Generated by \(results.run.tool) \(results.run.version) from the tables of this audit; edit freely.*\n\n"
        text += "Radiomic features were extracted with \(results.run.tool) \(results.run.version)\(commit), which reproduces "
            + "the reference values of the Image Biomarker Standardisation Initiative (IBSI) [1] within tolerance: "
            + conformance.map { "\($0.0) \($0.1)/\($0.1)" }.joined(separator: ", ") + ". "
        text += "Image processing followed the IBSI reference manual: " + settings.joined(separator: "; ") + ".\n\n"
        text += "Robustness was assessed on \(caseCount) case(s) by image perturbation in the manner of Zwanenburg et al. [2]: "
            + "each case was perturbed \(variants.count) time(s) ("
            + variants.map { "\($0.id)" + ($0.parameters.isEmpty ? "" : " [\($0.parameters)]") }.joined(separator: "; ")
            + ") and its features re-extracted. Every random draw was seeded from the protocol seed "
            + "\(p.seed ?? AuditProtocol.defaultSeed), the case and the variant, so the analysis is reproducible. "
        text += "Per perturbation group (\(groups.joined(separator: ", "))) agreement between the original and the perturbed "
            + "extractions was quantified by the intraclass correlation coefficient \(p.stability.statistic) "
            + "(\(IBSINotation.statisticName(p.stability.statistic))) [3, 4] with its F-based 95 % confidence interval; a "
            + "feature was deemed robust \(rule.text.replacingOccurrences(of: "robust when ", with: "when ")), judged against "
            + "the reliability bands of Koo and Li [5] (poor < 0.50 ≤ moderate < 0.75 ≤ good < 0.90 ≤ excellent). "
        text += "Of \(featureCount) features, \(recommended) were robust in every required group ("
            + required.joined(separator: ", ") + ").\n"
        if let observed = results.observed, let axis = observed.study.raters {
            text += "\nAgreement across real \(axis)s (\(observed.study.raterValues.joined(separator: " vs ")); "
                + "\(observed.study.subjects) subjects) was quantified by \(observed.study.statistic ?? "") and compared with the "
                + "robustness under each perturbation (sensitivity, specificity and Cohen's kappa [6]).\n"
        }
        text += """

            ## References

            1. Zwanenburg A, Vallières M, Abdalah MA, et al. The Image Biomarker Standardization Initiative: standardized \
            quantitative radiomics for high-throughput image-based phenotyping. Radiology 2020;295:328–338.
            2. Zwanenburg A, Leger S, Agolli L, et al. Assessing robustness of radiomic features by image perturbation. \
            Sci Rep 2019;9:614.
            3. Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability. Psychol Bull 1979;86:420–428.
            4. McGraw KO, Wong SP. Forming inferences about some intraclass correlation coefficients. Psychol Methods \
            1996;1:30–46.
            5. Koo TK, Li MY. A guideline of selecting and reporting intraclass correlation coefficients for reliability \
            research. J Chiropr Med 2016;15:155–163.

            """
        if results.observed?.study.raters != nil {
            text += "6. Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37–46.\n"
        }
        return text
    }
}
