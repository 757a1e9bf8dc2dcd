/// An ONNX model (`ModelProto`): a graph with its opset imports, producer and `metadata_props`.
public struct ONNXModel: Sendable, Equatable {
    /// An operator-set import: domain "" is the default `ai.onnx` set.
    public struct OpsetImport: Sendable, Equatable {
        public var domain: String
        public var version: Int
        public init(domain: String = "", version: Int) { (self.domain, self.version) = (domain, version) }
    }

    public var irVersion: Int
    public var opsetImports: [OpsetImport]
    public var producerName: String
    public var producerVersion: String
    public var domain: String
    public var modelVersion: Int?
    public var docString: String
    public var graph: ONNXGraph
    /// Free-form key/value metadata (written sorted by key): zoo id, checkpoint sha256, layout, …
    public var metadataProps: [String: String]

    /// A model at `opset` (IR version from the opset), producer "signzoo".
    public init(graph: ONNXGraph, opset: ONNXOpset = .default, producerName: String = "signzoo",
                producerVersion: String = "", metadataProps: [String: String] = [:], docString: String = "") {
        irVersion = opset.irVersion
        opsetImports = [OpsetImport(version: opset.version)]
        (self.producerName, self.producerVersion, domain, modelVersion) = (producerName, producerVersion, "", nil)
        (self.docString, self.graph, self.metadataProps) = (docString, graph, metadataProps)
    }
}
