import Foundation
import Testing
import RadAuditImageIO
@testable import RadAuditPreprocessing

@Test func gridFollowsTheIBSIAlignGridCentresRule() throws {
    // IBSI example: a 4×4 grid of 3 mm resampled to 2 mm has 6 points per axis, starting at −0.25 voxel... in grid units:
    // x_b,g = ½(n_a − 1 − (s_b/s_a)(n_b − 1)) = ½(3 − 2/3·5) = −1/6.
    let geometry = ImageGeometry(size: GridSize(x: 4, y: 4, z: 1), spacing: SIMD3(3, 3, 3), origin: SIMD3(10, 20, 30))
    let grid = try Interpolation(spacing: [2, 2, nil]).grid(for: geometry)
    #expect(grid.geometry.size == GridSize(x: 6, y: 6, z: 1))
    #expect(abs(grid.start.x - (-1.0 / 6)) < 1e-12)
    #expect(abs(grid.step.x - 2.0 / 3) < 1e-12)
    #expect(abs(grid.geometry.origin.x - (10 - 0.5)) < 1e-12)
    #expect(grid.geometry.origin.z == 30)
}

private func ramp(_ size: GridSize, _ f: (Double, Double, Double) -> Double) -> Volume<Double> {
    var values: [Double] = []
    for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x { values.append(f(Double(i), Double(j), Double(k))) } } }
    return Volume(geometry: ImageGeometry(size: size, spacing: SIMD3(1, 1, 1)), voxels: values)
}

@Test(arguments: [Interpolation.Kernel.linear, .cubicSpline])
func smoothKernelsReproduceALinearRampInside(kernel: Interpolation.Kernel) throws {
    // Mirror boundaries bend a ramp near the edges; the effect decays as 0.268^d with the distance d (voxels).
    let size = kernel == .linear ? GridSize(x: 12, y: 10, z: 8) : GridSize(x: 36, y: 34, z: 32)
    let image = ramp(size) { 2 * $0 - 3 * $1 + 0.5 * $2 + 7 }
    let interpolation = Interpolation(spacing: [0.7, 1.3, 0.9], imageKernel: kernel)
    let (grid, start, step) = try interpolation.grid(for: image.geometry)
    let result = try interpolation.resample(image)
    let s = grid.size
    for k in 0..<s.z { for j in 0..<s.y { for i in 0..<s.x {
        let x = start + step * SIMD3(Double(i), Double(j), Double(k))
        // Stay two voxels away from the border, where extrapolation and boundary conditions apply.
        let margin = kernel == .linear ? 2.0 : 13.0
        guard x.x > margin, x.y > margin, x.z > margin, x.x < Double(size.x - 1) - margin,
              x.y < Double(size.y - 1) - margin, x.z < Double(size.z - 1) - margin else { continue }
        let expected = 2 * x.x - 3 * x.y + 0.5 * x.z + 7
        #expect(abs(result[i, j, k] - expected) < 1e-7)
    } } }
}

@Test func cubicSplineInterpolatesTheSamples() throws {
    // Resampling at the original spacing must give the samples back.
    let image = ramp(GridSize(x: 9, y: 7, z: 5)) { sin($0) * cos($1) + $2 * $2 }
    let result = try Interpolation(spacing: [1, 1, 1], imageKernel: .cubicSpline).resample(image)
    for (a, b) in zip(result.voxels, image.voxels) { #expect(abs(a - b) < 1e-9) }
}

@Test func nearestAndRoundingAndMaskThreshold() throws {
    let image = Volume(geometry: ImageGeometry(size: GridSize(x: 4, y: 1, z: 1), spacing: SIMD3(2, 1, 1)), voxels: [0, 10, 20, 31] as [Double])
    let nearest = try Interpolation(spacing: [1, nil, nil], imageKernel: .nearest).resample(image)
    #expect(nearest.voxels == [0, 0, 10, 10, 20, 20, 31, 31])
    let rounded = try Interpolation(spacing: [1, nil, nil], imageKernel: .linear, roundingStep: 1).resample(image)
    #expect(rounded.voxels == [0, 3, 8, 13, 18, 23, 28, 31])
    let mask = Volume(geometry: image.geometry, voxels: [false, true, true, false])
    let resampled = try Interpolation(spacing: [1, nil, nil], maskKernel: .linear, maskThreshold: 0.5).resample(mask)
    #expect(resampled.voxels == [false, false, true, true, true, true, false, false])
}

@Test func absurdSpacingIsRefused() {
    let geometry = ImageGeometry(size: GridSize(x: 512, y: 512, z: 300), spacing: SIMD3(1, 1, 1))
    #expect(throws: PreprocessingError.self) { try Interpolation(spacing: [0.001, 0.001, 0.001]).grid(for: geometry) }
    #expect(throws: PreprocessingError.self) { try Interpolation(spacing: [0, 1, 1]).grid(for: geometry) }
}

@Test(arguments: [Interpolation.Kernel.nearest, .linear, .cubicSpline])
func windowedResamplingEqualsCroppingTheWholeGrid(kernel: Interpolation.Kernel) throws {
    let size = GridSize(x: 70, y: 64, z: 40)
    let image = ramp(size) { sin($0 * 0.7) * 100 + cos($1 * 0.3) * 50 + $2 * $2 }
    var maskValues = [Bool](repeating: false, count: size.count)
    for k in 18..<24 { for j in 30..<37 { for i in 33..<41 { maskValues[size.index(i, j, k)] = true } } }
    let mask = Volume(geometry: image.geometry, voxels: maskValues)
    let interpolation = Interpolation(spacing: [0.8, 1.7, 1.3], imageKernel: kernel, maskKernel: .linear, roundingStep: nil)
    let window = try interpolation.window(covering: BoundingBox(of: maskValues, size: size)!, of: image.geometry,
                                          margin: SIMD3(3, 3, 3))
    let whole = try interpolation.resample(image).cropped(to: window)
    let part = try interpolation.resample(image, window: window)
    #expect(part.geometry == whole.geometry)
    for (a, b) in zip(part.voxels, whole.voxels) { #expect(abs(a - b) < 1e-9) }
    let wholeMask = try interpolation.resample(mask)
    #expect(try interpolation.resample(mask, window: window).voxels == wholeMask.cropped(to: window).voxels)
    // The window holds the whole interpolated ROI.
    #expect(wholeMask.voxels.filter { $0 }.count == wholeMask.cropped(to: window).voxels.filter { $0 }.count)
}

@Test func anInterpolatedWindowTooLargeForMemoryIsRefused() throws {
    let geometry = ImageGeometry(size: GridSize(x: 40, y: 40, z: 40), spacing: SIMD3(1, 1, 1))
    let image = Volume(geometry: geometry, voxels: [Double](repeating: 1, count: geometry.size.count))
    // 0.05 mm: 800³ voxels, more than 2²⁷.
    let interpolation = Interpolation(spacing: [0.05, 0.05, 0.05], imageKernel: .linear, maskKernel: .linear,
                                      maskThreshold: 0.5, roundingStep: nil)
    #expect(throws: PreprocessingError.self) { try interpolation.resample(image) }
}
