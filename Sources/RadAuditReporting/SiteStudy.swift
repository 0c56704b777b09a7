import Foundation
import RadAuditAudit
import RadAuditCore
import RadAuditProvenance
import RadAuditStatistics

/// The whole of `radaudit sites` as one library call: per-feature site-effect tests of a wide table, optionally
/// ComBat harmonisation and the same tests after it, then `site_tests.csv` (and `harmonized.csv`,
/// `site_tests_harmonized.csv`), `report.html` and `provenance.provx` in `output`.
public struct SiteStudy: Sendable {
    public var input: String
    public var site: String
    public var id: String?
    /// Feature columns; nil: every other numeric column.
    public var features: [String]?
    public var output: String
    public var harmonize: ComBat.Method?
    public var categorical: [String]
    public var continuous: [String]
    public var referenceSite: String?
    public var toolVersion: String
    /// With an audit's `features_wide.csv`: the variant whose rows are the samples (nil: `original`).
    public var variant: String?

    public init(input: String, site: String, id: String? = nil, features: [String]? = nil, output: String,
                harmonize: ComBat.Method? = nil, categorical: [String] = [], continuous: [String] = [],
                referenceSite: String? = nil, toolVersion: String = AuditRunner.toolVersion, variant: String? = nil) {
        self.variant = variant
        self.input = input
        self.site = site
        self.id = id
        self.features = features
        self.output = output
        self.harmonize = harmonize
        self.categorical = categorical
        self.continuous = continuous
        self.referenceSite = referenceSite
        self.toolVersion = toolVersion
    }

    public static let header = ["feature", "test", "groups", "statistic", "p_value", "q_value", "method"]
    public static let testsName = "site_tests.csv", harmonizedName = "harmonized.csv",
                      harmonizedTestsName = "site_tests_harmonized.csv"

    /// Runs the study; `warning` receives each per-feature problem that does not stop it (one line each).
    /// What a run found, for the command's closing line.
    public struct Summary: Sendable {
        public var samples: Int
        public var sites: Int
        public var features: Int
        /// Features with at least one site test at q < 0.05 (before harmonisation).
        public var differing: Int
    }

    @discardableResult
    public func run(warning warn: (String) -> Void) throws -> Summary {
        let started = Date()
        let table = try WideTable.read(input).selectingVariant(variant)
        let siteColumn = try table.column(site)
        let idColumn = try id.map(table.column)
        let categoricalNames = categorical, continuousNames = continuous
        let covariateColumns = try (categoricalNames + continuousNames).map(table.column)
        let excluded = Set([siteColumn] + covariateColumns + [idColumn].compactMap { $0 })
        let sites = table.cells(siteColumn)
        let columns = try table.featureColumns(requested: features, excluding: excluded, warning: warn)
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
                rows += Self.tests(feature: column.name, values: numbers, sites: sites, warning: warn)
            }
        }
        SiteTestRow.assignQValues(&rows)
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let directory = URL(fileURLWithPath: output)
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        try Self.write(header: Self.header, rows: rows.map(\.cells), to: path(Self.testsName))

        var warnings: [String] = []
        var harmonisation: SiteAnalysis.Harmonisation?
        if let method = harmonize {
            if let line = sites.firstIndex(of: "") {
                throw TableError("\(input): column '\(site)', line \(line + 2): missing site")
            }
            let covariates = try table.covariates(categorical: categoricalNames, continuous: continuousNames)
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
                    harmonizedRows[row][column.index] = Number.format(value)
                }
            }
            try Self.write(header: table.header, rows: harmonizedRows, to: path(Self.harmonizedName))
            var after: [SiteTestRow] = []
            for (column, adjusted) in zip(usable, result.data) {
                after += Self.tests(feature: column.name, values: adjusted, sites: sites, warning: { _ in })
            }
            SiteTestRow.assignQValues(&after)
            try Self.write(header: Self.header, rows: after.map(\.cells), to: path(Self.harmonizedTestsName))
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
            started: started, finished: Date(), toolVersion: toolVersion)
        do {
            try SiteReportWriter.write(analysis, directory: output)
        } catch let error as ProvenanceError {
            throw TableError(error.description)
        }
        let differing = Set(rows.filter { $0.qValue < 0.05 }.map(\.feature)).count
        return Summary(samples: table.rows.count, sites: Set(sites.filter { !$0.isEmpty }).count, features: usable.count,
                       differing: differing)
    }

    /// The tests of one feature; `warning` hears about sites without enough values.
    static func tests(feature: String, values: [Double], sites: [String], warning warn: (String) -> Void) -> [SiteTestRow] {
        let effects = SiteEffects(values: values, sites: sites)
        if effects.sites.count < 2 {
            warn("feature '\(feature)': values from \(effects.sites.count) site(s) only; its tests are NaN")
        }
        for (name, count) in zip(effects.sites, effects.sampleCounts) where count == 1 {
            warn("feature '\(feature)': site '\(name)' has a single sample")
        }
        return SiteTestRow.rows(feature: feature, effects: effects)
    }

    /// An output file with the SHA-256 of its bytes.
    static func file(_ name: String, in directory: URL) throws -> TableFile {
        let path = directory.appendingPathComponent(name).path
        guard let digest = SiteAnalysis.sha256(ofFile: path) else { throw TableError("\(path): cannot be read back") }
        return TableFile(name: name, sha256: digest)
    }

    static func write(header: [String], rows: [[String]], to path: String) throws {
        try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: path)
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
        [feature, test, groups, Number.format(statistic), Number.format(pValue), Number.format(qValue), method]
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
