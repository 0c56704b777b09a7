import Foundation
import RadAuditFeatures
import RadAuditPreprocessing

/// What `conventions: pyradiomics` changes, one function per departure from IBSI, each citing the pyradiomics
/// source it follows (pyradiomics 3.1, `radiomics/`). `docs/pyradiomics.md` lists them with the IBSI definition
/// each departs from.
extension FeatureConventions {
    /// The lower edge of the first fixed-size bin: `⌊min X / w⌋ · w` (`imageoperations.getBinEdges`:
    /// `minimum - (minimum % binWidth)`), where IBSI starts the first bin at the re-segmentation lower bound or
    /// at `min X`.
    static func binAnchor(width: Double, intensities: [Double]) -> Double? {
        intensities.min().map { ($0 / width).rounded(.down) * width }
    }

    /// The features of one image, IBSI's turned into pyradiomics':
    /// - kurtosis is not excess kurtosis: `+ 3` (`firstorder.getKurtosisFeatureValue`);
    /// - energy and root mean square add `c` (`voxelArrayShift`) to every intensity, and total energy (energy
    ///   × voxel volume) and the standard deviation are added (`firstorder.py`);
    /// - the principal axis lengths use the covariance with divisor `N`, not `N − 1` (`shape.py`:
    ///   `physicalCoordinates /= sqrt(Np)`): IBSI's lengths × `√((N − 1)/N)`;
    /// - on a GLCM with one grey level, correlation is 1 and information correlation 1 is 0, where IBSI leaves
    ///   them undefined (`glcm.getCorrelationFeatureValue`, `getImc1FeatureValue`);
    ///
    /// The maximum 2D diameters and the maximal correlation coefficient come from their families, which compute them
    /// from the mesh and the matrices they build anyway.
    func adjusted(_ features: [Feature], intensities: [Double], voxelVolume: Double, morphologicalVoxelCount: Int) -> [Feature] {
        let shiftedEnergy = intensities.reduce(0.0) { $0 + ($1 + voxelArrayShift) * ($1 + voxelArrayShift) }
        let axisScale = morphologicalVoxelCount > 1
            ? (Double(morphologicalVoxelCount - 1) / Double(morphologicalVoxelCount)).squareRoot() : 1
        var result: [Feature] = []
        for feature in features {
            var f = feature
            switch (f.family, f.code) {
            case (.intensityStatistics, "IPH6"): f.value += 3
            case (.intensityStatistics, "N8CA"): f.value = shiftedEnergy
            case (.intensityStatistics, "5ZWQ"): f.value = (shiftedEnergy / Double(intensities.count)).squareRoot()
            case (.morphology, "TDIC"), (.morphology, "P9VJ"), (.morphology, "7J51"): f.value *= axisScale
            case (.glcm, "NI2N") where f.value.isNaN: f.value = 1
            case (.glcm, "R8DG") where f.value.isNaN: f.value = 0
            default: break
            }
            result.append(f)
            if f.family == .intensityStatistics, f.code == "N8CA" {
                result.append(Feature(family: .intensityStatistics, name: "Total energy", code: "",
                                      value: shiftedEnergy * voxelVolume))
            }
            if f.family == .intensityStatistics, f.code == "ECT3" {
                result.append(Feature(family: .intensityStatistics, name: "Intensity standard deviation", code: "",
                                      value: f.value.squareRoot()))
            }
        }
        return result
    }
}
