using System.Buffers;
using System.Runtime.InteropServices;

namespace InfiniteContext.Embeddings.Quantization;

/// <summary>
/// Rewrites an fp32 ONNX model so that each MatMul against a constant weight matrix runs in int8: the weights are
/// quantized once, here, per output column and symmetrically (zero point 0, scale = max |w| / 127), and the node
/// becomes ONNX Runtime's <c>com.microsoft.DynamicQuantizeMatMul</c>, which quantizes the activations per call and
/// multiplies with integer instructions (VNNI where the CPU has it). A sentence encoder's time is almost all in
/// these matrix products, so this is where int8 pays; embeddings, layer norms, softmax and the activation-by-
/// activation products of attention stay fp32. Everything the rewrite does not touch is copied byte for byte.
/// </summary>
/// <remarks>
/// This is the rewrite ONNX Runtime's own Python tool (quantize_dynamic) performs, done at load time in-process so
/// the int8 model needs no file, no Python and no download: the fp32 model shipped in the NuGet package is its
/// only input.
/// </remarks>
internal static class OnnxInt8Quantizer
{
    /// <summary>Names the rewrite's output format: raised whenever the same model and levels would come out different (cached models are keyed by it).</summary>
    public const int FormatVersion = 1;

    private const string MicrosoftDomain = "com.microsoft";

    // ONNX field numbers (onnx.proto3).
    private const int ModelOpsetImport = 8, ModelGraph = 7;
    private const int OpsetDomain = 1, OpsetVersion = 2;
    private const int GraphNode = 1, GraphInitializer = 5, GraphInput = 11, GraphOutput = 12;
    private const int NodeInput = 1, NodeOutput = 2, NodeName = 3, NodeOpType = 4, NodeDomain = 7;
    private const int TensorDims = 1, TensorDataType = 2, TensorFloatData = 4, TensorName = 8, TensorRawData = 9;
    private const int ValueInfoName = 1;
    private const int DataTypeFloat = 1, DataTypeInt8 = 3;

    public sealed record Report(int MatMulsQuantized, int BiasesFolded, long WeightsQuantized, double MeanRelativeError);

    /// <summary>
    /// Weight levels each side of zero the quantizer uses. 127 where the CPU multiplies int8 with VNNI (or is not
    /// x86); 63 otherwise: without VNNI, x86 int8 kernels add pairs of u8 x s8 products in 16 bits, which 255 x 127 x 2
    /// overflows and 255 x 63 x 2 does not (ONNX Runtime's "reduce_range").
    /// </summary>
    public static int DefaultWeightLevels => !System.Runtime.Intrinsics.X86.X86Base.IsSupported || HasVnni() ? 127 : 63;

