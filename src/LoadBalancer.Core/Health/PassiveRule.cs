namespace LoadBalancer.Core.Health;

/// <summary>
/// When the passive signal ejects a backend: within <paramref name="Window"/>, its SYN retransmits
/// and fresh client RSTs reach <paramref name="MinEvents"/> and <paramref name="RatioPercent"/>
/// percent of the new flows placed on it.
/// </summary>
/// <param name="MinEvents">Fewest events that eject; 0 = the passive signal is off.</param>
/// <param name="RatioPercent">Events as a percent of the window's new flows that eject.</param>
/// <param name="Window">The sliding window events and new flows are counted over.</param>
public sealed record PassiveRule(int MinEvents, int RatioPercent, TimeSpan Window)
{
    /// <summary>The passive signal off.</summary>
    public static PassiveRule Off { get; } = new(0, 50, TimeSpan.FromSeconds(2));

    /// <summary>Whether the signal may eject at all.</summary>
    public bool Enabled => MinEvents > 0;

    /// <summary>Whether <paramref name="events"/> against <paramref name="newFlows"/> in one window eject.</summary>
    public bool Ejects(long events, long newFlows)
        => Enabled && events >= MinEvents && events * 100 >= (long)RatioPercent * newFlows;
}
