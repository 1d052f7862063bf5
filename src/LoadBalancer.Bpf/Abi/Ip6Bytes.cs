using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Bpf.Abi;

/// <summary>
/// 16 address bytes in network order, the C <c>__be32 addr[4]</c>: an IPv6 address, or an
/// IPv4 address in the first four bytes with the rest zero.
/// </summary>
[System.Runtime.CompilerServices.InlineArray(16)]
public struct Ip6Bytes
{
    private byte _element0;

    /// <summary>The bytes of <paramref name="address"/> (IPv4 in the first four).</summary>
    public static Ip6Bytes From(IPAddress address)
    {
        var bytes = default(Ip6Bytes);
        if (!address.TryWriteBytes(bytes, out _))
        {
            throw new ArgumentException($"cannot encode {address}", nameof(address));
        }
        return bytes;
    }

    /// <summary>The address these bytes hold for <paramref name="family"/>.</summary>
    public readonly IPAddress ToAddress(LbFamily family) => family switch
    {
        LbFamily.Ipv4 => new IPAddress(((ReadOnlySpan<byte>)this)[..4]),
        LbFamily.Ipv6 => new IPAddress((ReadOnlySpan<byte>)this),
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, "no address for this family"),
    };

    /// <summary>The ABI family tag of <paramref name="address"/>.</summary>
    public static LbFamily FamilyOf(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => LbFamily.Ipv4,
        AddressFamily.InterNetworkV6 => LbFamily.Ipv6,
        _ => throw new ArgumentException($"{address} is neither IPv4 nor IPv6", nameof(address)),
    };
}
