using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>What identifies a VIP: address, port (0 = any port) and protocol.</summary>
public readonly record struct VipKey(IPAddress Address, ushort Port, L4Protocol Protocol)
{
    /// <summary>Renders as <c>10.0.0.1:80/tcp</c>, <c>[fd00::1]:53/udp</c> or <c>10.0.0.1:*/tcp</c>.</summary>
    public override string ToString()
    {
        var address = Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
        var port = Port == 0 ? "*" : Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return $"{address}:{port}/{Protocol.ToString().ToLowerInvariant()}";
    }
}
