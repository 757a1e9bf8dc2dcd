import ArgumentParser
import Foundation
import SignZoo

/// `signzoo zoo cache prune`: remove unreferenced blobs, idle partial downloads and broken links.
struct ZooCachePruneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove unreferenced blobs and stale partial downloads.")

    func run() throws {
        let report = try ZooCache.standard().prune()
        for f in report.removedFiles { print("removed \(f)") }
        print("freed \(ZooProgress.sizeText(report.freedBytes))")
    }
}
