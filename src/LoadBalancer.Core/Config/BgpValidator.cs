using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Config;

/// <summary>Validates <c>bgp</c>; every problem at the path of its key.</summary>
internal static class BgpValidator
{
    private static readonly string[] s_speakers = ["start", "connect"];

    /// <summary>The BGP settings, null when <paramref name="bgp"/> is absent or invalid (problems in <paramref name="errors"/>).</summary>
    public static BgpSpec? Validate(BgpConfig? bgp, List<ConfigError> errors)
    {
        if (bgp is null)
        {
            return null;
        }
        var start = errors.Count;
        ConfigValidator.CheckRange(bgp.LocalAs, 1, uint.MaxValue, "bgp.local_as", errors);
        IPAddress? routerId = null;
        if (!IPAddress.TryParse(bgp.RouterId ?? "", out routerId) || routerId.AddressFamily != AddressFamily.InterNetwork || routerId.Equals(IPAddress.Any))
        {
            errors.Add(new("bgp.router_id", $"'{bgp.RouterId}' is not a non-zero IPv4 address (BGP router ids are IPv4, e.g. this node's address)"));
        }
        var speaker = Array.IndexOf(s_speakers, bgp.Speaker);
        if (speaker < 0)
        {
            var near = NearestName.Find(s_speakers, bgp.Speaker ?? "");
            errors.Add(new("bgp.speaker", $"'{bgp.Speaker}' is not start or connect{(near is null ? "" : $"; did you mean '{near}'?")}"));
        }
        Uri? api = null;
        if (!AddressText.TrySplitHostPort(bgp.Api ?? "", out var host, out var portText) || host.Length == 0
            || !ushort.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var apiPort) || apiPort == 0)
        {
            errors.Add(new("bgp.api", $"'{bgp.Api}' is not HOST:PORT, e.g. 127.0.0.1:50051"));
        }
        else
        {
            api = new Uri($"http://{(host.Contains(':') ? $"[{host}]" : host)}:{apiPort}");
        }
        if (speaker == 0 && !ExecutableLookup.Exists(bgp.Gobgpd))
        {
            errors.Add(new("bgp.gobgpd", $"'{bgp.Gobgpd}' is not an executable file or a program in PATH (Debian: apt-get install gobgpd)"));
        }
        if (bgp.ListenPort != -1)
        {
            ConfigValidator.CheckRange(bgp.ListenPort, 1, 65535, "bgp.listen_port", errors);
        }
        var hold = Seconds(bgp.HoldTime, 3, 65535, "bgp.hold_time", errors);
        var keepalive = bgp.Keepalive is null ? TimeSpan.FromSeconds(Math.Max(1, (int)hold.TotalSeconds / 3)) : Seconds(bgp.Keepalive, 1, 21845, "bgp.keepalive", errors);
        if (bgp.Keepalive is not null && hold > TimeSpan.Zero && keepalive > TimeSpan.Zero && keepalive * 3 > hold)
        {
            errors.Add(new("bgp.keepalive", $"{bgp.Keepalive} is more than a third of bgp.hold_time ({bgp.HoldTime})"));
        }
        var nextHop = NextHop(bgp.NextHop, AddressFamily.InterNetwork, "bgp.next_hop", errors);
        var nextHop6 = NextHop(bgp.NextHop6, AddressFamily.InterNetworkV6, "bgp.next_hop6", errors);
        if (!Duration.TryParse(bgp.DrainGrace, out var grace) || grace > TimeSpan.FromMinutes(10))
        {
            errors.Add(new("bgp.drain_grace", $"'{bgp.DrainGrace}' is not a duration between 0s and 10m (e.g. 5s)"));
        }
        var peers = new List<BgpPeerSpec>();
        var peerList = bgp.Peers ?? [];
        if (peerList.Count == 0)
        {
            errors.Add(new("bgp.peers", "needs at least one router to announce to"));
        }
        var seen = new Dictionary<IPAddress, int>();
        for (var i = 0; i < peerList.Count; i++)
        {
            var path = $"bgp.peers[{i}]";
            var peer = peerList[i];
            if (peer is null)
            {
                errors.Add(new(path, "is empty"));
                continue;
            }
            var address = ConfigValidator.ParseAddress(peer.Address, $"{path}.address", errors);
            var asOk = ConfigValidator.CheckRange(peer.As, 1, uint.MaxValue, $"{path}.as", errors);
            var portOk = ConfigValidator.CheckRange(peer.Port, 1, 65535, $"{path}.port", errors);
            if (address is null || !asOk || !portOk)
            {
                continue;
            }
            if (seen.TryGetValue(address, out var first))
            {
                errors.Add(new($"{path}.address", $"{address} is already bgp.peers[{first}]"));
                continue;
            }
            seen.Add(address, i);
            peers.Add(new BgpPeerSpec(address, (uint)peer.As, (ushort)peer.Port));
        }
        if (errors.Count > start)
        {
            return null;
        }
        return new BgpSpec
        {
            LocalAs = (uint)bgp.LocalAs,
            RouterId = routerId!,
            Speaker = speaker == 0 ? BgpSpeakerMode.Start : BgpSpeakerMode.Connect,
            Api = api!,
            Gobgpd = bgp.Gobgpd,
            ListenPort = (int)bgp.ListenPort,
            HoldTime = hold,
            Keepalive = keepalive,
            NextHop = nextHop,
            NextHop6 = nextHop6,
            DrainGrace = grace,
            Peers = peers,
        };
    }

    // BGP timers are whole seconds.
    private static TimeSpan Seconds(string? text, int min, int max, string path, List<ConfigError> errors)
    {
        if (Duration.TryParse(text, out var value) && value.Ticks % TimeSpan.TicksPerSecond == 0 && value.TotalSeconds >= min && value.TotalSeconds <= max)
        {
            return value;
        }
        errors.Add(new(path, $"'{text}' is not a whole number of seconds between {min}s and {max}s"));
        return TimeSpan.Zero;
    }

    private static IPAddress? NextHop(string? text, AddressFamily family, string path, List<ConfigError> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (ConfigValidator.ParseAddress(text, path, errors) is { } address)
        {
            if (address.AddressFamily == family)
            {
                return address;
            }
            errors.Add(new(path, $"{address} is not an {(family == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} address"));
        }
        return null;
    }
}
