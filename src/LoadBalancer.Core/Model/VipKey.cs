using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Core.Model;

/// <summary>What identifies a VIP: address, port (0 = any port) and protocol.</summary>
public readonly record struct VipKey(IPAddress Address, ushort Port, L4Protocol Protocol)
{
    /// <summary>Renders as <c>10.0.0.1:80/tcp</c>, <c>[fd00::1]:53/udp</c> or <c>10.0.0.1:*/tcp</c>.</summary>
    public override string ToString()
    {
        var address = Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString();
        var port = Port == 0 ? "*" : Port.ToString(CultureInfo.InvariantCulture);
        return $"{address}:{port}/{Protocol.ToString().ToLowerInvariant()}";
    }

    /// <summary>
    /// Parses the form <see cref="ToString"/> writes: <c>ADDRESS:PORT/PROTO</c>, an IPv6 address in
    /// brackets, PORT <c>*</c> or <c>0</c> for every port; <c>/PROTO</c> may be left out for tcp.
    /// </summary>
    public static bool TryParse(string? text, out VipKey key)
    {
        key = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var protocol = L4Protocol.Tcp;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            switch (text[(slash + 1)..].ToLowerInvariant())
            {
                case "tcp": protocol = L4Protocol.Tcp; break;
                case "udp": protocol = L4Protocol.Udp; break;
                default: return false;
            }
            text = text[..slash];
        }
        string host, port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            (host, port) = (text[1..close], text[(close + 2)..]);
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0 || text.IndexOf(':') != colon)
            {
                return false;
            }
            (host, port) = (text[..colon], text[(colon + 1)..]);
        }
        if (!AddressText.TryParse(host, out var address))
        {
            return false;
        }
        if (port == "*")
        {
            port = "0";
        }
        if (!ushort.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        key = new VipKey(address, number, protocol);
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the expected form.</summary>
    public static VipKey Parse(string text)
        => TryParse(text, out var key) ? key : throw new FormatException($"'{text}' is not a VIP: write ADDRESS:PORT/PROTO, e.g. 10.0.0.1:80/tcp, [fd00::1]:53/udp or 10.0.0.1:*/tcp");
}
