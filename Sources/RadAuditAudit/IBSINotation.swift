import RadAuditExtraction
import RadAuditFeatures
import RadAuditCore

/// One extraction setting in IBSI notation, with its IBSI identifiers and the reporting items it answers.
public struct SettingDescription: Sendable, Hashable {
    /// Element name in the provenance record (`radaudit:<element>`, identifiers in `radaudit:<element>Id`).
    public let element: String
    public let label: String
    /// The setting in IBSI notation (`LIN:3D:2mm`, `RS:[-1000,400]`, `FBS:25`, `δ:1`) or in words.
    public let value: String
    /// Permanent IBSI identifiers of the method (e.g. `VTM2`, `Q3RU`).
    public let ibsiIDs: [String]
    /// IBSI reporting items (`50a`, `56b`, …).
    public let items: [String]
}

/// IBSI 1 notation for settings, features and agreement statistics (IBSI reference manual, chapter
/// "Radiomics reporting guidelines and nomenclature").
public enum IBSINotation {
    /// The extraction settings of a protocol, in the order of the IBSI reporting items.
    public static func describe(_ settings: ExtractionSettings) -> [SettingDescription] {
        var rows: [SettingDescription] = []
        func add(_ element: String, _ label: String, _ value: String, _ ids: [String] = [], _ items: [String]) {
            rows.append(SettingDescription(element: element, label: label, value: value, ibsiIDs: ids, items: items))
        }
        add("interpolation", "Image interpolation", interpolation(settings.interpolation),
            settings.interpolation == nil ? [] : ["VTM2"], ["50a", "51"])
        if let interpolation = settings.interpolation {
            add("gridPosition", "Interpolation grid position", "grid centres aligned with the original grid centre",
                ["QCY4"], ["50b"])
            add("gridDimensions", "Interpolation grid dimensions", "⌈n·s/s′⌉ voxels per axis", ["026Q"], ["50c"])
            add("extrapolation", "Extrapolation", "nearest boundary value", [], ["50d"])
            add("intensityRounding", "Intensity rounding",
                interpolation.roundIntensities.map { "to a multiple of \(Number.format($0))" } ?? "none",
                interpolation.roundIntensities == nil ? [] : ["68QD"], ["52"])
            add("maskInterpolation", "ROI mask interpolation", kernel(interpolation.mask), [], ["53"])
            add("maskPartialVolume", "Partially masked voxels", "inside when the interpolated mask ≥ \(Number.format(interpolation.maskThreshold))",
                ["E8H9"], ["54"])
        }
        add("reSegmentation", "Re-segmentation", resegmentation(settings.resegmentation),
            resegmentationIDs(settings.resegmentation), ["55"])
        let discretisation = settings.discretisation
        add("discretisation", "Discretisation (texture)", self.discretisation(discretisation.texture),
            discretisationIDs(discretisation.texture), ["56a", "56b"])
        add("histogramDiscretisation", "Discretisation (intensity histogram)", self.discretisation(discretisation.histogram),
            discretisationIDs(discretisation.histogram), ["56a", "56b"])
        add("ivhDiscretisation", "Discretisation (intensity-volume histogram)", self.discretisation(discretisation.ivh),
            discretisationIDs(discretisation.ivh), ["56a", "56b"])
        if let edge = lowestBinEdge(settings) {
            add("lowestBinEdge", "Lowest bin edge (FBS)", edge, [], ["56c"])
        }
        add("imageFilter", "Image filter", imageFilters(settings), [], ["57"])
        add("featureFamilies", "Feature families", settings.families.map { familyAbbreviation($0.rawValue) }.joined(separator: ", "),
            settings.families.map(\.ibsiCode), ["58"])
        let texture = settings.texture
        let textureFamilies = settings.families.filter(\.isTexture)
        if !textureFamilies.isEmpty {
            let aggregations = textureAggregations(texture.dimensions, families: textureFamilies)
            add("textureAggregation", "Texture matrix aggregation", aggregations.map(\.notation).joined(separator: ", "),
                aggregations.map(\.id), ["62"])
            add("distanceWeighting", "Distance weighting", "w:1 (no weighting)", [], ["63"])
        }
        let chebyshev = "PVMT"
        if settings.families.contains(.glcm) {
            add("glcmSymmetry", "Co-occurrence matrix symmetry", "SYM", [], ["64"])
            add("glcmDistance", "Co-occurrence distance", "δ:\(texture.glcmDistance) (Chebyshev)", [chebyshev], ["65"])
        }
        if settings.families.contains(.glszm) {
            add("szmLinkage", "Size zone linkage", "δ:1 (Chebyshev)", [chebyshev], ["66"])
        }
        if settings.families.contains(.gldzm) {
            add("dzmLinkage", "Distance zone linkage", "δ:1 (Chebyshev)", [chebyshev], ["67"])
            add("dzmZoneDistanceNorm", "Zone distance norm", "l-1 (Manhattan) on the morphological mask", ["LIFZ"], ["68"])
        }
        if settings.families.contains(.ngtdm) {
            add("ngtdmDistance", "NGTDM neighbourhood", "δ:\(texture.ngtdmDistance) (Chebyshev)", [chebyshev], ["69"])
        }
        if settings.families.contains(.ngldm) {
            add("ngldmDistance", "NGLDM neighbourhood", "δ:\(texture.ngldmDistance) (Chebyshev)", [chebyshev], ["70"])
            add("ngldmCoarseness", "NGLDM coarseness", "α:\(texture.ngldmAlpha)", [], ["71"])
        }
        return rows
    }

