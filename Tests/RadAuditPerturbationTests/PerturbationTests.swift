import Testing
import RadAuditImageIO
import RadAuditPreprocessing
import RadAuditPerturbation

@Test func parametersHaveAStableTextForm() {
    let expected: [(Perturbation, String, String)] = [
        (.noise(sigma: .value(15)), "noise", "sigma=15"),
        (.noise(sigma: .value(2.5)), "noise", "sigma=2.5"),
        (.noise(sigma: .auto), "noise", "sigma=auto"),
        (.resampling(spacing: [1.5, 1.5, 2]), "resampling", "spacing=1.5x1.5x2"),
        (.resampling(spacing: [0.8, 0.8]), "resampling", "spacing=0.8x0.8"),
        (.erosion(mm: 1), "erosion", "distance_mm=1"),
        (.dilation(mm: 0.75), "dilation", "distance_mm=0.75"),
        (.rotation(degrees: -15), "rotation", "degrees=-15"),
        (.translation(fraction: 0.25), "translation", "fraction=0.25"),
        (.volumeAdaptation(fraction: -0.15), "volume_adaptation", "fraction=-0.15"),
        (.contourRandomisation(repetition: 3), "contour_randomisation", "repetition=3"),
    ]
    for (perturbation, name, parameters) in expected {
        #expect(perturbation.name == name)
        #expect(perturbation.parameters == parameters)
    }
    let chain = PerturbationChain([.noise(sigma: .value(15)), .translation(fraction: 0.5), .volumeAdaptation(fraction: 0.1)])
    #expect(chain.parameters == "noise(sigma=15);translation(fraction=0.5);volume_adaptation(fraction=0.1)")
}

private func phantom() -> (image: Volume<Double>, mask: Volume<Bool>) {
    let geometry = Fixture.geometry(24, 22, 20, spacing: SIMD3(0.9, 0.9, 1.5))
    return (Fixture.image(geometry) { 10 * $0.x - 4 * $0.y + $0.z * $0.z },
            Fixture.sphere(geometry, centre: SIMD3(10, 9.5, 14), radius: 6))
}

@Test func chainsApplyTheirStepsWithDerivedSeeds() throws {
    let (image, mask) = phantom()
    let steps: [Perturbation] = [.noise(sigma: .value(20)), .translation(fraction: 0.25), .volumeAdaptation(fraction: -0.15),
                                 .contourRandomisation(repetition: 1)]
    let seed: UInt64 = 0xDEC0DE
    let chained = try PerturbationChain(steps).apply(to: image, mask: mask, seed: seed)
    var (expectedImage, expectedMask) = (image, mask)
    for (index, step) in steps.enumerated() {
        let result = try step.apply(to: expectedImage, mask: expectedMask, seed: PerturbationSeed.derive(variantSeed: seed, step: index))
        (expectedImage, expectedMask) = (result.image, result.mask)
    }
    #expect(chained.image.voxels == expectedImage.voxels)
    #expect(chained.mask.voxels == expectedMask.voxels)
    #expect(chained.notes.contains { $0.hasPrefix("volume_adaptation: voxels ") })
    let again = try PerturbationChain(steps).apply(to: image, mask: mask, seed: seed)
    #expect(again.image.voxels == chained.image.voxels && again.mask.voxels == chained.mask.voxels)
}

@Test func resamplingWrapsTheIBSIInterpolation() throws {
    let (image, mask) = phantom()
    let settings = PerturbationSettings(imageKernel: .cubicSpline, maskKernel: .linear, maskThreshold: 0.5, roundingStep: 1)
    let result = try Perturbation.resampling(spacing: [2, 2, 2]).apply(to: image, mask: mask, seed: 0, settings: settings)
    let interpolation = Interpolation(spacing: [2, 2, 2], imageKernel: .cubicSpline, maskKernel: .linear, maskThreshold: 0.5, roundingStep: 1)
    let expectedImage = try interpolation.resample(image)
    #expect(result.image.geometry == expectedImage.geometry)
    #expect(result.image.voxels == expectedImage.voxels)
    #expect(result.mask.voxels == (try interpolation.resample(mask)).voxels)
    #expect(result.image.geometry.spacing == SIMD3(2, 2, 2))
    let inPlane = try Perturbation.resampling(spacing: [0.5, 0.5]).apply(to: image, mask: mask, seed: 0)
    #expect(inPlane.image.geometry.spacing == SIMD3(0.5, 0.5, 1.5))
}

