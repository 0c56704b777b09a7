import RadAuditExtraction
import RadAuditPerturbation

/// One step of a variant: an image/mask perturbation, or a change of the extraction settings.
public enum VariantStep: Sendable, Hashable {
    case noise(sigma: Double?)
    case resampling(spacing: [Double])
    case binWidth(Double)
    case binCount(Int)
    case erosion(mm: Double)
    case dilation(mm: Double)
    case rotation(degrees: Double)
    case translation(fraction: Double)
    case volumeAdaptation(fraction: Double)
    case contourRandomisation(repetition: Int)

    /// Stable text of the parameters, e.g. `noise(sigma=15)`.
    public var parameters: String {
        switch self {
        case .noise(let sigma): "noise(sigma=\(sigma.map(Number.format) ?? "auto"))"
        case .resampling(let spacing): "resampling(spacing_mm=\(spacing.map(Number.format).joined(separator: "x")))"
        case .binWidth(let w): "discretisation(bin_width=\(Number.format(w)))"
        case .binCount(let n): "discretisation(bins=\(n))"
        case .erosion(let mm): "erosion(mm=\(Number.format(mm)))"
        case .dilation(let mm): "dilation(mm=\(Number.format(mm)))"
        case .rotation(let degrees): "rotation(degrees=\(Number.format(degrees)))"
        case .translation(let f): "translation(fraction=\(Number.format(f)))"
        case .volumeAdaptation(let f): "volume_adaptation(fraction=\(Number.format(f)))"
        case .contourRandomisation(let r): "contour_randomisation(repetition=\(r))"
        }
    }

    /// The image/mask operation of this step, or nil for a step that only changes the extraction settings.
    var imagePerturbation: Perturbation? {
        switch self {
        case .noise(let sigma): .noise(sigma: sigma.map { .value($0) } ?? .auto)
        case .erosion(let mm): .erosion(mm: mm)
        case .dilation(let mm): .dilation(mm: mm)
        case .rotation(let degrees): .rotation(degrees: degrees)
        case .translation(let f): .translation(fraction: f)
        case .volumeAdaptation(let f): .volumeAdaptation(fraction: f)
        case .contourRandomisation(let r): .contourRandomisation(repetition: r)
        case .resampling, .binWidth, .binCount: nil
        }
    }

    /// The extraction settings this step leaves in force.
    func adjust(_ settings: inout ExtractionSettings) {
        switch self {
        case .resampling(let spacing):
            var interpolation = settings.interpolation ?? InterpolationSettings(spacing: spacing)
            interpolation.spacing = spacing
            settings.interpolation = interpolation
        case .binWidth(let w): settings.discretisation.texture = .fixedBinSize(w)
        case .binCount(let n): settings.discretisation.texture = .fixedBinNumber(n)
        default: break
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
            for r in 1...noise.repetitions { add(.noise, "\(r)", [.noise(sigma: noise.sigma)]) }
        }
        for spacing in settings.resamplingSpacings {
            add(.resampling, spacing.map(Number.format).joined(separator: "x"), [.resampling(spacing: spacing)])
        }
        for w in settings.binWidths { add(.discretisation, "width\(Number.format(w))", [.binWidth(w)]) }
        for n in settings.binCounts { add(.discretisation, "bins\(n)", [.binCount(n)]) }
        for mm in settings.erosionsMM { add(.mask, "erode\(Number.format(mm))mm", [.erosion(mm: mm)]) }
        for mm in settings.dilationsMM { add(.mask, "dilate\(Number.format(mm))mm", [.dilation(mm: mm)]) }
        for a in settings.rotationsDegrees { add(.rotation, Number.format(a), [.rotation(degrees: a)]) }
        for f in settings.translationFractions { add(.translation, Number.format(f), [.translation(fraction: f)]) }
        for f in settings.volumeFractions { add(.volumeAdaptation, Number.format(f), [.volumeAdaptation(fraction: f)]) }
        if settings.contourRepetitions > 0 {
            for r in 1...settings.contourRepetitions { add(.contourRandomisation, "\(r)", [.contourRandomisation(repetition: r)]) }
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
        case .noise: return .noise(sigma: s.noise?.sigma)
        case .resampling: return .resampling(spacing: pick(s.resamplingSpacings))
        case .discretisation:
            return pick(s.binWidths.map { VariantStep.binWidth($0) } + s.binCounts.map { VariantStep.binCount($0) })
        case .mask:
            return pick(s.erosionsMM.map { VariantStep.erosion(mm: $0) } + s.dilationsMM.map { VariantStep.dilation(mm: $0) })
        case .rotation: return .rotation(degrees: pick(s.rotationsDegrees))
        case .translation: return .translation(fraction: pick(s.translationFractions))
        case .volumeAdaptation: return .volumeAdaptation(fraction: pick(s.volumeFractions))
        case .contourRandomisation: return .contourRandomisation(repetition: repetition)
        }
    }
}

/// Number formatting shared by identifiers and tables: the shortest decimal that round-trips a Double,
/// integers without a fraction, `NaN`, `inf`, `-inf`.
public enum Number {
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
