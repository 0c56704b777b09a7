import Foundation
import RadAuditExtraction
import RadAuditFeatures
import RadAuditImageIO
import RadAuditPerturbation
import RadAuditPreprocessing
import RadAuditCore

/// What one case × variant produced.
public struct VariantOutcome: Sendable {
    public var caseID: String
    public var variant: Variant
    public var seed: UInt64
    public var features: [Feature]
    /// ROI voxel count and mean intensity after re-segmentation (per-case diagnostics of the report).
    public var roiVoxelCount: Double
    public var roiMeanIntensity: Double
    /// Extracted, skipped (its perturbation could not apply) or failed, with the reason.
    public var status: VariantStatus
    /// What the perturbations did beyond their parameters (estimated σ, clamped fractions, fallbacks).
    public var notes: [String] = []
}

/// An input of the audit with the SHA-256 of its files (empty when a file could not be read): a row of `inputs.csv`.
public struct InputRecord: Sendable {
    public var caseID: String
    public var site: String
    public var image: String
    public var mask: String
    public var imageSHA256: String
    public var maskSHA256: String
    /// Acquisition details of a DICOM image (IBSI reporting items 6–36); never patient identifiers.
    public var acquisition: AcquisitionMetadata?
    /// The row's study-design columns of the cohort table.
    public var design = CaseDesign()
    /// What reading the case noticed that the user should hear about (a label chosen among several, a CT
    /// re-segmentation range on an image that is not CT); not written to `inputs.csv`.
    public var notes: [String] = []

    /// The row of `inputs.csv` (columns ``AuditInput/columns``).
    public var fields: [String] { [caseID, site, image, mask, imageSHA256, maskSHA256] }
}

/// What an audit run produced: every case × variant outcome (case order, then variant order) and the inputs.
public struct AuditRun: Sendable {
    public var outcomes: [VariantOutcome]
    public var inputs: [InputRecord]
}

/// Runs an audit: every case × variant is perturbed and re-extracted, in parallel across cases, with results
/// cached by a hash of their inputs so that `resume` reuses them.
public struct AuditRunner: Sendable {
    public var auditProtocol: AuditProtocol
    public var cases: [AuditCase]
    public var outputDirectory: String
    public var jobs: Int
    public var resume: Bool
    public var exportVariants: Bool

    public static let toolVersion = "0.1.0"

    public init(auditProtocol: AuditProtocol, cases: [AuditCase], outputDirectory: String, jobs: Int,
                resume: Bool = false, exportVariants: Bool = false) {
        self.auditProtocol = auditProtocol
        self.cases = cases
        self.outputDirectory = outputDirectory
        self.jobs = max(1, jobs)
        self.resume = resume
        self.exportVariants = exportVariants
    }

    public var seed: UInt64 { auditProtocol.seed ?? AuditProtocol.defaultSeed }
    public var variants: [Variant] { VariantPlan.variants(for: auditProtocol.perturbations, seed: seed) }

