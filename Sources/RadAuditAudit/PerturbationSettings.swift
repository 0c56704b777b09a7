import RadAuditCore
import RadAuditExtraction
import RadAuditPerturbation
import RadAuditPreprocessing

/// The `perturbations:` section of a protocol. Every listed value is one variant; noise and contour
/// randomisation make one variant per repetition; chains combine steps, drawing one setting per step.
public struct ProtocolPerturbations: Sendable, Hashable, Decodable {
    /// Additive Gaussian noise.
    public struct Noise: Sendable, Hashable, Decodable {
        public var repetitions: Int
        /// Standard deviation in image units; `nil` = estimated from the image (Chang et al. 2000).
        public var sigma: Double?

        /// The noise level as the perturbation takes it.
        public var level: Perturbation.NoiseSigma { sigma.map { .value($0) } ?? .auto }

        enum CodingKeys: String, CodingKey, CaseIterable { case repetitions, sigma }

        public init(repetitions: Int, sigma: Double?) {
            self.repetitions = repetitions
            self.sigma = sigma
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            repetitions = try c.decodeIfPresent(Int.self, forKey: .repetitions) ?? 1
            if (try? c.decode(String.self, forKey: .sigma)) == "auto" {
                sigma = nil
            } else {
                sigma = try c.decode(Double.self, forKey: .sigma)
                guard let s = sigma, s > 0, s.isFinite else {
                    throw DecodingError.dataCorruptedError(forKey: .sigma, in: c, debugDescription: "expected a positive σ or 'auto'")
                }
            }
            guard repetitions >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: .repetitions, in: c, debugDescription: "expected at least 1")
            }
        }
    }

    /// A chain of perturbation steps applied in order (e.g. noise → translation → volume adaptation → contours).
    public struct Chain: Sendable, Hashable, Decodable {
        public var name: String
        public var steps: [PerturbationKind]
        public var repetitions: Int

        enum CodingKeys: String, CodingKey, CaseIterable { case name, steps, repetitions }

        public init(name: String, steps: [PerturbationKind], repetitions: Int) {
            self.name = name
            self.steps = steps
            self.repetitions = repetitions
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            steps = try c.decode([PerturbationKind].self, forKey: .steps)
            repetitions = try c.decodeIfPresent(Int.self, forKey: .repetitions) ?? 1
            guard !steps.isEmpty, repetitions >= 1 else {
                throw DecodingError.dataCorruptedError(forKey: .steps, in: c, debugDescription: "a chain needs steps and ≥ 1 repetition")
            }
            guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw DecodingError.dataCorruptedError(forKey: .name, in: c, debugDescription: "use letters, digits, '-' and '_'")
            }
        }
    }

    public var noise: Noise?
    /// New voxel spacings (mm), each replacing the extraction spacing.
    public var resamplingSpacings: [[Double]]
    /// Texture discretisations replacing the extraction's texture setting.
    public var binWidths: [Double]
    public var binCounts: [Int]
    public var erosionsMM: [Double]
    public var dilationsMM: [Double]
    public var rotationsDegrees: [Double]
    public var translationFractions: [Double]
    public var volumeFractions: [Double]
    public var contourRepetitions: Int
    /// Intensity normalisations replacing the extraction's (nil: none), e.g. with against without.
    public var normalisations: [IntensityNormalisation?]
    public var chains: [Chain]

    public init(noise: Noise? = nil, resamplingSpacings: [[Double]] = [], binWidths: [Double] = [], binCounts: [Int] = [],
                erosionsMM: [Double] = [], dilationsMM: [Double] = [], rotationsDegrees: [Double] = [],
                translationFractions: [Double] = [], volumeFractions: [Double] = [], contourRepetitions: Int = 0,
                normalisations: [IntensityNormalisation?] = [], chains: [Chain] = []) {
        self.normalisations = normalisations
        self.noise = noise
        self.resamplingSpacings = resamplingSpacings
        self.binWidths = binWidths
        self.binCounts = binCounts
        self.erosionsMM = erosionsMM
        self.dilationsMM = dilationsMM
        self.rotationsDegrees = rotationsDegrees
        self.translationFractions = translationFractions
        self.volumeFractions = volumeFractions
        self.contourRepetitions = contourRepetitions
        self.chains = chains
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case noise, resampling, discretisation, mask, rotation, translation
        case volumeAdaptation = "volume_adaptation", contourRandomisation = "contour_randomisation", normalisation, chains
    }

    /// One entry of `normalisation: methods:`: `none`, or a normalisation as in `extraction: normalisation:`.
    private struct NormalisationEntry: Decodable {
        var normalisation: IntensityNormalisation?

        init(from decoder: Decoder) throws {
            if let text = try? decoder.singleValueContainer().decode(String.self) {
                guard text == "none" else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                            debugDescription: "expected none or a normalisation mapping"))
                }
                normalisation = nil
            } else {
                normalisation = try IntensityNormalisation(from: decoder)
            }
        }
    }
    private enum NormalisationKeys: String, CodingKey, CaseIterable { case methods }

    private enum ResamplingKeys: String, CodingKey, CaseIterable { case spacings = "spacings_mm" }
    private enum DiscretisationKeys: String, CodingKey, CaseIterable { case binWidths = "bin_widths", binCounts = "bin_counts" }
    private enum MaskKeys: String, CodingKey, CaseIterable { case erode = "erode_mm", dilate = "dilate_mm" }
    private enum RotationKeys: String, CodingKey, CaseIterable { case angles = "angles_deg" }
    private enum FractionKeys: String, CodingKey, CaseIterable { case fractions }
    private enum RepetitionKeys: String, CodingKey, CaseIterable { case repetitions }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        noise = try c.decodeIfPresent(Noise.self, forKey: .noise)
        func section<K: CodingKey & CaseIterable>(_ key: CodingKeys, _: K.Type) throws -> KeyedDecodingContainer<K>? {
            guard c.contains(key) else { return nil }
            try c.superDecoder(forKey: key).rejectUnknownKeys(K.self)
            return try c.nestedContainer(keyedBy: K.self, forKey: key)
        }
        if let r = try section(.resampling, ResamplingKeys.self) {
            resamplingSpacings = try r.decode([[Double]].self, forKey: .spacings)
            guard resamplingSpacings.allSatisfy({ (2...3).contains($0.count) && $0.allSatisfy { $0 > 0 && $0.isFinite } }) else {
                throw DecodingError.dataCorruptedError(forKey: .spacings, in: r, debugDescription: "each spacing needs 2 or 3 positive values")
            }
        }
        if let d = try section(.discretisation, DiscretisationKeys.self) {
            binWidths = try d.decodeIfPresent([Double].self, forKey: .binWidths) ?? []
            binCounts = try d.decodeIfPresent([Int].self, forKey: .binCounts) ?? []
            guard binWidths.allSatisfy({ $0 > 0 && $0.isFinite }), binCounts.allSatisfy({ $0 >= 1 }) else {
                throw DecodingError.dataCorruptedError(forKey: .binWidths, in: d, debugDescription: "bin widths must be > 0, counts ≥ 1")
            }
        }
        if let m = try section(.mask, MaskKeys.self) {
            erosionsMM = try m.decodeIfPresent([Double].self, forKey: .erode) ?? []
            dilationsMM = try m.decodeIfPresent([Double].self, forKey: .dilate) ?? []
            guard (erosionsMM + dilationsMM).allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw DecodingError.dataCorruptedError(forKey: .erode, in: m, debugDescription: "distances must be positive (mm)")
            }
        }
        if let r = try section(.rotation, RotationKeys.self) {
            rotationsDegrees = try r.decode([Double].self, forKey: .angles)
        }
        if let t = try section(.translation, FractionKeys.self) {
            translationFractions = try t.decode([Double].self, forKey: .fractions)
        }
        if let v = try section(.volumeAdaptation, FractionKeys.self) {
            volumeFractions = try v.decode([Double].self, forKey: .fractions)
            guard volumeFractions.allSatisfy({ $0 > -1 && $0.isFinite }) else {
                throw DecodingError.dataCorruptedError(forKey: .fractions, in: v, debugDescription: "fractions must be > −1")
            }
        }
        if let r = try section(.contourRandomisation, RepetitionKeys.self) {
            contourRepetitions = try r.decode(Int.self, forKey: .repetitions)
        }
        if let n = try section(.normalisation, NormalisationKeys.self) {
            normalisations = try n.decode([NormalisationEntry].self, forKey: .methods).map(\.normalisation)
            let labels = normalisations.map(VariantStep.normalisationLabel)
            if let repeated = labels.first(where: { label in labels.filter { $0 == label }.count > 1 }) {
                throw DecodingError.dataCorruptedError(forKey: .methods, in: n, debugDescription: "normalisation '\(repeated)' is listed twice")
            }
        }
        chains = try c.decodeIfPresent([Chain].self, forKey: .chains) ?? []
        for chain in chains {
            for step in chain.steps where !offers(step) {
                throw DecodingError.dataCorruptedError(forKey: .chains, in: c,
                                                       debugDescription: "chain \(chain.name) uses \(step.rawValue), which the protocol does not configure")
            }
        }
        guard contourRepetitions >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .contourRandomisation, in: c, debugDescription: "repetitions must be ≥ 0")
        }
        let count = variantCount
        guard count <= Double(Self.maximumVariants) else {
            throw DecodingError.dataCorruptedError(forKey: CodingKeys.allCases.first { c.contains($0) } ?? .noise, in: c,
                debugDescription: "the perturbations ask for \(Number.format(count)) variants per case; at most "
                    + "\(Self.maximumVariants) are allowed (each is a full extraction of every case; \(ResourceLimit.variants.hint))")
        }
    }

    /// The most variants per case a protocol may ask for (original included): each is one extraction of every case.
    public static var maximumVariants: Int { ResourceLimit.variants.value }

    /// Variants per case, original included, counted without overflow (as a Double).
    public var variantCount: Double {
        let lists = [resamplingSpacings.count, binWidths.count, binCounts.count, erosionsMM.count, dilationsMM.count,
                     rotationsDegrees.count, translationFractions.count, volumeFractions.count, normalisations.count]
        return 1 + Double(noise?.repetitions ?? 0) + Double(lists.reduce(0, +)) + Double(contourRepetitions)
            + chains.reduce(0.0) { $0 + Double($1.repetitions) }
    }

    /// Whether the protocol lists settings for `kind`, so a chain can draw from them.
    public func offers(_ kind: PerturbationKind) -> Bool {
        switch kind {
        case .noise: noise != nil
        case .resampling: !resamplingSpacings.isEmpty
        case .discretisation: !binWidths.isEmpty || !binCounts.isEmpty
        case .mask: !erosionsMM.isEmpty || !dilationsMM.isEmpty
        case .rotation: !rotationsDegrees.isEmpty
        case .translation: !translationFractions.isEmpty
        case .volumeAdaptation: !volumeFractions.isEmpty
        case .contourRandomisation: contourRepetitions > 0
        case .normalisation: !normalisations.isEmpty
        }
    }
}