    private static bool HasVnni()
    {
        var (_, _, ecx, _) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 0);
        var (eax1, _, _, _) = System.Runtime.Intrinsics.X86.X86Base.CpuId(7, 1);
        return (ecx & (1 << 11)) != 0 /* AVX512_VNNI */ || (eax1 & (1 << 4)) != 0 /* AVX_VNNI */;
    }

    public static byte[] Quantize(ReadOnlySpan<byte> model, int weightLevels, out Report report)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(weightLevels, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weightLevels, 127);
        var output = new ArrayBufferWriter<byte>(model.Length / 3);
        bool hasMicrosoftOpset = false;
        Report? graphReport = null;
        foreach (var field in ProtoWire.Fields(model))
        {
            if (field.Number == ModelGraph && field.WireType == ProtoWire.LengthDelimited)
            {
                var graph = RewriteGraph(field.Payload(model), weightLevels, out graphReport);
                ProtoWire.WriteBytesField(output, ModelGraph, graph);
                continue;
            }
            if (field.Number == ModelOpsetImport && field.WireType == ProtoWire.LengthDelimited)
            {
                var opset = field.Payload(model);
                foreach (var f in ProtoWire.Fields(opset))
                    if (f.Number == OpsetDomain && f.String(opset) == MicrosoftDomain) hasMicrosoftOpset = true;
            }
            output.Write(field.Raw(model));
        }
        if (graphReport is null) throw new InvalidDataException("The ONNX model has no graph.");
        if (!hasMicrosoftOpset && graphReport.MatMulsQuantized > 0)
        {
            var opset = new ArrayBufferWriter<byte>();
            ProtoWire.WriteStringField(opset, OpsetDomain, MicrosoftDomain);
            ProtoWire.WriteVarintField(opset, OpsetVersion, 1);
            ProtoWire.WriteBytesField(output, ModelOpsetImport, opset.WrittenSpan);
        }
        report = graphReport;
        return output.WrittenSpan.ToArray();
    }

    private sealed record Initializer(string Name, int DataType, long[] Dims, int FieldIndex);

    private sealed record Node(string OpType, string Domain, string Name, List<string> Inputs, List<string> Outputs);

    private static byte[] RewriteGraph(ReadOnlySpan<byte> graph, int levels, out Report report)
    {
        var fields = ProtoWire.Fields(graph);
        var initializers = new Dictionary<string, Initializer>(StringComparer.Ordinal);
        var nodes = new Dictionary<int, Node>();
        var uses = new Dictionary<string, int>(StringComparer.Ordinal);
        var consumer = new Dictionary<string, int>(StringComparer.Ordinal); // a value's last consuming node
        var graphOutputs = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (field.WireType != ProtoWire.LengthDelimited) continue;
            if (field.Number == GraphOutput) graphOutputs.Add(ValueInfoNameOf(field.Payload(graph)));
            if (field.Number == GraphInitializer)
            {
                var tensor = ReadTensorHeader(field.Payload(graph), i);
                initializers[tensor.Name] = tensor;
            }
            else if (field.Number == GraphNode)
            {
                var node = ReadNode(field.Payload(graph));
                nodes[i] = node;
                foreach (var input in node.Inputs)
                {
                    uses[input] = uses.GetValueOrDefault(input) + 1;
                    consumer[input] = i;
                }
            }
        }

        // A MatMul whose right operand is a 2-D fp32 constant used by nothing else: its weights can be replaced.
        var quantize = new Dictionary<int, Initializer>();
        foreach (var (index, node) in nodes)
        {
            if (node.OpType != "MatMul" || node.Domain.Length != 0 || node.Inputs.Count != 2) continue;
            if (!initializers.TryGetValue(node.Inputs[1], out var weight)) continue;
            if (weight.DataType != DataTypeFloat || weight.Dims.Length != 2 || uses[weight.Name] != 1) continue;
            quantize[index] = weight;
        }

        // A MatMul whose only consumer adds a constant bias vector: the bias moves into DynamicQuantizeMatMul's
        // bias input and the Add goes, one kernel launch and one pass over the activations fewer per projection.
        var biasOf = new Dictionary<int, (string Bias, int AddIndex)>();
        var foldedAdds = new HashSet<int>();
        foreach (var (index, weight) in quantize)
        {
            string product = nodes[index].Outputs[0];
            if (nodes[index].Outputs.Count != 1 || uses.GetValueOrDefault(product) != 1 || graphOutputs.Contains(product)) continue;
            int addIndex = consumer[product];
            var add = nodes[addIndex];
            if (add.OpType != "Add" || add.Domain.Length != 0 || add.Inputs.Count != 2) continue;
            string other = add.Inputs[0] == product ? add.Inputs[1] : add.Inputs[0];
            if (!initializers.TryGetValue(other, out var bias) || bias.DataType != DataTypeFloat) continue;
            if (bias.Dims.Length != 1 || bias.Dims[0] != weight.Dims[1]) continue;
            biasOf[index] = (other, addIndex);
            foldedAdds.Add(addIndex);
        }
        var replacedTensors = quantize.Values.Select(t => t.FieldIndex).ToHashSet();
        var replacedNames = quantize.Values.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        var output = new ArrayBufferWriter<byte>(graph.Length / 3);
        var added = new ArrayBufferWriter<byte>();
        long weights = 0;
        double errorSum = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            var field = fields[i];
            if (quantize.TryGetValue(i, out var weight))
            {
                var node = nodes[i];
                var (quantized, scales, error) = QuantizeColumns(graph, fields[weight.FieldIndex], weight, levels);
                weights += quantized.Length;
                errorSum += error;
                string qName = weight.Name + "_int8", sName = weight.Name + "_scale";
                ProtoWire.WriteBytesField(added, GraphInitializer, TensorBytes(qName, DataTypeInt8, weight.Dims, MemoryMarshal.AsBytes(quantized.AsSpan())));
                ProtoWire.WriteBytesField(added, GraphInitializer, TensorBytes(sName, DataTypeFloat, [weight.Dims[1]], MemoryMarshal.AsBytes(scales.AsSpan())));
                // Inputs: A, B, b_scale, b_zero_point (absent: 0), bias.
                bool folded = biasOf.TryGetValue(i, out var fold);
                ProtoWire.WriteBytesField(output, GraphNode, NodeBytes("DynamicQuantizeMatMul", MicrosoftDomain, node.Name + "_int8",
                    folded ? [node.Inputs[0], qName, sName, "", fold.Bias] : [node.Inputs[0], qName, sName],
                    folded ? nodes[fold.AddIndex].Outputs : node.Outputs));
                continue;
            }
            if (field.Number == GraphNode && foldedAdds.Contains(i)) continue;
            if (field.Number == GraphInitializer && replacedTensors.Contains(i)) continue;
            // Older models list their initializers as graph inputs too; a removed weight must not become a required input.
            if (field.Number == GraphInput && field.WireType == ProtoWire.LengthDelimited && replacedNames.Contains(ValueInfoNameOf(field.Payload(graph)))) continue;
            output.Write(field.Raw(graph));
        }
        output.Write(added.WrittenSpan);
        report = new Report(quantize.Count, foldedAdds.Count, weights, quantize.Count == 0 ? 0 : errorSum / quantize.Count);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Per output column: scale = max |w| / levels, q = round(w / scale). Returns the int8 matrix (same row-major [K, N]
    /// layout), the N scales, and the relative Frobenius error of the round trip, for the report.
    /// </summary>
    private static (sbyte[] Quantized, float[] Scales, double RelativeError) QuantizeColumns(ReadOnlySpan<byte> graph, ProtoWire.Field field, Initializer weight, int levels)
    {
        float[] w = ReadFloats(field.Payload(graph));
        int k = checked((int)weight.Dims[0]), n = checked((int)weight.Dims[1]);
        if (w.Length != (long)k * n) throw new InvalidDataException($"Initializer '{weight.Name}' holds {w.Length} floats, not {k}x{n}.");
        var scales = new float[n];
        for (int r = 0; r < k; r++)
            for (int c = 0; c < n; c++)
                scales[c] = MathF.Max(scales[c], MathF.Abs(w[r * n + c]));
        for (int c = 0; c < n; c++) scales[c] = scales[c] > 0 ? scales[c] / levels : 1f;
        var q = new sbyte[w.Length];
        double err = 0, norm = 0;
        for (int r = 0; r < k; r++)
        {
            for (int c = 0; c < n; c++)
            {
                float x = w[r * n + c];
                int v = Math.Clamp((int)MathF.Round(x / scales[c], MidpointRounding.ToEven), -levels, levels);
                q[r * n + c] = (sbyte)v;
                double d = x - v * scales[c];
                err += d * d;
                norm += (double)x * x;
            }
        }
        return (q, scales, norm > 0 ? Math.Sqrt(err / norm) : 0);
    }

    private static Initializer ReadTensorHeader(ReadOnlySpan<byte> tensor, int fieldIndex)
    {
        string name = "";
        int dataType = 0;
        var dims = new List<long>();
        foreach (var f in ProtoWire.Fields(tensor))
        {
            switch (f.Number)
            {
                case TensorName: name = f.String(tensor); break;
                case TensorDataType: dataType = (int)f.Value; break;
                case TensorDims: ProtoWire.ReadInt64s(tensor, f, dims); break;
            }
        }
        return new Initializer(name, dataType, [.. dims], fieldIndex);
    }

    /// <summary>An fp32 initializer's values, from raw_data (little-endian) or from the packed float_data field.</summary>
    private static float[] ReadFloats(ReadOnlySpan<byte> tensor)
    {
        foreach (var f in ProtoWire.Fields(tensor))
        {
            if ((f.Number == TensorRawData || f.Number == TensorFloatData) && f.WireType == ProtoWire.LengthDelimited)
                return MemoryMarshal.Cast<byte, float>(f.Payload(tensor)).ToArray();
        }
        throw new InvalidDataException("An fp32 initializer holds its values in neither raw_data nor float_data (external data is not supported).");
    }

    private static Node ReadNode(ReadOnlySpan<byte> node)
    {
        string opType = "", domain = "", name = "";
        var inputs = new List<string>();
        var outputs = new List<string>();
        foreach (var f in ProtoWire.Fields(node))
        {
            switch (f.Number)
            {
                case NodeInput: inputs.Add(f.String(node)); break;
                case NodeOutput: outputs.Add(f.String(node)); break;
                case NodeName: name = f.String(node); break;
                case NodeOpType: opType = f.String(node); break;
                case NodeDomain: domain = f.String(node); break;
            }
        }
        return new Node(opType, domain, name, inputs, outputs);
    }

    private static string ValueInfoNameOf(ReadOnlySpan<byte> valueInfo)
    {
        foreach (var f in ProtoWire.Fields(valueInfo))
            if (f.Number == ValueInfoName && f.WireType == ProtoWire.LengthDelimited) return f.String(valueInfo);
        return "";
    }

    private static byte[] TensorBytes(string name, int dataType, long[] dims, ReadOnlySpan<byte> raw)
    {
        var tensor = new ArrayBufferWriter<byte>(raw.Length + 64);
        foreach (long d in dims) ProtoWire.WriteVarintField(tensor, TensorDims, (ulong)d);
        ProtoWire.WriteVarintField(tensor, TensorDataType, (ulong)dataType);
        ProtoWire.WriteStringField(tensor, TensorName, name);
        ProtoWire.WriteBytesField(tensor, TensorRawData, raw);
        return tensor.WrittenSpan.ToArray();
    }

    private static byte[] NodeBytes(string opType, string domain, string name, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        var node = new ArrayBufferWriter<byte>();
        foreach (var input in inputs) ProtoWire.WriteStringField(node, NodeInput, input);
        foreach (var o in outputs) ProtoWire.WriteStringField(node, NodeOutput, o);
        ProtoWire.WriteStringField(node, NodeName, name);
        ProtoWire.WriteStringField(node, NodeOpType, opType);
        ProtoWire.WriteStringField(node, NodeDomain, domain);
        return node.WrittenSpan.ToArray();
    }
}
