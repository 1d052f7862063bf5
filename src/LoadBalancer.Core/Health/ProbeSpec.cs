namespace LoadBalancer.Core.Health;

/// <summary>
/// A validated active check of one backend: what to probe, and how often and how strictly. The
/// VIP's check with the backend's overrides applied.
/// </summary>
/// <param name="Kind">How the backend is probed; <see cref="ProbeKind.None"/> = not at all.</param>
/// <param name="Port">Port probed on the backend (tcp, http, https); 0 for command and none.</param>
/// <param name="Interval">Time from one probe's start to the next one's, jitter taken off.</param>
/// <param name="Timeout">A probe not done by then fails (a command is killed); below <paramref name="Interval"/>.</param>
/// <param name="Rise">Consecutive passes that make an unhealthy backend healthy.</param>
/// <param name="Fall">Consecutive failures that make a healthy backend unhealthy.</param>
/// <param name="JitterPercent">Up to this share of the interval is taken off each wait at random, so
/// probes of many backends do not fire in lockstep; they never come further apart than the interval.</param>
public sealed record ProbeSpec(ProbeKind Kind, ushort Port, TimeSpan Interval, TimeSpan Timeout, int Rise, int Fall, int JitterPercent)
{
    /// <summary>No active check.</summary>
    public static ProbeSpec None { get; } = new(ProbeKind.None, 0, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 2, 3, 10);

    /// <summary>Path of the http(s) GET, starting with '/'.</summary>
    public string Path { get; init; } = "/";

    /// <summary>Host header of the http(s) GET; null = the backend's address.</summary>
    public string? Host { get; init; }

    /// <summary>Lowest HTTP status that passes.</summary>
    public int StatusMin { get; init; } = 200;

    /// <summary>Highest HTTP status that passes.</summary>
    public int StatusMax { get; init; } = 399;

    /// <summary>Whether https verifies the backend's certificate (false: any certificate is accepted).</summary>
    public bool TlsVerify { get; init; } = true;

    /// <summary>The program and its arguments (command): the program as found on PATH or by absolute path.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Whether probes run at all.</summary>
    public bool IsActive => Kind != ProbeKind.None;

    /// <summary>Equality by value, the command included (records compare lists by reference).</summary>
    public bool Equals(ProbeSpec? other)
        => other is not null && Kind == other.Kind && Port == other.Port && Interval == other.Interval && Timeout == other.Timeout
            && Rise == other.Rise && Fall == other.Fall && JitterPercent == other.JitterPercent && Path == other.Path
            && Host == other.Host && StatusMin == other.StatusMin && StatusMax == other.StatusMax && TlsVerify == other.TlsVerify
            && Command.SequenceEqual(other.Command);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, Port, Interval, Timeout, Rise, Fall, Path, Command.Count);
}
