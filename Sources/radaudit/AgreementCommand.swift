import ArgumentParser
import RadAuditAudit
import RadAuditStatistics

/// `radaudit agreement`: agreement statistics per feature from a long table (one rating per row).
struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "ICCs, CCC, overall CCC and repeatability per feature from a long table.",
        discussion: """
            One output row per feature and statistic: the six ICC forms (F-based 95 % CIs; ICC(A,k) CI as \
            psych/pingouin), CCC (Lin, Fisher-z CI; exactly two raters), OCCC (Barnhart, divisor n), wSD, wCV, \
            RC = 1.96·√2·wSD, meanCV, rmsCV, logwCV and, for two raters, Bland–Altman bias and limits \
            (rater 2 − rater 1, raters in order of first appearance). An empty or NaN value is missing; subjects \
            with a missing rating are dropped (listwise deletion). See docs/statistics.md.
            """)

    @Option(help: "Long CSV table, one rating per row.") var input: String
    @Option(help: "Column identifying the subject (target).") var subject: String
    @Option(help: "Column identifying the rater (perturbation, scanner, repeat).") var rater: String
    @Option(help: "Column holding the rating.") var value: String
    @Option(help: "Column naming the feature (default: one feature named after --value).") var feature: String?
    @Option(help: "Output CSV file.") var output: String

    static let header = [
        "feature", "statistic", "estimate", "ci_low", "ci_high", "f_statistic", "df1", "df2", "p_value",
        "n_subjects", "n_raters", "koo_li", "note",
    ]

    func run() throws {
        let table = try WideTable.read(input)
        let subjectColumn = try table.column(subject)
        let raterColumn = try table.column(rater)
        let valueColumn = try table.column(value)
        let featureColumn = try feature.map(table.column)

        var rows: [[String]] = []
        for group in FeatureGroup.split(table, featureColumn: featureColumn, defaultName: value) {
            switch RatingLayout.make(group.rows, table: table, subject: subjectColumn, rater: raterColumn, value: valueColumn) {
            case .success(let ratings):
                let analysis = AgreementAnalysis(ratings: ratings)
                for note in analysis.notes { warn("feature '\(group.name)': \(note)") }
                rows += AgreementRows.rows(feature: group.name, analysis: analysis)
            case .failure(let problem):
                warn("feature '\(group.name)': \(problem.description); its statistics are NaN")
                rows += AgreementRows.missingRows(feature: group.name, note: problem.description)
            }
        }
        try TableOutput.write(header: Self.header, rows: rows, to: output)
    }
}

/// The rows of one feature in a long table.
struct FeatureGroup {
    let name: String
    let rows: [[String]]

    /// Groups rows by the feature column, features in order of first appearance.
    static func split(_ table: WideTable, featureColumn: Int?, defaultName: String) -> [FeatureGroup] {
        guard let featureColumn else { return [FeatureGroup(name: defaultName, rows: table.rows)] }
        var order: [String] = []
        var groups: [String: [[String]]] = [:]
        for row in table.rows {
            let name = row[featureColumn]
            if groups[name] == nil { order.append(name) }
            groups[name, default: []].append(row)
        }
        return order.map { FeatureGroup(name: $0, rows: groups[$0]!) }
    }
}

/// Builds the subjects × raters matrix of one feature (NaN where a rating is absent or empty).
enum RatingLayout {
    static func make(
        _ rows: [[String]], table: WideTable, subject: Int, rater: Int, value: Int
    ) -> Result<[[Double]], TableError> {
        var subjects: [String: Int] = [:], raters: [String: Int] = [:]
        for row in rows {
            if subjects[row[subject]] == nil { subjects[row[subject]] = subjects.count }
            if raters[row[rater]] == nil { raters[row[rater]] = raters.count }
        }
        guard raters.count >= 2 else {
            return .failure(TableError("only \(raters.count) rater(s) in column '\(table.header[rater])'"))
        }
        var ratings = Array(repeating: Array(repeating: Double.nan, count: raters.count), count: subjects.count)
        var seen = Set<[Int]>()
        for row in rows {
            let i = subjects[row[subject]]!, j = raters[row[rater]]!
            guard seen.insert([i, j]).inserted else {
                return .failure(TableError("two ratings of subject '\(row[subject])' by rater '\(row[rater])'"))
            }
            guard let number = WideTable.number(row[value]) else {
                return .failure(TableError("\(table.path): column '\(table.header[value])': '\(row[value])' is not a number"))
            }
            ratings[i][j] = number
        }
        return .success(ratings)
    }
}

/// Output rows of the `agreement` command.
enum AgreementRows {
    static let statistics = [
        "ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)", "CCC", "OCCC", "wSD", "wCV", "RC",
        "meanCV", "rmsCV", "logwCV", "BA bias", "BA LoA lower", "BA LoA upper",
    ]

    static func rows(feature: String, analysis: AgreementAnalysis) -> [[String]] {
        let n = String(analysis.completeSubjectCount), k = String(analysis.raterCount)
        let note = analysis.notes.joined(separator: "; ")
        let f = TableOutput.format
        func row(_ statistic: String, _ estimate: Double, _ interval: ConfidenceInterval? = nil) -> [String] {
            [feature, statistic, f(estimate), f(interval?.lower ?? .nan), f(interval?.upper ?? .nan),
             "NaN", "NaN", "NaN", "NaN", n, k, "", note]
        }
        var rows = analysis.intraclassCorrelations.map { icc in
            [feature, icc.form.rawValue, f(icc.estimate), f(icc.lower), f(icc.upper), f(icc.fStatistic),
             f(icc.df1), f(icc.df2), f(icc.pValue), n, k, ReliabilityRating(icc).description, note]
        }
        if let ccc = analysis.concordance {
            rows.append(row("CCC", ccc.estimate, ConfidenceInterval(lower: ccc.lower, upper: ccc.upper)))
        }
        let repeatability = analysis.repeatability
        rows.append(row("OCCC", analysis.overallConcordance))
        rows.append(row("wSD", repeatability.withinSubjectSD))
        rows.append(row("wCV", repeatability.withinSubjectCV))
        rows.append(row("RC", repeatability.repeatabilityCoefficient))
        rows.append(row("meanCV", repeatability.meanCV))
        rows.append(row("rmsCV", repeatability.rmsCV))
        rows.append(row("logwCV", repeatability.logWithinSubjectCV))
        if let blandAltman = analysis.blandAltman {
            rows.append(row("BA bias", blandAltman.bias, blandAltman.biasInterval))
            rows.append(row("BA LoA lower", blandAltman.lowerLimit, blandAltman.lowerLimitInterval))
            rows.append(row("BA LoA upper", blandAltman.upperLimit, blandAltman.upperLimitInterval))
        }
        return rows
    }

    /// NaN rows for a feature that could not be analysed, with the reason in `note`.
    static func missingRows(feature: String, note: String) -> [[String]] {
        statistics.filter { !$0.hasPrefix("BA") && $0 != "CCC" }.map {
            [feature, $0, "NaN", "NaN", "NaN", "NaN", "NaN", "NaN", "NaN", "0", "0", "", note]
        }
    }
}
