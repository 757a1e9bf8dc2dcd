import Foundation

/// Runs the reference Python tools that interop tests compare against.
///
/// A missing `python3` or module is an error (the test fails, it never skips) whose message says to
/// run `scripts/setup`, which installs everything these tests use.
public enum Python {
    /// A failed Python run: the tool is missing, or the script exited with an error.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `python3 -c script arguments...` after checking that `modules` import, and returns stdout.
    public static func run(_ script: String, arguments: [String] = [], requiring modules: [String]) throws -> String {
        if !modules.isEmpty {
            let probe = try launch("import " + modules.joined(separator: ", "), [])
            guard probe.status == 0 else {
                throw Failure(description: "this interop test needs python3 with \(modules.joined(separator: ", ")); "
                              + "run scripts/setup (or `make setup`) to install them. python3 said: \(probe.stderr.suffix(600))")
            }
        }
        let result = try launch(script, arguments)
        guard result.status == 0 else {
            throw Failure(description: "python3 script failed with status \(result.status): \(result.stderr.suffix(2000))")
        }
        return result.stdout
    }

    private static func launch(_ script: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            throw Failure(description: "cannot start python3 (\(error)); run scripts/setup to install it")
        }
        // Drain stderr on another thread so a chatty script cannot block on a full pipe.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: errBox.data, as: UTF8.self))
    }

    private final class DataBox: @unchecked Sendable { var data = Data() }
}

/// A fresh, empty folder under the system temp directory for one test.
public func makeTemporaryDirectory(_ label: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("signzoo-\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
