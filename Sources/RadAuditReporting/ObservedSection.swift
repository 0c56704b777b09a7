import RadAuditAudit
import RadAuditCore

/// Section 11 of the audit report, present when the audit observed real repeats (``ObservedStudy``): the design,
/// its warnings, how well each perturbation predicted robustness against the real variation, a scatter of
/// perturbation against observed agreement, and which acquisition parameter moves which feature.
extension AuditReport {
    /// Rows shown before a table is folded into a `<details>` element.
    static let observedPreviewRows = 25

    static func observed(_ results: AuditResults, _ observed: ObservedResults) -> String {
        let study = observed.study
        var html = "<p>"
        if let axis = study.raters {
            html += "Real repeats: \(study.subjects) subject(s) compared across \(HTML.escape(axis))s "
                + "\(study.raterValues.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: " vs ")); "
                + "\(HTML.escape(study.rule ?? "")) (robust by observation). Every row was also perturbed, so both "
                + "analyses come from this run. Tables: <code>\(ObservedStudy.stabilityName)</code>, "
                + "<code>\(ObservedStudy.validityName)</code>."
        }
        if !study.parameters.isEmpty {
            html += " Acquisition parameters whose effect is attributed: "
                + study.parameters.map { "<code>\(HTML.escape($0))</code>" }.joined(separator: ", ")
                + " (<code>\(ObservedStudy.effectsName)</code>, <code>\(ObservedStudy.levelsName)</code>)."
        }
        html += "</p>\n"
        if !study.warnings.isEmpty {
            html += "<ul class=\"warning\">" + study.warnings.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>\n"
        }
        if !observed.validity.isEmpty {
            let rows: [[HTMLTable.Cell]] = observed.validity.map { v in
                [.text(v.perturbation), .integer(v.truePositive), .integer(v.falsePositive), .integer(v.falseNegative),
                 .integer(v.trueNegative), .number(v.sensitivity, digits: 3), .number(v.specificity, digits: 3),
                 .markup("\(HTML.number(v.kappa, digits: 3)) [\(HTML.number(v.kappaLower, digits: 3)), "
                         + "\(HTML.number(v.kappaUpper, digits: 3))]", sortKey: HTML.sortKey(v.kappa), className: "num"),
                 .number(v.falseRobustFraction, digits: 3)]
            }
            html += "<h3>Does each perturbation predict robustness against the real variation?</h3>\n"
                + "<p class=\"note\">Robust by observation counted as the truth; features whose perturbation or observed "
                + "ICC is undefined are left out. tp: robust in both; fp: robust by perturbation only; fn: robust by "
                + "observation only. False robust fraction: fp / (tp + fp). κ: Cohen's kappa [95 % CI].</p>\n"
                + HTMLTable(caption: nil, columns: ["perturbation", "tp", "fp", "fn", "tn", "sensitivity", "specificity",
                                                    "κ [95 % CI]", "false robust fraction"], rows: rows).render()
        }
        if !observed.agreement.isEmpty {
            html += figure(scatter(results, observed),
                           caption: "Each feature's agreement under perturbation (x; the group pooling every variant, else "
                            + "the first group) against its agreement across the real repeats (y). Points on the diagonal "
                            + "agree; below it, perturbations overstate robustness. Hover a point for the feature.")
            let rows: [[HTMLTable.Cell]] = observed.agreement.map { row in
                let r = row.result
                return [.text(IBSINotation.familyAbbreviation(r.family)), .text(r.feature),
                        .text(r.aggregation == "none" ? "" : r.aggregation), .code(r.ibsiCode), .statistic(r.estimate),
                        .statistic(r.ciLow), .statistic(r.ciHigh), .text(r.kooLi),
                        .text(r.robust ? "yes" : "no", className: r.robust ? "yes" : "no"), .integer(r.cases), .text(row.note)]
            }
            let robust = observed.agreement.filter(\.result.robust).count
            html += "<details><summary>Agreement across the real repeats: \(robust) of \(observed.agreement.count) "
                + "features robust (every feature)</summary>\n"
                + HTMLTable(caption: nil, columns: ["family", "feature", "aggregation", "IBSI code", "estimate", "95 % CI low",
                                                    "95 % CI high", "Koo & Li", "robust", "subjects", "note"],
                            rows: rows).render() + "</details>\n"
        }
        let oneWay = observed.effects.filter { $0.model == "one-way" && $0.share.isFinite }
        if !oneWay.isEmpty {
            let strongest = oneWay.sorted { ($0.share, $1.key.feature) > ($1.share, $0.key.feature) }
            let rows: [[HTMLTable.Cell]] = strongest.prefix(observedPreviewRows).map { e in
                [.text(e.parameter), .text(IBSINotation.familyAbbreviation(e.key.family)), .text(e.key.displayName),
                 .code(e.key.ibsiCode), .integer(e.levels), .number(e.share, digits: 3), .number(e.pValue, digits: 3)]
            }
            html += "<h3>Which acquisition parameter moves which feature</h3>\n"
                + "<p class=\"note\">Share of each feature's variance explained by the parameter (one-way model, with "
                + "the subject as a factor when there are several subjects), largest first; the first "
                + "\(min(observedPreviewRows, strongest.count)) of \(strongest.count). The main-effects model and "
                + "per-level CV, QCD and range are in the CSV tables.</p>\n"
                + HTMLTable(caption: nil, columns: ["parameter", "family", "feature", "IBSI code", "levels", "share of variance",
                                                    "p"], rows: rows).render()
        }
        return section("observed", "11 Observed reproducibility", html)
    }

