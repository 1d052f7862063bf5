using System.IO.Hashing;
using LoadBalancer.Core.Scheduling;

namespace LoadBalancer.Core.Hashing;

/// <summary>
/// Builds a weighted Maglev lookup table (Eisenbud et al., NSDI 2016, §3.4): each backend walks
/// its own permutation of the slots, given by an offset and a skip hashed from its key, and claims
/// the next free slot on its turn. Weights are turns per round relative to the heaviest backend,
/// so shares follow weights to within a slot or two per backend, and a change to one backend moves
/// few slots of the others.
/// </summary>
/// <remarks>
/// Deterministic: the result depends only on the set of (key, id, weight) and the size; input order
/// does not matter (backends are ordered by key first). Every node therefore builds byte-identical
/// tables from the same configuration.
/// </remarks>
public static class MaglevTableBuilder
{
    /// <summary>Seed of the permutation hash; changing it reshuffles every table.</summary>
    public const ulong PermutationSeed = 0x4d61676c6576; // "Maglev"

    /// <summary>Builds the table of <paramref name="size"/> slots (a prime) for <paramref name="backends"/>.</summary>
    /// <returns>Backend id per slot; all zero if no backend has weight.</returns>
    public static uint[] Build(IReadOnlyList<ScheduleMember> backends, uint size)
    {
        var table = new uint[size];
        Fill(backends, table);
        return table;
    }

    /// <summary>Fills <paramref name="table"/>, whose length (a prime) is the ring size.</summary>
    public static void Fill(IReadOnlyList<ScheduleMember> backends, Span<uint> table)
    {
        var size = (uint)table.Length;
        if (size < 3)
        {
            throw new ArgumentException("a Maglev table needs at least 3 slots", nameof(table));
        }
        table.Clear();
        var live = backends.Where(b => b.Weight > 0).OrderBy(b => b.Key, ScheduleMember.KeyOrder).ToArray();
        if (live.Length == 0)
        {
            return;
        }
        if (live.Select(b => b.Id).Distinct().Count() != live.Length || live.Any(b => b.Id == 0))
        {
            throw new ArgumentException("backend ids must be distinct and non-zero", nameof(backends));
        }

        var n = live.Length;
        var position = new uint[n];
        var skip = new uint[n];
        var credit = new ulong[n];
        ulong maxWeight = 0;
        for (var i = 0; i < n; i++)
        {
            var hash = XxHash64.HashToUInt64(live[i].Key.Span, (long)PermutationSeed);
            position[i] = (uint)(hash % size);
            skip[i] = (uint)((hash >> 32) % (size - 1)) + 1;
            maxWeight = Math.Max(maxWeight, live[i].Weight);
        }

        var taken = new bool[size];
        uint filled = 0;
        while (true)
        {
            for (var i = 0; i < n; i++)
            {
                credit[i] += live[i].Weight;
                while (credit[i] >= maxWeight)
                {
                    credit[i] -= maxWeight;
                    var slot = position[i];
                    while (taken[slot])
                    {
                        slot += skip[i];
                        if (slot >= size)
                        {
                            slot -= size;
                        }
                    }
                    taken[slot] = true;
                    table[(int)slot] = live[i].Id;
                    position[i] = slot + skip[i] >= size ? slot + skip[i] - size : slot + skip[i];
                    if (++filled == size)
                    {
                        return;
                    }
                }
            }
        }
    }
}
