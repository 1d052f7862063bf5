namespace LoadBalancer.Benchmarks.Packet;

/// <summary>The kernel-measured durations of one path's calls, and whether every call took the path.</summary>
public sealed class PathResult(string name, double? target)
{
    private readonly List<uint> _durations = [];

    public string Name { get; } = name;

    /// <summary>The ratio to the baseline this path must stay within, if any.</summary>
    public double? Target { get; } = target;

    public List<string> Violations { get; } = [];

    public int Calls => _durations.Count;

    public void Add(uint durationNs) => _durations.Add(durationNs);

    public double Mean => _durations.Average(d => (double)d);

    public double Percentile(double p)
    {
        var sorted = _durations.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
    }
}
