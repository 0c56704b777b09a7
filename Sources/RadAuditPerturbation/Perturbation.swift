import Foundation
import RadAuditImageIO
import RadAuditPreprocessing

/// One perturbation of an image and its ROI mask, with its parameters: one variant of a robustness audit.
public enum Perturbation: Hashable, Sendable {
    /// Additive Gaussian noise (see `GaussianNoise`).
    case noise(sigma: NoiseSigma)
    /// Resampling of image and mask to a new spacing in mm on the IBSI grid (`Interpolation`): 3 values (x, y, z),
    /// or 2 for in-plane resampling only.
    case resampling(spacing: [Double])
    /// Erosion of the mask by a Euclidean distance in mm (see `MaskMorphology`).
    case erosion(mm: Double)
    /// Dilation of the mask by a Euclidean distance in mm.
    case dilation(mm: Double)
    /// In-plane rotation of image and mask about the ROI centroid, in degrees (see `RigidTransform`).
    case rotation(degrees: Double)
    /// Translation of the sampling grid by a fraction of the spacing along every axis.
    case translation(fraction: Double)
    /// Growth (> 0) or shrinkage (< 0) of the ROI volume by a fraction, never below 20 % of the ROI.
    case volumeAdaptation(fraction: Double)
    /// Supervoxel-based contour randomisation; repetitions differ through their seeds (see `ContourRandomisation`).
    case contourRandomisation(repetition: Int)

    /// The noise level of `noise(sigma:)`.
    public enum NoiseSigma: Hashable, Sendable {
        /// A standard deviation in image units (e.g. HU).
        case value(Double)
        /// Estimated from the image (`GaussianNoise.estimatedSigma(of:)`).
        case auto
    }

    /// The perturbation's name in tables: `noise`, `resampling`, `erosion`, `dilation`, `rotation`, `translation`,
    /// `volume_adaptation` or `contour_randomisation`.
    public var name: String {
        switch self {
        case .noise: "noise"
        case .resampling: "resampling"
        case .erosion: "erosion"
        case .dilation: "dilation"
        case .rotation: "rotation"
        case .translation: "translation"
        case .volumeAdaptation: "volume_adaptation"
        case .contourRandomisation: "contour_randomisation"
        }
    }

    /// The parameters as stable text without commas, e.g. `sigma=15`, `sigma=auto`, `spacing=1.5x1.5x2`,
    /// `distance_mm=1`, `degrees=-15`, `fraction=0.25`, `repetition=2`. Numbers are written in their shortest
    /// round-trip form, integral values without a decimal point.
    public var parameters: String {
        switch self {
        case .noise(.value(let sigma)): "sigma=\(Self.format(sigma))"
        case .noise(.auto): "sigma=auto"
        case .resampling(let spacing): "spacing=" + spacing.map(Self.format).joined(separator: "x")
        case .erosion(let distance), .dilation(let distance): "distance_mm=\(Self.format(distance))"
        case .rotation(let degrees): "degrees=\(Self.format(degrees))"
        case .translation(let fraction), .volumeAdaptation(let fraction): "fraction=\(Self.format(fraction))"
        case .contourRandomisation(let repetition): "repetition=\(repetition)"
        }
    }

