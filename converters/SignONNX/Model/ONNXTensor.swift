import SignTensor

/// A constant tensor of the graph (an initializer or a tensor attribute), stored as ONNX `raw_data`:
/// the values' bytes in little-endian order, `dims.reduce(1, *) × dataType.byteWidth` of them.
public struct ONNXTensor: Sendable, Equatable {
    public var name: String
    public var dataType: ONNXDataType
    public var dims: [Int]
    public var rawData: [UInt8]
    public var docString: String

    /// Throws when a dimension is negative or `rawData` does not hold exactly one value per element.
    public init(name: String, dataType: ONNXDataType, dims: [Int], rawData: [UInt8], docString: String = "") throws {
        guard dims.allSatisfy({ $0 >= 0 }) else {
            throw ONNXExportError.invalid("tensor '\(name)' has a negative dimension in \(dims)")
        }
        let expected = dims.reduce(1, *) * dataType.byteWidth
        guard rawData.count == expected else {
            throw ONNXExportError.invalid("tensor '\(name)' of \(dataType) \(dims) needs \(expected) bytes, got \(rawData.count)")
        }
        (self.name, self.dataType, self.dims, self.rawData, self.docString) = (name, dataType, dims, rawData, docString)
    }

    /// float32 values (row-major) as raw little-endian bytes.
    public static func float(_ name: String, dims: [Int], values: [Float]) throws -> ONNXTensor {
        try ONNXTensor(name: name, dataType: .float, dims: dims, rawData: littleEndianBytes(values.map(\.bitPattern)))
    }

    /// int64 values (row-major) as raw little-endian bytes.
    public static func int64(_ name: String, dims: [Int], values: [Int]) throws -> ONNXTensor {
        try ONNXTensor(name: name, dataType: .int64, dims: dims, rawData: littleEndianBytes(values.map { Int64($0) }))
    }

    /// bool values (one byte each, 0 or 1).
    public static func bool(_ name: String, dims: [Int], values: [Bool]) throws -> ONNXTensor {
        try ONNXTensor(name: name, dataType: .bool, dims: dims, rawData: values.map { $0 ? 1 : 0 })
    }

    /// The values of an engine tensor as a float32 tensor with the same shape.
    public init(name: String, tensor: Tensor, docString: String = "") {
        let bits = UnsafeBufferPointer(start: tensor.pointer, count: tensor.count).map(\.bitPattern)
        self.name = name
        dataType = .float
        dims = tensor.shape
        rawData = littleEndianBytes(bits)
        self.docString = docString
    }

    /// Number of elements.
    public var count: Int { dims.reduce(1, *) }

    /// The values read back as Float (float32 tensors only; nil otherwise).
    public var floatValues: [Float]? {
        guard dataType == .float else { return nil }
        return (0..<count).map { i in
            var bits: UInt32 = 0
            for b in 0..<4 { bits |= UInt32(rawData[4 * i + b]) << (8 * b) }
            return Float(bitPattern: bits)
        }
    }

    /// The values read back as Int (int64 tensors only; nil otherwise).
    public var int64Values: [Int]? {
        guard dataType == .int64 else { return nil }
        return (0..<count).map { i in
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(rawData[8 * i + b]) << (8 * b) }
            return Int(Int64(bitPattern: bits))
        }
    }
}

/// The bytes of fixed-width integers in little-endian order (the ONNX `raw_data` layout).
func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
    let width = T.bitWidth / 8
    var out = [UInt8](repeating: 0, count: values.count * width)
    out.withUnsafeMutableBytes { dst in
        values.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            #if _endian(little)
            dst.copyMemory(from: UnsafeRawBufferPointer(start: base, count: values.count * width))
            #else
            for (i, v) in src.enumerated() { withUnsafeBytes(of: v.littleEndian) { dst.baseAddress!.advanced(by: i * width).copyMemory(from: $0.baseAddress!, byteCount: width) } }
            #endif
        }
    }
    return out
}
