import Foundation
import RadAuditStatistics
import RadAuditAudit

/// The inline SVG charts of the site report.
enum SiteCharts {
    /// The share of tests with q < 0.05 per test, before and (if harmonised) after ComBat.
    static func significantShare(before: [SiteTestResult], after: [SiteTestResult]?) -> String {
        let tests = testOrder(before)
        let left = 70.0, top = 40.0, plotHeight = 200.0, groupWidth = 150.0
        let plotWidth = groupWidth * Double(tests.count)
        var canvas = SVGCanvas(width: left + plotWidth + 40, height: top + plotHeight + 60)
        let y = LinearScale(domain: 0...100, range: top...(top + plotHeight), flipped: true)
        canvas.leftAxis(y, x: left, gridRight: left + plotWidth, label: "features with q < 0.05 (%)")
        let series: [(String, [SiteTestResult], String)] = [("before", before, "#0072B2")]
            + (after.map { [("after ComBat", $0, "#E69F00")] } ?? [])
        let barWidth = min(44, (groupWidth - 30) / Double(series.count))
        for (index, test) in tests.enumerated() {
            let centre = left + (Double(index) + 0.5) * groupWidth
            for (s, (name, results, colour)) in series.enumerated() {
                let share = significantShare(results, test: test)
                let x = centre - barWidth * Double(series.count) / 2 + barWidth * Double(s)
                guard share.total > 0 else { continue }
                let percent = 100 * Double(share.significant) / Double(share.total)
                canvas.rect(x: x + 2, y: y(percent), width: barWidth - 4, height: y(0) - y(percent), fill: colour,
                            title: "\(testName(test)), \(name): \(share.significant) of \(share.total) (\(HTML.number(percent, digits: 3)) %)")
                canvas.text("\(HTML.number(percent, digits: 2)) %", x: x + barWidth / 2, y: y(percent) - 4, anchor: "middle", size: 10)
            }
            canvas.text(testName(test), x: centre, y: top + plotHeight + 16, anchor: "middle", size: 11)
        }
        canvas.line(x1: left, y1: y(0), x2: left + plotWidth, y2: y(0))
        canvas.text("test", x: left + plotWidth / 2, y: top + plotHeight + 38, anchor: "middle", size: 11, weight: "600")
        canvas.legend(series.map { ($0.0, $0.2) }, x: left, y: 18)
        return canvas.render(title: "Share of significant site effects",
                             description: "Bar chart: percentage of features (for KS: feature and site pairs) with a "
                                + "Benjamini–Hochberg q-value below 0.05, per test, before and after harmonisation.")
    }

    /// PCA score plots (PC1 × PC2) coloured by site, before and after harmonisation side by side.
    static func pca(_ analysis: SiteAnalysis) -> String? {
        let panels: [(String, [[Double]])] = [("before", analysis.values)]
            + (analysis.harmonisation.map { [("after ComBat", $0.values)] } ?? [])
        let components = panels.map { PrincipalComponents($0.1, components: 2) }
        guard components.allSatisfy({ $0.scores.count == 2 }) else { return nil }
        let sites = analysis.siteOrder
        let panelWidth = 380.0, panelHeight = 300.0, left = 70.0, top = 40.0, gap = 90.0
        var canvas = SVGCanvas(width: left + (panelWidth + gap) * Double(panels.count), height: top + panelHeight + 60)
        for (index, (title, pca)) in zip(panels.map(\.0), components).enumerated() {
            let x0 = left + Double(index) * (panelWidth + gap)
            let x = LinearScale(domain: LinearScale.extent(pca.scores[0]), range: x0...(x0 + panelWidth)).niced()
            let y = LinearScale(domain: LinearScale.extent(pca.scores[1]), range: top...(top + panelHeight), flipped: true).niced()
            canvas.text(title, x: x0 + panelWidth / 2, y: top - 12, anchor: "middle", size: 12, weight: "700")
            canvas.leftAxis(y, x: x0, gridRight: x0 + panelWidth, label: "PC2 (\(percent(pca.explainedVariance[1])))")
            canvas.bottomAxis(x, y: top + panelHeight, gridTop: top, label: "PC1 (\(percent(pca.explainedVariance[0])))")
            for (sample, site) in analysis.sites.enumerated() {
                let colour = ChartColour.category(sites.firstIndex(of: site) ?? 0)
                canvas.circle(x: x(pca.scores[0][sample]), y: y(pca.scores[1][sample]), radius: 3.5, fill: colour, stroke: "#ffffff",
                              title: "\(analysis.sampleIDs[sample]) (\(site))")
            }
        }
        canvas.legend(sites.enumerated().map { ($0.element, ChartColour.category($0.offset)) }, x: left, y: 16, marker: "circle")
        return canvas.render(title: "Principal components of the cohort by site",
                             description: "Scatter plots of the first two principal component scores of the standardised "
                                + "features, one point per sample coloured by site, before and after harmonisation.")
    }

