import Testing
import RadAuditImageIO
@testable import RadAuditPreprocessing

private func region(_ values: [Double], mask: [Bool]? = nil) -> RegionOfInterest {
    let geometry = ImageGeometry(size: GridSize(x: values.count, y: 1, z: 1), spacing: SIMD3(1, 1, 1))
    let m = mask ?? Array(repeating: true, count: values.count)
    return RegionOfInterest(image: Volume(geometry: geometry, voxels: values), morphologicalMask: m, intensityMask: m)
}

@Test func fixedBinNumberSpansTheROI() throws {
    let d = try Discretisation.fixedBinNumber(4).apply(to: region([0, 1, 2, 3, 4, 8]))
    #expect(d.levels == [1, 1, 2, 2, 3, 4])
    #expect(d.levelCount == 4)
}

@Test func fixedBinSizeStartsAtTheRangeLowerBound() throws {
    let d = try Discretisation.fixedBinSize(width: 25, lowerBound: -500).apply(to: region([-500, -476, -475, 0, 399]))
    #expect(d.levels == [1, 1, 2, 21, 36])
    let fromMinimum = try Discretisation.fixedBinSize(width: 10, lowerBound: nil).apply(to: region([5, 14.9, 15, 40]))
    #expect(fromMinimum.levels == [1, 1, 2, 4])
}

@Test func voxelsOutsideTheIntensityMaskGetLevelZero() throws {
    let d = try Discretisation.fixedBinNumber(2).apply(to: region([1, 100, 2], mask: [true, false, true]))
    #expect(d.levels == [1, 0, 2])
}

@Test func badDiscretisationSettingsAreErrors() {
    #expect(throws: PreprocessingError.self) { try Discretisation.fixedBinSize(width: 0, lowerBound: nil).apply(to: region([1, 2])) }
    #expect(throws: PreprocessingError.self) { try Discretisation.fixedBinNumber(0).apply(to: region([1, 2])) }
    #expect(throws: PreprocessingError.self) { try Discretisation.none.apply(to: region([-3, 2])) }
}

@Test func resegmentationKeepsTheMorphologicalMask() throws {
    var r = region([-2000, -500, 0, 100, 5000])
    try Resegmentation(range: -1000...400).apply(to: &r)
    #expect(r.intensityMask == [false, true, true, true, false])
    #expect(r.morphologicalMask == [true, true, true, true, true])
}

@Test func outlierFilteringUsesPopulationSigma() throws {
    var r = region([0, 0, 0, 0, 0, 0, 0, 0, 0, 10])
    // μ = 1, σ = 3: 10 lies 3σ away and is kept at n = 3, removed at n = 2.9.
    try Resegmentation(outlierSigma: 3).apply(to: &r)
    #expect(r.intensityMask.allSatisfy { $0 })
    try Resegmentation(outlierSigma: 2.9).apply(to: &r)
    #expect(r.intensityMask.last == false)
}

@Test func emptyResegmentationIsAnError() {
    var r = region([1, 2, 3])
    #expect(throws: PreprocessingError("re-segmentation (range [10.0, 20.0]) leaves the ROI empty")) {
        try Resegmentation(range: 10...20).apply(to: &r)
    }
}

@Test func varianceSurvivesALargeOffset() {
    let values = (0..<1000).map { 1e9 + Double($0 % 7) * 1e-3 }
    let exact = MeanAndVariance(values.map { $0 - 1e9 })
    #expect(abs(MeanAndVariance(values).variance - exact.variance) < 1e-12)
}

@Test func croppingMovesTheOrigin() {
    let geometry = ImageGeometry(size: GridSize(x: 4, y: 3, z: 2), spacing: SIMD3(2, 1, 1), origin: SIMD3(10, 0, 0))
    var mask = [Bool](repeating: false, count: 24)
    mask[geometry.size.index(2, 1, 1)] = true
    mask[geometry.size.index(3, 2, 1)] = true
    let box = BoundingBox(of: mask, size: geometry.size)!
    #expect(box == BoundingBox(lower: SIMD3(2, 1, 1), upper: SIMD3(4, 3, 2)))
    let cropped = Volume(geometry: geometry, voxels: (0..<24).map(Double.init)).cropped(to: box)
    #expect(cropped.size == GridSize(x: 2, y: 2, z: 1))
    #expect(cropped.voxels == [18, 19, 22, 23])
    #expect(cropped.geometry.origin == SIMD3(14, 1, 1))
    #expect(box.expanded(by: SIMD3(1, 1, 1), within: geometry.size) == BoundingBox(lower: SIMD3(1, 0, 0), upper: SIMD3(4, 3, 2)))
}

@Test func absurdDiscretisationsAreRefusedBeforeAllocating() {
    #expect(throws: PreprocessingError.self) { try Discretisation.fixedBinSize(width: 1e-300, lowerBound: nil).apply(to: region([0, 1, 2])) }
    #expect(throws: PreprocessingError.self) { try Discretisation.fixedBinNumber(1_000_000_000).apply(to: region([0, 1, 2])) }
    #expect(throws: PreprocessingError.self) { try Discretisation.none.apply(to: region([1, 1e12])) }
}
