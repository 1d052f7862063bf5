namespace LoadBalancer.Core.Health;

/// <summary>
/// The health of one backend as its probes and the passive signal tell it, with hysteresis: a
/// healthy backend turns unhealthy after <see cref="ProbeSpec.Fall"/> failures in a row, an
/// unhealthy one healthy after <see cref="ProbeSpec.Rise"/> passes in a row; a result of the other
/// kind starts the count again. A backend starts healthy (as if it had just passed rise times), so a
/// restarted daemon moves no flow before its probes have a say. Times are monotonic. Not thread-safe.
/// </summary>
public sealed class BackendHealth
{
    /// <summary>A healthy backend, probed by <paramref name="probe"/>, first seen at <paramref name="now"/>.</summary>
    public BackendHealth(ProbeSpec probe, TimeSpan now)
    {
        Probe = probe;
        Since = now;
    }

    /// <summary>How the backend is probed (rise and fall come from it).</summary>
    public ProbeSpec Probe { get; private set; }

    /// <summary>Whether the backend counts as healthy.</summary>
    public bool Healthy { get; private set; } = true;

    /// <summary>When <see cref="Healthy"/> last changed, or when the backend was first seen.</summary>
    public TimeSpan Since { get; private set; }

    /// <summary>The latest probe result; null before the first.</summary>
    public ProbeResult? Last { get; private set; }

    /// <summary>How many results in a row were of <see cref="Last"/>'s kind (pass or fail).</summary>
    public int Consecutive { get; private set; }

    /// <summary>Why the backend is unhealthy (the failing probe's detail, or the passive signal); null while healthy.</summary>
    public string? Cause { get; private set; }

    /// <summary>
    /// Counts <paramref name="result"/>. True when it changed <see cref="Healthy"/>.
    /// </summary>
    public bool Record(ProbeResult result, TimeSpan now)
    {
        Consecutive = Last is { } last && last.Passed == result.Passed ? Consecutive + 1 : 1;
        Last = result;
        if (Healthy && !result.Passed && Consecutive >= Probe.Fall)
        {
            return Turn(false, result.Detail, now);
        }
        if (!Healthy && result.Passed && Consecutive >= Probe.Rise)
        {
            return Turn(true, null, now);
        }
        if (!Healthy && !result.Passed)
        {
            Cause = result.Detail;
        }
        return false;
    }

    /// <summary>
    /// Turns a healthy backend unhealthy for <paramref name="why"/> (the passive signal): it then
    /// needs <see cref="ProbeSpec.Rise"/> passes counted from now. True when it was healthy.
    /// </summary>
    public bool Eject(string why, TimeSpan now)
    {
        if (!Healthy)
        {
            return false;
        }
        // passes before the ejection do not count towards the rise
        if (Last is { Passed: true })
        {
            Consecutive = 0;
        }
        return Turn(false, why, now);
    }

    /// <summary>Probes with <paramref name="probe"/> from now on; the state and counts stay.</summary>
    public void Reprobe(ProbeSpec probe) => Probe = probe;

    private bool Turn(bool healthy, string? cause, TimeSpan now)
    {
        Healthy = healthy;
        Cause = cause;
        Since = now;
        return true;
    }
}
