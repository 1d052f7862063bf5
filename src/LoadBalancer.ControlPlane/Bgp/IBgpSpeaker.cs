using System.Net;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// Announces VIP host routes over BGP. Implemented by <see cref="GobgpSpeaker"/>; an interface so
/// <see cref="BgpAnnouncer"/>'s bookkeeping is testable with a speaker that fails on cue.
/// </summary>
public interface IBgpSpeaker : IAsyncDisposable
{
    /// <summary>Announces <paramref name="vip"/> as a host route (/32 or /128) to every peer; announcing it again is harmless.</summary>
    Task AnnounceAsync(IPAddress vip, CancellationToken cancellationToken);

    /// <summary>Withdraws <paramref name="vip"/>'s host route; withdrawing what is not announced is harmless.</summary>
    Task WithdrawAsync(IPAddress vip, CancellationToken cancellationToken);

    /// <summary>The speaker's sessions, ordered by peer address.</summary>
    Task<IReadOnlyList<BgpPeerStatus>> PeersAsync(CancellationToken cancellationToken);
}
