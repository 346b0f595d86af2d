using System.Buffers.Binary;
using System.Runtime.InteropServices;
using InfiniteContext.Indexing;

namespace InfiniteContext.Vectors;

/// <summary>
/// The persisted <see cref="IvfIndex"/>, next to the vector file: a checksummed header with the centroids, the
/// training size and the stray threshold, then one 16-byte record (seq, list, checksum) per vector in row order
/// (list = the list count for a stray). Appends add
/// records without an fsync: the file is derived, a torn or missing tail is re-assigned from the vectors on
/// open (one dot product per list per vector), and a damaged header means retraining.
/// </summary>
internal static class IvfIndexFile
{
    private const uint Magic = 0x46564949; // "IIVF"
    private const int Version = 3; // 2: the stray list and its threshold; 3: strays by cosine, not by dot product (an older file is retrained)
    private const int HeaderSize = 32;
    public const int RecordSize = 16;

    /// <summary>Rewrites the whole file (after training or a deletion), atomically.</summary>
    public static void Write(string path, IvfIndex index, ReadOnlySpan<long> seqs, ReadOnlySpan<int> lists, int dims)
    {
        using (var f = DerivedFile.CreateAside(path))
        {
            var centroids = MemoryMarshal.AsBytes(index.Centroids);
            var header = new byte[HeaderSize];
            BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), Version);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), dims);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), index.ListCount);
            BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), index.TrainedCount);
            BinaryPrimitives.WriteSingleLittleEndian(header.AsSpan(20), index.StrayBelow);
            BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(24), DerivedFile.HeaderHash(header, centroids));
            f.Write(header);
            f.Write(centroids);
            var record = new byte[RecordSize * 4096];
            for (int start = 0; start < seqs.Length; start += 4096)
            {
                int n = Math.Min(4096, seqs.Length - start);
                for (int i = 0; i < n; i++) Fill(record.AsSpan(i * RecordSize, RecordSize), seqs[start + i], lists[start + i]);
                f.Write(record, 0, n * RecordSize);
            }
            DerivedFile.ReplaceWith(f, path);
        }
    }

    public static void Append(FileStream file, ReadOnlySpan<long> seqs, ReadOnlySpan<int> lists)
    {
        var buffer = new byte[seqs.Length * RecordSize];
        for (int i = 0; i < seqs.Length; i++) Fill(buffer.AsSpan(i * RecordSize, RecordSize), seqs[i], lists[i]);
        file.Write(buffer);
        file.Flush(); // to the OS, not the disk: derived data
    }

    /// <summary>
    /// Reads the index and its (seq, list) records up to the first damaged or out-of-order one; null when the file is
    /// missing, of another version or dimension, or its header or centroids fail the checksum. ValidLength is where the
    /// good records end.
    /// </summary>
    public static (IvfIndex Index, List<(long Seq, int List)> Records, long ValidLength)? TryRead(string path, int dims)
    {
        if (DerivedFile.TryReadAll(path) is not { } data) return null;
        if (data.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(4)) != Version
            || BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(8)) != dims) return null;
        int lists = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(12));
        int trained = BinaryPrimitives.ReadInt32LittleEndian(data.AsSpan(16));
        float strayBelow = BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(20));
        long centroidBytes = (long)lists * dims * sizeof(float);
        if (lists <= 0 || trained < lists || HeaderSize + centroidBytes > data.Length) return null;
        var centroidSpan = data.AsSpan(HeaderSize, (int)centroidBytes);
        if (DerivedFile.HeaderHash(data.AsSpan(0, HeaderSize), centroidSpan) != BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(24))) return null;
        var centroids = MemoryMarshal.Cast<byte, float>(centroidSpan).ToArray();
        var records = new List<(long, int)>((int)((data.Length - HeaderSize - centroidBytes) / RecordSize));
        long last = 0;
        long off = HeaderSize + centroidBytes;
        for (; off + RecordSize <= data.Length; off += RecordSize)
        {
            var r = data.AsSpan((int)off, RecordSize);
            if ((uint)ContentHash.Compute(r[..12]) != BinaryPrimitives.ReadUInt32LittleEndian(r[12..])) break;
            long seq = BinaryPrimitives.ReadInt64LittleEndian(r);
            int list = BinaryPrimitives.ReadInt32LittleEndian(r[8..]);
            if (seq <= last || list < 0 || list > lists) break; // list == lists: the stray list
            records.Add((seq, list));
            last = seq;
        }
        return (new IvfIndex(dims, trained, centroids, strayBelow), records, off);
    }

    private static void Fill(Span<byte> record, long seq, int list)
    {
        BinaryPrimitives.WriteInt64LittleEndian(record, seq);
        BinaryPrimitives.WriteInt32LittleEndian(record[8..], list);
        BinaryPrimitives.WriteUInt32LittleEndian(record[12..], (uint)ContentHash.Compute(record[..12]));
    }
}