/// The kinds of perturbation, as named in protocols and in the `perturbation` column of the outputs.
public enum PerturbationKind: String, Sendable, Hashable, CaseIterable, Decodable {
    case noise, resampling, discretisation, mask, rotation, translation
    case volumeAdaptation = "volume_adaptation"
    case contourRandomisation = "contour_randomisation"
    case normalisation
}

/// The `stability:` section: which agreement statistic scores each feature and when it counts as robust.
public struct StabilitySettings: Sendable, Hashable, Decodable {
    public enum Metric: String, Sendable, Hashable, Decodable {
        /// The lower bound of the 95 % confidence interval (Koo & Li's recommendation).
        case ciLow = "ci_low"
        case estimate
    }

    /// An ICC form: `ICC(1,1)`, `ICC(A,1)`, `ICC(C,1)`, `ICC(1,k)`, `ICC(A,k)` or `ICC(C,k)`.
    public var statistic: String
    public var metric: Metric
    public var threshold: Double
    /// The perturbation groups a feature must be robust in to be recommended (`robust_features.csv`); nil: every
    /// group of the audit (each perturbation and chain, and `all`).
    public var required: [String]?

    public static let iccForms = ["ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"]
    /// Shrout & Fleiss' names of the two-way forms, accepted for McGraw & Wong's: ICC(2,·) is absolute agreement
    /// (A), ICC(3,·) consistency (C).
    static let shroutFleissNames = ["ICC(2,1)": "ICC(A,1)", "ICC(3,1)": "ICC(C,1)", "ICC(2,k)": "ICC(A,k)", "ICC(3,k)": "ICC(C,k)"]

