using System.Buffers;
using System.Runtime.InteropServices;
using InfiniteContext.Embeddings.Quantization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace InfiniteContext.Embeddings.Tests.Quantization;

/// <summary>
/// The rewrite on small models written here, field by field, and run by the real ONNX Runtime: what it computes must
/// match the fp32 model, and what it does not rewrite must come through untouched.
/// </summary>
public sealed class OnnxInt8QuantizerTests
{
    private const int K = 16, N = 8;

    [Theory]
    [InlineData(127, 0.02)]
    [InlineData(63, 0.04)]
    public void A_weight_matrix_and_its_bias_become_one_int8_node_that_computes_the_same_product(int levels, double tolerance)
    {
        var random = new Random(7);
        float[] w = Floats(random, K * N), bias = Floats(random, N), x = Floats(random, 3 * K);
        byte[] fp32 = Model(MatMulThenAdd(w, bias));

        byte[] int8 = OnnxInt8Quantizer.Quantize(fp32, levels, out var report);

        report.MatMulsQuantized.ShouldBe(1);
        report.BiasesFolded.ShouldBe(1);
        report.WeightsQuantized.ShouldBe(K * N);
        OpTypes(int8).ShouldBe(["DynamicQuantizeMatMul"]);
        float[] expected = Run(fp32, x), actual = Run(int8, x);
        expected.Length.ShouldBe(3 * N);
        double error = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            error += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            norm += expected[i] * expected[i];
        }
        Math.Sqrt(error / norm).ShouldBeLessThan(tolerance);
        int8.Length.ShouldBeLessThan(fp32.Length); // the fp32 weights are gone, not kept beside the int8 ones
    }

    [Fact]
    public void A_product_of_two_activations_is_left_alone_and_the_model_comes_back_byte_for_byte()
    {
        byte[] model = Model(TwoInputMatMul());

        byte[] rewritten = OnnxInt8Quantizer.Quantize(model, 127, out var report);

        report.MatMulsQuantized.ShouldBe(0);
        rewritten.ShouldBe(model);
    }

    [Fact]
    public void A_truncated_model_is_refused_with_a_message_not_a_crash()
    {
        byte[] model = Model(MatMulThenAdd(new float[K * N], new float[N]));
        Should.Throw<InvalidDataException>(() => OnnxInt8Quantizer.Quantize(model.AsSpan(0, model.Length - 5), 127, out _))
            .Message.ShouldContain("past the end");
    }

    private static float[] Floats(Random random, int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static float[] Run(byte[] model, float[] x)
    {
        using var session = new InferenceSession(model);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("X", new DenseTensor<float>(x, [x.Length / K, K]))]);
        return ((DenseTensor<float>)results[0].Value).Buffer.ToArray();
    }

    private static List<string> OpTypes(byte[] model)
    {
        var ops = new List<string>();
        foreach (var f in ProtoWire.Fields(model))
        {
            if (f.Number != 7) continue;
            byte[] graph = f.Payload(model).ToArray();
            foreach (var g in ProtoWire.Fields(graph))
            {
                if (g.Number != 1) continue;
                byte[] node = g.Payload(graph).ToArray();
                foreach (var n in ProtoWire.Fields(node))
                    if (n.Number == 4) ops.Add(n.String(node));
            }
        }
        return ops;
    }

    // ONNX messages, written with the field numbers of onnx.proto3.

    private static byte[] Model(byte[] graph) => Message(m =>
    {
        ProtoWire.WriteVarintField(m, 1, 8); // ir_version
        ProtoWire.WriteBytesField(m, 8, Message(o => ProtoWire.WriteVarintField(o, 2, 17))); // opset_import: default domain, 17
        ProtoWire.WriteStringField(m, 2, "infinitecontext-tests"); // producer_name, a field the rewrite does not know
        ProtoWire.WriteBytesField(m, 7, graph);
    });

    private static byte[] MatMulThenAdd(float[] w, float[] bias) => Message(g =>
    {
        ProtoWire.WriteBytesField(g, 1, Node("MatMul", ["X", "W"], "P"));
        ProtoWire.WriteBytesField(g, 1, Node("Add", ["P", "B"], "Y"));
        ProtoWire.WriteStringField(g, 2, "matmul-add");
        ProtoWire.WriteBytesField(g, 5, FloatTensor("W", [K, N], w));
        ProtoWire.WriteBytesField(g, 5, FloatTensor("B", [N], bias));
        ProtoWire.WriteBytesField(g, 11, ValueInfo("X", [-1, K]));
        ProtoWire.WriteBytesField(g, 12, ValueInfo("Y", [-1, N]));
    });

    private static byte[] TwoInputMatMul() => Message(g =>
    {
        ProtoWire.WriteBytesField(g, 1, Node("MatMul", ["X", "Z"], "Y"));
        ProtoWire.WriteStringField(g, 2, "two-inputs");
        ProtoWire.WriteBytesField(g, 11, ValueInfo("X", [-1, K]));
        ProtoWire.WriteBytesField(g, 11, ValueInfo("Z", [K, N]));
        ProtoWire.WriteBytesField(g, 12, ValueInfo("Y", [-1, N]));
    });

    private static byte[] Node(string op, string[] inputs, string output) => Message(n =>
    {
        foreach (var i in inputs) ProtoWire.WriteStringField(n, 1, i);
        ProtoWire.WriteStringField(n, 2, output);
        ProtoWire.WriteStringField(n, 3, op.ToLowerInvariant());
        ProtoWire.WriteStringField(n, 4, op);
    });

    private static byte[] FloatTensor(string name, long[] dims, float[] values) => Message(t =>
    {
        foreach (long d in dims) ProtoWire.WriteVarintField(t, 1, (ulong)d);
        ProtoWire.WriteVarintField(t, 2, 1); // FLOAT
        ProtoWire.WriteStringField(t, 8, name);
        ProtoWire.WriteBytesField(t, 9, MemoryMarshal.AsBytes(values.AsSpan()));
    });

    /// <summary>A float tensor input or output; a negative dimension is symbolic (the batch).</summary>
    private static byte[] ValueInfo(string name, long[] dims) => Message(v =>
    {
        ProtoWire.WriteStringField(v, 1, name);
        var shape = Message(s =>
        {
            foreach (long d in dims)
                ProtoWire.WriteBytesField(s, 1, Message(dim =>
                {
                    if (d >= 0) ProtoWire.WriteVarintField(dim, 1, (ulong)d);
                    else ProtoWire.WriteStringField(dim, 2, "batch");
                }));
        });
        var tensorType = Message(t =>
        {
            ProtoWire.WriteVarintField(t, 1, 1); // elem_type FLOAT
            ProtoWire.WriteBytesField(t, 2, shape);
        });
        ProtoWire.WriteBytesField(v, 2, Message(type => ProtoWire.WriteBytesField(type, 1, tensorType)));
    });

    private static byte[] Message(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
