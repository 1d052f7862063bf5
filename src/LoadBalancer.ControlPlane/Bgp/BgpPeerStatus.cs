using System.Net;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>One BGP session of the speaker, as gobgpd reports it.</summary>
/// <param name="Address">The peer's address.</param>
/// <param name="As">The peer's AS number.</param>
/// <param name="State">
/// The session state in lower case: idle, connect, active, opensent, openconfirm, established
/// (or unknown); see <see cref="Established"/>.
/// </param>
/// <param name="Since">When the session came up; null unless it is established.</param>
/// <param name="Received">Prefixes received from the peer (all address families).</param>
/// <param name="Advertised">Prefixes advertised to the peer (all address families).</param>
public sealed record BgpPeerStatus(IPAddress Address, uint As, string State, DateTimeOffset? Since, int Received, int Advertised)
{
    /// <summary>The <see cref="State"/> of a session that is up and exchanging routes.</summary>
    public const string Established = "established";

    /// <summary>Whether the session is up.</summary>
    public bool IsEstablished => State == Established;
}
