import Foundation

/// One NumPy `.npy` array (format versions 1.0, 2.0, 3.0): little-endian float32 / float64 (read as
/// Float), or a little-endian unicode scalar (`<U n`, used for the layout name in `.npz` files).
///
/// Layout: magic `\x93NUMPY`, `uint8 major, minor`, header length (`uint16` for v1, `uint32` for
/// v2/v3), an ASCII (v3: UTF-8) Python dict literal `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (T, P, 3), }` padded with spaces and a newline, then the values in C order.
struct NumpyArray {
    enum DType: Equatable {
        case float32, float64
        case unicode(Int)   // '<U n': n UTF-32LE code units per element
    }

    var shape: [Int]
    var dtype: DType
    /// Numeric values (float dtypes), in C order.
    var values: [Float] = []
    /// The string of a unicode scalar.
    var text: String = ""

    var count: Int { shape.reduce(1, *) }

    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY

    static func decode(_ bytes: [UInt8], file: String) throws -> NumpyArray {
        var r = ByteReader(bytes, file: file)
        let m = try r.raw(6, "the .npy magic")
        guard Array(m) == magic else {
            throw PoseError(file, .corrupt, "not a .npy array: the file does not start with \\x93NUMPY")
        }
        let major = Int(try r.u8("the .npy major version")), minor = Int(try r.u8("the .npy minor version"))
        let headerLength: Int
        switch major {
        case 1: headerLength = try r.u16("the .npy header length")
        case 2, 3: headerLength = try r.u32("the .npy header length")
        default: throw PoseError(file, .unsupportedVersion, ".npy format version \(major).\(minor) (this reader knows 1.0, 2.0, 3.0)")
        }
        let header = try r.utf8(headerLength, "the .npy header")
        let dict = try parseHeader(header, file: file)
        let count = dict.shape.reduce(1, *)
        var a = NumpyArray(shape: dict.shape, dtype: dict.dtype)
        let itemBytes: Int
        switch dict.dtype {
        case .float32: itemBytes = 4
        case .float64: itemBytes = 8
        case .unicode(let n): itemBytes = 4 * n
        }
        let needed = count * itemBytes
        if r.remaining < needed {
            throw PoseError(file, .truncated, "the array \(fmtShape(dict.shape)) needs \(needed) data bytes, \(r.remaining) remain")
        }
        if r.remaining > needed {
            throw PoseError(file, .corrupt, "\(r.remaining - needed) trailing bytes after the array \(fmtShape(dict.shape))")
        }
        switch dict.dtype {
        case .float32: a.values = try r.floats(count, "array values")
        case .float64: a.values = try r.doublesAsFloats(count, "array values")
        case .unicode(let n):
            guard count == 1 else { throw PoseError(file, .unsupportedFormat, "only scalar unicode arrays are read, got shape \(fmtShape(dict.shape))") }
            var scalars = String.UnicodeScalarView()
            for _ in 0..<n {
                let u = try r.u32("a unicode character")
                if u == 0 { continue }
                guard let s = Unicode.Scalar(UInt32(u)) else { throw PoseError(file, .corrupt, "invalid unicode code point \(u)") }
                scalars.append(s)
            }
            a.text = String(scalars)
        }
        return a
    }

    /// Parses `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`.
    static func parseHeader(_ header: String, file: String) throws -> (dtype: DType, shape: [Int]) {
        func value(of key: String) throws -> Substring {
            guard let k = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\""),
                  let colon = header[k.upperBound...].firstIndex(of: ":") else {
                throw PoseError(file, .corrupt, "the .npy header has no '\(key)': \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            return header[header.index(after: colon)...].drop(while: { $0 == " " })
        }
        let descrValue = try value(of: "descr")
        guard let q = descrValue.first, q == "'" || q == "\"",
              let end = descrValue.dropFirst().firstIndex(of: q) else {
            throw PoseError(file, .corrupt, "the .npy header's descr is not a string")
        }
        let descr = String(descrValue[descrValue.index(after: descrValue.startIndex)..<end])
        let dtype: DType
        switch descr {
        case "<f4": dtype = .float32
        case "<f8": dtype = .float64
        case ">f4", ">f8": throw PoseError(file, .unsupportedFormat, "big-endian dtype '\(descr)' (save little-endian float32 or float64)")
        default:
            if descr.hasPrefix("<U"), let n = Int(descr.dropFirst(2)), n >= 0 { dtype = .unicode(n) }
            else { throw PoseError(file, .unsupportedFormat, "dtype '\(descr)' (only little-endian float32 '<f4' and float64 '<f8' are read)") }
        }
        let fortran = try value(of: "fortran_order")
        if fortran.hasPrefix("True") {
            throw PoseError(file, .unsupportedFormat, "Fortran-order arrays are not supported (save a C-order array, e.g. np.ascontiguousarray)")
        }
        guard fortran.hasPrefix("False") else { throw PoseError(file, .corrupt, "the .npy header's fortran_order is neither True nor False") }
        let shapeValue = try value(of: "shape")
        guard shapeValue.first == "(", let close = shapeValue.firstIndex(of: ")") else {
            throw PoseError(file, .corrupt, "the .npy header's shape is not a tuple")
        }
        let inner = shapeValue[shapeValue.index(after: shapeValue.startIndex)..<close]
        var shape = [Int]()
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let n = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), n >= 0 else {
                throw PoseError(file, .corrupt, "the .npy header's shape has a bad dimension '\(t)'")
            }
            shape.append(n)
        }
        guard shape.allSatisfy({ $0 < (1 << 40) }), shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }) < (1 << 40) else {
            throw PoseError(file, .corrupt, "the .npy shape \(fmtShape(shape)) is implausibly large")
        }
        return (dtype, shape)
    }

    /// `.npy` v1.0 bytes (header padded so the data starts at a multiple of 64 bytes).
    func encode() -> [UInt8] {
        let descr: String
        switch dtype {
        case .float32: descr = "<f4"
        case .float64: descr = "<f8"
        case .unicode(let n): descr = "<U\(n)"
        }
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 6 + 2 + 2 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var w = ByteWriter(file: "<memory>", capacity: 128 + values.count * 8)
        w.append(Self.magic)
        w.u8(1); w.u8(0)
        w.u8(UInt8(header.utf8.count & 0xFF)); w.u8(UInt8(header.utf8.count >> 8))
        w.append(Array(header.utf8))
        switch dtype {
        case .float32: w.floats(values)
        case .float64: w.floatsAsDoubles(values)
        case .unicode(let n):
            let scalars = Array(text.unicodeScalars)
            for i in 0..<n {
                let v = i < scalars.count ? scalars[i].value : 0
                for k in 0..<4 { w.u8(UInt8((v >> (8 * UInt32(k))) & 0xFF)) }
            }
        }
        return w.bytes
    }
}

func fmtShape(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")") }