    /// Strip plots of one feature by site with median and quartiles, before and after harmonisation on one scale.
    static func distribution(_ analysis: SiteAnalysis, feature index: Int) -> String {
        let panels: [(String, [Double])] = [("before", analysis.values[index])]
            + (analysis.harmonisation.map { [("after ComBat", $0.values[index])] } ?? [])
        let sites = analysis.siteOrder
        let panelWidth = max(220, min(420, 70 * Double(sites.count))), panelHeight = 200.0, left = 80.0, top = 34.0, gap = 90.0
        var canvas = SVGCanvas(width: left + (panelWidth + gap) * Double(panels.count), height: top + panelHeight + 56)
        let y = LinearScale(domain: LinearScale.extent(panels.flatMap(\.1)), range: top...(top + panelHeight), flipped: true).niced()
        let name = analysis.featureNames[index]
        for (p, (title, values)) in panels.enumerated() {
            let x0 = left + Double(p) * (panelWidth + gap)
            canvas.text(title, x: x0 + panelWidth / 2, y: top - 12, anchor: "middle", size: 12, weight: "700")
            canvas.leftAxis(y, x: x0, gridRight: x0 + panelWidth, label: AuditCharts.truncated(name, 34))
            let bands = BandScale(count: sites.count, range: x0...(x0 + panelWidth))
            for (s, site) in sites.enumerated() {
                let members = analysis.sites.indices.filter { analysis.sites[$0] == site && values[$0].isFinite }
                let colour = ChartColour.category(s)
                let spread = bands.bandwidth * 0.5
                for (position, sample) in members.enumerated() {
                    let offset = members.count > 1 ? (Double(position) / Double(members.count - 1) - 0.5) * spread : 0
                    canvas.circle(x: bands.centre(s) + offset, y: y(values[sample]), radius: 2.6, fill: colour,
                                  title: "\(analysis.sampleIDs[sample]) (\(site)): \(HTML.number(values[sample], digits: 6))")
                }
                let sorted = members.map { values[$0] }.sorted()
                if !sorted.isEmpty {
                    let q1 = quantile(sorted, 0.25), median = quantile(sorted, 0.5), q3 = quantile(sorted, 0.75)
                    let half = bands.bandwidth * 0.32
                    canvas.rect(x: bands.centre(s) - half, y: y(q3), width: 2 * half, height: y(q1) - y(q3), fill: "none",
                                stroke: "#1b1f24", title: "\(site): median \(HTML.number(median)), quartiles \(HTML.number(q1)) – \(HTML.number(q3))")
                    canvas.line(x1: bands.centre(s) - half, y1: y(median), x2: bands.centre(s) + half, y2: y(median), width: 2)
                }
                canvas.text(site, x: bands.centre(s), y: top + panelHeight + 16, anchor: "middle", size: 10.5)
            }
            canvas.line(x1: x0, y1: top + panelHeight, x2: x0 + panelWidth, y2: top + panelHeight)
            canvas.text("site", x: x0 + panelWidth / 2, y: top + panelHeight + 36, anchor: "middle", size: 11, weight: "600")
        }
        return canvas.render(title: "\(name) by site",
                             description: "Strip plots of the feature per site with median and interquartile box, before and "
                                + "after harmonisation on a common axis.")
    }

    static func testOrder(_ results: [SiteTestResult]) -> [String] {
        var seen = Set<String>()
        return results.map(\.test).filter { seen.insert($0).inserted }
    }

    static func testName(_ test: String) -> String {
        switch test {
        case "kruskal-wallis": "Kruskal–Wallis"
        case "anderson-darling": "Anderson–Darling"
        case "ks": "KS (site pairs)"
        default: test
        }
    }

    static func significantShare(_ results: [SiteTestResult], test: String) -> (significant: Int, total: Int) {
        let rows = results.filter { $0.test == test && $0.qValue.isFinite }
        return (rows.filter { $0.qValue < 0.05 }.count, rows.count)
    }

    static func percent(_ share: Double) -> String {
        share.isFinite ? "\(HTML.number(100 * share, digits: 3)) %" : "n/a"
    }

    /// Linear-interpolation quantile of sorted values (type 7).
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let h = Double(sorted.count - 1) * q
        let lower = Int(h.rounded(.down)), upper = min(lower + 1, sorted.count - 1)
        return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
    }
}
