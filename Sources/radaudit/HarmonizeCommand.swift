import ArgumentParser
import Foundation
import RadAuditAudit
import RadAuditImageIO
import RadAuditStatistics
import RadAuditCore

/// `radaudit harmonize`: ComBat harmonisation of the feature columns of a wide table.
struct HarmonizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "harmonize",
        abstract: "ComBat harmonisation (neuroCombat/sva) of the feature columns of a wide table.",
        discussion: """
            The output is the input table with the feature columns harmonised and every other column untouched. \
            Features: every numeric column other than --site, --id and the covariates, unless --features lists \
            them. Categorical covariates get one dummy per level after the first (sorted); continuous covariates \
            enter linearly. With --reference-site that site's samples are left unchanged and the others are \
            mapped onto it. --save-model writes the fitted estimates as JSON; --apply-model harmonises new samples \
            of known sites with a saved model (its covariates are read from the columns it names). See \
            docs/statistics.md.
            """)

    @Option(help: "Wide CSV table: one row per sample, one column per feature.") var input: String
    @Option(name: [.customLong("site"), .customLong("batch")],
            help: "Column holding the site (batch, scanner); --batch is its former name, accepted for one release.")
    var site: String
    @Option(help: "Sample identifier column (never a feature).") var id: String?
    @Option(help: "Comma-separated feature columns (default: every other numeric column).") var features: String?
    @Option(help: "Comma-separated categorical covariates to preserve.") var categorical: String?
    @Option(help: "Comma-separated continuous covariates to preserve.") var continuous: String?
    @Option(name: .customLong("reference-site"), help: "Site whose data are kept unchanged.") var referenceSite: String?
    @Option(help: "parametric | nonparametric | mean-only | no-eb (default parametric).") var method: String?
    @Option(help: "Output CSV file.") var output: String
    @Option(help: "With an audit's features_wide.csv: the variant whose rows are the samples (default: original).")
    var variant: String?
    @Option(name: .customLong("save-model"), help: "Write the fitted model as JSON.") var saveModel: String?
    @Option(name: .customLong("apply-model"), help: "Harmonise with a saved model instead of fitting.") var applyModel: String?

    func validate() throws {
        if let method, ComBat.Method(rawValue: method) == nil {
            throw ValidationError("--method must be one of \(ComBat.Method.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if applyModel != nil && (saveModel != nil || method != nil || referenceSite != nil) {
            throw ValidationError("--apply-model cannot be combined with --save-model, --method or --reference-site")
        }
    }

    func run() throws {
        let table = try WideTable.read(input).selectingVariant(variant)
        let batchColumn = try table.column(site)
        let batches = table.cells(batchColumn)
        if let line = batches.firstIndex(of: "") {
            throw TableError("\(input): column '\(site)', line \(line + 2): missing site")
        }
        let model = try applyModel.map(Self.loadModel)
        let categoricalNames = model?.categorical.map(\.name) ?? commaSeparated(categorical) ?? []
        let continuousNames = model?.continuous ?? commaSeparated(continuous) ?? []
        let covariates = try table.covariates(categorical: categoricalNames, continuous: continuousNames)
        let covariateColumns = try (categoricalNames + continuousNames).map(table.column)
        let excluded = Set([batchColumn] + covariateColumns + [try id.map(table.column)].compactMap { $0 })
        let requested = model.map { $0.features.map(\.name) } ?? commaSeparated(features)
        var usable: [FeatureColumn] = [], values: [[Double]] = []
        for column in try table.featureColumns(requested: requested, excluding: excluded, warning: warn) {
            switch column.values {
            case .success(let numbers):
                usable.append(column)
                values.append(numbers)
            case .failure(let problem):
                if model != nil { throw problem }
                warn("feature '\(column.name)': \(problem); left unchanged")
            }
        }
        guard !usable.isEmpty else { throw TableError("\(input): no numeric feature columns to harmonise") }

        let harmonized: [[Double]]
        do {
            if let model {
                harmonized = try model.apply(data: values, batches: batches, covariates: covariates)
            } else {
                let result = try ComBat.fit(
                    data: values, featureNames: usable.map(\.name), batches: batches, covariates: covariates,
                    method: ComBat.Method(rawValue: method ?? "parametric")!, referenceBatch: referenceSite)
                for note in result.notes { warn(note) }
                if let saveModel { try Self.save(result.model, to: saveModel) }
                harmonized = result.data
            }
        } catch let error as ComBatError {
            throw TableError("\(input): \(error.description)")
        }

        var rows = table.rows
        for (column, adjusted) in zip(usable, harmonized) {
            for (row, value) in adjusted.enumerated() where !rows[row][column.index].isEmpty {
                rows[row][column.index] = TableOutput.format(value)
            }
        }
        try TableOutput.write(header: table.header, rows: rows, to: output)
    }

    static func loadModel(_ path: String) throws -> ComBatModel {
        do {
            return try decoder.decode(ComBatModel.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw TableError("\(path): cannot read a ComBat model (\(error.localizedDescription))")
        }
    }

    static func save(_ model: ComBatModel, to path: String) throws {
        let encoder = JSONEncoder.radaudit()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        let data: Data
        do {
            data = try encoder.encode(model)
        } catch {
            throw TableError("\(path): cannot write the model (\(error.localizedDescription))")
        }
        try AtomicFile.write(data, to: path)
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "NaN")
        return decoder
    }()
}
