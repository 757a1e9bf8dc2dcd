import Foundation

/// A BERT folder, file or input that cannot be used: the message names the file and what is wrong.
public struct BERTError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// `"text"` in double quotes, cut to `limit` characters with an ellipsis.
func quoted(_ text: String, limit: Int = 60) -> String {
    let cut = text.count > limit ? String(text.prefix(limit)) + "…" : text
    return "\"" + cut.replacingOccurrences(of: "\n", with: "\\n") + "\""
}

/// The JSON object in `url`, or an error naming the file.
func readJSONObject(_ url: URL) throws -> [String: Any] {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
        throw BERTError("cannot read \(url.path): \((error as NSError).localizedDescription)")
    }
    let any: Any
    do { any = try JSONSerialization.jsonObject(with: data) } catch {
        throw BERTError("\(url.path) is not valid JSON (\((error as NSError).localizedDescription))")
    }
    guard let object = any as? [String: Any] else { throw BERTError("\(url.path) is not a JSON object") }
    return object
}

/// An integer member of a JSON object (JSON numbers arrive as NSNumber).
func jsonInt(_ object: [String: Any], _ key: String, file: URL) throws -> Int? {
    guard let v = object[key], !(v is NSNull) else { return nil }
    guard let n = v as? NSNumber, String(cString: n.objCType) != "c", n.doubleValue == n.doubleValue.rounded() else {
        throw BERTError("\(file.path): \"\(key)\" must be an integer, got \(v)")
    }
    return n.intValue
}

/// A boolean member of a JSON object.
func jsonBool(_ object: [String: Any], _ key: String, file: URL) throws -> Bool? {
    guard let v = object[key], !(v is NSNull) else { return nil }
    guard let n = v as? NSNumber, String(cString: n.objCType) == "c" else {
        throw BERTError("\(file.path): \"\(key)\" must be true or false, got \(v)")
    }
    return n.boolValue
}
