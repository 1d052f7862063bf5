using System.IO.Hashing;
using LoadBalancer.Core.Hashing;
using LoadBalancer.Core.Scheduling;

namespace LoadBalancer.Benchmarks.Maglev;

/// <summary>
/// The textbook Maglev population (Eisenbud et al., NSDI 2016, §3.4, Fig. 3), unoptimised, as the
/// baseline: the full permutation table permutation[i][j] = (offset_i + j·skip_i) mod M is computed
/// up front for every backend (N×M entries, ~262 MB for 1000 × 65537), then backends take turns
/// round-robin, each claiming the next free slot of its row. Equal weights only (weights are ignored).
/// </summary>
/// <remarks>
/// Offset and skip are hashed exactly as <see cref="MaglevTableBuilder"/> hashes them, and backends take
/// their turns in the same (key) order, so for equal weights both build the same table.
/// </remarks>
public static class ReferenceMaglev
{
    public static uint[] Build(IReadOnlyList<ScheduleMember> backends, uint size)
    {
        var ordered = backends.ToArray();
        Array.Sort(ordered, (x, y) => x.Key.Span.SequenceCompareTo(y.Key.Span));
        var n = ordered.Length;
        var m = (int)size;

        var permutation = new uint[n][];
        for (var i = 0; i < n; i++)
        {
            var hash = XxHash64.HashToUInt64(ordered[i].Key.Span, (long)MaglevTableBuilder.PermutationSeed);
            var offset = hash % size;
            var skip = (hash >> 32) % (size - 1) + 1;
            var row = new uint[m];
            for (var j = 0; j < m; j++)
            {
                row[j] = (uint)((offset + (ulong)j * skip) % size);
            }
            permutation[i] = row;
        }

        var next = new int[n];
        var entry = new int[m];
        Array.Fill(entry, -1);
        var filled = 0;
        while (true)
        {
            for (var i = 0; i < n; i++)
            {
                var c = permutation[i][next[i]];
                while (entry[c] >= 0)
                {
                    next[i]++;
                    c = permutation[i][next[i]];
                }
                entry[c] = i;
                next[i]++;
                if (++filled == m)
                {
                    var table = new uint[m];
                    for (var slot = 0; slot < m; slot++)
                    {
                        table[slot] = ordered[entry[slot]].Id;
                    }
                    return table;
                }
            }
        }
    }
}
