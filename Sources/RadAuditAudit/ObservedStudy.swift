import Foundation
import RadAuditCore

/// The tables of a study of real repeats, next to an audit's perturbation tables: `observed_stability.csv` and
/// `perturbation_validity.csv` (``ObservedAgreement``, ``PerturbationValidity``; when the protocol has `observed:`),
/// `acquisition_effects.csv` and `acquisition_levels.csv` (``AcquisitionEffects``; when subjects were acquired more
/// than once under different parameters), and `observed.json`, the design they describe with its warnings (read by
/// the report and the provenance record).
public struct ObservedStudy: Sendable, Codable, Hashable {
    public static let fileName = "observed.json"
    public static let stabilityName = "observed_stability.csv"
    public static let validityName = "perturbation_validity.csv"
    public static let effectsName = "acquisition_effects.csv"
    public static let levelsName = "acquisition_levels.csv"
    /// Every file the study writes, `observed.json` first.
    public static let tableNames = [fileName, stabilityName, validityName, effectsName, levelsName]

    /// `repeat`, `observer` or `protocol`; nil without an `observed:` section.
    public var raters: String?
    public var statistic: String?
    /// The robustness rule in words.
    public var rule: String?
    /// The rater values compared.
    public var raterValues: [String]
    /// How many subjects the observed analysis used.
    public var subjects: Int
    /// The acquisition parameters whose effect was attributed.
    public var parameters: [String]
    public var warnings: [String]

    /// Runs the analyses and writes their tables into `directory`; nil (and nothing written) when the cohort has no
    /// repeats and the protocol no `observed:` section.
    ///
    /// - Parameter extraWarnings: design warnings found elsewhere (observers whose masks do not overlap).
    public static func write(to directory: String, features: [FeatureValue], inputs: [InputRecord],
                             stability: [StabilityResult], settings: ObservedSettings?, extraWarnings: [String] = []) throws -> ObservedStudy? {
        let base = URL(fileURLWithPath: directory)
        func put(_ name: String, _ header: [String], _ rows: [[String]]) throws {
            try AtomicFile.write(CSVTable.render(header: header, rows: rows), to: base.appendingPathComponent(name).path)
        }
        // Tables of an earlier run in this directory must not outlive it.
        for name in tableNames {
            try? FileManager.default.removeItem(at: base.appendingPathComponent(name))
        }
        let filtered = features.contains { $0.filter != "none" }
        var study = ObservedStudy(raters: nil, statistic: nil, rule: nil, raterValues: [], subjects: 0, parameters: [],
                                  warnings: [])
        var wrote = false
        if let settings {
            let observed = try ObservedAgreement.analyse(features: features, inputs: inputs, settings: settings)
            try put(stabilityName, ObservedAgreement.columns(axis: settings.raters, filtered: filtered),
                    observed.rows.map { ObservedAgreement.fields($0, filtered: filtered) })
            try put(validityName, PerturbationValidity.columns,
                    PerturbationValidity.compare(stability: stability, observed: observed).map(\.fields))
            study.raters = settings.raters.rawValue
            study.statistic = settings.agreement.statistic
            study.rule = IBSINotation.rule(settings.agreement).text
            study.raterValues = observed.raters
            study.subjects = observed.subjects.count
            study.warnings += observed.warnings
            wrote = true
        }
        if let effects = AcquisitionEffects.analyse(features: features, inputs: inputs) {
            try put(effectsName, AcquisitionEffects.effectColumns(filtered: filtered),
                    effects.effects.map { AcquisitionEffects.fields($0, filtered: filtered) })
            try put(levelsName, AcquisitionEffects.levelColumns(filtered: filtered),
                    effects.levels.map { AcquisitionEffects.fields($0, filtered: filtered) })
            study.parameters = effects.parameters
            wrote = true
        }
        guard wrote else { return nil }
        study.warnings += extraWarnings
        try AtomicFile.write(try JSONEncoder.radaudit().encode(study), to: base.appendingPathComponent(fileName).path)
        return study
    }

    /// The study recorded in `data` (the contents of `observed.json` at `path`).
    static func parse(_ data: Data, path: String) throws -> ObservedStudy {
        do {
            return try JSONDecoder().decode(ObservedStudy.self, from: data)
        } catch {
            throw AuditResultsError("\(path): not a RadAudit observed-study record (\(error))")
        }
    }
}
