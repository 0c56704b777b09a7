import Foundation
import RadAuditAudit
import RadAuditFeatures

/// The inline SVG charts of the audit report.
enum AuditCharts {
    /// Feature × perturbation-group heatmap of the agreement estimate, grouped by family, robust cells marked.
    static func heatmap(_ results: AuditResults, features: [FeatureKey], groups: [String], rule: String) -> String {
        let lookup = StabilityIndex(results.stability)
        let families = orderedFamilies(features)
        // Column headers are slanted so that long group names (contour_randomisation) do not overlap.
        let longest = Double(groups.map(\.count).max() ?? 0)
        let labelWidth = 300.0, cellWidth = 62.0, rowHeight = 15.0, familyGap = 20.0, top = 40 + longest * 6.2 * 0.65
        let height = top + Double(features.count) * rowHeight + Double(families.count) * familyGap + 92
        let ruleText = "robust: \(rule)"
        let width = max(labelWidth + cellWidth * Double(max(groups.count, 1)) + 20, labelWidth + Double(ruleText.count) * 5.8 + 30)
        var canvas = SVGCanvas(width: width, height: height)
        for (column, group) in groups.enumerated() {
            canvas.text(group, x: labelWidth + (Double(column) + 0.3) * cellWidth, y: top - 8, size: 11,
                        weight: group == StabilityResult.allGroup ? "700" : "600", rotate: -40)
        }
        canvas.text("perturbation group", x: labelWidth + cellWidth * Double(groups.count) / 2, y: 14, anchor: "middle",
                    size: 11, weight: "600")
        var y = top
        for family in families {
            canvas.text(IBSINotation.familyName(family), x: 4, y: y + 14, size: 11.5, weight: "700")
            y += familyGap
            for feature in features where feature.family == family {
                canvas.text(truncated(feature.displayName, 48), x: labelWidth - 6, y: y + 11, anchor: "end", size: 10.5)
                for (column, group) in groups.enumerated() {
                    let x = labelWidth + Double(column) * cellWidth
                    guard let result = lookup[group, feature] else {
                        canvas.rect(x: x, y: y, width: cellWidth - 1, height: rowHeight - 1, fill: "#ffffff", stroke: "#e4e7eb",
                                    title: "\(feature.displayName) — \(group): not computed")
                        continue
                    }
                    let colour = ChartColour.agreement(result.estimate)
                    canvas.rect(x: x, y: y, width: cellWidth - 1, height: rowHeight - 1, fill: colour,
                                title: "\(feature.displayName) (\(feature.ibsiCode)) — \(group): \(result.statistic) "
                                    + "\(HTML.statistic(result.estimate)) [\(HTML.statistic(result.ciLow)), "
                                    + "\(HTML.statistic(result.ciHigh))], \(result.robust ? "robust" : "not robust")")
                    let ink = ChartColour.isDark(colour) ? "#ffffff" : "#1b1f24"
                    canvas.text(HTML.statistic(result.estimate), x: x + cellWidth / 2 - (result.robust ? 4 : 0), y: y + 11,
                                anchor: "middle", size: 10, weight: result.robust ? "700" : nil, fill: ink)
                    if result.robust { canvas.circle(x: x + cellWidth - 8, y: y + 7, radius: 2.6, fill: ink) }
                }
                y += rowHeight
            }
        }
        canvas.gradientLegend(id: "agreement-scale", stops: ChartColour.agreementStops, x: labelWidth, y: y + 24,
                              width: 240, domain: 0...1, marks: [0, 0.5, 0.75, 0.9, 1],
                              title: "estimate (colours clamped to 0–1; grey: not available)")
        canvas.circle(x: labelWidth + 4, y: y + 66, radius: 2.6, fill: "#1b1f24")
        canvas.text(ruleText, x: labelWidth + 12, y: y + 70, size: 10.5)
        return canvas.render(title: "Agreement per feature and perturbation group",
                             description: "Heatmap: one row per feature, one column per perturbation group; colour and "
                                + "label give the estimate, a dot marks a robust feature.")
    }

    /// Forest plot of one family: estimate and 95 % CI per feature and group over the Koo & Li bands.
    /// The groups a forest plot shows: all of them, or only the pooled group `all` when there are more than 8 or
    /// the plots would draw more than 4 000 intervals (1 000 features).
    static func forestGroups(_ groups: [String], features: Int) -> [String] {
        groups.count > 8 || groups.count * features > 4000 ? groups.filter { $0 == StabilityResult.allGroup } : groups
    }

