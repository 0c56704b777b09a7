import ArgumentParser
import RadAuditAudit

@main
struct RadAudit: ParsableCommand {
    static func main() {
        Allocator.tune()
        main(nil)
    }

    static let version = AuditRunner.toolVersion

    static let configuration = CommandConfiguration(
        commandName: "radaudit",
        abstract: "Audit the reproducibility of IBSI radiomic features.",
        version: version,
        subcommands: [AuditCommand.self, ExtractCommand.self, MergeCommand.self, ReportCommand.self, ValidateCommand.self,
                      InfoCommand.self, AgreementCommand.self, SitesCommand.self, HarmonizeCommand.self, FilterCommand.self,
                      ConvertParamsCommand.self])
}