    /// Applies the perturbation. `seed` drives the random draws (noise, contour randomisation); the other
    /// perturbations are deterministic and ignore it.
    ///
    /// - Throws: `PerturbationError` when image and mask are not on the same grid, the mask is empty, a parameter is
    ///   invalid, or the perturbation leaves the ROI empty.
    ///
    /// `image` and `mask` may be a part of a larger image (`part`, cut around the ROI with room for what the
    /// perturbation moves): noise then draws what the whole image's voxels would, and `noise(sigma: .auto)` uses the
    /// σ measured on the whole image. Resampling needs the whole image.
    public func apply(to image: Volume<Double>, mask: Volume<Bool>, seed: UInt64,
                      settings: PerturbationSettings = PerturbationSettings(), part: ImagePart? = nil) throws -> PerturbationResult {
        guard image.size == mask.size else {
            throw PerturbationError("image (\(image.size)) and mask (\(mask.size)) are not on the same grid")
        }
        guard mask.voxels.contains(true) else { throw PerturbationError("the mask is empty") }
        var result = PerturbationResult(image: image, mask: mask, notes: [])
        switch self {
        case .noise(let level):
            let sigma: Double
            switch level {
            case .value(let value):
                guard value >= 0, value.isFinite else {
                    throw PerturbationError("noise σ \(value) must be finite and non-negative")
                }
                sigma = value
            case .auto:
                if let measured = part?.estimatedNoiseSigma {
                    sigma = measured
                } else {
                    guard part?.isWhole(image.size) ?? true else {
                        throw PerturbationError("the noise σ of a part of an image must be measured on the whole image")
                    }
                    sigma = try GaussianNoise.estimatedSigma(of: image)
                }
                result.notes.append("estimated noise sigma=\(Self.format(sigma))")
            }
            result.image = GaussianNoise.adding(sigma: sigma, to: image, seed: seed, part: part)
        case .resampling(let spacing):
            guard (2...3).contains(spacing.count), spacing.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw PerturbationError("resampling needs 2 or 3 positive spacings in mm, not \(spacing)")
            }
            guard part?.isWhole(image.size) ?? true else {
                throw PerturbationError("resampling needs the whole image, not a part of it (the grid is centred on the image)")
            }
            let interpolation = Interpolation(spacing: [spacing[0], spacing[1], spacing.count == 3 ? spacing[2] : nil],
                                              imageKernel: settings.imageKernel, maskKernel: settings.maskKernel,
                                              maskThreshold: settings.maskThreshold, roundingStep: settings.roundingStep)
            do {
                result.mask = try interpolation.resample(mask)
                result.image = try interpolation.resample(image)
            } catch let error as PreprocessingError {
                throw PerturbationError(error.problem)
            }
        case .erosion(let distance):
            try Self.requireDistance(distance)
            result.mask = MaskMorphology.eroded(mask, by: distance)
        case .dilation(let distance):
            try Self.requireDistance(distance)
            result.mask = MaskMorphology.dilated(mask, by: distance)
        case .rotation(let degrees):
            guard degrees.isFinite else { throw PerturbationError("the rotation angle must be finite") }
            (result.image, result.mask) = RigidTransform.rotated(image: image, mask: mask, degrees: degrees,
                                                                 imageKernel: settings.imageKernel,
                                                                 maskKernel: settings.maskKernel,
                                                                 maskThreshold: settings.maskThreshold, part: part)
            result.notes += settings.rigidTransformNotes
            settings.round(&result.image)
        case .translation(let fraction):
            guard fraction.isFinite else { throw PerturbationError("the translation fraction must be finite") }
            (result.image, result.mask) = RigidTransform.translated(image: image, mask: mask, fraction: fraction,
                                                                    imageKernel: settings.imageKernel,
                                                                    maskKernel: settings.maskKernel,
                                                                    maskThreshold: settings.maskThreshold, part: part)
            result.notes += settings.rigidTransformNotes
            settings.round(&result.image)
        case .volumeAdaptation(let fraction):
            guard fraction.isFinite else { throw PerturbationError("the volume fraction must be finite") }
            let adaptation = MaskMorphology.adaptingVolume(of: mask, by: fraction)
            result.mask = adaptation.mask
            if adaptation.isClamped {
                result.notes.append("fraction \(Self.format(fraction)) clamped to \(Self.format(adaptation.targetFraction)): "
                                    + "at least 20 % of the ROI is kept")
            }
            result.notes.append("voxels \(adaptation.originalCount) -> \(adaptation.count) (target \(adaptation.targetCount))")
        case .contourRandomisation:
            let randomised = settings.contourRandomisation.randomised(mask, image: image, seed: seed)
            result.mask = randomised.mask
            result.notes.append("\(randomised.selectedCount) of \(randomised.overlappingCount) overlapping supervoxels selected"
                                + (randomised.usedFallback ? " (none drawn: the most overlapping one taken)" : ""))
        }
        guard result.mask.voxels.contains(true) else {
            throw PerturbationError("\(name) (\(parameters)) leaves the ROI empty")
        }
        return result
    }

    /// Whether the perturbation changes the image's intensities (noise, resampling, rotation, translation), not
    /// only the mask.
    public var changesIntensities: Bool {
        switch self {
        case .noise, .resampling, .rotation, .translation: true
        case .erosion, .dilation, .volumeAdaptation, .contourRandomisation: false
        }
    }

    /// Voxels per axis beyond a ROI box of `roiSize` (on a grid of `spacing`) that the perturbation may add to the
    /// ROI or whose intensities it may read for the ROI and the `margin` the extraction keeps around it: the part of
    /// an image cut that far around the ROI perturbs as the whole image does. Nil when the perturbation needs the
    /// whole image (resampling, whose grid is centred on the image).
    ///
    /// Rotation reads within the in-plane diagonal `d` of the ROI box and its margin from the ROI centroid and may
    /// move the ROI by half of it: its reach is `1.5 d` in plane.
    public func reach(roiSize: GridSize, spacing: SIMD3<Double>, margin: SIMD3<Int>,
                      settings: PerturbationSettings = PerturbationSettings()) -> SIMD3<Int>? {
        func voxels(_ mm: Double) -> SIMD3<Int> { SIMD3((0..<3).map { Int((mm / spacing[$0]).rounded(.up)) + 1 }) }
        let extent = SIMD3(Double(roiSize.x), Double(roiSize.y), Double(roiSize.z)) * spacing
        switch self {
        case .noise: return .zero
        case .resampling: return nil
        case .erosion: return SIMD3(repeating: 1)
        case .dilation(let distance): return voxels(distance)
        case .translation(let fraction): return SIMD3(repeating: Int(abs(fraction).rounded(.up)) + 2)
        case .rotation:
            let x = extent.x + 2 * Double(margin.x) * spacing.x, y = extent.y + 2 * Double(margin.y) * spacing.y
            let inPlane = voxels(1.5 * (x * x + y * y).squareRoot()) &+ 3
            return SIMD3(inPlane.x, inPlane.y, 1)
        case .volumeAdaptation(let fraction):
            guard fraction > 0 else { return SIMD3(repeating: 1) }
            // Growth keeps the nearest outside voxels: at most the radius change of a ball of the box's size, doubled
            // as the growing window doubles.
            let radius = 0.5 * extent.max()
            return voxels(4 * radius * (cbrt(1 + fraction) - 1) + 4 * spacing.max())
        case .contourRandomisation:
            // Supervoxels are cut in the ROI box grown by one interval, at most ∛(supervoxel volume) (or 20 voxels).
            let voxelVolume = spacing.x * spacing.y * spacing.z
            return voxels(cbrt(max(settings.contourRandomisation.supervoxelVolume,
                                   ContourRandomisation.smallestSupervoxel * voxelVolume))) &+ 1
        }
    }

    private static func requireDistance(_ distance: Double) throws {
        guard distance >= 0, distance.isFinite else {
            throw PerturbationError("distance \(distance) mm must be finite and non-negative")
        }
    }

    /// Shortest round-trip decimal text; integral values below 10¹⁵ without a decimal point.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// Where a part of an image, cut around its ROI, lies in the whole image, and what was measured on the whole image
