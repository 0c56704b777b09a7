import Foundation
import RadAuditImageIO
import RadAuditPreprocessing
@testable import RadAuditFeatures
import RadAuditTestSupport

/// The IBSI 1 digital phantom (5×4×4 voxels of 2 mm), written out so the feature tests need no reader.
/// Layout from `fixtures/ibsi1/README.source.md`: rows are `y`, columns are `x`, one block per slice `z`.
enum DigitalPhantom {
    static let size = GridSize(x: 5, y: 4, z: 4)
    static let spacing = SIMD3<Double>(2, 2, 2)

    static let intensities: [Double] = [
        1, 4, 4, 1, 1,  1, 4, 6, 1, 1,  4, 1, 6, 4, 1,  4, 4, 6, 4, 1,   // z = 0
        1, 4, 4, 1, 1,  1, 1, 6, 1, 1,  1, 1, 3, 1, 1,  4, 4, 6, 1, 1,   // z = 1
        1, 4, 4, 1, 1,  1, 1, 1, 1, 1,  1, 1, 9, 1, 1,  1, 1, 6, 1, 1,   // z = 2
        1, 4, 4, 1, 1,  1, 1, 1, 1, 1,  1, 1, 1, 1, 1,  1, 1, 6, 1, 1,   // z = 3
    ]

    static let mask: [Bool] = {
        var m = [Bool](repeating: true, count: 80)
        for (x, y, z) in [(0, 2, 1), (3, 0, 2), (4, 0, 2), (2, 2, 2), (3, 0, 3), (4, 0, 3)] {
            m[size.index(x, y, z)] = false
        }
        return m
    }()

    /// The phantom as a region of interest (identical morphological and intensity masks).
    static var region: RegionOfInterest {
        RegionOfInterest(image: Volume(geometry: ImageGeometry(size: size, spacing: spacing), voxels: intensities),
                         morphologicalMask: mask, intensityMask: mask)
    }

    /// The phantom discretised as IBSI prescribes for it (no discretisation: levels are the intensities, N_g = 6).
    static var discretised: DiscretisedRegion {
        let levels = zip(intensities, mask).map { $1 ? Int32($0) : 0 }
        return DiscretisedRegion(size: size, spacing: spacing, levels: levels, levelCount: 6, morphologicalMask: mask)
    }
}

