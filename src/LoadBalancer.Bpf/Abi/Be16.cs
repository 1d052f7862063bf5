using System.Buffers.Binary;

namespace LoadBalancer.Bpf.Abi;

/// <summary>A 16-bit value stored in network byte order (<c>__be16</c>). Conversions are explicit, so a missing swap does not compile.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct Be16
{
    private readonly ushort _raw;

    private Be16(ushort raw) => _raw = raw;

    /// <summary>The value in host order.</summary>
    public ushort Value => BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(_raw) : _raw;

    /// <summary>Stores a host-order value.</summary>
    public static Be16 FromHost(ushort value) => new(BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
