import Foundation
import RadAuditCore
import RadAuditImageIO
import RadAuditStatistics

/// Which acquisition parameter moves which feature, in a cohort of repeated acquisitions of the same subjects (a
/// phantom scanned under every setting of a protocol, or patients scanned with two kernels): the variance of each
/// feature of the unperturbed images attributed to each parameter (``MainEffectsANOVA``), and the spread of the
/// feature per parameter level (CV, QCD, range).
///
/// The parameters are the `protocol` column and the acquisition parameters of the rows: cohort columns named after
/// ``AcquisitionVocabulary`` terms, else what the DICOM reader found (kernel, kVp, exposure, tube current, slice
/// thickness, pixel spacing, field of view, manufacturer, model, MR timings). Only parameters with at least two levels
/// are used. When the rows cover more than one subject, `subject` enters every model as a factor, so that a
/// parameter is credited only with variation within subjects.
///
/// Two models per feature: `one-way` (the parameter alone, with `subject`), and `main-effects` (every parameter and
/// `subject` together, type II sums of squares, with a `residual` row), the latter only when the design can tell the
/// parameters apart; otherwise its rows say which parameter is confounded.
public struct AcquisitionEffects: Sendable {
    public struct Effect: Sendable, Hashable {
        public var parameter: String
        public var model: String
        public var key: FeatureKey
        public var levels: Int
        public var observations: Int
        public var degreesOfFreedom: Int
        public var share: Double
        public var fStatistic: Double
        public var pValue: Double
        public var note: String

        init(parameter: String, model: String, key: FeatureKey, levels: Int, observations: Int, degreesOfFreedom: Int,
             share: Double, fStatistic: Double, pValue: Double, note: String) {
            (self.parameter, self.model, self.key, self.levels, self.observations) = (parameter, model, key, levels, observations)
            (self.degreesOfFreedom, self.share, self.fStatistic, self.pValue, self.note) = (degreesOfFreedom, share, fStatistic, pValue, note)
        }

        /// A row of `acquisition_effects.csv`.
        init(row: CSVRow) throws {
            self.init(parameter: try row.text("parameter"), model: try row.text("model"),
                      key: FeatureKey(family: try row.text("family"), feature: try row.text("feature"),
                                      ibsiCode: row.optional("ibsi_code") ?? "", aggregation: row.optional("aggregation") ?? "",
                                      filter: row.optional("filter") ?? "none"),
                      levels: try row.integer("levels", empty: 0), observations: try row.integer("observations", empty: 0),
                      degreesOfFreedom: try row.integer("df", empty: 0), share: try row.number("share"),
                      fStatistic: try row.number("f"), pValue: try row.number("p_value"), note: row.optional("note") ?? "")
        }
    }

    public struct LevelSpread: Sendable, Hashable {
        public var parameter: String
        public var level: String
        public var key: FeatureKey
        public var observations: Int
        public var mean: Double
        public var standardDeviation: Double
        /// `sd / |mean|` (NaN when the mean is 0).
        public var coefficientOfVariation: Double
        /// Quartile coefficient of dispersion `(Q3 − Q1) / (Q3 + Q1)` (quartiles by linear interpolation).
        public var quartileCoefficientOfDispersion: Double
        public var range: Double
    }

    public var parameters: [String]
    public var subjects: Int
    public var effects: [Effect]
    public var levels: [LevelSpread]

    public static func effectColumns(filtered: Bool) -> [String] {
        ["parameter", "model"] + (filtered ? ["filter"] : []) + ["family", "feature", "ibsi_code", "aggregation", "levels",
         "observations", "df", "share", "f", "p_value", "note"]
    }

    public static func levelColumns(filtered: Bool) -> [String] {
        ["parameter", "level"] + (filtered ? ["filter"] : []) + ["family", "feature", "ibsi_code", "aggregation",
         "observations", "mean", "sd", "cv", "qcd", "range"]
    }

    public static func fields(_ e: Effect, filtered: Bool) -> [String] {
        [e.parameter, e.model] + (filtered ? [e.key.filter] : []) + [e.key.family, e.key.feature, e.key.ibsiCode,
         e.key.aggregation, String(e.levels), String(e.observations), String(e.degreesOfFreedom), Number.format(e.share),
         Number.format(e.fStatistic), Number.format(e.pValue), e.note]
    }

    public static func fields(_ l: LevelSpread, filtered: Bool) -> [String] {
        [l.parameter, l.level] + (filtered ? [l.key.filter] : []) + [l.key.family, l.key.feature, l.key.ibsiCode,
         l.key.aggregation, String(l.observations), Number.format(l.mean), Number.format(l.standardDeviation),
         Number.format(l.coefficientOfVariation), Number.format(l.quartileCoefficientOfDispersion), Number.format(l.range)]
    }

