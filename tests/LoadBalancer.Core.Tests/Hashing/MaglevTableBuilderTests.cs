using System.Runtime.InteropServices;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Scheduling;
using Xunit;

namespace LoadBalancer.Core.Tests.Hashing;

public sealed class MaglevTableBuilderTests
{
    private const uint RingSize = 65537;

    public static TheoryData<uint[]> WeightSets => new()
    {
        new uint[] { 1, 2, 3, 4 },
        new uint[] { 5, 1, 1 },
        MixedWeights(100, seed: 10),
    };

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(1000)]
    public void Build_EqualWeights_FillsEverySlotWithAMemberId(int count)
    {
        var backends = Backends(count);
        var ids = backends.Select(b => b.Id).ToHashSet();

        var table = MaglevTableBuilder.Build(backends, RingSize);

        Assert.Equal((int)RingSize, table.Length);
        for (var slot = 0; slot < table.Length; slot++)
        {
            Assert.True(ids.Contains(table[slot]), $"slot {slot} holds {table[slot]}, not one of ids 1..{count}");
        }
        Assert.Equal(ids.Order(), table.Distinct().Order());
    }

    [Fact]
    public void Build_HundredEqualWeights_EachShareWithinOnePercentOfEven()
    {
        const int count = 100;
        var table = MaglevTableBuilder.Build(Backends(count), RingSize);

        var counts = Counts(table);
        var even = (double)RingSize / count;
        var worst = counts.Values.Max(c => Math.Abs(c - even) / even);

        Assert.Equal(count, counts.Count);
        Assert.True(worst <= 0.01, $"worst share is {worst:P3} off the even share {even:F1}; allowed 1%");
    }

    [Theory]
    [MemberData(nameof(WeightSets))]
    public void Build_WeightedBackends_EachShareWithinTwoPercentOfWeight(uint[] weights)
    {
        var backends = weights.Select((w, i) => Backend(i + 1, w)).ToList();
        var total = weights.Sum(w => (double)w);

        var counts = Counts(MaglevTableBuilder.Build(backends, RingSize));

        foreach (var backend in backends)
        {
            var expected = RingSize * backend.Weight / total;
            var actual = counts.GetValueOrDefault(backend.Id);
            Assert.True(Math.Abs(actual - expected) <= 0.02 * expected,
                $"backend {backend.Id} (weight {backend.Weight}) has {actual} slots, expected {expected:F1} ± 2%");
        }
    }

    [Fact]
    public void Build_Weights321_SharesWithinHalfAPointOf50_33_17()
    {
        var backends = new[] { Backend(1, 3), Backend(2, 2), Backend(3, 1) };

        var counts = Counts(MaglevTableBuilder.Build(backends, RingSize));

        Assert.InRange(counts[1] / (double)RingSize, 0.5 - 0.005, 0.5 + 0.005);
        Assert.InRange(counts[2] / (double)RingSize, (2 / 6.0) - 0.005, (2 / 6.0) + 0.005);
        Assert.InRange(counts[3] / (double)RingSize, (1 / 6.0) - 0.005, (1 / 6.0) + 0.005);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void Build_OneBackendRemoved_ChangesAtMostItsShareAndOnePercent(int count)
    {
        var backends = Backends(count);
        var before = MaglevTableBuilder.Build(backends, RingSize);
        var bound = ((1.0 / count) + 0.01) * RingSize;

        foreach (var removed in backends)
        {
            var after = MaglevTableBuilder.Build(backends.Where(b => b.Id != removed.Id).ToList(), RingSize);

            var changed = 0;
            var survivorsMoved = 0;
            for (var slot = 0; slot < RingSize; slot++)
            {
                Assert.NotEqual(removed.Id, after[slot]);
                if (before[slot] != after[slot])
                {
                    changed++;
                    if (before[slot] != removed.Id)
                    {
                        survivorsMoved++;
                    }
                }
            }
            Assert.True(changed <= bound,
                $"removing backend {removed.Id} of {count} changed {changed} slots ({survivorsMoved} of them survivors'); allowed {bound:F0}");
            Assert.True(survivorsMoved <= 0.01 * RingSize,
                $"removing backend {removed.Id} of {count} moved {survivorsMoved} slots of surviving backends; allowed 1% ({0.01 * RingSize:F0})");
        }
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void Build_OneBackendAdded_ChangesAtMostItsShareAndOnePercent(int count)
    {
        var backends = Backends(count);
        var before = MaglevTableBuilder.Build(backends, RingSize);
        var bound = ((1.0 / (count + 1)) + 0.01) * RingSize;

        // Several different newcomers, each added alone to the same N.
        for (var extra = 0; extra < 10; extra++)
        {
            var added = Backend(count + 1 + extra);
            var after = MaglevTableBuilder.Build([.. backends, added], RingSize);

            var changed = 0;
            var notToNewcomer = 0;
            for (var slot = 0; slot < RingSize; slot++)
            {
                if (before[slot] != after[slot])
                {
                    changed++;
                    if (after[slot] != added.Id)
                    {
                        notToNewcomer++;
                    }
                }
            }
            Assert.True(changed <= bound,
                $"adding backend {added.Id} to {count} changed {changed} slots ({notToNewcomer} between old backends); allowed {bound:F0}");
            Assert.True(notToNewcomer <= 0.01 * RingSize,
                $"adding backend {added.Id} to {count} moved {notToNewcomer} slots between old backends; allowed 1%");
        }
    }

    [Fact]
    public void Build_SameInputTwice_ByteIdenticalTables()
    {
        var backends = MixedWeights(50, seed: 1).Select((w, i) => Backend(i + 1, w)).ToList();

        var first = MaglevTableBuilder.Build(backends, RingSize);
        var second = MaglevTableBuilder.Build(backends.ToList(), RingSize);
        var filled = new uint[RingSize];
        MaglevTableBuilder.Fill(backends, filled);

        Assert.True(AsBytes(first).SequenceEqual(AsBytes(second)));
        Assert.True(AsBytes(first).SequenceEqual(AsBytes(filled)));
    }

    [Fact]
    public void Build_ShuffledInput_SameTable()
    {
        var backends = MixedWeights(50, seed: 2).Select((w, i) => Backend(i + 1, w)).ToArray();
        var expected = MaglevTableBuilder.Build(backends, RingSize);
        var random = new Random(3);

        for (var round = 0; round < 5; round++)
        {
            var shuffled = backends.ToArray();
            random.Shuffle(shuffled);

            Assert.True(AsBytes(expected).SequenceEqual(AsBytes(MaglevTableBuilder.Build(shuffled, RingSize))), $"shuffle {round} built a different table");
        }
        Assert.True(AsBytes(expected).SequenceEqual(AsBytes(MaglevTableBuilder.Build(Enumerable.Reverse(backends).ToArray(), RingSize))));
    }

    [Fact]
    public void Fill_DirtyTable_OverwritesEverySlot()
    {
        var backends = Backends(5);
        var table = Enumerable.Repeat(uint.MaxValue, (int)RingSize).ToArray();

        MaglevTableBuilder.Fill(backends, table);

        Assert.Equal(MaglevTableBuilder.Build(backends, RingSize), table);
    }

    [Fact]
    public void Build_WeightZeroBackends_GetNoSlotsAndDoNotDisturbOthers()
    {
        var live = Backends(10);
        var idle = Enumerable.Range(11, 5).Select(i => Backend(i, weight: 0)).ToList();

        var table = MaglevTableBuilder.Build([.. live, .. idle], RingSize);

        Assert.DoesNotContain(table, id => id > 10);
        Assert.Equal(MaglevTableBuilder.Build(live, RingSize), table);
    }

    [Fact]
    public void Build_AllWeightsZero_AllZeroTable()
    {
        var table = MaglevTableBuilder.Build(Enumerable.Range(1, 4).Select(i => Backend(i, weight: 0)).ToList(), RingSize);

        Assert.Equal((int)RingSize, table.Length);
        Assert.All(table, id => Assert.Equal(0u, id));
    }

    [Fact]
    public void Fill_NoBackendsOnDirtyTable_ClearsIt()
    {
        var table = Enumerable.Repeat(7u, 251).ToArray();

        MaglevTableBuilder.Fill([], table);

        Assert.All(table, id => Assert.Equal(0u, id));
    }

    [Fact]
    public void Build_DuplicateIds_ThrowsArgumentException()
    {
        ScheduleMember[] backends = [Backend(1), Backend(2), new ScheduleMember(Key(3), 2, 1)];

        Assert.Throws<ArgumentException>(() => MaglevTableBuilder.Build(backends, RingSize));
    }

    [Fact]
    public void Build_IdZero_ThrowsArgumentException()
    {
        ScheduleMember[] backends = [Backend(1), new ScheduleMember(Key(2), 0, 1)];

        Assert.Throws<ArgumentException>(() => MaglevTableBuilder.Build(backends, RingSize));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(2u)]
    public void Build_FewerThanThreeSlots_ThrowsArgumentException(uint size)
    {
        Assert.Throws<ArgumentException>(() => MaglevTableBuilder.Build(Backends(1), size));
    }

    /// <summary>Backend <paramref name="index"/>: key 10.0.x.y from the index, id = index.</summary>
    private static ScheduleMember Backend(int index, uint weight = 1) => new(Key(index), (uint)index, weight);

    private static byte[] Key(int index) => [10, 0, (byte)(index >> 8), (byte)index];

    private static List<ScheduleMember> Backends(int count) => Enumerable.Range(1, count).Select(i => Backend(i)).ToList();

    private static uint[] MixedWeights(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (uint)random.Next(1, 11)).ToArray();
    }

    private static Dictionary<uint, int> Counts(uint[] table) => table.GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());

    private static ReadOnlySpan<byte> AsBytes(uint[] table) => MemoryMarshal.AsBytes(table.AsSpan());
}