    /// The left end of the forest plots' common axis: the lowest finite CI bound of the shown groups, rounded down
    /// to a tenth, between −1 and 0.
    static func forestAxisLow(_ results: AuditResults, groups shown: [String]) -> Double {
        let values = results.stability.filter { shown.contains($0.perturbation) }.map(\.ciLow).filter(\.isFinite)
        return max(-1, min(0, ((values.min() ?? 0) * 10).rounded(.down) / 10))
    }

    /// - Parameter lookup: the stability table indexed once for every family's plot.
    static func forestPlot(_ results: AuditResults, family: String, features: [FeatureKey], groups: [String],
                           statistic: String, threshold: Double, lookup: StabilityIndex) -> String {
        let shown = forestGroups(groups, features: features.count)
        let rows = features.filter { $0.family == family }
        // One axis for every family, so that plots can be compared.
        let lowest = forestAxisLow(results, groups: shown)
        let labelWidth = 300.0, plotWidth = 560.0
        let legendWidth = shown.reduce(0.0) { $0 + 34 + Double($1.count) * 6.6 }
        let legendRows = max(1, Int((legendWidth / plotWidth).rounded(.up)))
        let top = 58.0 + 18 * Double(legendRows - 1)
        let subRow = 9.0, rowHeight = max(16, subRow * Double(shown.count) + 8)
        let plotHeight = rowHeight * Double(rows.count)
        var canvas = SVGCanvas(width: labelWidth + plotWidth + 30, height: top + plotHeight + 52)
        let x = LinearScale(domain: lowest...1, range: labelWidth...(labelWidth + plotWidth))
        for band in ChartColour.kooLiBands {
            let low = max(band.low, lowest), high = min(band.high, 1)
            guard high > low else { continue }
            canvas.rect(x: x(low), y: top, width: x(high) - x(low), height: plotHeight, fill: band.colour,
                        title: "Koo & Li: \(band.label)")
            canvas.text(band.label, x: (x(low) + x(high)) / 2, y: top - 6, anchor: "middle", size: 10, fill: "#5b6470")
        }
        canvas.line(x1: x(threshold), y1: top - 2, x2: x(threshold), y2: top + plotHeight, stroke: "#a1262b", width: 1.2,
                    dash: "4 3", title: "robustness threshold \(HTML.number(threshold))")
        canvas.legend(shown.enumerated().map { ($0.element, colour(group: $0.element, index: $0.offset)) },
                      x: labelWidth, y: 16, marker: "line", maxX: labelWidth + plotWidth)
        for (row, feature) in rows.enumerated() {
            let y0 = top + Double(row) * rowHeight
            if row % 2 == 1 { canvas.rect(x: 0, y: y0, width: labelWidth - 4, height: rowHeight, fill: "#f4f6f8") }
            canvas.text(truncated(feature.displayName, 48), x: labelWidth - 8, y: y0 + rowHeight / 2 + 4, anchor: "end", size: 10.5)
            for (index, group) in shown.enumerated() {
                guard let result = lookup[group, feature] else { continue }
                let y = y0 + 4 + subRow * (Double(index) + 0.5) + (rowHeight - 8 - subRow * Double(shown.count)) / 2
                let clamp = { (v: Double) in min(max(v.isFinite ? v : lowest, lowest), 1) }
                let title = "\(feature.displayName) — \(group): \(statistic) \(HTML.statistic(result.estimate)) "
                    + "[\(HTML.statistic(result.ciLow)), \(HTML.statistic(result.ciHigh))], \(result.robust ? "robust" : "not robust")"
                guard result.estimate.isFinite else {
                    canvas.text("n/a", x: x(lowest) + 4, y: y + 3, size: 9, fill: "#5b6470")
                    continue
                }
                canvas.errorBar(low: x(clamp(result.ciLow)), high: x(clamp(result.ciHigh)), y: y,
                                estimate: x(clamp(result.estimate)), colour: colour(group: group, index: index), title: title)
            }
        }
        canvas.bottomAxis(x, y: top + plotHeight, label: "\(statistic) with 95 % confidence interval", ticks: 6)
        return canvas.render(title: "\(IBSINotation.familyName(family)): agreement with 95 % CI",
                             description: "Forest plot: estimate and 95 % confidence interval per feature and perturbation "
                                + "group, over the Koo & Li bands; the dashed line is the robustness threshold.")
    }

