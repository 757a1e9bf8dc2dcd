import Foundation

/// A Python script in `bench/` (beside `Sources/`), run with `python3` from PATH.
enum PythonScript {
    /// `bench/<name>`.
    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs `python3 bench/<name> arguments…` and parses its standard output as a JSON object; nil
    /// when python3 cannot start, the script exits non-zero or prints no JSON object.
    static func json(_ name: String, _ arguments: [String], stderr: FileHandle? = FileHandle.nullDevice) -> [String: Any]? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", path(name)] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = stderr
        do { try p.run() } catch { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
