using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace InfiniteContext.Indexing;

/// <summary>Writes a <see cref="SegmentBuilder"/> (with no deleted docs) as a <see cref="SegmentFile"/>, durably.</summary>
internal static class SegmentWriter
{
    public static void Write(SegmentBuilder b, string path)
    {
        if (b.DeletedCount != 0) throw new InvalidOperationException("Compact a builder before writing it.");
        int n = b.DocCount;
        int[] termOrder = b.SortedTermIds();
        int t = termOrder.Length;

        var symbolBytes = b.Symbols.Select(Encoding.UTF8.GetBytes).ToArray();
        var termBytes = termOrder.Select(id => Encoding.UTF8.GetBytes(b.TermText(id))).ToArray();

        var postings = new ArrayBufferWriter<byte>(Math.Max(256, (int)Math.Min(int.MaxValue / 2, b.PostingCount * 3)));
        var postOffsets = new long[t + 1];
        var df = new int[t];
        var maxTf = new int[t];
        var minLengthPerTf = new float[t];
        var skipStart = new int[t + 1];
        var blocks = new List<int>(4 * (int)Math.Min(int.MaxValue / 8, b.PostingCount / SkipBlocks.Size + t));
        var lengths = b.LengthSpan;
        Span<byte> scratch = stackalloc byte[10];
        for (int i = 0; i < t; i++)
        {
            postOffsets[i] = postings.WrittenCount;
            skipStart[i] = blocks.Count / 4;
            var (docs, tfs, count) = b.Postings(termOrder[i]);
            df[i] = count;
            int prev = -1;
            int listMaxTf = 0, blockMaxTf = 0;
            float listMinLengthPerTf = float.MaxValue, blockMinLengthPerTf = float.MaxValue;
            for (int k = 0; k < count; k++)
            {
                int len = VarInt.Write(scratch, (uint)(docs[k] - prev - 1));
                len += VarInt.Write(scratch[len..], (uint)tfs[k]);
                scratch[..len].CopyTo(postings.GetSpan(len));
                postings.Advance(len);
                prev = docs[k];
                blockMaxTf = Math.Max(blockMaxTf, tfs[k]);
                blockMinLengthPerTf = Math.Min(blockMinLengthPerTf, Bm25.LengthPerTf(lengths[docs[k]], tfs[k]));
                if ((k & (SkipBlocks.Size - 1)) == SkipBlocks.Size - 1 || k == count - 1)
                {
                    // Skip entry: where the block ends and what its postings can contribute at most.
                    blocks.Add(docs[k]);
                    blocks.Add(checked((int)(postings.WrittenCount - postOffsets[i])));
                    blocks.Add(blockMaxTf);
                    blocks.Add(BitConverter.SingleToInt32Bits(blockMinLengthPerTf));
                    listMaxTf = Math.Max(listMaxTf, blockMaxTf);
                    listMinLengthPerTf = Math.Min(listMinLengthPerTf, blockMinLengthPerTf);
                    blockMaxTf = 0;
                    blockMinLengthPerTf = float.MaxValue;
                }
            }
            maxTf[i] = listMaxTf;
            minLengthPerTf[i] = count == 0 ? 0 : listMinLengthPerTf;
        }
        postOffsets[t] = postings.WrittenCount;
        skipStart[t] = blocks.Count / 4;
        int blockCount = skipStart[t];

        int symbolTotal = symbolBytes.Sum(s => s.Length);
        long termTotal = termBytes.Sum(s => (long)s.Length);
        long size = 32;
        size += 8L * n + 8L * n + 4L * n * 4;
        size = SegmentFile.Align(checked((int)(size + n)));
        size += 4L * (symbolBytes.Length + 1);
        size = SegmentFile.Align(checked((int)(size + symbolTotal)));
        size += 4L * (t + 1);
        size = SegmentFile.Align(checked((int)(size + termTotal)));
        size += 8L * (t + 1);
        size = SegmentFile.Align(checked((int)(size + 4L * t)));
        size = SegmentFile.Align(checked((int)(size + 4L * t)));
        size = SegmentFile.Align(checked((int)(size + 4L * t)));
        size = SegmentFile.Align(checked((int)(size + 4L * (t + 1))));
        size = SegmentFile.Align(checked((int)(size + (long)SkipBlocks.EntryBytes * blockCount)));
        size = SegmentFile.Align(checked((int)(size + postings.WrittenCount)));
        size += 16;
        var data = new byte[checked((int)size)];
        var span = data.AsSpan();

        BinaryPrimitives.WriteUInt32LittleEndian(span, SegmentFile.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], SegmentFile.Version);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], n);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], t);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], symbolBytes.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[20..], blockCount);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], postings.WrittenCount);
        int off = 32;
        off = Put(span, off, MemoryMarshal.AsBytes(b.SeqSpan));
        off = Put(span, off, MemoryMarshal.AsBytes(b.TimeSpan));
        off = Put(span, off, MemoryMarshal.AsBytes(b.StreamSpan));
        off = Put(span, off, MemoryMarshal.AsBytes(b.LengthSpan));
        off = Put(span, off, MemoryMarshal.AsBytes(b.SpeakerSpan));
        off = Put(span, off, MemoryMarshal.AsBytes(b.SessionSpan));
        off = SegmentFile.Align(Put(span, off, b.RoleSpan));

        off = PutStrings(span, off, symbolBytes);
        off = PutStrings(span, off, termBytes);
        off = Put(span, off, MemoryMarshal.AsBytes(postOffsets.AsSpan()));
        off = SegmentFile.Align(Put(span, off, MemoryMarshal.AsBytes(df.AsSpan())));
        off = SegmentFile.Align(Put(span, off, MemoryMarshal.AsBytes(maxTf.AsSpan())));
        off = SegmentFile.Align(Put(span, off, MemoryMarshal.AsBytes(minLengthPerTf.AsSpan())));
        off = SegmentFile.Align(Put(span, off, MemoryMarshal.AsBytes(skipStart.AsSpan())));
        off = SegmentFile.Align(Put(span, off, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(blocks))));
        off = SegmentFile.Align(Put(span, off, postings.WrittenSpan));
        BinaryPrimitives.WriteUInt64LittleEndian(span[off..], ContentHash.Compute(span[..off]));
        BinaryPrimitives.WriteUInt32LittleEndian(span[(off + 8)..], SegmentFile.Magic);
        if (off + 16 != data.Length) throw new InvalidOperationException($"Segment size mismatch: {off + 16} != {data.Length}.");

        string tmp = path + ".tmp";
        using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            f.Write(data);
            f.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static int Put(Span<byte> into, int off, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(into[off..]);
        return off + bytes.Length;
    }

    private static int PutStrings(Span<byte> into, int off, byte[][] strings)
    {
        int pos = 0;
        for (int i = 0; i < strings.Length; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(into[(off + 4 * i)..], pos);
            pos += strings[i].Length;
        }
        BinaryPrimitives.WriteInt32LittleEndian(into[(off + 4 * strings.Length)..], pos);
        off += 4 * (strings.Length + 1);
        foreach (var s in strings) off = Put(into, off, s);
        return SegmentFile.Align(off);
    }
}
