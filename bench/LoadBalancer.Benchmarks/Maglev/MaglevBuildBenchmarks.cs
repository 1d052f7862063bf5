using BenchmarkDotNet.Attributes;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Scheduling;

namespace LoadBalancer.Benchmarks.Maglev;

/// <summary>
/// <see cref="MaglevTableBuilder.Build"/> for 1000 backends into 65537 slots, next to the textbook
/// population (<see cref="ReferenceMaglev"/>) as the baseline. Keys are IPv4 address bytes
/// (10.0.x.y), as the planner passes them, given in a shuffled order so the builder's sort does work.
/// </summary>
public class MaglevBuildBenchmarks
{
    public const uint RingSize = 65537;
    public const int BackendCount = 1000;

    private ScheduleMember[] _equal = [];
    private ScheduleMember[] _weighted = [];

    [GlobalSetup]
    public void Setup()
    {
        _equal = Backends(_ => 1);
        _weighted = Backends(index => (uint)(index % 10) + 1);

        // Sanity check: both build the same table for equal weights, or the ratio means nothing.
        var reference = ReferenceMaglev.Build(_equal, RingSize);
        var built = MaglevTableBuilder.Build(_equal, RingSize);
        if (!reference.AsSpan().SequenceEqual(built))
        {
            var slot = reference.AsSpan().CommonPrefixLength(built);
            throw new InvalidOperationException(
                $"MaglevTableBuilder and the reference differ for equal weights: slot {slot} holds {built[slot]}, the reference {reference[slot]}");
        }
        if (MaglevTableBuilder.Build(_weighted, RingSize).Distinct().Count() != BackendCount)
        {
            throw new InvalidOperationException("the weighted table leaves a backend out");
        }
    }

    [Benchmark(Baseline = true, Description = "textbook reference, equal weights")]
    public uint[] Reference() => ReferenceMaglev.Build(_equal, RingSize);

    [Benchmark(Description = "MaglevTableBuilder, equal weights")]
    public uint[] BuilderEqual() => MaglevTableBuilder.Build(_equal, RingSize);

    [Benchmark(Description = "MaglevTableBuilder, weights 1..10")]
    public uint[] BuilderWeighted() => MaglevTableBuilder.Build(_weighted, RingSize);

    private static ScheduleMember[] Backends(Func<int, uint> weight)
    {
        var backends = Enumerable.Range(1, BackendCount)
            .Select(index => new ScheduleMember(new byte[] { 10, 0, (byte)(index >> 8), (byte)index }, (uint)index, weight(index)))
            .ToArray();
        new Random(42).Shuffle(backends);
        return backends;
    }
}
