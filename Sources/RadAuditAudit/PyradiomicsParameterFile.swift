import Foundation
import RadAuditCore
import RadAuditExtraction
import Yams

/// A pyradiomics parameter file (`setting`, `imageType`, `featureClass`) turned into the equivalent RadAudit
/// protocol, as YAML with a comment on every setting whose meaning changes (what `radaudit convert-params` prints
/// and what `--protocol Params.yaml` runs). The protocol uses `conventions: pyradiomics`. A setting RadAudit cannot
/// honour is refused with a line naming the file and the key, never dropped in silence.
public enum PyradiomicsParameterFile {
    /// The top-level keys of a pyradiomics parameter file.
    static let sections: Set<String> = ["setting", "imageType", "featureClass", "voxelSetting"]

    /// Whether the YAML text is a pyradiomics parameter file rather than a RadAudit protocol: a mapping whose keys
    /// are all pyradiomics sections.
    public static func detect(_ yaml: String) -> Bool {
        guard let node = try? Yams.compose(yaml: yaml), let mapping = node.mapping, !mapping.isEmpty else { return false }
        return mapping.keys.allSatisfy { $0.string.map(sections.contains) ?? false }
    }

    /// The RadAudit protocol equivalent to the parameter file `yaml` read from `path`.
    ///
    /// - Throws: `ProtocolError` naming `path`, the line and the key it cannot honour.
    public static func convert(_ yaml: String, path: String) throws -> String {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { throw ProtocolError(path: path, problem: "empty file") }
            root = node
        } catch let error as ProtocolError {
            throw error
        } catch {
            throw ProtocolError(path: path, problem: "not valid YAML (\(error))")
        }
        var converter = Converter(path: path)
        return try converter.convert(root)
    }
}

/// The conversion, one section after another; `lines` is the protocol being written.
private struct Converter {
    let path: String
    var lines: [String] = []

    init(path: String) { self.path = path }

    func refuse(_ node: Node?, _ key: String, _ problem: String) -> ProtocolError {
        ProtocolError(path: node?.mark.map { "\(path):\($0.line)" } ?? path, problem: "\(key): \(problem)")
    }

