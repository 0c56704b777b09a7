import ArgumentParser
import Foundation
import RadAuditStatistics

/// `radaudit sites`: per-feature tests for site (scanner, centre) effects before pooling.
struct SitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sites",
        abstract: "Kruskal–Wallis, Anderson–Darling and pairwise Kolmogorov–Smirnov site-effect tests per feature.",
        discussion: """
            Writes DIR/site_tests.csv with one row per feature and test: kruskal-wallis (tie-corrected H, χ² p), \
            anderson-darling (midrank k-sample, standardised statistic T, Scholz–Stephens interpolated p capped \
            to [0.001, 0.25]) and ks for every site pair (D; exact no-ties p, asymptotic beyond m·n = 1e8; the \
            method column names it). q_value: Benjamini–Hochberg across features for each test (across all \
            pairs and features for ks). See docs/statistics.md.
            """)

    @Option(help: "Wide CSV table: one row per sample, one column per feature.") var input: String
    @Option(help: "Column holding the site (batch, scanner).") var site: String
    @Option(help: "Sample identifier column (never a feature).") var id: String?
    @Option(help: "Comma-separated feature columns (default: every other numeric column).") var features: String?
    @Option(help: "Output directory (created if needed).") var output: String

    static let header = ["feature", "test", "groups", "statistic", "p_value", "q_value", "method"]

    func run() throws {
        let table = try Table.read(input)
        let siteColumn = try table.column(site)
        let excluded = Set([siteColumn] + [try id.map(table.column)].compactMap { $0 })
        let sites = table.cells(siteColumn)
        let columns = try table.featureColumns(requested: commaSeparated(features), excluding: excluded)
        guard !columns.isEmpty else { throw TableError("\(input): no numeric feature columns") }

        var rows: [SiteTestRow] = []
        for column in columns {
            switch column.values {
            case .failure(let problem):
                warn("feature '\(column.name)': \(problem); its tests are NaN")
                rows += SiteTestRow.missing(feature: column.name)
            case .success(let values):
                let effects = SiteEffects(values: values, sites: sites)
                if effects.sites.count < 2 {
                    warn("feature '\(column.name)': values from \(effects.sites.count) site(s) only; its tests are NaN")
                }
                for (name, count) in zip(effects.sites, effects.sampleCounts) where count == 1 {
                    warn("feature '\(column.name)': site '\(name)' has a single sample")
                }
                rows += SiteTestRow.rows(feature: column.name, effects: effects)
            }
        }
        SiteTestRow.assignQValues(&rows)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: output).appendingPathComponent("site_tests.csv").path
        try TableOutput.write(header: Self.header, rows: rows.map(\.cells), to: path)
    }
}

/// One row of `site_tests.csv`.
struct SiteTestRow {
    static let kruskalWallis = "kruskal-wallis", andersonDarling = "anderson-darling", kolmogorovSmirnov = "ks"

    let feature: String
    let test: String
    let groups: String
    let statistic: Double
    let pValue: Double
    var qValue = Double.nan
    let method: String

    var cells: [String] {
        [feature, test, groups, TableOutput.format(statistic), TableOutput.format(pValue), TableOutput.format(qValue), method]
    }

    static func rows(feature: String, effects: SiteEffects) -> [SiteTestRow] {
        let allSites = effects.sites.joined(separator: "|")
        var rows = [
            SiteTestRow(feature: feature, test: kruskalWallis, groups: allSites, statistic: effects.kruskalWallis.statistic,
                        pValue: effects.kruskalWallis.pValue, method: "chi2-tie-corrected"),
            SiteTestRow(feature: feature, test: andersonDarling, groups: allSites,
                        statistic: effects.andersonDarling.standardized, pValue: effects.andersonDarling.pValue,
                        method: "midrank-T-interpolated-capped"),
        ]
        rows += effects.pairs.map { pair in
            SiteTestRow(feature: feature, test: kolmogorovSmirnov, groups: "\(pair.first)|\(pair.second)",
                        statistic: pair.test.statistic, pValue: pair.test.pValue, method: pair.test.method.rawValue)
        }
        return rows
    }

    static func missing(feature: String) -> [SiteTestRow] {
        [kruskalWallis, andersonDarling].map {
            SiteTestRow(feature: feature, test: $0, groups: "", statistic: .nan, pValue: .nan, method: "")
        }
    }

    /// Benjamini–Hochberg q-values within each test (for ks: across all site pairs of all features).
    static func assignQValues(_ rows: inout [SiteTestRow]) {
        for test in [kruskalWallis, andersonDarling, kolmogorovSmirnov] {
            let indices = rows.indices.filter { rows[$0].test == test }
            let q = MultipleTesting.adjust(indices.map { rows[$0].pValue })
            for (index, value) in zip(indices, q) { rows[index].qValue = value }
        }
    }
}
