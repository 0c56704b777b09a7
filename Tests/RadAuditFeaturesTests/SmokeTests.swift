import Testing
import RadAuditPreprocessing

@Test func digitalPhantomMatchesItsDescription() throws {
    let region = DigitalPhantom.region
    let values = region.maskedIntensities
    #expect(values.count == 74)
    #expect(abs(values.reduce(0, +) / 74 - 2.1486) < 1e-4)
    #expect(try ReferenceValue.load(familyPrefix: "").count == 482)
}
