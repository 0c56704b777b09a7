import ArgumentParser
import Foundation
import RadAuditReporting
import RadAuditStatistics
import RadAuditAudit
import RadAuditProvenance

/// `radaudit sites`: per-feature tests for site (scanner, centre) effects before pooling, optionally ComBat
/// harmonisation and the same tests after it, with an HTML report and a provenance record.
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
            With --harmonize METHOD the feature columns are harmonised with ComBat (as `radaudit harmonize`, \
            preserving --categorical and --continuous covariates): DIR/harmonized.csv is the input with the feature \
            columns harmonised, DIR/site_tests_harmonized.csv the tests after harmonisation. Warnings name ComBat \
            assumptions that look violated (a site smaller than the covariate columns + 2, a covariate confounded \
            with site, multimodal features). Always writes DIR/report.html (charts: significant share, PCA by site, \
            distributions by site) and DIR/provenance.provx (W3C PROV-XML, validated before it is written).
            """)

    @Option(help: "Wide CSV table: one row per sample, one column per feature.") var input: String
    @Option(help: "Column holding the site (batch, scanner).") var site: String
    @Option(help: "Sample identifier column (never a feature).") var id: String?
    @Option(help: "Comma-separated feature columns (default: every other numeric column).") var features: String?
    @Option(help: "Output directory (created if needed).") var output: String
    @Option(help: "Harmonise with ComBat first: parametric | nonparametric | mean-only | no-eb.") var harmonize: String?
    @Option(help: "Comma-separated categorical covariates ComBat preserves (with --harmonize).") var categorical: String?
    @Option(help: "Comma-separated continuous covariates ComBat preserves (with --harmonize).") var continuous: String?
    @Option(name: .customLong("reference-site"), help: "Site whose data ComBat keeps unchanged (with --harmonize).")
    var referenceSite: String?

    static let header = ["feature", "test", "groups", "statistic", "p_value", "q_value", "method"]
    static let testsName = "site_tests.csv", harmonizedName = "harmonized.csv", harmonizedTestsName = "site_tests_harmonized.csv"

    func validate() throws {
        if let harmonize, ComBat.Method(rawValue: harmonize) == nil {
            throw ValidationError("--harmonize must be one of \(ComBat.Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if harmonize == nil && (categorical != nil || continuous != nil || referenceSite != nil) {
            throw ValidationError("--categorical, --continuous and --reference-site need --harmonize")
        }
    }

    func run() throws {
        let started = Date()
        let table = try Table.read(input)
        let siteColumn = try table.column(site)
        let idColumn = try id.map(table.column)
        let categoricalNames = commaSeparated(categorical) ?? [], continuousNames = commaSeparated(continuous) ?? []
        let covariateColumns = try (categoricalNames + continuousNames).map(table.column)
        let excluded = Set([siteColumn] + covariateColumns + [idColumn].compactMap { $0 })
        let sites = table.cells(siteColumn)
        let columns = try table.featureColumns(requested: commaSeparated(features), excluding: excluded)
        guard !columns.isEmpty else { throw TableError("\(input): no numeric feature columns") }

        var rows: [SiteTestRow] = []
        var usable: [FeatureColumn] = [], values: [[Double]] = []
        for column in columns {
            switch column.values {
            case .failure(let problem):
                warn("feature '\(column.name)': \(problem); its tests are NaN")
                rows += SiteTestRow.missing(feature: column.name)
            case .success(let numbers):
                usable.append(column)
                values.append(numbers)
                rows += Self.tests(feature: column.name, values: numbers, sites: sites, report: true)
            }
        }
        SiteTestRow.assignQValues(&rows)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: output)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try TableOutput.write(header: Self.header, rows: rows.map(\.cells), to: path(Self.testsName))

        var warnings: [String] = []
        var harmonisation: SiteAnalysis.Harmonisation?
        if let method = harmonize.flatMap(ComBat.Method.init(rawValue:)) {
            if let line = sites.firstIndex(of: "") {
                throw TableError("\(input): column '\(site)', line \(line + 2): missing site")
            }
            let covariates = try HarmonizeCommand.covariates(table, categorical: categoricalNames, continuous: continuousNames)
            warnings = HarmonisationChecks.warnings(values: values, featureNames: usable.map(\.name), sites: sites,
                                                    categorical: covariates.categorical, continuous: covariates.continuous)
            for warning in warnings { warn(warning) }
            let result: ComBat.Result
            do {
                result = try ComBat.fit(data: values, featureNames: usable.map(\.name), batches: sites, covariates: covariates,
                                        method: method, referenceBatch: referenceSite)
            } catch let error as ComBatError {
                throw TableError("\(input): \(error.description)")
            }
            for note in result.notes { warn(note) }
            warnings += result.notes
            var harmonizedRows = table.rows
            for (column, adjusted) in zip(usable, result.data) {
                for (row, value) in adjusted.enumerated() where !harmonizedRows[row][column.index].isEmpty {
                    harmonizedRows[row][column.index] = TableOutput.format(value)
                }
            }
            try TableOutput.write(header: table.header, rows: harmonizedRows, to: path(Self.harmonizedName))
            var after: [SiteTestRow] = []
            for (column, adjusted) in zip(usable, result.data) {
                after += Self.tests(feature: column.name, values: adjusted, sites: sites, report: false)
            }
            SiteTestRow.assignQValues(&after)
            try TableOutput.write(header: Self.header, rows: after.map(\.cells), to: path(Self.harmonizedTestsName))
            harmonisation = SiteAnalysis.Harmonisation(
                method: method.rawValue, categorical: categoricalNames, continuous: continuousNames, referenceSite: referenceSite,
                values: result.data, tests: after.map { $0.result(.afterHarmonisation) },
                outputs: try [Self.harmonizedName, Self.harmonizedTestsName].map { try Self.file($0, in: directory) })
        }

        let analysis = SiteAnalysis(
            input: input, inputSHA256: SiteAnalysis.sha256(ofFile: input) ?? "", siteColumn: site, idColumn: id,
            sampleIDs: idColumn.map(table.cells) ?? table.rows.indices.map { "line \($0 + 2)" }, sites: sites,
            featureNames: usable.map(\.name), values: values,
            tests: rows.filter { row in usable.contains { $0.name == row.feature } }.map { $0.result(.beforeHarmonisation) },
            outputs: [try Self.file(Self.testsName, in: directory)], harmonisation: harmonisation, warnings: warnings,
            started: started, finished: Date(), toolVersion: RadAudit.version)
        do {
            try SiteReportWriter.write(analysis, directory: output)
        } catch let error as ProvenanceError {
            throw TableError(error.description)
        }
    }

    /// The tests of one feature; `report` prints warnings about sites without enough values.
    static func tests(feature: String, values: [Double], sites: [String], report: Bool) -> [SiteTestRow] {
        let effects = SiteEffects(values: values, sites: sites)
        if report {
            if effects.sites.count < 2 {
                warn("feature '\(feature)': values from \(effects.sites.count) site(s) only; its tests are NaN")
            }
            for (name, count) in zip(effects.sites, effects.sampleCounts) where count == 1 {
                warn("feature '\(feature)': site '\(name)' has a single sample")
            }
        }
        return SiteTestRow.rows(feature: feature, effects: effects)
    }

    /// An output file with the SHA-256 of its bytes.
    static func file(_ name: String, in directory: URL) throws -> TableFile {
        let path = directory.appendingPathComponent(name).path
        guard let digest = SiteAnalysis.sha256(ofFile: path) else { throw TableError("\(path): cannot be read back") }
        return TableFile(name: name, sha256: digest)
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

    /// The row for the report and the provenance record.
    func result(_ stage: SiteTestResult.Stage) -> SiteTestResult {
        SiteTestResult(feature: feature, test: test, groups: groups, statistic: statistic, pValue: pValue, qValue: qValue,
                       method: method, stage: stage)
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