    /// Processes every case; `progress(done, total)` is called after each case × variant.
    /// A case whose files cannot be read fails alone: its variants carry the error.
    ///
    /// Workers take case × variant pairs one at a time, largest cases first (see `schedule`), so that they finish
    /// together. A case is read once, by the first worker that needs it, and shared by the workers running its
    /// variants; it is released when its last variant is done.
    public func run(progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) throws -> AuditRun {
        let variants = self.variants
        let total = cases.count * variants.count
        // Largest inputs first, so that no worker is left with a big case at the end (results keep cohort order).
        let sizes = cases.map { Self.inputSize($0) }
        let order = cases.indices.sorted { (sizes[$0], $1) > (sizes[$1], $0) }
        let state = SharedState(pairs: Self.schedule(order, variantCount: variants.count, jobs: jobs), caseCount: cases.count,
                                variantCount: variants.count)
        let cache = URL(fileURLWithPath: outputDirectory).appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, total))) { _ in
            while let (c, task) = state.nextPair() {
                let audited = cases[c]
                let prepared = state.slots[c].prepared {
                    let record = Self.digests(of: audited)
                    return PreparedCase(record: record, inputs: Result { try load(audited, record: record, cut: cutsCases) })
                }
                // A read ahead: the case is ready when its first variant comes up.
                guard let v = task else { continue }
                let variant = variants[v]
                let outcome: VariantOutcome
                switch prepared.inputs {
                case .success(let inputs):
                    outcome = run(variant, of: audited, inputs: inputs, cache: cache,
                                  wholeInputs: { try load(audited, record: prepared.record, cut: false) })
                case .failure(let error):
                    outcome = VariantOutcome(caseID: audited.id, variant: variant, seed: variantSeed(audited, variant),
                                             features: [], roiVoxelCount: .nan, roiMeanIntensity: .nan,
                                             status: .failed(reason: "\(error)"))
                }
                state.store(outcome, case: c, variant: v)
                state.slots[c].finishVariant()
                progress(state.finishVariant(), total)
            }
        }
        return AuditRun(outcomes: state.outcomes.flatMap { $0.map { $0! } }, inputs: state.slots.map(\.input))
    }

    /// The order in which workers take (case, variant) pairs: the cases in `order` go in groups of `jobs`, and
    /// within a group the variants of its cases alternate, so that the workers read the cases of a group at the same
    /// time, then share their variants and finish the group together; about `jobs` cases are in memory at once.
    ///
    /// With several jobs, each case after the first group is read ahead (a `nil` variant) `2·jobs` pairs before the
    /// end of the previous group, so that the worker that reads it does so while the others finish that group: no
    /// worker waits for a case to be read, even in a last group of fewer cases than jobs. Reads stay one per worker
    /// at a time; a case read ahead adds only its part around the ROI to what is in memory.
    static func schedule(_ order: [Int], variantCount: Int, jobs: Int) -> [(Int, Int?)] {
        let width = max(1, jobs)
        var tasks: [(Int, Int?)] = []
        for start in stride(from: 0, to: order.count, by: width) {
            let group = order[start..<min(start + width, order.count)]
            if start > 0 && width > 1 {
                let lead = min(2 * width, tasks.count)
                tasks.insert(contentsOf: group.map { ($0, nil) }, at: tasks.count - lead)
            }
            tasks += (0..<variantCount).flatMap { v in group.map { ($0, Optional(v)) } }
        }
        return tasks
    }

    /// Bytes of a case's image (file, or files of a DICOM directory): a proxy for its cost.
    static func inputSize(_ audited: AuditCase) -> Int {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: audited.image, isDirectory: &isDirectory) else { return 0 }
        let files = isDirectory.boolValue
            ? ((try? manager.contentsOfDirectory(atPath: audited.image)) ?? []).map { audited.image + "/" + $0 } : [audited.image]
        return files.reduce(0) { $0 + ((try? manager.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    }

    /// SHA-256 of a case's image and mask: of the file, or for a directory (a DICOM series) of the names and
    /// SHA-256 of its files in name order. Empty when unreadable.
    static func digests(of audited: AuditCase) -> InputRecord {
        func sha256(_ path: String) -> String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "" }
            if isDirectory.boolValue {
                guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return "" }
                var hash = SHA256Digest.Hasher()
                for name in names.sorted() where !name.hasPrefix(".") {
                    let file = URL(fileURLWithPath: path).appendingPathComponent(name).path
                    guard let data = try? Data(contentsOf: URL(fileURLWithPath: file), options: .mappedIfSafe) else { continue }
                    hash.update(Data("\(name)\n\(SHA256Digest.hex(of: data))\n".utf8))
                }
                return hash.finalize()
            }
            guard let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) else { return "" }
            return SHA256Digest.hex(of: data)
        }
        return InputRecord(caseID: audited.id, site: audited.site ?? "", image: audited.image, mask: audited.mask,
                           imageSHA256: sha256(audited.image), maskSHA256: sha256(audited.mask), design: audited.design)
    }

    func variantSeed(_ audited: AuditCase, _ variant: Variant) -> UInt64 {
        PerturbationSeed.derive(protocolSeed: seed, caseID: audited.id, variantID: variant.id)
    }

    /// A case's image and selected mask, and a digest of everything that defines them.
    ///
    /// The image and mask are the part of the case that its variants read (`workingBox`): the ROI's box grown by
    /// what the perturbations move and the extraction reads around the ROI, or the whole image when a variant needs it.
    fileprivate struct CaseInputs {
        var image: Volume<Double>
        var mask: Volume<Bool>
        /// Where the part lies in the whole image, with the whole image's noise σ when a variant estimates it.
        var part: ImagePart
        /// The whole image's grid (the interpolation grid is that of the whole image).
        var whole: ImageGeometry
        var digest: String
        var acquisition: AcquisitionMetadata?
        /// The image's stored voxel type (pyradiomics' resampling casts back to it).
        var voxelType: VoxelType
        /// The case's reference mask, for normalisation over it.
        var referenceMask: Volume<Bool>?
        /// Warnings about the inputs (``InputRecord/notes``).
        var notes: [String]

        /// The part's box in the whole grid.
        var box: BoundingBox { BoundingBox(lower: part.offset, upper: part.offset &+ SIMD3(image.size.x, image.size.y, image.size.z)) }
    }

    /// Whether the variants' needs allow cutting a case down to the part around its ROI: no variant exports its
    /// images, normalises over a reference mask or estimates the noise of an image another step has changed, and
    /// every step has a bounded reach (`Perturbation.reach`).
    private var cutsCases: Bool {
        !exportVariants && variants.allSatisfy { variant in
            let chain = chain(of: variant)
            return !chain.estimatesNoiseOfPerturbedImage
                && variant.settings(from: auditProtocol.extraction).normalisation?.scope != .referenceMask
        }
    }

    /// Whether a variant estimates the noise of the case's own image (auto σ before any intensity change).
    private var estimatesNoise: Bool {
        variants.contains { variant in
            chain(of: variant).steps.contains { if case .noise(.auto) = $0 { true } else { false } }
        }
    }

    private func chain(of variant: Variant) -> PerturbationChain {
        PerturbationChain(variant.steps.compactMap { step in
            if case .perturbation(let p) = step { p } else { nil }
        })
    }

    /// The part of the whole grid `geometry` that the variants of a ROI in `roiBox` read: for every variant, the
    /// extraction's source box (`FeatureExtractor.sourceBox`) of the ROI grown by the variant's reach
    /// (`PerturbationChain.reach`), and 2 voxels more (the rigid transforms' taps at the part's edge).
    func workingBox(around roiBox: BoundingBox, of geometry: ImageGeometry) throws -> BoundingBox {
        let whole = BoundingBox(covering: geometry.size)
        var box = roiBox
        for variant in variants {
            let extractor = FeatureExtractor(settings: variant.settings(from: auditProtocol.extraction), concurrent: false)
            let needed = try extractor.sourceBox(around: roiBox, of: geometry)
            let margin = pointwiseMax(roiBox.lower &- needed.lower, needed.upper &- roiBox.upper)
            guard let reach = chain(of: variant).reach(roiSize: roiBox.size, spacing: geometry.spacing, margin: margin,
                                                       settings: perturbationSettings) else { return whole }
            let grown = try extractor.sourceBox(around: roiBox.expanded(by: reach, within: geometry.size), of: geometry)
            box = box.union(grown)
        }
        return box.expanded(by: SIMD3(repeating: 2), within: geometry.size)
    }

    /// Whether a variant's perturbed ROI (`mask`, on the part) can be extracted from the part as from the whole image:
    /// its extraction source box, 2 voxels more (and for a rotation, its in-plane diagonal more: rotated voxels read
    /// that far from the ROI centroid), lies in the part.
    private func partHolds(_ mask: Volume<Bool>, of inputs: CaseInputs, settings: ExtractionSettings, rotates: Bool) throws -> Bool {
        let box = inputs.box
        if box == BoundingBox(covering: inputs.whole.size) { return true }
        guard let roi = BoundingBox(of: mask.voxels, size: mask.size) else { return true }
        let placed = BoundingBox(lower: roi.lower &+ inputs.part.offset, upper: roi.upper &+ inputs.part.offset)
        var needed = try FeatureExtractor(settings: settings, concurrent: false).sourceBox(around: placed, of: inputs.whole)
        var margin = SIMD3(repeating: 2)
        if rotates {
            let extent = SIMD3(Double(needed.size.x), Double(needed.size.y), 0) * inputs.whole.spacing
            let diagonal = (extent.x * extent.x + extent.y * extent.y).squareRoot()
            margin &+= SIMD3(Int((diagonal / inputs.whole.spacing.x).rounded(.up)), Int((diagonal / inputs.whole.spacing.y).rounded(.up)), 0)
        }
        needed = needed.expanded(by: margin, within: inputs.whole.size)
        return box.contains(needed)
    }

    private func load(_ audited: AuditCase, record: InputRecord, cut: Bool) throws -> CaseInputs {
        let definition = "\(record.imageSHA256)|\(record.maskSHA256)|\(audited.label.map(String.init) ?? "")|\(audited.roi ?? "")"
        // The reference mask's digest joins the definition only when there is one, so other cases keep their keys.
        let referenceDigest = try audited.referenceMask.map { "|" + SHA256Digest.hex(of: try Data(contentsOf: URL(fileURLWithPath: $0))) } ?? ""
        let digest = SHA256Digest.hex(of: Data((definition + referenceDigest).utf8))
        if cut, audited.referenceMask == nil, let stored = try ImageFile.loadStored(audited.image) {
            // Only the working box is decoded; the noise σ and the minimum of the re-segmentation warning are measured
            // on the whole image slice by slice, as the file inflates.
            let geometry = stored.geometry
            let (loadedMask, box) = try ImageFile.loadMask(audited.mask, on: geometry, frameOfReferenceUID: nil,
                                                           imagePath: audited.image, label: audited.label, roi: audited.roi,
                                                           within: { try workingBox(around: $0, of: geometry) })
            let image = try stored.decoded(from: box.lower, size: box.size)
            let slice = GridSize(x: geometry.size.x, y: geometry.size.y, z: 1)
            // The σ estimate's pass over every slice also finds the lowest intensity, so that the image is decoded
            // whole at most once.
            var lowest = Double.infinity
            func decodeSlice(_ k: Int, _ buffer: UnsafeMutableBufferPointer<Double>) throws {
                _ = buffer.initialize(from: try stored.decoded(from: SIMD3(0, 0, k), size: slice).voxels)
                for value in buffer where value < lowest { lowest = value }
            }
            var sigma: Double?
            if estimatesNoise {
                // An image too small for the estimate fails its noise variants as it always has: read it whole.
                guard let measured = try? GaussianNoise.estimatedSigma(size: geometry.size, slice: decodeSlice) else {
                    return try load(audited, record: record, cut: false)
                }
                sigma = measured
            }
            var notes = loadedMask.notes
            let minimum = { () throws -> Double in
                if sigma == nil {
                    var buffer = [Double](repeating: 0, count: slice.count)
                    try buffer.withUnsafeMutableBufferPointer { values in
                        for k in 0..<geometry.size.z { try decodeSlice(k, values) }
                    }
                }
                return lowest
            }
            if let note = try Self.resegmentationNote(auditProtocol.extraction.resegmentation, modality: nil, path: audited.image,
                                                      minimum: minimum) {
                notes.append(note)
            }
            try stored.verify()
            return CaseInputs(image: image, mask: loadedMask.volume,
                              part: ImagePart(offset: box.lower, wholeSize: geometry.size, estimatedNoiseSigma: sigma),
                              whole: geometry, digest: digest, acquisition: nil, voxelType: stored.storedType,
                              referenceMask: nil, notes: notes)
        }
        let loaded = try ImageFile.load(audited.image)
        let image = loaded.volume
        let loadedMask = try ImageFile.loadMask(audited.mask, for: loaded, imagePath: audited.image, label: audited.label,
                                                roi: audited.roi)
        var notes = loadedMask.notes
        if let note = Self.resegmentationNote(auditProtocol.extraction.resegmentation, image: loaded, path: audited.image) {
            notes.append(note)
        }
        let reference = try audited.referenceMask.map { try ImageFile.loadMask($0, for: loaded, imagePath: audited.image).volume }
        let sigma = estimatesNoise ? try? GaussianNoise.estimatedSigma(of: image) : nil
        return CaseInputs(image: image, mask: loadedMask.volume,
                          part: ImagePart(wholeSize: image.size, estimatedNoiseSigma: sigma), whole: image.geometry,
                          digest: digest, acquisition: loaded.metadata, voxelType: loaded.storedType, referenceMask: reference,
                          notes: notes)
    }

    /// A warning when a re-segmentation range in Hounsfield units (a lower bound at or below −500, as in CT
    /// protocols) meets an image that is not CT: a DICOM modality other than CT, or no negative intensity at all
    /// (MR, PET and most normalised images). Such a range silently keeps every voxel, or none.
    static func resegmentationNote(_ settings: ResegmentationSettings?, image: LoadedImage, path: String) -> String? {
        try? resegmentationNote(settings, modality: image.metadata?.modality, path: path,
                                minimum: { image.volume.voxels.min() ?? .nan })
    }

    /// The warning of `resegmentationNote(_:image:path:)` for an image of `modality` (nil: not DICOM) whose lowest
    /// intensity `minimum` gives, called only when needed.
    static func resegmentationNote(_ settings: ResegmentationSettings?, modality: String?, path: String,
                                   minimum: () throws -> Double) throws -> String? {
        guard let lower = settings?.lower, lower <= -500 else { return nil }
        let range = "[\(Number.format(lower)), \(settings?.upper.map(Number.format) ?? "∞")]"
        if let modality, modality != "CT" {
            return "\(path): the re-segmentation range \(range) is in CT Hounsfield units, but the image's modality is \(modality)"
        }
        if modality == nil, case let minimum = try minimum(), minimum >= 0 {
            return "\(path): the re-segmentation range \(range) looks like CT Hounsfield units, but the image has no negative "
                + "intensity (lowest \(Number.format(minimum))): is it CT?"
        }
        return nil
    }

    /// - Parameter wholeInputs: the case read whole, for a variant whose ROI leaves the part the case was cut to.
    private func run(_ variant: Variant, of audited: AuditCase, inputs: CaseInputs, cache: URL,
                     wholeInputs: () throws -> CaseInputs) -> VariantOutcome {
        let seed = variantSeed(audited, variant)
        let settings = variant.settings(from: auditProtocol.extraction)
        let key = cacheKey(inputs.digest, settings: settings, variant: variant, seed: seed)
        let cached = cache.appendingPathComponent("\(key).csv")
        if resume, let outcome = CachedOutcome.read(cached, caseID: audited.id, variant: variant, seed: seed) {
            return outcome
        }
        var outcome = VariantOutcome(caseID: audited.id, variant: variant, seed: seed, features: [],
                                     roiVoxelCount: .nan, roiMeanIntensity: .nan, status: .extracted)
        do {
            var inputs = inputs
            var (image, mask) = (inputs.image, inputs.mask)
            let chain = chain(of: variant)
            if !chain.steps.isEmpty {
                var perturbed = try chain.apply(to: image, mask: mask, seed: seed, settings: perturbationSettings, part: inputs.part)
                if try !partHolds(perturbed.mask, of: inputs, settings: settings, rotates: chain.rotates) {
                    // The perturbed ROI reaches beyond the part the case was cut to: perturb the whole image.
                    inputs = try wholeInputs()
                    perturbed = try chain.apply(to: inputs.image, mask: inputs.mask, seed: seed, settings: perturbationSettings,
                                                part: inputs.part)
                }
                (image, mask, outcome.notes) = (perturbed.image, perturbed.mask, perturbed.notes)
            }
            if exportVariants && !variant.steps.isEmpty { try export(image, mask, audited, variant) }
            // Each job uses one core: the audit's parallelism is across cases.
            let result = try FeatureExtractor(settings: settings, concurrent: false)
                .extract(image: image, mask: mask, placedAt: inputs.part.offset, in: inputs.whole, voxelType: inputs.voxelType,
                         referenceMask: inputs.referenceMask, diagnostics: false)
            outcome.features = result.features
            outcome.roiVoxelCount = Double(result.roiVoxelCount)
            outcome.roiMeanIntensity = result.roiMeanIntensity
        } catch let error as PerturbationError {
            // A perturbation that empties the ROI skips that variant; the audit as a whole has not failed.
            outcome.status = .skipped(reason: error.problem)
        } catch {
            outcome.status = .failed(reason: "\(error)")
        }
        CachedOutcome.write(outcome, to: cached)
        return outcome
    }

    /// Rotation and translation interpolate as the extraction does (linear when it does not interpolate).
    private var perturbationSettings: PerturbationSettings {
        guard let i = auditProtocol.extraction.interpolation else { return PerturbationSettings() }
        func kernel(_ k: InterpolationSettings.Interpolator) -> Interpolation.Kernel {
            switch k {
            case .nearest: .nearest
            case .linear: .linear
            case .cubic: .cubicSpline
            }
        }
        return PerturbationSettings(imageKernel: kernel(i.image), maskKernel: kernel(i.mask), maskThreshold: i.maskThreshold,
                                    roundingStep: i.roundIntensities)
    }

    private func cacheKey(_ digest: String, settings: ExtractionSettings, variant: Variant, seed: UInt64) -> String {
        SHA256Digest.hex(of: "\(Self.toolVersion)|\(digest)|\(settings.canonicalEncoding)|\(variant.parameters)|\(seed)")
    }

    private func export(_ image: Volume<Double>, _ mask: Volume<Bool>, _ audited: AuditCase, _ variant: Variant) throws {
        let directory = URL(fileURLWithPath: outputDirectory).appendingPathComponent("variants").appendingPathComponent(audited.id)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try NIfTI.write(image, to: directory.appendingPathComponent("\(variant.id)_image.nii.gz").path)
        try NIfTI.write(Volume(geometry: mask.geometry, voxels: mask.voxels.map { $0 ? 1 : 0 }),
                        to: directory.appendingPathComponent("\(variant.id)_mask.nii.gz").path, type: .uint8)
    }
}