/// that a perturbation of the part needs.
public struct ImagePart: Hashable, Sendable {
    /// The part's first voxel in the whole grid.
    public var offset: SIMD3<Int>
    /// The whole grid's size.
    public var wholeSize: GridSize
    /// `GaussianNoise.estimatedSigma(of:)` of the whole image, for `noise(sigma: .auto)`; nil when not measured.
    public var estimatedNoiseSigma: Double?

    public init(offset: SIMD3<Int> = .zero, wholeSize: GridSize, estimatedNoiseSigma: Double? = nil) {
        self.offset = offset
        self.wholeSize = wholeSize
        self.estimatedNoiseSigma = estimatedNoiseSigma
    }

    /// The whole grid of `size` as its own part.
    public init(whole size: GridSize) { self.init(wholeSize: size) }

    /// Whether a part of `size` at `offset` is the whole grid.
    public func isWhole(_ size: GridSize) -> Bool { offset == .zero && size == wholeSize }

    /// Whether a part of `size` at `offset` lies inside the whole grid.
    public func contains(_ size: GridSize) -> Bool {
        offset.x >= 0 && offset.y >= 0 && offset.z >= 0 && offset.x + size.x <= wholeSize.x
            && offset.y + size.y <= wholeSize.y && offset.z + size.z <= wholeSize.z
    }
}

/// How perturbations resample; by default as an IBSI extraction with linear interpolation.
public struct PerturbationSettings: Hashable, Sendable {
    /// Image kernel of resampling, rotation and translation. Rotation and translation use nearest or linear
    /// interpolation: with `.cubicSpline` they interpolate linearly and say so in the notes.
    public var imageKernel: Interpolation.Kernel
    /// Mask kernel (the mask is interpolated as a fraction, then thresholded); `.cubicSpline` is treated as linear by
    /// rotation and translation.
    public var maskKernel: Interpolation.Kernel
    /// Interpolated mask fractions `≥ maskThreshold` are inside.
    public var maskThreshold: Double
    /// Round resampled, rotated and translated intensities to multiples of this step (e.g. 1 for CT).
    public var roundingStep: Double?
    /// Supervoxel settings of contour randomisation.
    public var contourRandomisation: ContourRandomisation

