import ArgumentParser

struct SitesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sites")
}
