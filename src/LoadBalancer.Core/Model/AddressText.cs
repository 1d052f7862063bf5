using System.Net;
using System.Net.Sockets;

namespace LoadBalancer.Core.Model;

/// <summary>
/// IP addresses as operators write them, parsed strictly: <see cref="IPAddress.TryParse(string?, out IPAddress?)"/>
/// also takes inet_aton shorthand ("10.0.1" is 10.0.0.1, "10" is 0.0.0.10), which in a config or on a
/// command line is a typo far more often than an intent.
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
            AddressFamily.InterNetwork => text.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit)),
            AddressFamily.InterNetworkV6 => text.Contains(':') && parsed.ScopeId == 0 && !parsed.IsIPv4MappedToIPv6,
            _ => false,
        };
        address = parsed;
        return ok;
    }

    /// <summary>The canonical text of <paramref name="text"/> (<c>fd00::0:1</c> is <c>fd00::1</c>), or the text itself if it is no address.</summary>
    public static string Normal(string text) => TryParse(text, out var address) ? address.ToString() : text;
}