    /// The acquisition metadata the DICOM reader records that can differ between acquisitions of one subject.
    static let dicomParameters = ["convolutionKernel", "kvp", "exposure", "xRayTubeCurrent", "exposureTime", "sliceThickness",
                                  "spacingBetweenSlices", "pixelSpacing", "reconstructionDiameter", "manufacturer",
                                  "manufacturerModelName", "magneticFieldStrength", "repetitionTime", "echoTime",
                                  "inversionTime", "flipAngle", "reconstructionMethod"]

    /// Each row's acquisition parameters, name → level.
    static func parameters(of input: InputRecord) -> [String: String] {
        var found: [String: String] = [:]
        if let acquisition = input.acquisition, let data = try? JSONEncoder().encode(acquisition),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for name in dicomParameters {
                if let value = object[name] { found[name] = value is NSNumber ? Number.format((value as! NSNumber).doubleValue) : "\(value)" }
            }
        }
        for (name, value) in input.design.acquisition { found[name] = value }
        if let p = input.design.acquisitionProtocol { found["protocol"] = p }
        return found
    }

    /// The analysis, or nil when no subject has more than one row or no parameter has two levels.
    public static func analyse(features: [FeatureValue], inputs: [InputRecord]) -> AcquisitionEffects? {
        let subjectOf = Dictionary(inputs.map { ($0.caseID, $0.design.subject ?? $0.caseID) }, uniquingKeysWith: { a, _ in a })
        let rowsPerSubject = Dictionary(grouping: inputs, by: { subjectOf[$0.caseID]! })
        guard rowsPerSubject.values.contains(where: { $0.count > 1 }) else { return nil }
        // Subjects with one row carry no within-subject information.
        let rows = inputs.filter { rowsPerSubject[subjectOf[$0.caseID]!]!.count > 1 }
        let levelsOf = Dictionary(rows.map { ($0.caseID, parameters(of: $0)) }, uniquingKeysWith: { a, _ in a })
        var names: [String] = []
        for row in rows { for name in levelsOf[row.caseID]!.keys.sorted() where !names.contains(name) { names.append(name) } }
        names = names.filter { name in Set(rows.compactMap { levelsOf[$0.caseID]![name] }).count > 1 }
        // The protocol column first, then the parameters in vocabulary order.
        names.sort { a, b in
            func rank(_ n: String) -> Int { n == "protocol" ? -1 : AcquisitionVocabulary.terms.firstIndex { $0.name == n } ?? Int.max }
            return (rank(a), a) < (rank(b), b)
        }
        guard !names.isEmpty else { return nil }
        let subjects = Set(rows.map { subjectOf[$0.caseID]! })

        var order: [FeatureKey] = []
        var values: [FeatureKey: [String: Double]] = [:]
        let used = Set(rows.map(\.caseID))
        for f in features where f.variantID == Variant.original.id && used.contains(f.caseID) {
            if values[f.key] == nil { order.append(f.key) }
            values[f.key, default: [:]][f.caseID] = f.value
        }
        var effects: [Effect] = []
        var spreads: [LevelSpread] = []
        for key in order {
            let byCase = values[key]!
            let finite = rows.filter { byCase[$0.caseID]?.isFinite == true }
            func subjectFactor(_ rows: [InputRecord]) -> [(name: String, levels: [String])] {
                subjects.count > 1 ? [("subject", rows.map { subjectOf[$0.caseID]! })] : []
            }
            func fit(_ rows: [InputRecord], _ parameters: [String]) -> Result<MainEffectsANOVA, MainEffectsANOVA.Problem> {
                let factors = subjectFactor(rows) + parameters.map { p in (p, rows.map { levelsOf[$0.caseID]![p]! }) }
                do {
                    return .success(try MainEffectsANOVA(response: rows.map { byCase[$0.caseID]! }, factors: factors))
                } catch let problem as MainEffectsANOVA.Problem {
                    return .failure(problem)
                } catch {
                    return .failure(.tooFewObservations)
                }
            }
            func reason(_ problem: MainEffectsANOVA.Problem) -> String {
                switch problem {
                case .confounded(let factor): "'\(factor)' is confounded with the other factors: its effect cannot be separated"
                case .tooFewObservations: "fewer observations than model parameters"
                }
            }
            func note(_ fitted: MainEffectsANOVA) -> String {
                if fitted.totalSumOfSquares == 0 { return "the feature does not vary: no variance to attribute" }
                if fitted.residualDegreesOfFreedom == 0 { return "no residual degrees of freedom: F and p undefined" }
                return ""
            }
            func effect(_ term: MainEffectsANOVA.Term, _ model: String, _ fitted: MainEffectsANOVA, _ n: Int) -> Effect {
                Effect(parameter: term.name, model: model, key: key, levels: term.levels, observations: n,
                       degreesOfFreedom: term.degreesOfFreedom, share: term.share, fStatistic: term.fStatistic,
                       pValue: term.pValue, note: note(fitted))
            }
            for name in names {
                let present = finite.filter { levelsOf[$0.caseID]![name] != nil }
                let levelCount = Set(present.map { levelsOf[$0.caseID]![name]! }).count
                switch fit(present, [name]) {
                case .success(let fitted):
                    if let term = fitted.terms.first(where: { $0.name == name }) {
                        effects.append(effect(term, "one-way", fitted, present.count))
                    } else {
                        effects.append(Effect(parameter: name, model: "one-way", key: key, levels: levelCount,
                                              observations: present.count, degreesOfFreedom: 0, share: .nan, fStatistic: .nan,
                                              pValue: .nan, note: "one level among the rows with a finite value"))
                    }
                case .failure(let problem):
                    effects.append(Effect(parameter: name, model: "one-way", key: key, levels: levelCount,
                                          observations: present.count, degreesOfFreedom: 0, share: .nan, fStatistic: .nan,
                                          pValue: .nan, note: reason(problem)))
                }
            }
            if names.count > 1 {
                let complete = finite.filter { row in names.allSatisfy { levelsOf[row.caseID]![$0] != nil } }
                switch fit(complete, names) {
                case .success(let fitted):
                    for term in fitted.terms { effects.append(effect(term, "main-effects", fitted, complete.count)) }
                    effects.append(Effect(parameter: "residual", model: "main-effects", key: key, levels: 0,
                                          observations: complete.count, degreesOfFreedom: fitted.residualDegreesOfFreedom,
                                          share: fitted.totalSumOfSquares > 0 ? fitted.residualSumOfSquares / fitted.totalSumOfSquares : .nan,
                                          fStatistic: .nan, pValue: .nan, note: note(fitted)))
                case .failure(let problem):
                    effects.append(Effect(parameter: "all", model: "main-effects", key: key, levels: 0, observations: complete.count,
                                          degreesOfFreedom: 0, share: .nan, fStatistic: .nan, pValue: .nan, note: reason(problem)))
                }
            }
            // Spread across every acquisition of each subject, then per parameter level (groups in cohort order).
            func grouped(_ level: (InputRecord) -> String?) -> [(String, [Double])] {
                var order: [String] = []
                var samples: [String: [Double]] = [:]
                for row in finite {
                    guard let l = level(row) else { continue }
                    if samples[l] == nil { order.append(l) }
                    samples[l, default: []].append(byCase[row.caseID]!)
                }
                return order.map { ($0, samples[$0]!) }
            }
            for (subject, sample) in grouped({ subjectOf[$0.caseID] }) {
                spreads.append(spread("acquisitions of subject", subject, key, sample))
            }
            for name in names {
                for (level, sample) in grouped({ levelsOf[$0.caseID]![name] }) { spreads.append(spread(name, level, key, sample)) }
            }
        }
        return AcquisitionEffects(parameters: names, subjects: subjects.count, effects: effects, levels: spreads)
    }

    /// Mean, SD (n − 1; ``Summation``'s pivot-shifted two-pass sums), CV, QCD and range of a sample.
    static func spread(_ parameter: String, _ level: String, _ key: FeatureKey, _ sample: [Double]) -> LevelSpread {
        let mean = Summation.mean(sample)
        let sd = Summation.variance(sample).squareRoot()
        let sorted = sample.sorted()
        func quantile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let h = p * Double(sorted.count - 1)
            let lower = Int(h.rounded(.down))
            let upper = min(lower + 1, sorted.count - 1)
            return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
        }
        let q1 = quantile(0.25), q3 = quantile(0.75)
        return LevelSpread(parameter: parameter, level: level, key: key, observations: sample.count, mean: mean,
                           standardDeviation: sd, coefficientOfVariation: mean == 0 ? .nan : sd / abs(mean),
                           quartileCoefficientOfDispersion: (q3 - q1) / (q3 + q1),
                           range: (sorted.last ?? .nan) - (sorted.first ?? .nan))
    }
}
