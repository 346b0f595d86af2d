using System.Buffers;
using System.Text;

namespace InfiniteContext.Embeddings.Quantization;

/// <summary>
/// The protobuf wire format, just enough to walk an ONNX model: fields are read as (number, wire type, payload)
/// and copied through byte for byte unless the rewrite replaces them, so fields this code does not know survive.
/// </summary>
internal static class ProtoWire
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    /// <summary>One field of a message: where its bytes (tag included) lie and what it holds.</summary>
    public readonly record struct Field(int Number, int WireType, int Start, int End, int PayloadStart, ulong Value)
    {
        public ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> message) => message[Start..End];

        /// <summary>The payload of a length-delimited field (a string, bytes, a sub-message, a packed array).</summary>
        public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> message) => message[PayloadStart..End];

        public string String(ReadOnlySpan<byte> message) => Encoding.UTF8.GetString(Payload(message));
    }

    public static List<Field> Fields(ReadOnlySpan<byte> message)
    {
        var fields = new List<Field>();
        int pos = 0;
        while (pos < message.Length)
        {
            int start = pos;
            ulong tag = ReadVarint(message, ref pos);
            int number = checked((int)(tag >> 3));
            int wireType = (int)(tag & 7);
            ulong value = 0;
            int payloadStart = pos;
            switch (wireType)
            {
                case Varint:
                    value = ReadVarint(message, ref pos);
                    break;
                case Fixed64:
                    pos += 8;
                    break;
                case Fixed32:
                    pos += 4;
                    break;
                case LengthDelimited:
                    ulong length = ReadVarint(message, ref pos);
                    payloadStart = pos;
                    pos = checked(pos + (int)length);
                    break;
                default:
                    throw new InvalidDataException($"Unsupported protobuf wire type {wireType} for field {number} at byte {start}.");
            }
            if (pos > message.Length) throw new InvalidDataException($"Protobuf field {number} at byte {start} runs past the end of its message.");
            fields.Add(new Field(number, wireType, start, pos, payloadStart, value));
        }
        return fields;
    }

    public static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length) throw new InvalidDataException("A protobuf varint runs past the end of its message.");
            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("A protobuf varint is longer than 10 bytes.");
    }

    /// <summary>A repeated int64 field's values, whether the writer packed them or not.</summary>
    public static void ReadInt64s(ReadOnlySpan<byte> message, Field field, List<long> into)
    {
        if (field.WireType == Varint)
        {
            into.Add((long)field.Value);
            return;
        }
        var packed = field.Payload(message);
        int pos = 0;
        while (pos < packed.Length) into.Add((long)ReadVarint(packed, ref pos));
    }

    public static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        output.Advance(n);
    }

    public static void WriteTag(IBufferWriter<byte> output, int number, int wireType) =>
        WriteVarint(output, ((ulong)number << 3) | (uint)wireType);

    public static void WriteVarintField(IBufferWriter<byte> output, int number, ulong value)
    {
        WriteTag(output, number, Varint);
        WriteVarint(output, value);
    }

    public static void WriteBytesField(IBufferWriter<byte> output, int number, ReadOnlySpan<byte> payload)
    {
        WriteTag(output, number, LengthDelimited);
        WriteVarint(output, (ulong)payload.Length);
        output.Write(payload);
    }

    public static void WriteStringField(IBufferWriter<byte> output, int number, string value) =>
        WriteBytesField(output, number, Encoding.UTF8.GetBytes(value));
}
