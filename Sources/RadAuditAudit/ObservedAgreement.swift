import RadAuditStatistics

/// Agreement of every feature across real repeats of the same subjects: test–retest scans, several observers'
/// contours, or acquisition protocols (the `observed:` section of a protocol; Zwanenburg et al., Sci Rep 2019;9:614).
///
/// The subjects are the cohort's `subject` values; the raters are the values of the chosen column (`repeat`,
/// `observer` or `protocol`), in order of first appearance. Each row's features are those of its unperturbed image
/// (variant `original`). A subject with one row only is left out with a warning; so is a subject that lacks one of
/// the raters. Per feature, a subject with a missing or non-finite value is left out (listwise deletion, as in
/// ``StabilityAnalysis``). Where the ICC is undefined the `note` says why (one subject, as in a phantom study;
/// fewer than two complete subjects; no variance at all), never a bare NaN.
public struct ObservedAgreement: Sendable {
    /// One feature's agreement across the raters, with the reason when it is undefined.
    public struct Row: Sendable, Hashable {
        public var result: StabilityResult
        public var note: String

        /// A row of `observed_stability.csv`, whose first column is named after the rater `axis`.
        init(row: CSVRow, axis: String) throws {
            var columns = row.columns
            if let index = columns.removeValue(forKey: axis) { columns["perturbation"] = index }
            result = try StabilityResult(row: CSVRow(path: row.path, line: row.line, columns: columns, cells: row.cells))
            note = row.optional("note") ?? ""
        }

        init(result: StabilityResult, note: String) {
            self.result = result
            self.note = note
        }
    }

    public var axis: ObservedSettings.RaterAxis
    public var settings: StabilitySettings
    /// The rater values, in cohort order.
    public var raters: [String]
    /// The subjects analysed (at least two rows each), in cohort order.
    public var subjects: [String]
    public var rows: [Row]
    /// Problems of the design that did not stop the audit (subjects left out, a single subject, …).
    public var warnings: [String]

    /// The columns of `observed_stability.csv`: those of `stability.csv` with the rater axis first, and `note`.
    public static func columns(axis: ObservedSettings.RaterAxis, filtered: Bool) -> [String] {
        [axis.rawValue] + StabilityResult.columns(filtered: filtered).dropFirst() + ["note"]
    }

    public static func fields(_ row: Row, filtered: Bool) -> [String] { row.result.fields(filtered: filtered) + [row.note] }

    /// The comparison in the first column, e.g. `test vs retest`.
    public var comparison: String { raters.joined(separator: " vs ") }

    /// - Parameters:
    ///   - features: the feature table (rows of other variants than `original` are ignored).
    ///   - inputs: the cohort rows with their design.
    /// - Throws: ``CohortError`` when a subject has two rows with the same rater value, or no row has one.
    public static func analyse(features: [FeatureValue], inputs: [InputRecord], settings: ObservedSettings) throws -> ObservedAgreement {
        let axis = settings.raters
        let layout = try Layout(inputs.map { ($0.caseID, $0.design) }, axis: axis)
        let (subjects, raterOrder, cells, warnings) = (layout.subjects, layout.raters, layout.cells, layout.warnings)
        // Feature values of the original variants, per feature key and case.
        var order: [FeatureKey] = []
        var values: [FeatureKey: [String: Double]] = [:]
        for f in features where f.variantID == Variant.original.id {
            if values[f.key] == nil { order.append(f.key) }
            values[f.key, default: [:]][f.caseID] = f.value
        }
        let form = IntraclassCorrelation.Form(rawValue: settings.agreement.statistic)!
        let rule = settings.agreement
        let comparison = raterOrder.joined(separator: " vs ")
        let rows = order.map { key -> Row in
            let byCase = values[key] ?? [:]
            let table: [[Double]] = subjects.compactMap { subject in
                let row = raterOrder.map { cells[subject]?[$0].flatMap { byCase[$0] } ?? .nan }
                return row.allSatisfy(\.isFinite) ? row : nil
            }
            let result = StabilityResult(scoring: table, form: form, raters: raterOrder.count, group: comparison, key: key,
                                         settings: rule)
            var note = ""
            if subjects.count < 2 {
                note = subjects.isEmpty ? "no subject has every \(axis.rawValue): ICC undefined"
                    : "one subject: ICC undefined (it needs between-subject variance); see acquisition_levels.csv"
            } else if table.count < 2 {
                note = "\(table.count) subject(s) with a finite value for every \(axis.rawValue): ICC needs at least two"
            } else if result.estimate.isNaN {
                note = "the feature does not vary (between or within subjects): ICC is 0/0"
            } else if result.ciLow.isNaN || result.ciHigh.isNaN {
                note = "confidence interval undefined (degenerate mean squares)"
            }
            return Row(result: result, note: note)
        }
        return ObservedAgreement(axis: axis, settings: rule, raters: raterOrder, subjects: subjects, rows: rows,
                                 warnings: warnings)
    }

