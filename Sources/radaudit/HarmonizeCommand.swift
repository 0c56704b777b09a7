import ArgumentParser

struct HarmonizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "harmonize")
}
