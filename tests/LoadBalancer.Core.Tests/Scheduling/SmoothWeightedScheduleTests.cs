using System.Net;
using LoadBalancer.Core.Scheduling;
using Xunit;

namespace LoadBalancer.Core.Tests.Scheduling;

public sealed class SmoothWeightedScheduleTests
{
    // With the default ring_size, a list holds 65536 ids after its count.
    private const int MaxLength = 65536;

    public static TheoryData<uint[]> WeightSets => new()
    {
        new uint[] { 5, 1, 1 },
        new uint[] { 1, 2, 3, 4 },
        new uint[] { 2, 4, 6 },
        new uint[] { 7, 7, 7 },
        new uint[] { 1 },
        new uint[] { 100, 3, 17, 250, 3, 3 },
        new uint[] { 65535, 1 },
        new uint[] { 40000, 20000, 5536 },
    };

    [Fact]
    public void Build_Weights511_IsAABACAA()
    {
        // Keys out of id order: the list goes by key (address bytes), not by id or input order.
        var a = Member("10.0.0.1", 30, 5);
        var b = Member("10.0.0.2", 10, 1);
        var c = Member("10.0.0.3", 20, 1);

        var list = SmoothWeightedSchedule.Build([c, a, b], MaxLength);

        Assert.Equal([30u, 30u, 10u, 30u, 20u, 30u, 30u], list);
    }

    [Theory]
    [MemberData(nameof(WeightSets))]
    public void Build_OnePeriod_EachBackendExactlyItsReducedWeight(uint[] weights)
    {
        var members = Members(weights);
        var gcd = weights.Aggregate(0u, Gcd);

        var list = SmoothWeightedSchedule.Build(members, MaxLength);

        Assert.Equal(weights.Sum(w => (long)w) / gcd, list.Length);
        foreach (var member in members)
        {
            Assert.Equal((int)(member.Weight / gcd), list.Count(id => id == member.Id));
        }
    }