    /// Perturbation ICC (x) against observed ICC (y), one point per feature with both defined.
    static func scatter(_ results: AuditResults, _ observed: ObservedResults) -> String {
        let groups = results.perturbationGroups
        let group = groups.contains(StabilityResult.allGroup) ? StabilityResult.allGroup : groups.first ?? ""
        let perturbed = StabilityIndex(results.stability)
        let points = observed.agreement.compactMap { row -> (StabilityResult, StabilityResult)? in
            guard let p = perturbed[group, row.result.key], p.estimate.isFinite, row.result.estimate.isFinite
            else { return nil }
            return (p, row.result)
        }
        let size = 420.0, left = 70.0, top = 20.0, plot = 320.0
        // Negative ICCs (no between-subject variance) are drawn at the axis floor of −1.
        let low = max(-1, min(0, points.map { min($0.0.estimate, $0.1.estimate) }.min() ?? 0))
        let x = LinearScale(domain: low...1, range: left...(left + plot))
        let y = LinearScale(domain: low...1, range: top...(top + plot), flipped: true)
        var canvas = SVGCanvas(width: size + 150, height: size + 30)
        canvas.bottomAxis(x, y: top + plot, gridTop: top, label: "\(results.auditProtocol.stability.statistic), perturbation (\(group))")
        canvas.leftAxis(y, x: left, gridRight: left + plot, label: "\(observed.study.statistic ?? ""), observed")
        canvas.line(x1: x(low), y1: y(low), x2: x(1), y2: y(1), stroke: "#5b6470", dash: "4 3")
        let classes = [("robust in both", ChartColour.category(2)), ("perturbation only", ChartColour.category(5)),
                       ("observation only", ChartColour.category(0)), ("neither", "#9aa3ad")]
        for (p, o) in points {
            let colour = classes[p.robust ? (o.robust ? 0 : 1) : (o.robust ? 2 : 3)].1
            canvas.circle(x: x(max(low, p.estimate)), y: y(max(low, o.estimate)), radius: 3, fill: colour,
                          title: "\(p.key.displayName): perturbation \(HTML.number(p.estimate, digits: 3)), "
                            + "observed \(HTML.number(o.estimate, digits: 3))")
        }
        for (index, entry) in classes.enumerated() {
            canvas.circle(x: left + plot + 24, y: top + 10 + Double(index) * 18 - 4, radius: 4.5, fill: entry.1)
            canvas.text(entry.0, x: left + plot + 34, y: top + 10 + Double(index) * 18, size: 11)
        }
        return canvas.render(title: "Perturbation against observed agreement",
                             description: "\(points.count) features; diagonal: equal agreement")
    }
}