/// Work distribution and results shared by the worker threads.
private final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private let pairs: [(Int, Int?)]
    private var next = 0
    private var finished = 0
    /// Outcomes by case, then variant.
    private(set) var outcomes: [[VariantOutcome?]]
    let slots: [CaseSlot]

    init(pairs: [(Int, Int?)], caseCount: Int, variantCount: Int) {
        self.pairs = pairs
        outcomes = Array(repeating: Array(repeating: nil, count: variantCount), count: caseCount)
        slots = (0..<caseCount).map { _ in CaseSlot(variantCount: variantCount) }
    }

    /// The next (case, variant) pair to run, or case to read ahead (no variant), in schedule order.
    func nextPair() -> (Int, Int?)? {
        lock.withLock {
            guard next < pairs.count else { return nil }
            defer { next += 1 }
            return pairs[next]
        }
    }

    func finishVariant() -> Int { lock.withLock { finished += 1; return finished } }

    func store(_ outcome: VariantOutcome, case c: Int, variant v: Int) { lock.withLock { outcomes[c][v] = outcome } }
}

/// A case's digests and its inputs read once (or why they could not be read).
private struct PreparedCase {
    var record: InputRecord
    var inputs: Result<AuditRunner.CaseInputs, Error>
}

/// One case of a run: read by the first worker that needs it, shared by the others, released after its last variant.
private final class CaseSlot: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: Int
    private var prepared: PreparedCase?
    /// The case's row of `inputs.csv` (with its acquisition metadata), kept after the inputs are released.
    private(set) var input = InputRecord(caseID: "", site: "", image: "", mask: "", imageSHA256: "", maskSHA256: "")

    init(variantCount: Int) { remaining = variantCount }

    /// The prepared case, made by `prepare` on first use; workers asking meanwhile wait for it.
    func prepared(_ prepare: () -> PreparedCase) -> PreparedCase {
        lock.withLock {
            if let prepared { return prepared }
            let made = prepare()
            prepared = made
            input = made.record
            input.acquisition = try? made.inputs.get().acquisition
            input.notes = (try? made.inputs.get().notes) ?? []
            return made
        }
    }

    /// Records that one more variant is done; after the last, the case's volumes are released.
    func finishVariant() {
        lock.withLock {
            remaining -= 1
            if remaining == 0 { prepared = nil }
        }
    }
}