    public init(statistic: String = "ICC(1,1)", metric: Metric = .ciLow, threshold: Double = 0.75) {
        self.statistic = statistic
        self.metric = metric
        self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case statistic, robustIf = "robust_if", required }
    private enum RuleKeys: String, CodingKey, CaseIterable { case metric, threshold }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        try self.init(decoding: decoder)
    }

    /// The `statistic` and `robust_if` keys of a mapping that may have others (checked by the caller).
    init(decoding decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        let named = try c.decodeIfPresent(String.self, forKey: .statistic) ?? statistic
        statistic = Self.shroutFleissNames[named] ?? named
        guard Self.iccForms.contains(statistic) else {
            throw DecodingError.dataCorruptedError(forKey: .statistic, in: c,
                                                   debugDescription: "expected one of \(Self.iccForms.joined(separator: ", ")) "
                                                   + "(or Shrout & Fleiss' ICC(2,1), ICC(3,1), ICC(2,k), ICC(3,k))")
        }
        if c.contains(.robustIf) {
            try c.superDecoder(forKey: .robustIf).rejectUnknownKeys(RuleKeys.self)
            let rule = try c.nestedContainer(keyedBy: RuleKeys.self, forKey: .robustIf)
            metric = try rule.decodeIfPresent(Metric.self, forKey: .metric) ?? metric
            threshold = try rule.decodeIfPresent(Double.self, forKey: .threshold) ?? threshold
        }
        required = try c.decodeIfPresent([String].self, forKey: .required)
        if required?.isEmpty == true {
            throw DecodingError.dataCorruptedError(forKey: .required, in: c, debugDescription: "name at least one perturbation group")
        }
    }

}

/// The `observed:` section of a protocol: agreement across real repeats of the same subjects (``ObservedAgreement``).
public struct ObservedSettings: Sendable, Hashable, Decodable {
    /// The cohort column whose values are the raters.
    public enum RaterAxis: String, Sendable, Hashable, Decodable, CaseIterable {
        /// Test–retest scans (`repeat` column).
        case `repeat`
        /// Observers' (or models') contours (`observer` column).
        case observer
        /// Named acquisition settings (`protocol` column).
        case `protocol`
    }

    public var raters: RaterAxis
    /// Statistic and robustness rule, as under `stability:`.
    public var agreement: StabilitySettings

    public init(raters: RaterAxis, agreement: StabilitySettings = StabilitySettings(statistic: "ICC(A,1)")) {
        self.raters = raters
        self.agreement = agreement
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case raters, statistic, robustIf = "robust_if" }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        raters = try c.decode(RaterAxis.self, forKey: .raters)
        agreement = try StabilitySettings(decoding: decoder)
        if !c.contains(.statistic) { agreement.statistic = "ICC(A,1)" }
    }
}
