/// The eleven IBSI 1 feature families, with their IBSI codes.
public enum FeatureFamily: String, Sendable, CaseIterable, Hashable {
    case morphology
    case localIntensity = "local_intensity"
    case intensityStatistics = "intensity_statistics"
    case intensityHistogram = "intensity_histogram"
    case intensityVolumeHistogram = "intensity_volume_histogram"
    case glcm, glrlm, glszm, gldzm, ngtdm, ngldm

    /// What IBSI calls the family: its permanent code, the abbreviation of its feature names' subscripts and its
    /// name; and whether it is computed from texture matrices of discretised grey levels. The one place a family
    /// describes itself.
    private var identity: (code: String, abbreviation: String, name: String, isTexture: Bool) {
        switch self {
        case .morphology: ("HCUG", "MORPH", "morphology", false)
        case .localIntensity: ("9ST6", "LI", "local intensity", false)
        case .intensityStatistics: ("UHIW", "IS", "intensity statistics", false)
        case .intensityHistogram: ("ZVCW", "IH", "intensity histogram", false)
        case .intensityVolumeHistogram: ("P88C", "IVH", "intensity-volume histogram", false)
        case .glcm: ("LFYI", "CM", "grey level co-occurrence matrix", true)
        case .glrlm: ("TP0I", "RLM", "grey level run length matrix", true)
        case .glszm: ("9SAK", "SZM", "grey level size zone matrix", true)
        case .gldzm: ("VMDZ", "DZM", "grey level distance zone matrix", true)
        case .ngtdm: ("IPET", "NGTDM", "neighbourhood grey tone difference matrix", true)
        case .ngldm: ("REK0", "NGLDM", "neighbouring grey level dependence matrix", true)
        }
    }

    /// IBSI family code (e.g. `LFYI` for the GLCM).
    public var ibsiCode: String { identity.code }

    /// IBSI abbreviation in feature-name subscripts (e.g. `CM` for the GLCM).
    public var abbreviation: String { identity.abbreviation }

    /// Readable name (e.g. `grey level co-occurrence matrix`).
    public var name: String { identity.name }

    /// Whether the family is computed from texture matrices of discretised grey levels.
    public var isTexture: Bool { identity.isTexture }
}

/// How texture matrices or features are combined across slices and directions (IBSI 1, section
/// "Feature aggregation"). Raw values are the labels used in the IBSI reference tables.
public enum Aggregation: String, Sendable, CaseIterable, Hashable {
    /// Not a texture feature: computed once over the 3D ROI (DHQ4).
    case none
    /// Per slice and direction, features averaged (BTW3).
    case averaged2D = "2D_averaged"
    /// Per slice, directions merged, features averaged over slices (SUJT).
    case sliceMerged2D = "2D_slice_merged"
    /// Per direction, slices merged, features averaged over directions (JJUI).
    case directionMerged25D = "2.5D_direction_merged"
    /// One matrix merged over slices and directions (ZW7Z).
    case merged25D = "2.5D_merged"
    /// Per 3D direction, features averaged (ITBB).
    case averaged3D = "3D_averaged"
    /// One matrix merged over all 3D directions (IAZD).
    case merged3D = "3D_merged"
    /// Per-slice matrix, features averaged over slices (8QNN).
    case slice2D = "2D"
    /// One matrix merged over slices (62GR).
    case volume25D = "2.5D"
    /// One matrix from the volume (KOBO).
    case volume3D = "3D"

    /// IBSI code of the aggregation method.
    public var ibsiCode: String {
        switch self {
        case .none: "DHQ4"
        case .averaged2D: "BTW3"
        case .sliceMerged2D: "SUJT"
        case .directionMerged25D: "JJUI"
        case .merged25D: "ZW7Z"
        case .averaged3D: "ITBB"
        case .merged3D: "IAZD"
        case .slice2D: "8QNN"
        case .volume25D: "62GR"
        case .volume3D: "KOBO"
        }
    }
}

/// The dimensionality in which texture matrices are built: per axial slice (2D), per slice but
/// combined over the stack (2.5D), or in the volume (3D).
public enum TextureDimension: String, Sendable, CaseIterable, Hashable {
    case twoD = "2D"
    case twoPointFiveD = "2.5D"
    case threeD = "3D"
}

/// One computed feature value.
public struct Feature: Sendable, Hashable {
    public var family: FeatureFamily
    /// Feature name as in the IBSI reference manual, e.g. `Joint maximum`.
    public var name: String
    /// IBSI 4-character identifier, e.g. `GYBY`.
    public var code: String
    public var aggregation: Aggregation
    /// The value; NaN where the feature is undefined for this ROI.
    public var value: Double
    /// The image the feature was computed on: `none` for the unfiltered image, else the label of a filter response.
    public var filter: String = "none"

    public init(family: FeatureFamily, name: String, code: String, aggregation: Aggregation = .none, value: Double,
                filter: String = "none") {
        self.filter = filter
        self.family = family
        self.name = name
        self.code = code
        self.aggregation = aggregation
        self.value = value
    }
}

/// One IBSI feature of a family: the manual's name and permanent code bound to the value the feature takes on
/// `Source`, the quantities the family computes once per matrix or ROI. The formula is documented on the property
/// of `Source` that the definition reads.
struct FeatureDefinition<Source>: Sendable {
    /// Feature name as in the IBSI reference manual.
    let name: String
    /// IBSI 4-character identifier.
    let code: String
    /// The feature's value; NaN where it is undefined.
    let value: @Sendable (Source) -> Double

    init(_ name: String, _ code: String, _ value: @escaping @Sendable (Source) -> Double) {
        self.name = name
        self.code = code
        self.value = value
    }
}

extension Array {
    /// The value of every definition on `source`, in definition order.
    func values<Source>(of source: Source) -> [Double] where Element == FeatureDefinition<Source> {
        map { $0.value(source) }
    }
}