    [Theory]
    [MemberData(nameof(WeightSets))]
    public void Build_AnyPrefix_NoBackendMoreThanOnePickAheadOfItsShare(uint[] weights)
    {
        // After step t every backend's current value is t*w - W*k (k = its picks so far) and at least
        // -W + W/n (the one picked had the largest value, at least the mean W/n, and lost W; the others
        // only gained). So k - t*w/W <= 1 - 1/n at every step: picks are spread, never bunched.
        // Two periods, as the data plane wraps its cursor.
        var members = Members(weights);
        var gcd = weights.Aggregate(0u, Gcd);
        var list = SmoothWeightedSchedule.Build(members, MaxLength);
        long total = list.Length;
        long n = members.Count;

        foreach (var member in members)
        {
            var w = member.Weight / gcd;
            long picks = 0;
            for (long t = 1; t <= 2 * total; t++)
            {
                picks += list[(int)((t - 1) % total)] == member.Id ? 1 : 0;
                Assert.True(n * ((total * picks) - (t * w)) <= (n - 1) * total,
                    $"weight {member.Weight}: {picks} picks after {t} steps of {total}, share {t * w / (double)total:F2}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(WeightSets))]
    public void Build_LongestRunOfOneBackend_Bounded(uint[] weights)
    {
        // From the prefix bound above, summed over the other backends: a run of r picks of backend i
        // has r * (W - w_i) / W <= n - 1, so r <= (n - 1) * W / (W - w_i). Runs wrap around the list.
        var members = Members(weights);
        var list = SmoothWeightedSchedule.Build(members, MaxLength);
        var gcd = weights.Aggregate(0u, Gcd);
        var total = (double)list.Length;
        var n = members.Count;

        foreach (var member in members.Where(m => m.Weight / gcd < total))
        {
            var w = member.Weight / gcd;
            var bound = (n - 1) * total / (total - w);
            Assert.True(LongestRun(list, member.Id) <= bound, $"weight {member.Weight}: run of {LongestRun(list, member.Id)}, bound {bound:F1}");
        }
    }

    [Fact]
    public void Build_RandomWeights_EqualsNaiveSmoothWeightedRoundRobin()
    {
        var random = new Random(7);
        for (var trial = 0; trial < 200; trial++)
        {
            // Few distinct weights, so backends of equal weight (taken in turn) are common.
            var palette = Enumerable.Range(0, random.Next(1, 4)).Select(_ => (uint)random.Next(1, 12)).ToArray();
            var weights = Enumerable.Range(0, random.Next(1, 12)).Select(_ => palette[random.Next(palette.Length)]).ToArray();
            var gcd = weights.Aggregate(0u, Gcd);

            var list = SmoothWeightedSchedule.Build(Members(weights), MaxLength);

            var expected = Naive([.. weights.Select(w => w / gcd)]).Select(i => (uint)(i + 1));
            Assert.True(expected.SequenceEqual(list), $"weights {string.Join(",", weights)}: expected {string.Join(",", expected)}, got {string.Join(",", list)}");
        }
    }

    [Fact]
    public void Build_DrainedOrWeightZero_NeverListed()
    {
        var members = new List<ScheduleMember>
        {
            Member("10.0.0.1", 1, 3),
            Member("10.0.0.2", 2, 0),
            Member("10.0.0.3", 3, 2),
            Member("10.0.0.4", 4, 0),
        };

        var list = SmoothWeightedSchedule.Build(members, MaxLength);

        Assert.Equal([1u, 3u], list.Distinct().Order());
        Assert.Equal(5, list.Length);
    }

    [Fact]
    public void Build_NoWeight_Empty()
    {
        Assert.Empty(SmoothWeightedSchedule.Build([Member("10.0.0.1", 1, 0)], MaxLength));
        Assert.Empty(SmoothWeightedSchedule.Build([], MaxLength));
    }

    [Fact]
    public void Build_InputOrder_DoesNotMatter()
    {
        var members = Members([9, 4, 4, 1, 30, 2]);
        var expected = SmoothWeightedSchedule.Build(members, MaxLength);
        var random = new Random(3);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(expected, SmoothWeightedSchedule.Build([.. members.OrderBy(_ => random.Next())], MaxLength));
        }
    }

    [Fact]
    public void Build_PeriodLongerThanList_ScaledToFitKeepingEveryBackend()
    {
        // 100:50:1:1 in 6 entries: 1 and 1 are under one entry (0.04 each) and get one; 100:50
        // share the 4 left, 2.67 and 1.33: floors 2 and 1, the larger fraction takes the last.
        var members = Members([100, 50, 1, 1]);

        var list = SmoothWeightedSchedule.Build(members, 6);

        Assert.Equal(6, list.Length);
        Assert.Equal([3, 1, 1, 1], members.Select(m => list.Count(id => id == m.Id)));
    }

    [Theory]
    [InlineData(new uint[] { 65535, 30000, 20000, 1, 7 })]
    [InlineData(new uint[] { 65535, 65535, 65534 })]
    [InlineData(new uint[] { 1000, 999, 998, 997, 996, 995, 994, 993, 992, 991, 990, 989, 988, 987, 986, 985, 984, 983, 982, 981, 980, 979, 978, 977, 976, 975, 974, 973, 972, 971, 970, 969, 968, 967, 966, 965, 964, 963, 962, 961, 960, 959, 958, 957, 956, 955, 954, 953, 952, 951, 950, 949, 948, 947, 946, 945, 944, 943, 942, 941, 940, 939, 938, 937, 936, 935, 934, 933, 932, 931, 930, 929, 928, 927, 926, 925 })]
    public void Build_PeriodLongerThanList_ScaledSharesCloseToWeights(uint[] weights)
    {
        var members = Members(weights);
        var total = weights.Sum(w => (double)w);
        Assert.True(total > MaxLength);

        var list = SmoothWeightedSchedule.Build(members, MaxLength);

        Assert.InRange(list.Length, members.Count, MaxLength);
        foreach (var member in members)
        {
            var count = list.Count(id => id == member.Id);
            var exact = list.Length * member.Weight / total;
            Assert.True(count >= 1, $"weight {member.Weight} left out");
            Assert.True(Math.Abs(count - exact) <= Math.Max(1, 0.001 * exact), $"weight {member.Weight}: {count} of {list.Length}, exact share {exact:F2}");
        }
    }

    [Fact]
    public void Build_MoreEligibleBackendsThanListHolds_Throws()
    {
        Assert.Throws<ArgumentException>(() => SmoothWeightedSchedule.Build(Members([1, 1, 1, 1, 1]), 4));
        Assert.Equal(4, SmoothWeightedSchedule.Build(Members([1, 1, 1, 1, 0]), 4).Length);
    }

    [Theory]
    [InlineData(new uint[] { 2, 4, 6 }, 100, new uint[] { 1, 2, 3 })]
    [InlineData(new uint[] { 3, 5 }, 8, new uint[] { 3, 5 })]
    [InlineData(new uint[] { 300, 500 }, 8, new uint[] { 3, 5 })]
    [InlineData(new uint[] { 1000, 1 }, 3, new uint[] { 2, 1 })]
    [InlineData(new uint[] { 5, 5, 5, 5 }, 4, new uint[] { 1, 1, 1, 1 })]
    [InlineData(new uint[] { 10, 10, 1 }, 4, new uint[] { 2, 1, 1 })]
    public void PeriodWeights_ReducedAndScaledByLargestRemainder(uint[] weights, int maxTotal, uint[] expected)
    {
        Assert.Equal(expected, SmoothWeightedSchedule.PeriodWeights(weights, maxTotal));
    }

    [Fact]
    public void PeriodWeights_ZeroWeightOrTooMany_Throws()
    {
        Assert.Throws<ArgumentException>(() => SmoothWeightedSchedule.PeriodWeights([1, 0], 10));
        Assert.Throws<ArgumentException>(() => SmoothWeightedSchedule.PeriodWeights([1, 1, 1], 2));
    }

    /// <summary>nginx's smooth weighted round robin, step by step, over indexes.</summary>
    private static List<int> Naive(uint[] weights)
    {
        var total = weights.Sum(w => (long)w);
        var current = new long[weights.Length];
        var picks = new List<int>();
        for (var step = 0; step < total; step++)
        {
            var best = 0;
            for (var i = 0; i < weights.Length; i++)
            {
                current[i] += weights[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }
            current[best] -= total;
            picks.Add(best);
        }
        return picks;
    }

    private static int LongestRun(uint[] list, uint id)
    {
        int longest = 0, run = 0;
        foreach (var item in list.Concat(list))
        {
            run = item == id ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }

    /// <summary>Backends 10.0.0.1, 10.0.0.2, ... (key order = index order) with ids 1, 2, ... and <paramref name="weights"/>.</summary>
    private static List<ScheduleMember> Members(uint[] weights)
        => [.. weights.Select((w, i) => Member($"10.0.{(i + 1) / 256}.{(i + 1) % 256}", (uint)(i + 1), w))];

    private static ScheduleMember Member(string address, uint id, uint weight) => new(IPAddress.Parse(address).GetAddressBytes(), id, weight);

    private static uint Gcd(uint a, uint b) => b == 0 ? a : Gcd(b, a % b);
}
