import RadAuditCore
import RadAuditFeatures

extension PyradiomicsFeatureName {
    private static let byFeature: [String: PyradiomicsFeatureName] = Dictionary(
        all.map { ("\($0.family.rawValue)/\($0.radauditName)", $0) }, uniquingKeysWith: { first, _ in first })

    /// pyradiomics' name `imageType_featureClass_Feature` of `feature` (e.g. `original_glcm_Idmn`,
    /// `log-sigma-1-0-mm-3D_firstorder_Mean`), or nil when pyradiomics has no such feature in the aggregation
    /// `settings` give it, or the parameter file's `featureClass` does not ask for it.
    ///
    /// pyradiomics computes the GLCM and GLRLM per direction and averages the features (`3D_averaged`; with
    /// `force2D`, `2.5D_direction_merged`), or merges the matrices with `weightingNorm: no_weighting`
    /// (`3D_merged`, `2.5D_merged`); the zone and dependence matrices are built from the volume (`3D`) or the
    /// slices (`2.5D`). The image type is `original` or the filter's label, which a converted parameter file sets
    /// to pyradiomics' image type names.
    public static func name(of feature: Feature, settings: ExtractionSettings) -> String? {
        guard let entry = byFeature["\(feature.family.rawValue)/\(feature.name)"] else { return nil }
        let dimensions = settings.texture.dimensions
        let merged = settings.conventions?.mergedDirections ?? false
        let expected: Aggregation?
        switch feature.family {
        case .glcm, .glrlm:
            expected = dimensions.contains(.threeD) ? (merged ? .merged3D : .averaged3D)
                : dimensions.contains(.twoPointFiveD) ? (merged ? .merged25D : .directionMerged25D) : nil
        case .glszm, .ngldm, .ngtdm:
            expected = dimensions.contains(.threeD) ? .volume3D : dimensions.contains(.twoPointFiveD) ? .volume25D : nil
        default:
            expected = Aggregation.none
        }
        guard feature.aggregation == expected else { return nil }
        if let listed = settings.conventions?.features?[entry.featureClass], !listed.isEmpty {
            guard listed.contains(entry.feature) else { return nil }
        } else if entry.deprecated {
            return nil
        }
        let imageType = feature.filter == "none" ? "original" : feature.filter
        return "\(imageType)_\(entry.featureClass)_\(entry.feature)"
    }

    /// The table as CSV (`docs/pyradiomics-names.csv`).
    public static var csv: String {
        CSVTable.render(header: ["pyradiomics_class", "pyradiomics_feature", "family", "feature", "ibsi_code", "deprecated",
                                 "differences"],
                        rows: all.map { [$0.featureClass, $0.feature, $0.family.rawValue, $0.radauditName, $0.ibsiCode,
                                         $0.deprecated ? "yes" : "no", $0.differences] })
    }
}
