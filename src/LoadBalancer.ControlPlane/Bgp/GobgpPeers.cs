using System.Net;
using System.Net.Sockets;
using Apipb;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>Peers in GoBGP's API: the neighbour lbd configures, and the session status it reports back.</summary>
internal static class GobgpPeers
{
    // gobgpd waits at least 5 s between outbound attempts whatever is configured (fsm.go
    // minConnectRetryInterval; its first attempt comes 5-10 s after AddPeer), so asking for less
    // changes nothing. A router that connects to gobgpd's listen port is faster.
    private const ulong ConnectRetrySeconds = 5;

    /// <summary>
    /// The neighbour for <paramref name="peer"/>: its AS and port, the hold and keepalive timers of
    /// <paramref name="spec"/>, and unicast of the peer's own family, plus the other family when a
    /// next hop for it is configured. The "self" next hop of the other family would be the session's
    /// address, of the wrong family, which the router rejects.
    /// </summary>
    public static Peer Neighbor(BgpPeerSpec peer, BgpSpec spec)
    {
        var neighbor = new Peer
        {
            Conf = new PeerConf { NeighborAddress = peer.Address.ToString(), PeerAsn = peer.As },
            Timers = new Timers
            {
                Config = new TimersConfig
                {
                    ConnectRetry = ConnectRetrySeconds,
                    HoldTime = (ulong)spec.HoldTime.TotalSeconds,
                    KeepaliveInterval = (ulong)spec.Keepalive.TotalSeconds,
                },
            },
            Transport = new Transport { RemotePort = peer.Port },
        };
        if (Carries(peer, v4: true, spec))
        {
            neighbor.AfiSafis.Add(Unicast(GobgpPaths.Ipv4Unicast));
        }
        if (Carries(peer, v4: false, spec))
        {
            neighbor.AfiSafis.Add(Unicast(GobgpPaths.Ipv6Unicast));
        }
        return neighbor;
    }

    /// <summary>Whether the session with <paramref name="peer"/> carries IPv4 (or IPv6) unicast VIPs; see <see cref="Neighbor"/>.</summary>
    public static bool Carries(BgpPeerSpec peer, bool v4, BgpSpec spec)
    {
        var v4Session = peer.Address.AddressFamily == AddressFamily.InterNetwork;
        return v4 ? v4Session || spec.NextHop is not null : !v4Session || spec.NextHop6 is not null;
    }

    /// <summary>The address gobgpd keys <paramref name="peer"/> by.</summary>
    public static string Key(Peer peer) => peer.State?.NeighborAddress is { Length: > 0 } address ? address : peer.Conf?.NeighborAddress ?? "";

    /// <summary>What gobgpd reports for <paramref name="peer"/> (ListPeer with enableAdvertised).</summary>
    public static BgpPeerStatus Status(Peer peer)
    {
        var state = peer.State?.SessionState ?? PeerState.Types.SessionState.Unknown;
        var name = state.ToString().ToLowerInvariant();
        var uptime = peer.Timers?.State?.Uptime;
        DateTimeOffset? since = state == PeerState.Types.SessionState.Established && uptime is { Seconds: > 0 } ? uptime.ToDateTimeOffset() : null;
        long received = 0, advertised = 0;
        foreach (var afiSafi in peer.AfiSafis)
        {
            received += (long)(afiSafi.State?.Received ?? 0);
            advertised += (long)(afiSafi.State?.Advertised ?? 0);
        }
        var address = IPAddress.TryParse(Key(peer), out var parsed) ? parsed : IPAddress.None;
        var peerAs = peer.Conf?.PeerAsn is > 0 ? peer.Conf.PeerAsn : peer.State?.PeerAsn ?? 0;
        return new BgpPeerStatus(address, peerAs, name, since, (int)Math.Min(received, int.MaxValue), (int)Math.Min(advertised, int.MaxValue));
    }

    private static AfiSafi Unicast(Family family) => new() { Config = new AfiSafiConfig { Family = family, Enabled = true } };
}
