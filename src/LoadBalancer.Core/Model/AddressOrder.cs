using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>Orders addresses IPv4 first, then by their bytes (numeric order), so lists, logs and id assignments come out the same every time.</summary>
public sealed class AddressOrder : IComparer<IPAddress>
{
    /// <summary>The one instance.</summary>
    public static readonly AddressOrder Instance = new();

    /// <inheritdoc/>
    public int Compare(IPAddress? x, IPAddress? y)
    {
        if (x is null || y is null)
        {
            return (x is null ? 0 : 1) - (y is null ? 0 : 1);
        }
        var family = x.AddressFamily.CompareTo(y.AddressFamily);
        return family != 0 ? family : x.GetAddressBytes().AsSpan().SequenceCompareTo(y.GetAddressBytes());
    }
}