    func number(_ node: Node, _ key: String) throws -> Double {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            throw refuse(node, key, "expected a number")
        }
        return value
    }

    func numbers(_ node: Node, _ key: String) throws -> [Double] {
        if let sequence = node.sequence { return try sequence.map { try number($0, key) } }
        return [try number(node, key)]
    }

    func isNull(_ node: Node?) -> Bool {
        guard let node else { return true }
        if let scalar = node.scalar { return scalar.string.isEmpty || ["null", "~", "None"].contains(scalar.string) }
        return false
    }

    func flag(_ node: Node, _ key: String) throws -> Bool {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw refuse(node, key, "expected true or false")
        }
    }

    /// Formats a number as YAML.
    func yaml(_ value: Double) -> String { Number.format(value) }

    mutating func convert(_ root: Node) throws -> String {
        guard let top = root.mapping else { throw refuse(root, "parameter file", "expected a mapping") }
        for (key, _) in top where !PyradiomicsParameterFile.sections.contains(key.string ?? "") {
            throw refuse(key, key.string ?? "?", "not a pyradiomics section (setting, imageType, featureClass)")
        }
        if let voxel = top["voxelSetting"], !isNull(voxel) {
            throw refuse(voxel, "voxelSetting", "voxel-based feature maps are not supported")
        }
        var settings: [String: Node] = [:]
        if let setting = top["setting"], !isNull(setting) {
            guard let mapping = setting.mapping else { throw refuse(setting, "setting", "expected a mapping") }
            for (key, value) in mapping { settings[key.string ?? ""] = value }
        }
        lines = ["# Converted by radaudit convert-params from the pyradiomics parameter file \(URL(fileURLWithPath: path).lastPathComponent).",
                 "# Features follow pyradiomics' conventions (docs/pyradiomics.md); comments mark settings whose meaning changes.",
                 "name: \(URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent) (pyradiomics parameters)",
                 "extraction:", "  conventions: pyradiomics"]
        let pyradiomics = try convertSettings(settings)
        try convertImageTypes(top["imageType"], featureClass: top["featureClass"], pyradiomics: pyradiomics)
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: setting

    /// pyradiomics' settings and what each becomes.
    static let knownSettings: Set<String> = [
        "binWidth", "binCount", "resampledPixelSpacing", "interpolator", "padDistance", "label", "normalize",
        "normalizeScale", "removeOutliers", "resegmentRange", "resegmentMode", "resegmentShape", "voxelArrayShift",
        "force2D", "force2Ddimension", "distances", "symmetricalGLCM", "weightingNorm", "gldm_a",
        "minimumROIDimensions", "minimumROISize", "preCrop", "correctMask", "geometryTolerance", "additionalInfo",
        "enableCExtensions",
    ]

    /// Writes the extraction settings `s` stand for; returns the lines of the `pyradiomics:` block they ask for.
    mutating func convertSettings(_ s: [String: Node]) throws -> [String] {
        for (key, node) in s.sorted(by: { $0.key < $1.key }) where !Self.knownSettings.contains(key) {
            throw refuse(node, "setting.\(key)", "unknown pyradiomics setting")
        }
        func value(_ key: String) -> Node? { isNull(s[key]) ? nil : s[key] }

        // Shift and merged directions go to the pyradiomics block, written below with the feature classes.
        var pyradiomics: [String] = []
        if let node = value("voxelArrayShift") {
            pyradiomics.append("voxel_array_shift: \(yaml(try number(node, "setting.voxelArrayShift")))")
        }
        if let node = value("weightingNorm") {
            switch node.scalar?.string {
            case "no_weighting": pyradiomics.append("merged_directions: true   # weightingNorm: no_weighting (3D_merged)")
            default:
                throw refuse(node, "setting.weightingNorm",
                             "'\(node.scalar?.string ?? "")' weights directions by distance; only no_weighting (merged matrices) is supported")
            }
        }
        if let node = value("symmetricalGLCM"), try !flag(node, "setting.symmetricalGLCM") {
            throw refuse(node, "setting.symmetricalGLCM", "asymmetric co-occurrence matrices are not supported")
        }

        // Normalisation.
        if let node = value("normalize"), try flag(node, "setting.normalize") {
            var entries = ["over: image"]
            if let scale = value("normalizeScale") { entries.append("scale: \(yaml(try number(scale, "setting.normalizeScale")))") }
            if let outliers = value("removeOutliers") {
                entries.append("outlier_limit: \(yaml(try number(outliers, "setting.removeOutliers")))")
            }
            lines.append("  normalisation: {\(entries.joined(separator: ", "))}   # z-score of the whole image (sample σ), as pyradiomics")
        } else if value("removeOutliers") != nil || value("normalizeScale") != nil {
            lines.append("  # normalizeScale / removeOutliers ignored: pyradiomics uses them only with normalize: true")
        }

        // Interpolation.
        if let node = value("resampledPixelSpacing") {
            let spacing = try numbers(node, "setting.resampledPixelSpacing")
            guard spacing.count == 3, spacing.allSatisfy({ $0 >= 0 && $0.isFinite }), spacing.contains(where: { $0 > 0 }) else {
                throw refuse(node, "setting.resampledPixelSpacing",
                             "expected three spacings in mm (x, y, z; 0 keeps an axis's spacing)")
            }
            let image: String
            switch value("interpolator")?.scalar?.string ?? "sitkBSpline" {
            case "sitkBSpline", "3": image = "cubic"
            case "sitkLinear", "2": image = "linear"
            case "sitkNearestNeighbor", "1": image = "nearest"
            case let other:
                throw refuse(value("interpolator"), "setting.interpolator", "'\(other)' is not supported (sitkBSpline, sitkLinear, sitkNearestNeighbor)")
            }
            var pad = "5"
            if let node = value("padDistance"), node.scalar?.string != nil, node.scalar?.string != "" {
                guard let distance = Double(node.scalar!.string), distance >= 0 else {
                    throw refuse(node, "setting.padDistance", "expected a number of voxels ≥ 0")
                }
                pad = yaml(distance)
            }
            lines.append("  # pyradiomics' resampling: a grid aligned with the image's first voxel over the ROI's bounding box")
            lines.append("  # (+ padDistance voxels), points outside the image 0, intensities cast back to the image's voxel type")
            lines.append("  interpolation: {spacing_mm: [\(spacing.map(yaml).joined(separator: ", "))], image: \(image), mask: nearest, "
                         + "grid: pyradiomics, pad_distance: \(pad), cast_to_voxel_type: true}")
        }

        // Re-segmentation.
        if let node = value("resegmentRange") {
            let range = try numbers(node, "setting.resegmentRange")
            guard (1...2).contains(range.count) else {
                throw refuse(node, "setting.resegmentRange", "expected one or two thresholds")
            }
            let sorted = range.sorted()
            switch value("resegmentMode")?.scalar?.string ?? "absolute" {
            case "absolute":
                let upper = sorted.count == 2 ? yaml(sorted[1]) : "null"
                lines.append("  resegmentation: {range: [\(yaml(sorted[0])), \(upper)]}")
            case "sigma":
                guard sorted.count == 2, sorted[0] == -sorted[1], sorted[1] > 0 else {
                    throw refuse(node, "setting.resegmentRange", "sigma mode is supported for a symmetric range [-n, n] only")
                }
                lines.append("  resegmentation: {outliers_sigma: \(yaml(sorted[1]))}   # mean ± n·σ (population σ)")
            case let other:
                throw refuse(value("resegmentMode"), "setting.resegmentMode", "'\(other)' is not supported (absolute, sigma)")
            }
            if let shape = value("resegmentShape"), try flag(shape, "setting.resegmentShape") {
                throw refuse(shape, "setting.resegmentShape", "shape from the re-segmented mask is not supported (IBSI keeps the morphological mask)")
            }
        }

        // Discretisation.
        if let count = value("binCount") {
            let bins = try number(count, "setting.binCount")
            guard bins >= 1, bins == bins.rounded() else { throw refuse(count, "setting.binCount", "expected a whole number ≥ 1") }
            lines.append("  discretisation: {texture: {method: fixed_bin_number, bins: \(Int(bins))}}")
        } else {
            let width = try value("binWidth").map { try number($0, "setting.binWidth") } ?? 25
            guard width > 0 else { throw refuse(value("binWidth"), "setting.binWidth", "expected a number > 0") }
            lines.append("  discretisation: {texture: {method: fixed_bin_size, bin_width: \(yaml(width))}}   # first bin at ⌊min/w⌋·w")
        }

        // Texture.
        var texture: [String] = []
        if let node = value("force2D"), try flag(node, "setting.force2D") {
            if let dimension = value("force2Ddimension"), try number(dimension, "setting.force2Ddimension") != 0 {
                throw refuse(dimension, "setting.force2Ddimension", "only 0 (axial slices) is supported")
            }
            texture.append("dimensions: [2.5D]")
        } else {
            texture.append("dimensions: [3D]")
        }
        if let node = value("distances") {
            let distances = try numbers(node, "setting.distances")
            guard distances.count == 1, let d = distances.first, d >= 1, d == d.rounded() else {
                throw refuse(node, "setting.distances", "one whole distance ≥ 1 is supported")
            }
            texture += ["glcm_distance: \(Int(d))", "ngtdm_distance: \(Int(d))", "ngldm_distance: \(Int(d))"]
        }
        if let node = value("gldm_a") {
            let alpha = try number(node, "setting.gldm_a")
            guard alpha >= 0, alpha == alpha.rounded() else { throw refuse(node, "setting.gldm_a", "expected a whole number ≥ 0") }
            texture.append("ngldm_alpha: \(Int(alpha))")
        }
        lines.append("  texture: {\(texture.joined(separator: ", "))}")

        // Settings without an equivalent, said so.
        let notes: [(String, String)] = [
            ("label", "give the label per case (label column of the cohort, or --label); RadAudit's default is 1 or the only label"),
            ("padDistance", value("resampledPixelSpacing") == nil ? "used only when resampling (no resampledPixelSpacing here)"
                : "the resampled grid's margin (pad_distance above); filters read the ROI's box plus their whole support"),
            ("minimumROIDimensions", "not checked: RadAudit extracts any non-empty ROI"),
            ("minimumROISize", "not checked: RadAudit extracts any non-empty ROI"),
            ("preCrop", "no effect on values"),
            ("correctMask", "not applied: image and mask must share a grid (DICOM masks are placed on the image)"),
            ("geometryTolerance", "not applied: image and mask must share a grid within RadAudit's fixed tolerance"),
            ("additionalInfo", "diagnostics are written with --diagnostics"),
            ("enableCExtensions", "no effect"),
        ]
        for (key, note) in notes where value(key) != nil {
            lines.append("  # \(key): \(note)")
        }
        return pyradiomics
    }

    // MARK: imageType and featureClass

    /// pyradiomics feature classes and the families that compute them.
    static let classes: [(name: String, families: [String])] = [
        ("shape", ["morphology"]), ("firstorder", ["intensity_statistics", "intensity_histogram"]), ("glcm", ["glcm"]),
        ("glrlm", ["glrlm"]), ("glszm", ["glszm"]), ("gldm", ["ngldm"]), ("ngtdm", ["ngtdm"]),
    ]

    /// Writes the families, the filters and the `pyradiomics:` block (`pyradiomics`, plus the feature lists).
    mutating func convertImageTypes(_ imageType: Node?, featureClass: Node?, pyradiomics: [String]) throws {
        // Feature classes (all of them, as pyradiomics, when the section is missing).
        var enabled: [String] = Self.classes.map(\.name)
        var lists: [String: [String]] = [:]
        if let node = featureClass, !isNull(node) {
            guard let mapping = node.mapping else { throw refuse(node, "featureClass", "expected a mapping") }
            enabled = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard Self.classes.contains(where: { $0.name == name }) else {
                    throw refuse(key, "featureClass.\(name)", name == "shape2D"
                                 ? "2D shape features are not supported" : "unknown pyradiomics feature class")
                }
                enabled.append(name)
                if !isNull(value) {
                    guard let sequence = value.sequence else { throw refuse(value, "featureClass.\(name)", "expected a list of features") }
                    let features = sequence.compactMap { $0.string }
                    let known = Set(PyradiomicsFeatureName.all.filter { $0.featureClass == name }.map(\.feature))
                    if let unknown = features.first(where: { !known.contains($0) }) {
                        throw refuse(value, "featureClass.\(name)", "'\(unknown)' is not a pyradiomics \(name) feature RadAudit computes")
                    }
                    if !features.isEmpty { lists[name] = features }
                }
            }
        }
        let families = Self.classes.filter { enabled.contains($0.name) }.flatMap(\.families)
        lines.append("  families: [\(families.joined(separator: ", "))]")

        // Image types.
        var filters: [String] = []
        var original = true
        if let node = imageType, !isNull(node) {
            guard let mapping = node.mapping else { throw refuse(node, "imageType", "expected a mapping") }
            original = false
            let textureFamilies = families.filter { $0 != "morphology" }
            let familyList = "[\(textureFamilies.joined(separator: ", "))]"
            for (key, value) in mapping {
                let type = key.string ?? ""
                var options: [String: Node] = [:]
                if !isNull(value) {
                    guard let m = value.mapping else { throw refuse(value, "imageType.\(type)", "expected a mapping of options") }
                    for (k, v) in m { options[k.string ?? ""] = v }
                }
                func only(_ allowed: Set<String>) throws {
                    if let (k, v) = options.first(where: { !allowed.contains($0.key) }) {
                        throw refuse(v, "imageType.\(type).\(k)", "per-image-type settings are not supported")
                    }
                }
                switch type {
                case "Original":
                    try only([])
                    original = true
                case "LoG":
                    try only(["sigma"])
                    guard let sigmaNode = options["sigma"] else {
                        throw refuse(key, "imageType.LoG", "needs sigma (pyradiomics computes nothing without it)")
                    }
                    for entry in sigmaNode.sequence ?? [sigmaNode] {
                        let sigma = try number(entry, "imageType.LoG.sigma")
                        guard sigma > 0 else { throw refuse(sigmaNode, "imageType.LoG.sigma", "expected sigmas > 0") }
                        // pyradiomics names the image after Python's str() of the sigma it read: 1 → 1, 1.0 → 1-0.
                        let text = Int(entry.scalar?.string ?? "").map(String.init) ?? Self.pythonFloat(sigma)
                        let label = "log-sigma-\(text.replacingOccurrences(of: ".", with: "-"))-mm-3D"
                        filters.append("{name: \(label), type: laplacian_of_gaussian, sigma_mm: \(yaml(sigma)), families: \(familyList)}")
                    }
                case "Wavelet":
                    try only(["wavelet", "start_level", "level"])
                    let wavelet = options["wavelet"]?.string ?? "coif1"
                    guard ["haar", "db2", "db3", "coif1"].contains(wavelet) else {
                        throw refuse(options["wavelet"], "imageType.Wavelet.wavelet", "'\(wavelet)' is not supported (haar, db2, db3, coif1)")
                    }
                    let start = Int(try options["start_level"].map { try number($0, "imageType.Wavelet.start_level") } ?? 0)
                    let count = Int(try options["level"].map { try number($0, "imageType.Wavelet.level") } ?? 1)
                    guard start >= 0, count >= 1, start + count <= 4 else {
                        throw refuse(key, "imageType.Wavelet", "levels \(start + 1)…\(start + count) are not supported (1 to 4)")
                    }
                    for level in (start + 1)...(start + count) {
                        let prefix = level == 1 ? "wavelet" : "wavelet\(level)"
                        for band in ["LLH", "LHL", "LHH", "HLL", "HLH", "HHL", "HHH"] {
                            filters.append("{name: \(prefix)-\(band), type: wavelet, wavelet: \(wavelet), subband: \(band), level: \(level), families: \(familyList)}")
                        }
                    }
                    let last = start + count
                    filters.append("{name: \(last == 1 ? "wavelet" : "wavelet\(last)")-LLL, type: wavelet, wavelet: \(wavelet), subband: LLL, level: \(last), families: \(familyList)}")
                case "Square", "SquareRoot", "Logarithm", "Exponential", "Gradient":
                    try only(type == "Gradient" ? ["gradientUseSpacing"] : [])
                    let (name, filterType) = [
                        "Square": ("square", "square"), "SquareRoot": ("squareroot", "square_root"),
                        "Logarithm": ("logarithm", "logarithm"), "Exponential": ("exponential", "exponential"),
                        "Gradient": ("gradient", "gradient_magnitude"),
                    ][type]!
                    filters.append("{name: \(name), type: \(filterType), families: \(familyList)}")
                default:
                    throw refuse(key, "imageType.\(type)", type.hasPrefix("LBP")
                                 ? "local binary patterns are not supported" : "unknown pyradiomics image type")
                }
            }
        }
        if !original {
            guard !filters.isEmpty else { throw refuse(imageType, "imageType", "enables no image type") }
            lines.append("  original: false   # imageType lists no Original")
        }
        if !filters.isEmpty {
            lines.append("  # pyradiomics filters the cropped, padded image; RadAudit filters the ROI's box plus each filter's full support.")
            lines.append("  filters:")
            lines += filters.map { "    - \($0)" }
        }
        var block = pyradiomics
        if !lists.isEmpty {
            block.append("features:   # featureClass lists: the features written under pyradiomics names")
            for (name, features) in lists.sorted(by: { $0.key < $1.key }) {
                block.append("  \(name): [\(features.joined(separator: ", "))]")
            }
        }
        if !block.isEmpty {
            lines.append("  pyradiomics:")
            lines += block.map { "    " + $0 }
        }
    }


    /// Python's `str(float)` of a sigma: `1.0`, `2.5` (pyradiomics' image type names).
    static func pythonFloat(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int(value)).0" : Number.format(value)
    }
}
