using System.Buffers.Binary;

namespace LoadBalancer.Bpf.Abi;

/// <summary>A 32-bit value stored in network byte order (<c>__be32</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Be32
{
    private readonly uint _raw;

    private Be32(uint raw) => _raw = raw;

    /// <summary>The value in host order.</summary>
    public uint Value => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(_raw) : _raw;

    /// <summary>The four bytes as they are in memory (and on the wire).</summary>
    public uint Raw => _raw;

    /// <summary>Stores a host-order value.</summary>
    public static Be32 FromHost(uint value) => new(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

    /// <summary>Stores four bytes already in network order.</summary>
    public static Be32 FromRaw(uint raw) => new(raw);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
}
