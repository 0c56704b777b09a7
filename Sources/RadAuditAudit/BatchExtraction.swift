import Foundation
import RadAuditConcurrency
import RadAuditCore
import RadAuditExtraction
import RadAuditFeatures

/// How features are named in tables with one column per feature.
public enum FeatureNaming: String, Sendable, CaseIterable {
    /// `family_feature_aggregation` in snake case, after the filter's label for a filtered image, e.g.
    /// `glszm_grey_level_non_uniformity_3d`, `log_s3mm_3d_intensity_statistics_mean_intensity`.
    case ibsi
    /// pyradiomics' `imageType_featureClass_Feature`, for the features pyradiomics has
    /// (``PyradiomicsFeatureName/name(of:settings:)``).
    case pyradiomics

    /// The column name of `feature`, or nil when the naming has none for it.
    public func columnName(of feature: Feature, settings: ExtractionSettings) -> String? {
        switch self {
        case .pyradiomics:
            return PyradiomicsFeatureName.name(of: feature, settings: settings)
        case .ibsi:
            return Self.ibsiColumnName(FeatureKey(family: feature.family.rawValue, feature: feature.name, ibsiCode: feature.code,
                                                  aggregation: feature.aggregation.rawValue, filter: feature.filter))
        }
    }

    /// `filter_family_feature_aggregation` in snake case (no filter part for the unfiltered image, no aggregation part
    /// for features without one).
    static func ibsiColumnName(_ key: FeatureKey) -> String {
        let parts = (key.filter == "none" ? [] : [key.filter]) + [key.family, snakeCase(key.feature)]
            + (key.aggregation.isEmpty || key.aggregation == "none" ? [] : [snakeCase(key.aggregation)])
        return parts.joined(separator: "_")
    }

    /// Unique column names for `keys`, in order: ``ibsiColumnName(_:)``, with the IBSI code appended to names that
    /// would otherwise repeat.
    static func uniqueColumnNames(_ keys: [FeatureKey]) -> [String] {
        let names = keys.map(ibsiColumnName)
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        return zip(names, keys).map { name, key in counts[name]! > 1 ? name + "_" + key.ibsiCode.lowercased() : name }
    }

    /// Lower-case words joined by `_`: letters and digits kept, everything else a separator
    /// (`Normalised grey level non-uniformity` → `normalised_grey_level_non_uniformity`, `2.5D_merged` → `2_5d_merged`).
    static func snakeCase(_ text: String) -> String {
        text.lowercased().split { !($0.isLetter || $0.isNumber) || !$0.isASCII }.joined(separator: "_")
    }
}

/// `radaudit extract --cases`: the features of every case of a cohort table, one row per case and one column per
/// feature (pyradiomics' `-o out.csv -f csv` layout with `--names pyradiomics`).
public struct BatchExtraction: Sendable {
    public var settings: ExtractionSettings
    public var naming: FeatureNaming
    /// Cases extracted at once (each on one core when more than one).
    public var jobs: Int

    public init(settings: ExtractionSettings, naming: FeatureNaming, jobs: Int) {
        self.settings = settings
        self.naming = naming
        self.jobs = max(1, jobs)
    }

    /// The table: `case_id`, `image`, `mask`, then the features in the first case's order; values are the
    /// shortest round-tripping decimals (`NaN` where undefined).
    ///
    /// - Throws: the first case's error, naming its image and the case; nothing is returned for the others.
    public func run(_ cases: [AuditCase]) throws -> (header: [String], rows: [[String]]) {
        let extractor = FeatureExtractor(settings: settings, concurrent: jobs == 1)
        let results = try cases.concurrentMap(width: jobs) { audited -> [Feature] in
            do {
                return try extractor.extract(imagePath: audited.image, maskPath: audited.mask, label: audited.label,
                                             roi: audited.roi, referenceMask: audited.referenceMask).features
            } catch {
                throw ExtractionError("case '\(audited.id)': \(error)")
            }
        }
        var columns: [String] = []
        var position: [String: Int] = [:]
        var valued: [[String: Double]] = []
        for features in results {
            var values: [String: Double] = [:]
            for feature in features {
                guard let name = naming.columnName(of: feature, settings: settings) else { continue }
                if position[name] == nil {
                    position[name] = columns.count
                    columns.append(name)
                }
                values[name] = feature.value
            }
            valued.append(values)
        }
        let rows = zip(cases, valued).map { audited, values in
            [audited.id, audited.image, audited.mask] + columns.map { values[$0].map(Number.format) ?? "" }
        }
        return (["case_id", "image", "mask"] + columns, rows)
    }
}