    /// Which case is which subject's row for which rater, from the cohort's design columns.
    public struct Layout: Sendable {
        /// Subjects with a row for every rater, in cohort order.
        public var subjects: [String]
        public var raters: [String]
        /// subject → rater → case id.
        var cells: [String: [String: String]]
        public var warnings: [String]

        /// - Throws: ``CohortError`` when a subject has two rows with one rater value, or fewer than two rater values
        ///   exist.
        public init(_ rows: [(caseID: String, design: CaseDesign)], axis: ObservedSettings.RaterAxis) throws {
            func rater(_ design: CaseDesign) -> String? {
                switch axis {
                case .repeat: design.repetition
                case .observer: design.observer
                case .protocol: design.acquisitionProtocol
                }
            }
            warnings = []
            var subjectOrder: [String] = [], raterOrder: [String] = []
            var cells: [String: [String: String]] = [:]
            let unrated = rows.filter { rater($0.design) == nil }.map(\.caseID)
            if !unrated.isEmpty {
                warnings.append("\(unrated.count) row(s) have no '\(axis.rawValue)' value and are left out of the observed "
                                + "analysis: " + ObservedAgreement.listed(unrated))
            }
            for row in rows {
                guard let value = rater(row.design) else { continue }
                let subject = row.design.subject ?? row.caseID
                if cells[subject] == nil { subjectOrder.append(subject) }
                if !raterOrder.contains(value) { raterOrder.append(value) }
                if let other = cells[subject]?[value] {
                    throw CohortError(description: "subject '\(subject)' has two rows with \(axis.rawValue) '\(value)' "
                                      + "(cases '\(other)' and '\(row.caseID)'): each subject needs one row per \(axis.rawValue)")
                }
                cells[subject, default: [:]][value] = row.caseID
            }
            guard raterOrder.count >= 2 else {
                throw CohortError(description: "the protocol's observed analysis compares \(axis.rawValue)s, but the cohort has "
                                  + (raterOrder.isEmpty ? "no '\(axis.rawValue)' column or values"
                                     : "only \(axis.rawValue) '\(raterOrder[0])'"))
            }
            var subjects: [String] = []
            for subject in subjectOrder {
                let found = cells[subject] ?? [:]
                if found.count == 1 {
                    warnings.append("subject '\(subject)' has one row only (case '\(found.values.first!)'): left out of the "
                                    + "observed analysis")
                } else if found.count < raterOrder.count {
                    let missing = raterOrder.filter { found[$0] == nil }
                    warnings.append("subject '\(subject)' has no row for \(axis.rawValue) "
                                    + "\(missing.map { "'\($0)'" }.joined(separator: ", ")): left out of the observed analysis")
                } else {
                    subjects.append(subject)
                }
            }
            if subjects.count == 1 {
                warnings.append("one subject ('\(subjects[0])') with every \(axis.rawValue): the ICC needs at least two subjects "
                                + "(it sets between-subject against within-subject variance), so it is not shown; "
                                + "acquisition_levels.csv gives CV, QCD and range across \(axis.rawValue)s instead")
            }
            (self.subjects, self.raters, self.cells) = (subjects, raterOrder, cells)
        }
    }

    /// At most ten names, then how many more.
    static func listed(_ names: [String]) -> String {
        names.prefix(10).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 10 ? " and \(names.count - 10) more" : "")
    }
}
