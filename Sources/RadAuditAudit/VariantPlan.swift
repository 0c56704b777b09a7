import RadAuditCore
import RadAuditExtraction
import RadAuditPerturbation
import RadAuditPreprocessing

/// One step of a variant: a perturbation of the image and mask, or a change of the extraction settings
/// (resampling replaces the extraction's spacing, so that the image is interpolated once).
public enum VariantStep: Sendable, Hashable {
    case perturbation(Perturbation)
    case resampling(spacing: [Double])
    /// A texture discretisation replacing the extraction's.
    case discretisation(DiscretisationMethod)
    /// An intensity normalisation replacing the extraction's (nil: none).
    case normalisation(IntensityNormalisation?)

    /// A short label of a normalisation for variant ids: `none`, `image`, `roi_s100_o3`.
    static func normalisationLabel(_ n: IntensityNormalisation?) -> String {
        guard let n else { return "none" }
        return ([n.scope.rawValue] + (n.scale == 1 ? [] : ["s\(Number.format(n.scale))"])
            + (n.outlierLimit.map { ["o\(Number.format($0))"] } ?? [])).joined(separator: "_")
    }

    /// Stable text of the parameters, e.g. `noise(sigma=15)`, `discretisation(bin_width=10)`.
    public var parameters: String {
        switch self {
        case .perturbation(let p): "\(p.name)(\(p.parameters))"
        case .resampling(let spacing): "resampling(\(Perturbation.resampling(spacing: spacing).parameters))"
        case .discretisation(.fixedBinSize(let w)): "discretisation(bin_width=\(Number.format(w)))"
        case .discretisation(.fixedBinNumber(let n)): "discretisation(bins=\(n))"
        case .discretisation(.none): "discretisation(none)"
        case .normalisation(nil): "normalisation(none)"
        case .normalisation(let n?):
            "normalisation(over=\(n.scope.rawValue),scale=\(Number.format(n.scale))"
                + (n.outlierLimit.map { ",outlier_limit=\(Number.format($0))" } ?? "") + ")"
        }
    }

    /// The extraction settings this step leaves in force.
    func adjust(_ settings: inout ExtractionSettings) {
        switch self {
        case .resampling(let spacing):
            var interpolation = settings.interpolation ?? InterpolationSettings(spacing: spacing)
            interpolation.spacing = spacing
            settings.interpolation = interpolation
        case .discretisation(let method): settings.discretisation.texture = method
        case .normalisation(let normalisation): settings.normalisation = normalisation
        case .perturbation: break
        }
    }
}

/// A variant of a case: the original (no steps) or a list of perturbation steps.
public struct Variant: Sendable, Hashable {
    /// Unique within an audit, e.g. `original`, `noise-2`, `rotation-15`, `NTVC-3`.
    public var id: String
    /// The `perturbation` column: `none`, a perturbation kind, or a chain name.
    public var perturbation: String
    public var steps: [VariantStep]

    public static let original = Variant(id: "original", perturbation: "none", steps: [])

    /// Stable text of all steps, `;`-separated (empty for the original).
    public var parameters: String { steps.map(\.parameters).joined(separator: ";") }

    /// The extraction settings of this variant.
    public func settings(from base: ExtractionSettings) -> ExtractionSettings {
        var settings = base
        for step in steps { step.adjust(&settings) }
        return settings
    }
}

/// The variants a protocol asks for, in a fixed order: the original, each perturbation kind in protocol
/// order, then the chains.
public enum VariantPlan {
    public static func variants(for settings: ProtocolPerturbations, seed: UInt64) -> [Variant] {
        var variants = [Variant.original]
        func add(_ kind: PerturbationKind, _ suffix: String, _ steps: [VariantStep]) {
            variants.append(Variant(id: "\(kind.rawValue)-\(suffix)", perturbation: kind.rawValue, steps: steps))
        }
        if let noise = settings.noise {
            for r in 1...noise.repetitions { add(.noise, "\(r)", [.perturbation(.noise(sigma: noise.level))]) }
        }
        for spacing in settings.resamplingSpacings {
            add(.resampling, spacing.map(Number.format).joined(separator: "x"), [.resampling(spacing: spacing)])
        }
        for w in settings.binWidths { add(.discretisation, "width\(Number.format(w))", [.discretisation(.fixedBinSize(w))]) }
        for n in settings.binCounts { add(.discretisation, "bins\(n)", [.discretisation(.fixedBinNumber(n))]) }
        for mm in settings.erosionsMM { add(.mask, "erode\(Number.format(mm))mm", [.perturbation(.erosion(mm: mm))]) }
        for mm in settings.dilationsMM { add(.mask, "dilate\(Number.format(mm))mm", [.perturbation(.dilation(mm: mm))]) }
        for a in settings.rotationsDegrees { add(.rotation, Number.format(a), [.perturbation(.rotation(degrees: a))]) }
        for f in settings.translationFractions { add(.translation, Number.format(f), [.perturbation(.translation(fraction: f))]) }
        for f in settings.volumeFractions {
            add(.volumeAdaptation, Number.format(f), [.perturbation(.volumeAdaptation(fraction: f))])
        }
        for n in settings.normalisations { add(.normalisation, VariantStep.normalisationLabel(n), [.normalisation(n)]) }
        if settings.contourRepetitions > 0 {
            for r in 1...settings.contourRepetitions {
                add(.contourRandomisation, "\(r)", [.perturbation(.contourRandomisation(repetition: r))])
            }
        }
        for chain in settings.chains {
            for r in 1...chain.repetitions {
                let id = "\(chain.name)-\(r)"
                // The settings a repetition uses are drawn once for all cases, so a chain variant is the same
                // "rater" in every case; only its random realisations (noise, contours) depend on the case.
                var generator = SeededGenerator(seed: PerturbationSeed.derive(protocolSeed: seed, caseID: "", variantID: id))
                let steps = chain.steps.map { draw($0, repetition: r, from: settings, using: &generator) }
                variants.append(Variant(id: id, perturbation: chain.name, steps: steps))
            }
        }
        return variants
    }

    /// One setting of `kind`, drawn uniformly from the protocol's list.
    private static func draw(_ kind: PerturbationKind, repetition: Int, from s: ProtocolPerturbations,
                             using g: inout SeededGenerator) -> VariantStep {
        func pick<T>(_ values: [T]) -> T { values[g.nextInt(below: values.count)] }
        switch kind {
        case .noise: return .perturbation(.noise(sigma: s.noise?.level ?? .auto))
        case .resampling: return .resampling(spacing: pick(s.resamplingSpacings))
        case .discretisation:
            return .discretisation(pick(s.binWidths.map { .fixedBinSize($0) } + s.binCounts.map { .fixedBinNumber($0) }))
        case .mask:
            return .perturbation(pick(s.erosionsMM.map { .erosion(mm: $0) } + s.dilationsMM.map { .dilation(mm: $0) }))
        case .rotation: return .perturbation(.rotation(degrees: pick(s.rotationsDegrees)))
        case .translation: return .perturbation(.translation(fraction: pick(s.translationFractions)))
        case .volumeAdaptation: return .perturbation(.volumeAdaptation(fraction: pick(s.volumeFractions)))
        case .contourRandomisation: return .perturbation(.contourRandomisation(repetition: repetition))
        case .normalisation: return .normalisation(pick(s.normalisations))
        }
    }
}

