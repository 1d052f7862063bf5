using System.Collections.Immutable;
using System.Net;
using LoadBalancer.Core.Model;

namespace LoadBalancer.ControlPlane.Bgp;

/// <summary>
/// Keeps the VIPs a BGP speaker announces equal to a wanted set: each sync withdraws what is no
/// longer wanted (in address order), then announces what is missing (in the wanted order). It owns
/// the speaker and disposes it.
/// </summary>
/// <remarks>
/// One sync at a time (later callers wait). A failed announce or withdraw stops the sync with a
/// <see cref="BgpSyncException"/>; <see cref="Announced"/> then holds what really is announced
/// (a call that failed counts as not done), and since announcing and withdrawing are idempotent in
/// GoBGP, the next sync converges. Withdrawals go first, so a VIP this node stops serving stops
/// drawing traffic before anything new is added.
/// </remarks>
public sealed class BgpAnnouncer : IAsyncDisposable
{
    private readonly IBgpSpeaker _speaker;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableHashSet<IPAddress> _announced = [];

    /// <summary>Takes ownership of <paramref name="speaker"/>, with nothing announced yet.</summary>
    public BgpAnnouncer(IBgpSpeaker speaker) => _speaker = speaker;

    /// <summary>The VIPs announced through this announcer (IPv4-mapped addresses as IPv4); a snapshot.</summary>
    public IReadOnlyCollection<IPAddress> Announced => Volatile.Read(ref _announced);

    /// <summary>Announces what of <paramref name="wanted"/> is missing and withdraws what is announced but no longer wanted.</summary>
    /// <returns>What changed; empty when the speaker already announced exactly <paramref name="wanted"/>.</returns>
    /// <exception cref="BgpSyncException">A call to the speaker failed or was cancelled; its <see cref="BgpSyncException.Done"/> says what changed.</exception>
    public async Task<BgpSyncResult> SyncAsync(IReadOnlyCollection<IPAddress> wanted, CancellationToken cancellationToken)
    {
        var want = wanted.Select(GobgpPaths.Normalize).Distinct().ToList();
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wantSet = want.ToHashSet();
            var announced = new List<IPAddress>();
            var withdrawn = new List<IPAddress>();
            var vip = IPAddress.None;
            var action = "withdraw";
            try
            {
                foreach (var gone in _announced.Where(v => !wantSet.Contains(v)).Order(AddressOrder.Instance).ToList())
                {
                    vip = gone;
                    await _speaker.WithdrawAsync(gone, cancellationToken);
                    withdrawn.Add(gone);
                    Volatile.Write(ref _announced, _announced.Remove(gone));
                }
                action = "announce";
                foreach (var missing in want.Where(v => !_announced.Contains(v)))
                {
                    vip = missing;
                    await _speaker.AnnounceAsync(missing, cancellationToken);
                    announced.Add(missing);
                    Volatile.Write(ref _announced, _announced.Add(missing));
                }
            }
            catch (Exception e)
            {
                throw new BgpSyncException($"BGP sync stopped at {action} {vip} ({announced.Count} announced and {withdrawn.Count} withdrawn before): {e.Message}",
                    new BgpSyncResult(announced, withdrawn), e);
            }
            return new BgpSyncResult(announced, withdrawn);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Withdraws everything announced through this announcer (a sync to the empty set).</summary>
    /// <exception cref="BgpSyncException">As for <see cref="SyncAsync"/>.</exception>
    public Task<BgpSyncResult> WithdrawAllAsync(CancellationToken cancellationToken) => SyncAsync([], cancellationToken);

    /// <summary>Disposes the speaker, which withdraws what it announced (and stops gobgpd it started).</summary>
    public async ValueTask DisposeAsync()
    {
        await _speaker.DisposeAsync();
        _gate.Dispose();
    }
}
