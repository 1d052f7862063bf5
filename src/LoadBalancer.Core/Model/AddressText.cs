using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Core.Model;

/// <summary>
/// IP addresses as operators write them, parsed strictly: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// also takes inet_aton shorthand ("10.0.1" is 10.0.0.1, "10" is 0.0.0.10, "010.0.0.1" is 8.0.0.1), which
/// in a config or on a command line is a typo far more often than an intent.
/// </summary>
public static class AddressText
{
    /// <summary>Dotted-quad IPv4 or IPv6 without a scope; false for anything else.</summary>
    public static bool TryParse(string? text, out IPAddress address)
    {
        address = IPAddress.None;
        if (string.IsNullOrWhiteSpace(text) || !IPAddress.TryParse(text, out var parsed))
        {
            return false;
        }
        var ok = parsed.AddressFamily switch
        {
            // Written exactly as printed: four decimal parts, no shorthand, no leading zeros (read as octal).
            AddressFamily.InterNetwork => parsed.ToString() == text,
            AddressFamily.InterNetworkV6 => text.Contains(':') && parsed.ScopeId == 0 && !parsed.IsIPv4MappedToIPv6,
            _ => false,
        };
        address = parsed;
        return ok;
    }

    /// <summary>
    /// Splits <c>HOST:PORT</c>, an IPv6 host in brackets (<c>[fd00::1]:80</c>); false if the form is
    /// wrong (an IPv6 address with a port but without brackets is ambiguous). Neither part is checked.
    /// </summary>
    public static bool TrySplitHostPort(string text, out string host, out string port)
    {
        (host, port) = ("", "");
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }
            (host, port) = (text[1..close], text[(close + 2)..]);
            return true;
        }
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || text.IndexOf(':') != colon)
        {
            return false;
        }
        (host, port) = (text[..colon], text[(colon + 1)..]);
        return true;
    }

    /// <summary>The canonical text of <paramref name="text"/> (<c>fd00::0:1</c> is <c>fd00::1</c>), or the text itself if it is no address.</summary>
    public static string Normal(string text) => TryParse(text, out var address) ? address.ToString() : text;

    /// <summary><paramref name="address"/> as the HOST of HOST:PORT: IPv6 in brackets (<c>[fd00::1]</c>), IPv4 as is.</summary>
    public static string Host(IPAddress address)
        => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
}