    /// Item 57: `none`, or each filter's label with its type and parameters in IBSI 2 terms (`log_s3mm_3d =
    /// laplacian_of_gaussian(3,4), 3D, mirror; intensity statistics`), the unfiltered image first when it is used.
    static func imageFilters(_ settings: ExtractionSettings) -> String {
        guard !settings.filters.isEmpty else { return "none" }
        let filters = settings.filters.map { filter in
            "\(filter.name) = \(filter.parameterDescription), \(filter.settings.is3D ? "3D" : "2D"), "
                + "\(filter.settings.boundary.rawValue) boundary; " + filter.families.map(\.name).joined(separator: ", ")
        }
        return ((settings.original ? ["none (the unfiltered image)"] : []) + filters).joined(separator: " | ")
    }

    /// `LIN:3D:2mm`, `CSI:2D:0.8x0.8mm`, or `INT:–` without interpolation.
    public static func interpolation(_ settings: InterpolationSettings?) -> String {
        guard let settings else { return "INT:–" }
        let dimension = settings.spacing.count == 3 ? "3D" : "2D"
        let spacing = Set(settings.spacing).count == 1
            ? Number.format(settings.spacing[0]) : settings.spacing.map(Number.format).joined(separator: "x")
        return "\(kernel(settings.image)):\(dimension):\(spacing)mm"
    }

    static func kernel(_ kernel: InterpolationSettings.Interpolator) -> String {
        switch kernel {
        case .nearest: "NNB"
        case .linear: "LIN"
        case .cubic: "CSI"
        }
    }

    /// `RS:[-1000,400]`, `RS:3σ`, both comma-separated, or `RS:–`.
    public static func resegmentation(_ settings: ResegmentationSettings?) -> String {
        var parts: [String] = []
        if let settings, settings.lower != nil || settings.upper != nil {
            parts.append("RS:[\(settings.lower.map(Number.format) ?? "-∞"),\(settings.upper.map(Number.format) ?? "∞")]")
        }
        if let sigma = settings?.outlierSigma { parts.append("RS:\(Number.format(sigma))σ") }
        return parts.isEmpty ? "RS:–" : parts.joined(separator: ", ")
    }

    static func resegmentationIDs(_ settings: ResegmentationSettings?) -> [String] {
        guard let settings else { return [] }
        return (settings.lower != nil || settings.upper != nil ? ["USB3"] : []) + (settings.outlierSigma != nil ? ["7ACA"] : [])
    }

    /// `FBS:25`, `FBN:32` or `DIS:–`.
    public static func discretisation(_ method: DiscretisationMethod) -> String {
        switch method {
        case .none: "DIS:–"
        case .fixedBinSize(let width): "FBS:\(Number.format(width))"
        case .fixedBinNumber(let bins): "FBN:\(bins)"
        }
    }

    static func discretisationIDs(_ method: DiscretisationMethod) -> [String] {
        switch method {
        case .none: []
        case .fixedBinSize: ["Q3RU"]
        case .fixedBinNumber: ["K15C"]
        }
    }

    /// The lowest bin edge of fixed-bin-size discretisation (reporting item 56c), when one is used.
    static func lowestBinEdge(_ settings: ExtractionSettings) -> String? {
        let d = settings.discretisation
        let usesFixedBinSize = [d.texture, d.histogram, d.ivh].contains { if case .fixedBinSize = $0 { true } else { false } }
        guard usesFixedBinSize else { return nil }
        if let lower = settings.resegmentation?.lower { return "\(Number.format(lower)) (lower bound of the re-segmentation range)" }
        return "minimum intensity in the ROI"
    }

    static func textureAggregations(_ dimensions: [TextureDimension], families: [FeatureFamily])
        -> [(notation: String, id: String)] {
        let directional = families.contains { $0 == .glcm || $0 == .glrlm }
        let zonal = families.contains { [.glszm, .gldzm, .ngtdm, .ngldm].contains($0) }
        var result: [(String, String)] = []
        for dimension in dimensions {
            switch dimension {
            case .twoD:
                if directional { result += [("2D:avg", "BTW3"), ("2D:mrg", "SUJT")] }
                if zonal { result.append(("2D", "8QNN")) }
            case .twoPointFiveD:
                if directional { result += [("2.5D:avg", "JJUI"), ("2.5D:mrg", "ZW7Z")] }
                if zonal { result.append(("2.5D", "62GR")) }
            case .threeD:
                if directional { result += [("3D:avg", "ITBB"), ("3D:mrg", "IAZD")] }
                if zonal { result.append(("3D", "KOBO")) }
            }
        }
        return result
    }

