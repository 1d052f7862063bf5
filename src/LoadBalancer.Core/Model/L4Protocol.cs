namespace LoadBalancer.Core.Model;

/// <summary>The transport protocols a VIP can serve; values are the IP protocol numbers.</summary>
public enum L4Protocol : byte
{
    /// <summary>TCP (6).</summary>
    Tcp = 6,

    /// <summary>UDP (17).</summary>
    Udp = 17,
}
