namespace LoadBalancer.Core.Scheduling;

/// <summary>
/// The wrr list: one period of smooth weighted round robin (nginx's algorithm). Each step every
/// backend's current value grows by its weight, the backend with the largest current value (the
/// first in key order among equals) is picked and loses the total weight. Over one period, the sum
/// of the weights, each backend is picked exactly weight times and its picks are spread out:
/// weights 5, 1, 1 give a, a, b, a, c, a, a rather than a, a, a, a, a, b, c.
/// </summary>
/// <remarks>
/// <para>Weights are first divided by their greatest common divisor (2, 2, 4 is 1, 1, 2), so the
/// period is as short as the ratios allow.</para>
/// <para>A list holds at most ring size - 1 ids (<see cref="BackendLists.MaxLength"/>). When the
/// period is longer, the weights are scaled down to a period of exactly that length by largest
/// remainder, every eligible backend keeping at least 1 (see <see cref="PeriodWeights"/>): each
/// backend gets its proportional share of the list rounded down or up, except that one whose share
/// is under one entry gets one entry, taken from the others' shares.</para>
/// <para>Deterministic, like <see cref="BackendLists"/>: the same backends give the same list on every node.</para>
/// </remarks>
public static class SmoothWeightedSchedule
{
    /// <summary>One period of the schedule of <paramref name="backends"/> (ids), at most <paramref name="maxLength"/> long; empty if none has weight.</summary>
    /// <exception cref="ArgumentException">Ids are not distinct and non-zero, or more than <paramref name="maxLength"/> backends have weight.</exception>
    public static uint[] Build(IReadOnlyList<ScheduleMember> backends, int maxLength)
    {
        var eligible = BackendLists.EligibleMembers(backends, maxLength);
        if (eligible.Length == 0)
        {
            return [];
        }
        var weights = PeriodWeights([.. eligible.Select(b => b.Weight)], maxLength);
        return Schedule(weights).Select(i => eligible[i].Id).ToArray();
    }

    /// <summary>
    /// The weights one period is built from: <paramref name="weights"/> (all above 0) divided by their
    /// greatest common divisor, and, if their sum is still above <paramref name="maxTotal"/>, scaled to
    /// sum to exactly <paramref name="maxTotal"/>: a weight whose proportional share is under 1 gets 1
    /// (and the others share what is left), the rest get the whole part of their share and the seats
    /// left over go to the largest fractions (the first among equals), and the result is divided by
    /// its greatest common divisor again.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is 0, or there are more weights than <paramref name="maxTotal"/>.</exception>
    public static uint[] PeriodWeights(IReadOnlyList<uint> weights, int maxTotal)
    {
        if (weights.Any(w => w == 0))
        {
            throw new ArgumentException("every weight must be above 0", nameof(weights));
        }
        if (weights.Count > maxTotal)
        {
            throw new ArgumentException($"{weights.Count} weights do not fit a period of {maxTotal}", nameof(weights));
        }
        var reduced = Reduce([.. weights.Select(w => (long)w)]);
        return reduced.Sum() <= maxTotal ? ToUInt(reduced) : ToUInt(Reduce(Apportion(reduced, maxTotal)));
    }

    // Largest remainder with a floor of 1: weights whose quota is under 1 seat are fixed at 1 and
    // leave the apportionment, which lowers the others' quotas, until every quota left is at least 1.
    private static long[] Apportion(long[] weights, long seats)
    {
        var n = weights.Length;
        var result = new long[n];
        var open = Enumerable.Range(0, n).ToList();
        var openWeight = weights.Sum();
        var openSeats = seats;
        bool fixedOne;
        do
        {
            fixedOne = false;
            foreach (var i in open.ToList())
            {
                if (weights[i] * openSeats < openWeight)
                {
                    result[i] = 1;
                    open.Remove(i);
                    openWeight -= weights[i];
                    openSeats--;
                    fixedOne = true;
                }
            }
        }
        while (fixedOne && open.Count > 0);

        var remainders = new long[n];
        var left = openSeats;
        foreach (var i in open)
        {
            result[i] = Math.DivRem(weights[i] * openSeats, openWeight, out remainders[i]);
            left -= result[i];
        }
        foreach (var i in open.OrderByDescending(i => remainders[i]).ThenBy(i => i).Take((int)left))
        {
            result[i]++;
        }
        return result;
    }

    // Smooth weighted round robin over indexes 0..n-1. Before step t (from 1) a backend picked k
    // times so far has current value t * w - total * k. Backends of equal weight are picked in
    // turn, in index order, so each weight is one contender, whose candidate is its next member in
    // turn; that makes a step cost the number of distinct weights, not of backends.
    private static IEnumerable<int> Schedule(uint[] weights)
    {
        long total = weights.Sum(w => (long)w);
        var groups = Enumerable.Range(0, weights.Length)
            .GroupBy(i => weights[i])
            .Select(g => new Group(g.Key, [.. g]))
            .ToArray();
        for (long t = 1; t <= total; t++)
        {
            Group? best = null;
            long bestValue = 0;
            var bestIndex = 0;
            foreach (var group in groups)
            {
                var value = (t * group.Weight) - (total * (group.Picks / group.Members.Length));
                var index = group.Members[group.Picks % group.Members.Length];
                if (best is null || value > bestValue || (value == bestValue && index < bestIndex))
                {
                    (best, bestValue, bestIndex) = (group, value, index);
                }
            }
            best!.Picks++;
            yield return bestIndex;
        }
    }

    private static long[] Reduce(long[] weights)
    {
        var gcd = weights.Aggregate(0L, Gcd);
        return [.. weights.Select(w => w / gcd)];
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    private static uint[] ToUInt(long[] weights) => [.. weights.Select(w => checked((uint)w))];

    private sealed class Group(uint weight, int[] members)
    {
        public long Weight { get; } = weight;

        public int[] Members { get; } = members;

        public int Picks { get; set; }
    }
}
