namespace LoadBalancer.Core.Health;

/// <summary>
/// A backend's passive-signal counters (SYN retransmits plus fresh client RSTs, and new flows, as
/// the data plane's cumulative per-backend totals) over a sliding window: what happened in the last
/// <see cref="PassiveRule.Window"/>. Not thread-safe.
/// </summary>
public sealed class PassiveWindow
{
    private readonly Queue<(TimeSpan At, long Events, long NewFlows)> _samples = new();

    /// <summary>Events and new flows within the window, as of the last <see cref="Observe"/>.</summary>
    public (long Events, long NewFlows) Delta { get; private set; }

    /// <summary>
    /// Adds the totals read at <paramref name="now"/> and updates <see cref="Delta"/> against the
    /// oldest sample still within <paramref name="window"/> of it. Totals that went down (the
    /// backend got a new id) start the window again.
    /// </summary>
    public (long Events, long NewFlows) Observe(TimeSpan now, long events, long newFlows, TimeSpan window)
    {
        if (_samples.Count > 0 && (_samples.Last().Events > events || _samples.Last().NewFlows > newFlows))
        {
            _samples.Clear();
        }
        _samples.Enqueue((now, events, newFlows));
        // keep the newest sample at or before the window's start as the baseline
        while (_samples.Count > 1 && _samples.ElementAt(1).At <= now - window)
        {
            _samples.Dequeue();
        }
        var baseline = _samples.Peek();
        Delta = (events - baseline.Events, newFlows - baseline.NewFlows);
        return Delta;
    }

    /// <summary>Forgets what was seen (after an ejection, so it is not counted twice).</summary>
    public void Reset() => _samples.Clear();
}
