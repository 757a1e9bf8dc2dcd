import CONNX
import CProtobufC

/// Converts the Swift model values into protobuf-c message trees inside one `CArena`.
/// Every string, array and sub-message is arena memory; the returned pointers live as long as the arena.
struct ProtoEncoder {
    let arena: CArena

    func model(_ m: ONNXModel) throws -> UnsafeMutablePointer<Onnx__ModelProto> {
        let graph = try graph(m.graph)
        let opsets = m.opsetImports.map { o in
            arena.message(onnx__operator_set_id_proto__init) { (p: inout Onnx__OperatorSetIdProto) in
                p.domain = arena.string(o.domain)
                p.has_version = 1
                p.version = Int64(o.version)
            }
        }
        let metadata = m.metadataProps.sorted { $0.key < $1.key }.map { entry($0.key, $0.value) }
        return arena.message(onnx__model_proto__init) { (p: inout Onnx__ModelProto) in
            p.has_ir_version = 1
            p.ir_version = Int64(m.irVersion)
            p.n_opset_import = opsets.count
            p.opset_import = arena.array(opsets.map(Optional.some))
            p.producer_name = arena.string(m.producerName)
            p.producer_version = arena.string(m.producerVersion)
            if !m.domain.isEmpty { p.domain = arena.string(m.domain) }
            if let v = m.modelVersion { p.has_model_version = 1; p.model_version = Int64(v) }
            if !m.docString.isEmpty { p.doc_string = arena.string(m.docString) }
            p.graph = graph
            p.n_metadata_props = metadata.count
            p.metadata_props = arena.array(metadata.map(Optional.some))
        }
    }

    func graph(_ g: ONNXGraph) throws -> UnsafeMutablePointer<Onnx__GraphProto> {
        let nodes = try g.nodes.map(node)
        let inits = g.initializers.map(tensor)
        let inputs = g.inputs.map(valueInfo), outputs = g.outputs.map(valueInfo), infos = g.valueInfo.map(valueInfo)
        return arena.message(onnx__graph_proto__init) { (p: inout Onnx__GraphProto) in
            p.name = arena.string(g.name)
            p.n_node = nodes.count
            p.node = arena.array(nodes.map(Optional.some))
            p.n_initializer = inits.count
            p.initializer = arena.array(inits.map(Optional.some))
            p.n_input = inputs.count
            p.input = arena.array(inputs.map(Optional.some))
            p.n_output = outputs.count
            p.output = arena.array(outputs.map(Optional.some))
            p.n_value_info = infos.count
            p.value_info = arena.array(infos.map(Optional.some))
            if !g.docString.isEmpty { p.doc_string = arena.string(g.docString) }
        }
    }

    func node(_ n: ONNXNode) throws -> UnsafeMutablePointer<Onnx__NodeProto> {
        let attributes = n.attributes.sorted { $0.key < $1.key }.map { attribute($0.key, $0.value) }
        return arena.message(onnx__node_proto__init) { (p: inout Onnx__NodeProto) in
            p.n_input = n.inputs.count
            p.input = arena.strings(n.inputs)
            p.n_output = n.outputs.count
            p.output = arena.strings(n.outputs)
            p.name = arena.string(n.name)
            p.op_type = arena.string(n.opType)
            if !n.domain.isEmpty { p.domain = arena.string(n.domain) }
            p.n_attribute = attributes.count
            p.attribute = arena.array(attributes.map(Optional.some))
            if !n.docString.isEmpty { p.doc_string = arena.string(n.docString) }
        }
    }

    func attribute(_ name: String, _ a: ONNXAttribute) -> UnsafeMutablePointer<Onnx__AttributeProto> {
        arena.message(onnx__attribute_proto__init) { (p: inout Onnx__AttributeProto) in
            p.name = arena.string(name)
            p.has_type = 1
            switch a {
            case .int(let v):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INT
                p.has_i = 1
                p.i = Int64(v)
            case .float(let v):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOAT
                p.has_f = 1
                p.f = v
            case .string(let v):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__STRING
                p.has_s = 1
                p.s = (arena.bytes(Array(v.utf8)))
            case .ints(let v):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__INTS
                p.n_ints = v.count
                p.ints = arena.array(v.map { Int64($0) })
            case .floats(let v):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__FLOATS
                p.n_floats = v.count
                p.floats = arena.array(v)
            case .tensor(let t):
                p.type = ONNX__ATTRIBUTE_PROTO__ATTRIBUTE_TYPE__TENSOR
                p.t = tensor(t)
            }
        }
    }

    func tensor(_ t: ONNXTensor) -> UnsafeMutablePointer<Onnx__TensorProto> {
        arena.message(onnx__tensor_proto__init) { (p: inout Onnx__TensorProto) in
            p.n_dims = t.dims.count
            p.dims = arena.array(t.dims.map { Int64($0) })
            p.has_data_type = 1
            p.data_type = t.dataType.rawValue
            p.name = arena.string(t.name)
            if !t.docString.isEmpty { p.doc_string = arena.string(t.docString) }
            p.has_raw_data = 1
            p.raw_data = (arena.bytes(t.rawData))
        }
    }

    func valueInfo(_ v: ONNXValueInfo) -> UnsafeMutablePointer<Onnx__ValueInfoProto> {
        let shape: UnsafeMutablePointer<Onnx__TensorShapeProto>? = v.shape.map { dims in
            let ds = dims.map { d in
                arena.message(onnx__tensor_shape_proto__dimension__init) { (p: inout Onnx__TensorShapeProto__Dimension) in
                    switch d {
                    case .fixed(let n):
                        p.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE
                        p.dim_value = Int64(n)
                    case .symbolic(let name):
                        p.value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM
                        p.dim_param = arena.string(name)
                    }
                }
            }
            return arena.message(onnx__tensor_shape_proto__init) { (p: inout Onnx__TensorShapeProto) in
                p.n_dim = ds.count
                p.dim = arena.array(ds.map(Optional.some))
            }
        }
        let tensorType = arena.message(onnx__type_proto__tensor__init) { (p: inout Onnx__TypeProto__Tensor) in
            p.has_elem_type = 1
            p.elem_type = v.elementType.rawValue
            p.shape = shape
        }
        let type = arena.message(onnx__type_proto__init) { (p: inout Onnx__TypeProto) in
            p.value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE
            p.tensor_type = tensorType
        }
        return arena.message(onnx__value_info_proto__init) { (p: inout Onnx__ValueInfoProto) in
            p.name = arena.string(v.name)
            p.type = type
            if !v.docString.isEmpty { p.doc_string = arena.string(v.docString) }
        }
    }

    func entry(_ key: String, _ value: String) -> UnsafeMutablePointer<Onnx__StringStringEntryProto> {
        arena.message(onnx__string_string_entry_proto__init) { (p: inout Onnx__StringStringEntryProto) in
            p.key = arena.string(key)
            p.value = arena.string(value)
        }
    }
}
