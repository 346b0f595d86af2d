using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace InfiniteContext.Vectors;

/// <summary>
/// Symmetric per-vector int8 quantization: v ~ scale * q with q in [-127, 127]. A 384-dim vector takes
/// 388 bytes instead of 1,536, and the dot product of two codes is an integer SIMD loop.
/// For unit vectors the cosine error is about 1e-3, far below the gaps retrieval ranks on. The scale is never
/// negative (files written before that was so may hold negative scales with flipped codes: same scores).
/// </summary>
public static class Int8VectorCodec
{
    public static float Encode(ReadOnlySpan<float> vector, Span<sbyte> code)
    {
        if (code.Length != vector.Length) throw new ArgumentException("Code and vector lengths differ.", nameof(code));
        // MaxMagnitude keeps the sign of the largest component; the scale must not, or every code flips sign
        // (scores stay right because the signs cancel, but anything reading a code alone would rank backwards).
        float max = MathF.Abs(TensorPrimitives.MaxMagnitude(vector));
        if (max == 0 || !float.IsFinite(max))
        {
            code.Clear();
            return 0;
        }
        float scale = max / 127f;
        float inverse = 1f / scale;
        for (int i = 0; i < vector.Length; i++) code[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * inverse), -127, 127);
        return scale;
    }

    public static void Decode(ReadOnlySpan<sbyte> code, float scale, Span<float> vector)
    {
        for (int i = 0; i < code.Length; i++) vector[i] = code[i] * scale;
    }

    /// <summary>Integer dot product of two codes, widened so it cannot overflow (384 x 127 x 127 fits in an int).</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        int i = 0, sum = 0;
        if (Avx2.IsSupported && a.Length >= 16 && b.Length >= a.Length)
        {
            // 16 codes per step: sign-extend to shorts as they load (vpmovsxbw), then multiply and add adjacent
            // pairs into ints (vpmaddwd; -128 x -128 twice is 32,768, which an int holds). Half the instructions of
            // the portable loop below, which widens the products to ints in two more steps.
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            var acc0 = Vector256<int>.Zero;
            var acc1 = Vector256<int>.Zero;
            for (; i + 32 <= a.Length; i += 32)
            {
                var a0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var b0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i));
                var a1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)(i + 16)));
                var b1 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)(i + 16)));
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, b0));
                acc1 = Avx2.Add(acc1, Avx2.MultiplyAddAdjacent(a1, b1));
            }
            if (i + 16 <= a.Length)
            {
                var a0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref ra, (nuint)i));
                var b0 = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref rb, (nuint)i));
                acc0 = Avx2.Add(acc0, Avx2.MultiplyAddAdjacent(a0, b0));
                i += 16;
            }
            sum = Vector256.Sum(Avx2.Add(acc0, acc1));
        }
        else if (Vector.IsHardwareAccelerated && a.Length >= Vector<sbyte>.Count)
        {
            var acc = Vector<int>.Zero;
            var va = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(a);
            var vb = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(b);
            for (int v = 0; v < va.Length; v++)
            {
                Vector.Widen(va[v], out Vector<short> aLo, out Vector<short> aHi);
                Vector.Widen(vb[v], out Vector<short> bLo, out Vector<short> bHi);
                var lo = aLo * bLo; // |127*127| < short.MaxValue
                var hi = aHi * bHi;
                Vector.Widen(lo, out Vector<int> l0, out Vector<int> l1);
                Vector.Widen(hi, out Vector<int> h0, out Vector<int> h1);
                acc += l0 + l1 + h0 + h1;
            }
            sum = Vector.Sum(acc);
            i = va.Length * Vector<sbyte>.Count;
        }
        for (; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
