using System.Net;
using LoadBalancer.ControlPlane.Bgp;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

/// <summary>A speaker that records calls, fails the ones a test picks, and measures how many overlap.</summary>
internal sealed class FakeSpeaker : IBgpSpeaker
{
    private int _inFlight;

    /// <summary>Calls in order, e.g. "announce 10.0.0.1".</summary>
    public List<string> Calls { get; } = [];

    /// <summary>Calls (as in <see cref="Calls"/>) that throw instead of succeeding.</summary>
    public HashSet<string> Failing { get; } = [];

    /// <summary>How long each call takes.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Runs at the start of each call, with the call (as in <see cref="Calls"/>).</summary>
    public Action<string>? Starting { get; set; }

    /// <summary>The most calls seen running at once.</summary>
    public int MaxInFlight { get; private set; }

    public bool Disposed { get; private set; }

    public Task AnnounceAsync(IPAddress vip, CancellationToken cancellationToken) => CallAsync($"announce {vip}", cancellationToken);

    public Task WithdrawAsync(IPAddress vip, CancellationToken cancellationToken) => CallAsync($"withdraw {vip}", cancellationToken);

    public Task<IReadOnlyList<BgpPeerStatus>> PeersAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<BgpPeerStatus>>([]);

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    private async Task CallAsync(string call, CancellationToken cancellationToken)
    {
        var now = Interlocked.Increment(ref _inFlight);
        lock (Calls)
        {
            MaxInFlight = Math.Max(MaxInFlight, now);
            Calls.Add(call);
        }
        try
        {
            Starting?.Invoke(call);
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(Latency, cancellationToken);
            if (Failing.Contains(call))
            {
                throw new BgpSpeakerException($"{call} failed on cue");
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
