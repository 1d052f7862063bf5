using System.Net;
using LoadBalancer.ControlPlane.Bgp;

namespace LoadBalancer.ControlPlane.Cluster;

/// <summary>What BGP looks like from this node at one moment, for status and lbctl.</summary>
/// <param name="Enabled">Whether the configuration has a <c>bgp</c> section.</param>
/// <param name="Speaker">Which speaker and how it is reached, e.g. <c>gobgpd (started by lbd) at http://127.0.0.1:50051</c>.</param>
/// <param name="Peers">Each session's state.</param>
/// <param name="Announced">The VIP addresses announced now.</param>
/// <param name="Wanted">The VIP addresses this node can serve (announced unless drained).</param>
/// <param name="LastError">The last failure talking to the speaker, null once it works again.</param>
/// <param name="At">When this was taken.</param>
public sealed record BgpSnapshot(bool Enabled, string Speaker, IReadOnlyList<BgpPeerStatus> Peers, IReadOnlyList<IPAddress> Announced,
    IReadOnlyList<IPAddress> Wanted, string? LastError, DateTimeOffset At)
{
    /// <summary>No BGP configured.</summary>
    public static BgpSnapshot Disabled { get; } = new(false, "", [], [], [], null, DateTimeOffset.MinValue);
}