/// The per case × variant cache file: the features (or the error) of one outcome, as CSV.
enum CachedOutcome {
    static func write(_ outcome: VariantOutcome, to url: URL) {
        var rows: [[String]] = [["#roi", Number.format(outcome.roiVoxelCount), Number.format(outcome.roiMeanIntensity), "", "", ""]]
        if let error = outcome.status.errorText { rows.append(["#error", error, "", "", "", ""]) }
        rows += outcome.notes.map { ["#note", $0, "", "", "", ""] }
        rows += outcome.features.map {
            [$0.family.rawValue, $0.name, $0.code, $0.aggregation.rawValue, Number.format($0.value), $0.filter]
        }
        let text = CSVTable.render(header: header, rows: rows)
        try? AtomicFile.write(text, to: url.path)
    }

    static let header = ["family", "feature", "ibsi_code", "aggregation", "value", "filter"]

    static func read(_ url: URL, caseID: String, variant: Variant, seed: UInt64) -> VariantOutcome? {
        guard let table = try? CSVTable.load(url.path), table.header == header else { return nil }
        var outcome = VariantOutcome(caseID: caseID, variant: variant, seed: seed, features: [], roiVoxelCount: .nan,
                                     roiMeanIntensity: .nan, status: .extracted)
        for row in table.rows {
            let (family, name, code, aggregation, value) = (row.fields[0], row.fields[1], row.fields[2], row.fields[3], row.fields[4])
            let filter = row.fields[5]
            switch family {
            case "#roi":
                outcome.roiVoxelCount = Double(name) ?? .nan
                outcome.roiMeanIntensity = Double(code) ?? .nan
            case "#error":
                outcome.status = VariantStatus(errorText: name)
            case "#note":
                outcome.notes.append(name)
            default:
                guard let f = FeatureFamily(rawValue: family), let a = Aggregation(rawValue: aggregation),
                      let value = Number.parse(value) else { return nil }
                outcome.features.append(Feature(family: f, name: name, code: code, aggregation: a, value: value,
                                                filter: filter.isEmpty ? "none" : filter))
            }
        }
        return outcome
    }
}
