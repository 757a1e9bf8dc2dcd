import Foundation

/// Locates the repository's Python helpers (converters/python) and runs them with `python3`.
enum PythonScripts {
    /// `converters/python/<name>`: under $SIGNZOO_ROOT, else the first folder above the current
    /// directory or above the executable that has it.
    static func locate(_ name: String) throws -> String {
        let relative = "converters/python/" + name
        var roots: [URL] = []
        if let root = ProcessInfo.processInfo.environment["SIGNZOO_ROOT"] { roots.append(URL(fileURLWithPath: root)) }
        for start in [URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                      URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()] {
            var dir = start.standardizedFileURL
            for _ in 0..<8 {
                roots.append(dir)
                dir = dir.deletingLastPathComponent()
            }
        }
        for root in roots {
            let path = root.appendingPathComponent(relative).path
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        throw CLIError("cannot find \(relative); run from the SignZoo repository or set SIGNZOO_ROOT")
    }

    /// Runs `python3 script args…`; returns (exit status, stdout, stderr).
    static func run(_ script: String, _ arguments: [String], python: String = "python3") throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting, so a large output cannot block the child.
        final class Box: @unchecked Sendable { var data = Data() }
        let stderrBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { stderrBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdoutData, as: UTF8.self), String(decoding: stderrBox.data, as: UTF8.self))
    }
}

/// A command-line error with a plain message.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