    public init(imageKernel: Interpolation.Kernel = .linear, maskKernel: Interpolation.Kernel = .linear,
                maskThreshold: Double = 0.5, roundingStep: Double? = nil,
                contourRandomisation: ContourRandomisation = ContourRandomisation()) {
        self.imageKernel = imageKernel
        self.maskKernel = maskKernel
        self.maskThreshold = maskThreshold
        self.roundingStep = roundingStep
        self.contourRandomisation = contourRandomisation
    }

    /// What rotation and translation note about these settings: a cubic B-spline image kernel, replaced by linear.
    var rigidTransformNotes: [String] {
        imageKernel == .cubicSpline ? ["cubic B-spline image interpolation replaced by linear"] : []
    }

    func round(_ image: inout Volume<Double>) {
        guard let step = roundingStep else { return }
        image.voxels.withUnsafeMutableBufferPointer { voxels in
            for index in voxels.indices { voxels[index] = (voxels[index] / step).rounded() * step }
        }
    }
}

/// A perturbed image and mask, with notes on what was done beyond the parameters (estimated σ, clamping, fallbacks).
public struct PerturbationResult: Sendable {
    /// The perturbed image: on the input grid, or on the new grid after resampling.
    public var image: Volume<Double>
    /// The perturbed ROI on the image's grid; never empty.
    public var mask: Volume<Bool>
    /// One-line remarks for the run's records, e.g. `estimated noise sigma=12.5`.
    public var notes: [String]
}

/// Perturbations applied one after the other, e.g. noise → translation → volume adaptation → contour randomisation.
public struct PerturbationChain: Hashable, Sendable {
    public var steps: [Perturbation]

    public init(_ steps: [Perturbation]) {
        self.steps = steps
    }

    /// The steps as text without commas: `name(parameters)` joined by `;`, e.g.
    /// `noise(sigma=15);translation(fraction=0.25)`.
    public var parameters: String {
        steps.map { "\($0.name)(\($0.parameters))" }.joined(separator: ";")
    }

    /// `Perturbation.reach` of the steps one after the other (each from the ROI box the previous ones may have
    /// grown); nil when a step needs the whole image.
    public func reach(roiSize: GridSize, spacing: SIMD3<Double>, margin: SIMD3<Int>,
                      settings: PerturbationSettings = PerturbationSettings()) -> SIMD3<Int>? {
        var total = SIMD3<Int>.zero
        for step in steps {
            let size = GridSize(x: roiSize.x + 2 * total.x, y: roiSize.y + 2 * total.y, z: roiSize.z + 2 * total.z)
            guard let reach = step.reach(roiSize: size, spacing: spacing, margin: margin, settings: settings) else { return nil }
            total &+= reach
        }
        return total
    }

    /// Whether a step estimates the noise σ of an image an earlier step has changed (which a part of an image
    /// cannot stand for).
    public var estimatesNoiseOfPerturbedImage: Bool {
        var changed = false
        for step in steps {
            if case .noise(.auto) = step, changed { return true }
            changed = changed || step.changesIntensities
        }
        return false
    }

    /// Whether a step rotates: its reads reach a diagonal away from the ROI, not only a few voxels.
    public var rotates: Bool { steps.contains { if case .rotation = $0 { true } else { false } } }

    /// Applies the steps in order, step `i` with the seed `PerturbationSeed.derive(variantSeed: seed, step: i)`.
    /// Notes are prefixed with the step name.
    ///
    /// - Throws: the `PerturbationError` of the first failing step, prefixed with it.
    ///
    /// On a `part` of an image, the whole image's noise σ serves the steps until one changes the intensities.
    public func apply(to image: Volume<Double>, mask: Volume<Bool>, seed: UInt64,
                      settings: PerturbationSettings = PerturbationSettings(), part: ImagePart? = nil) throws -> PerturbationResult {
        var result = PerturbationResult(image: image, mask: mask, notes: [])
        var part = part
        for (index, step) in steps.enumerated() {
            let stepSeed = PerturbationSeed.derive(variantSeed: seed, step: index)
            do {
                let stepResult = try step.apply(to: result.image, mask: result.mask, seed: stepSeed, settings: settings, part: part)
                if step.changesIntensities { part?.estimatedNoiseSigma = nil }
                result.image = stepResult.image
                result.mask = stepResult.mask
                result.notes += stepResult.notes.map { "\(step.name): \($0)" }
            } catch let error as PerturbationError {
                throw PerturbationError("step \(index + 1) \(step.name): \(error.problem)")
            }
        }
        return result
    }
}
