using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// The persisted <see cref="PrincipalProjection"/> and every row's projected code, next to the vector file
/// (<c>x.proj</c>): a checksummed header with the mean and the directions, then one record per row in row order
/// (seq, scale, code, checksum). Derived data, kept so that opening a store does not project every row again: appends
/// add records without an fsync, a torn or missing tail is projected again on open, and a damaged header means the
/// directions are computed again.
/// </summary>
internal static class ProjectionFile
{
    private const uint Magic = 0x4A525049; // "IPRJ"
    private const int Version = 1;
    private const int HeaderSize = 32;

    public static int RecordSize(int rank) => 8 + 4 + rank + 4;

    /// <summary>Rewrites the whole file (after training or a deletion), atomically.</summary>
    public static void Write(string path, PrincipalProjection projection, ReadOnlySpan<long> seqs, ReadOnlySpan<float> scales, ReadOnlySpan<sbyte> codes)
    {
        using (var f = DerivedFile.CreateAside(path))
        {
            var body = Body(projection);
            var header = new byte[HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), Version);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), projection.Dims);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), projection.Rank);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), projection.TrainedCount);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), DerivedFile.HeaderHash(header, body));
            f.Write(header);
            f.Write(body);
            WriteRecords(f, projection.Rank, seqs, scales, codes);
            DerivedFile.ReplaceWith(f, path);
        }
    }

    public static void Append(FileStream file, int rank, ReadOnlySpan<long> seqs, ReadOnlySpan<float> scales, ReadOnlySpan<sbyte> codes)
    {
        WriteRecords(file, rank, seqs, scales, codes);
        file.Flush(); // to the OS, not the disk: derived data
    }

    /// <summary>
    /// Reads the projection and its records up to the first damaged or out-of-order one; null when the file is missing,
    /// of another version, dimension or rank, or its header fails the checksum. ValidLength is where the good records end.
    /// </summary>
    public static (PrincipalProjection Projection, List<(long Seq, float Scale, int Offset)> Records, byte[] Data, long ValidLength)? TryRead(string path, int dims, int rank)
    {
        if (DerivedFile.TryReadAll(path) is not { } data) return null;
        long bodyBytes = (long)(dims + rank * dims) * sizeof(float);
        if (data.Length < HeaderSize + bodyBytes || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4)) != Version
            || BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(8)) != dims
            || BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(12)) != rank) return null;
        int trained = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(16));
        var body = data.AsSpan(HeaderSize, (int)bodyBytes);
        if (trained <= 0 || DerivedFile.HeaderHash(data.AsSpan(0, HeaderSize), body) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(24))) return null;
        var floats = MemoryMarshal.Cast<byte, float>(body);
        var projection = new PrincipalProjection(dims, rank, trained, floats[..dims].ToArray(), floats[dims..].ToArray());
        int size = RecordSize(rank);
        var records = new List<(long, float, int)>((int)((data.Length - HeaderSize - bodyBytes) / size));
        long last = 0;
        long off = HeaderSize + bodyBytes;
        for (; off + size <= data.Length; off += size)
        {
            var r = data.AsSpan((int)off, size);
            if ((uint)ContentHash.Compute(r[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(r[^4..])) break;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(r);
            if (seq <= last) break;
            records.Add((seq, BinaryPrimitives.ReadSingleLittleEndian(r[8..]), (int)off + 12));
            last = seq;
        }
        return (projection, records, data, off);
    }

    private static byte[] Body(PrincipalProjection projection)
    {
        var body = new byte[(projection.Mean.Length + projection.Basis.Length) * sizeof(float)];
        MemoryMarshal.AsBytes(projection.Mean).CopyTo(body);
        MemoryMarshal.AsBytes(projection.Basis).CopyTo(body.AsSpan(projection.Mean.Length * sizeof(float)));
        return body;
    }

    private static void WriteRecords(FileStream f, int rank, ReadOnlySpan<long> seqs, ReadOnlySpan<float> scales, ReadOnlySpan<sbyte> codes)
    {
        int size = RecordSize(rank);
        var buffer = new byte[size * Math.Min(4096, Math.Max(1, seqs.Length))];
        for (int start = 0; start < seqs.Length; start += 4096)
        {
            int n = Math.Min(4096, seqs.Length - start);
            for (int i = 0; i < n; i++)
            {
                var r = buffer.AsSpan(i * size, size);
                BinaryPrimitives.WriteInt64LittleEndian(r, seqs[start + i]);
                BinaryPrimitives.WriteSingleLittleEndian(r[8..], scales[start + i]);
                MemoryMarshal.AsBytes(codes.Slice((start + i) * rank, rank)).CopyTo(r[12..]);
                BinaryPrimitives.WriteUInt32LittleEndian(r[^4..], (uint)ContentHash.Compute(r[..^4]));
            }
            f.Write(buffer, 0, n * size);
        }
    }
}
