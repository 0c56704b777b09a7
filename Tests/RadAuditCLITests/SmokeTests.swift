import Testing

@Test func helpRuns() throws {
    let run = try CLI.run(["--help"])
    #expect(run.status == 0)
    #expect(run.stdout.contains("radaudit"))
}
