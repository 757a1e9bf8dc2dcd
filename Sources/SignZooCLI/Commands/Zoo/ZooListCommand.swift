import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo list [--task T] [--layout L] [--pattern 'mslu-*']`: one row per entry.
struct ZooListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List zoo entries with their metrics.")

    @OptionGroup var options: ZooIndexOption
    @Option(help: "Only this task (\(ZooTask.names)).") var task: String?
    @Option(help: "Only this pose layout.") var layout: String?
    @Option(help: "Only ids matching this glob (* and ?).") var pattern: String?

    func run() throws {
        if let task, ZooTask(rawValue: task) == nil { throw ValidationError("unknown task \(task) (known: \(ZooTask.names))") }
        let manifest = try options.manifest()
        let rows = manifest.models.filter { e in
            (task == nil || e.task.rawValue == task) && (layout == nil || e.poseLayout == layout)
                && (pattern.map { fnmatch($0, e.id, 0) == 0 } ?? true)
        }
        guard !rows.isEmpty else {
            print(manifest.models.isEmpty ? "the zoo manifest \(manifest.file) is empty" : "no entry matches")
            return
        }
        let table = [["id", "task", "layout", "size", "metrics"]] + rows.map { e in
            [e.id + (e.deprecated != nil ? " (deprecated)" : ""), e.task.rawValue, e.poseLayout, ZooProgress.sizeText(e.totalSize),
             e.metrics.map { "\($0.dataset)/\($0.split) \($0.metric) \(String(format: "%.4g", $0.value))" }.joined(separator: ", ")]
        }
        let widths = (0..<4).map { c in table.map { $0[c].count }.max() ?? 0 }
        for row in table {
            print((0..<4).map { row[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }.joined() + row[4])
        }
    }
}