    /// IBSI family abbreviation (`CM` for `glcm`); the name itself when unknown.
    public static func familyAbbreviation(_ family: String) -> String { FeatureFamily(rawValue: family)?.abbreviation ?? family }

    /// Readable family name (`grey level co-occurrence matrix`); the name itself when unknown.
    public static func familyName(_ family: String) -> String { FeatureFamily(rawValue: family)?.name ?? family }

    /// IBSI code of a family; nil when unknown.
    public static func familyID(_ family: String) -> String? { FeatureFamily(rawValue: family)?.ibsiCode }

    /// IBSI aggregation notation (`3D:avg`, `2.5D`, empty for features without aggregation).
    public static func aggregationNotation(_ aggregation: String) -> String {
        switch Aggregation(rawValue: aggregation) {
        case .none?, nil: ""
        case .averaged2D?: "2D:avg"
        case .sliceMerged2D?: "2D:mrg"
        case .directionMerged25D?: "2.5D:avg"
        case .merged25D?: "2.5D:mrg"
        case .averaged3D?: "3D:avg"
        case .merged3D?: "3D:mrg"
        case .slice2D?: "2D"
        case .volume25D?: "2.5D"
        case .volume3D?: "3D"
        }
    }

    /// IBSI code of an aggregation (`DHQ4` for features without one); nil when unknown.
    public static func aggregationID(_ aggregation: String) -> String? {
        aggregation.isEmpty ? Aggregation.none.ibsiCode : Aggregation(rawValue: aggregation)?.ibsiCode
    }

    /// The IBSI name of a feature with its subscript, e.g.
    /// `Joint maximum_{CM, 2D:mrg, LIN:2D:2mm, RS:[-500,400], FBN:32, δ:1}`.
    public static func nomenclature(_ key: FeatureKey, settings: ExtractionSettings) -> String {
        var parts = [familyAbbreviation(key.family)]
        let aggregation = aggregationNotation(key.aggregation)
        if !aggregation.isEmpty { parts.append(aggregation) }
        if settings.interpolation != nil { parts.append(interpolation(settings.interpolation)) }
        if settings.resegmentation != nil { parts.append(resegmentation(settings.resegmentation)) }
        let family = FeatureFamily(rawValue: key.family)
        switch family {
        case .intensityHistogram?: parts.append(discretisation(settings.discretisation.histogram))
        case .intensityVolumeHistogram?: parts.append(discretisation(settings.discretisation.ivh))
        case let f? where f.isTexture: parts.append(discretisation(settings.discretisation.texture))
        default: break
        }
        switch family {
        case .glcm?: parts.append("δ:\(settings.texture.glcmDistance)")
        case .ngtdm?: parts.append("δ:\(settings.texture.ngtdmDistance)")
        case .ngldm?: parts += ["δ:\(settings.texture.ngldmDistance)", "α:\(settings.texture.ngldmAlpha)"]
        default: break
        }
        return "\(key.feature)_{\(parts.joined(separator: ", "))}"
    }

    /// The full name of an agreement statistic (`ICC(1,1)` → one-way random effects, absolute agreement,
    /// single measure), as McGraw & Wong (1996) and Koo & Li (2016) ask it to be reported.
    public static func statisticName(_ statistic: String) -> String {
        switch statistic {
        case "ICC(1,1)": "one-way random effects, absolute agreement, single measure (Shrout & Fleiss ICC(1,1))"
        case "ICC(A,1)": "two-way random effects, absolute agreement, single measure (Shrout & Fleiss ICC(2,1))"
        case "ICC(C,1)": "two-way mixed effects, consistency, single measure (Shrout & Fleiss ICC(3,1))"
        case "ICC(1,k)": "one-way random effects, absolute agreement, mean of k measures (Shrout & Fleiss ICC(1,k))"
        case "ICC(A,k)": "two-way random effects, absolute agreement, mean of k measures (Shrout & Fleiss ICC(2,k))"
        case "ICC(C,k)": "two-way mixed effects, consistency, mean of k measures (Shrout & Fleiss ICC(3,k))"
        default: statistic
        }
    }

    /// The robustness rule in words and as a machine-readable condition (`ci95Lower >= 0.75`).
    public static func rule(_ stability: StabilitySettings) -> (text: String, condition: String) {
        let threshold = Number.format(stability.threshold)
        switch stability.metric {
        case .ciLow:
            return ("robust when the lower bound of the 95 % confidence interval of \(stability.statistic) is ≥ \(threshold)",
                    "ci95Lower >= \(threshold)")
        case .estimate:
            return ("robust when the estimate of \(stability.statistic) is ≥ \(threshold)", "estimate >= \(threshold)")
        }
    }
}
