using System.Runtime.CompilerServices;

namespace LoadBalancer.Bpf.Maps;

/// <summary>
/// Equality of map keys and values as the kernel sees them: byte for byte. The ABI mirrors hold
/// inline arrays, which the default struct equality would compare by their first element only.
/// </summary>
public sealed class BytewiseComparer<T> : IEqualityComparer<T>
    where T : unmanaged
{
    /// <summary>The comparer.</summary>
    public static BytewiseComparer<T> Instance { get; } = new();

    /// <inheritdoc/>
    public bool Equals(T x, T y) => Bytes(ref x).SequenceEqual(Bytes(ref y));

    /// <inheritdoc/>
    public int GetHashCode(T obj)
    {
        var hash = new HashCode();
        hash.AddBytes(Bytes(ref obj));
        return hash.ToHashCode();
    }

    private static ReadOnlySpan<byte> Bytes(ref T value) => MemoryMarshal.AsBytes(new ReadOnlySpan<T>(ref value));
}
