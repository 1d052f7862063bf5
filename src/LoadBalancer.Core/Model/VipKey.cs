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
        var address = AddressText.Host(Address);
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
            if (!TryParseProtocol(text[(slash + 1)..], out protocol))
            {
                return false;
            }
            text = text[..slash];
        }
        if (!AddressText.TrySplitHostPort(text, out var host, out var port) || !AddressText.TryParse(host, out var address))
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

    /// <summary>The VIP of a configuration's address, port (0-65535, 0 = every port) and protocol; false if one is not valid.</summary>
    public static bool TryCreate(string? address, long port, string? protocol, out VipKey key)
    {
        key = default;
        if (!AddressText.TryParse(address, out var ip) || port is < 0 or > ushort.MaxValue || !TryParseProtocol(protocol, out var proto))
        {
            return false;
        }
        key = new VipKey(ip, (ushort)port, proto);
        return true;
    }

    /// <summary><c>tcp</c> or <c>udp</c>, in any case.</summary>
    public static bool TryParseProtocol(string? text, out L4Protocol protocol)
    {
        protocol = text?.ToLowerInvariant() switch
        {
            "tcp" => L4Protocol.Tcp,
            "udp" => L4Protocol.Udp,
            _ => (L4Protocol)0,
        };
        return protocol != 0;
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="FormatException"/> naming the expected form.</summary>
    public static VipKey Parse(string text)
        => TryParse(text, out var key) ? key : throw new FormatException($"'{text}' is not a VIP: write ADDRESS:PORT/PROTO, e.g. 10.0.0.1:80/tcp, [fd00::1]:53/udp or 10.0.0.1:*/tcp");
}