    /// Per-case strip chart of a diagnostic (ROI volume or mean intensity) per variant: a broken case stands out.
    /// - Parameter cases: the cases drawn (default: every case), e.g. only those flagged as outliers.
    static func diagnostics(_ results: AuditResults, value: (CaseDiagnostics) -> Double, label: String, title: String,
                            cases: [String]? = nil) -> String {
        let cases = cases ?? results.caseIDs
        let shown = Set(cases)
        let perturbation = Dictionary(results.variants.map { ($0.caseID + "\u{0}" + $0.variantID, $0.perturbation) }) { a, _ in a }
        var kinds: [String] = []
        for record in results.diagnostics where record.variantID != AuditResults.originalVariant {
            let kind = perturbation[record.caseID + "\u{0}" + record.variantID] ?? "other"
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        // The chart spans the page's width whatever the number of cases.
        let left = 80.0, bandWidth = max(14, min(137, 820 / Double(max(cases.count, 1))))
        let plotWidth = bandWidth * Double(cases.count), plotHeight = 230.0
        let legendWidth = kinds.reduce(74.0) { $0 + 32 + Double($1.count) * 6.6 }
        let top = 36.0 + 18 * Double(max(0, Int((legendWidth / max(plotWidth, 1)).rounded(.up)) - 1))
        let rotate = cases.count > 10 || (cases.map(\.count).max() ?? 0) * 6 > Int(bandWidth)
        let labelSpace = rotate ? Double(min((cases.map(\.count).max() ?? 4) * 6, 120)) + 20 : 24
        var canvas = SVGCanvas(width: left + plotWidth + 30, height: top + plotHeight + labelSpace + 40)
        let y = LinearScale(domain: LinearScale.extent(results.diagnostics.filter { shown.contains($0.caseID) }.map(value)),
                            range: top...(top + plotHeight), flipped: true).niced()
        canvas.leftAxis(y, x: left, gridRight: left + plotWidth, label: label)
        let bands = BandScale(count: cases.count, range: left...(left + plotWidth))
        let byCase = Dictionary(grouping: results.diagnostics, by: \.caseID)
        for (index, caseID) in cases.enumerated() {
            let records = byCase[caseID] ?? []
            let spread = min(6, bandWidth * 0.6 / Double(max(records.count, 1)))
            for (position, record) in records.enumerated() {
                let v = value(record)
                guard v.isFinite else { continue }
                let cx = bands.centre(index) + (Double(position) - Double(records.count - 1) / 2) * spread
                let tip = "\(caseID), \(record.variantID): \(HTML.number(v, digits: 6))"
                if record.variantID == AuditResults.originalVariant {
                    canvas.diamond(x: cx, y: y(v), size: 5, fill: "#1b1f24", title: tip)
                } else {
                    let kind = perturbation[caseID + "\u{0}" + record.variantID] ?? "other"
                    canvas.circle(x: cx, y: y(v), radius: 3.2, fill: ChartColour.category(kinds.firstIndex(of: kind) ?? 0),
                                  stroke: "#ffffff", title: tip)
                }
            }
            let labelY = top + plotHeight + 14
            if rotate {
                canvas.text(caseID, x: bands.centre(index) + 3, y: labelY, anchor: "end", size: 10, rotate: -45)
            } else {
                canvas.text(caseID, x: bands.centre(index), y: labelY, anchor: "middle", size: 10)
            }
        }
        canvas.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight)
        canvas.text("case", x: left + plotWidth / 2, y: top + plotHeight + labelSpace + 12, anchor: "middle", size: 11, weight: "600")
        canvas.diamond(x: left + 5, y: 14, size: 5, fill: "#1b1f24")
        canvas.text("original", x: left + 14, y: 18, size: 11)
        canvas.legend(kinds.enumerated().map { ($0.element, ChartColour.category($0.offset)) }, x: left + 74, y: 18, marker: "circle",
                      maxX: left + plotWidth)
        return canvas.render(title: title, description: "Strip chart: one column per case, one point per variant "
                                + "(diamond: original extraction; colour: perturbation).")
    }

    /// Families in IBSI order, then any other family in order of appearance.
    static func orderedFamilies(_ features: [FeatureKey]) -> [String] {
        var seen = Set<String>()
        let present = features.map(\.family).filter { seen.insert($0).inserted }
        let known = FeatureFamily.allCases.map(\.rawValue).filter(present.contains)
        return known + present.filter { !known.contains($0) }
    }

    static func colour(group: String, index: Int) -> String {
        group == StabilityResult.allGroup ? "#1b1f24" : ChartColour.category(index)
    }

    static func key(_ feature: FeatureKey) -> String {
        "\(feature.filter)\u{0}\(feature.family)\u{0}\(feature.feature)\u{0}\(feature.aggregation)"
    }

    static func truncated(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }
}