@Test func everyPerturbationChangesWhatItShould() throws {
    let (image, mask) = phantom()
    let n = Fixture.count(mask)
    let noisy = try Perturbation.noise(sigma: .value(15)).apply(to: image, mask: mask, seed: 1)
    #expect(noisy.mask.voxels == mask.voxels && noisy.image.voxels != image.voxels)
    #expect(Fixture.count(try Perturbation.erosion(mm: 1).apply(to: image, mask: mask, seed: 1).mask) < n)
    #expect(Fixture.count(try Perturbation.dilation(mm: 1).apply(to: image, mask: mask, seed: 1).mask) > n)
    let rotated = try Perturbation.rotation(degrees: 15).apply(to: image, mask: mask, seed: 1)
    #expect(rotated.image.voxels != image.voxels)
    let translated = try Perturbation.translation(fraction: 0.5).apply(to: image, mask: mask, seed: 1)
    #expect(translated.image.voxels != image.voxels && translated.mask.voxels != mask.voxels)
    #expect(Fixture.count(try Perturbation.volumeAdaptation(fraction: 0.15).apply(to: image, mask: mask, seed: 1).mask) > n)
    #expect(Fixture.count(try Perturbation.volumeAdaptation(fraction: -0.15).apply(to: image, mask: mask, seed: 1).mask) < n)
}

@Test func roundingAndCubicFallbackOfRigidTransforms() throws {
    let (image, mask) = phantom()
    let settings = PerturbationSettings(imageKernel: .cubicSpline, roundingStep: 1)
    let rotated = try Perturbation.rotation(degrees: 10).apply(to: image, mask: mask, seed: 0, settings: settings)
    #expect(rotated.image.voxels.allSatisfy { $0 == $0.rounded() })
    #expect(rotated.notes == ["cubic B-spline image interpolation replaced by linear"])
}

@Test func perturbationsThatEmptyTheROIOrGetBadInputThrow() {
    let (image, mask) = phantom()
    #expect(throws: PerturbationError("erosion (distance_mm=20) leaves the ROI empty")) {
        try Perturbation.erosion(mm: 20).apply(to: image, mask: mask, seed: 0)
    }
    let empty = Volume(geometry: mask.geometry, voxels: [Bool](repeating: false, count: mask.voxels.count))
    #expect(throws: PerturbationError("the mask is empty")) { try Perturbation.dilation(mm: 1).apply(to: image, mask: empty, seed: 0) }
    let other = Fixture.image(Fixture.geometry(3, 3, 3)) { _ in 0 }
    #expect(throws: PerturbationError.self) { try Perturbation.rotation(degrees: 5).apply(to: other, mask: mask, seed: 0) }
    #expect(throws: PerturbationError.self) { try Perturbation.erosion(mm: -1).apply(to: image, mask: mask, seed: 0) }
    #expect(throws: PerturbationError.self) { try Perturbation.resampling(spacing: [1]).apply(to: image, mask: mask, seed: 0) }
    #expect(throws: PerturbationError.self) { try Perturbation.noise(sigma: .value(-.infinity)).apply(to: image, mask: mask, seed: 0) }
    #expect(throws: PerturbationError("step 2 erosion: erosion (distance_mm=30) leaves the ROI empty")) {
        try PerturbationChain([.dilation(mm: 1), .erosion(mm: 30)]).apply(to: image, mask: mask, seed: 0)
    }
}
