import ArgumentParser

@main
struct RadAudit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "radaudit",
        abstract: "Audit the reproducibility of IBSI radiomic features.",
        subcommands: [AgreementCommand.self, SitesCommand.self, HarmonizeCommand.self])
}
