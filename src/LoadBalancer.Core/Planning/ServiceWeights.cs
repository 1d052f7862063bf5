using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Planning;

/// <summary>
/// Folds health into the weights the planner sees: a backend that takes no new flows gets weight
/// 0, one that ramps (slow start) a share of its weight. Shares need resolution that small weights
/// lack (10% of weight 1), so while a VIP has a ramping backend every weight of that VIP is scaled
/// up by the same factor first: the schedulers depend only on weight ratios, so the others' share
/// of new flows is what it was.
/// </summary>
public static class ServiceWeights
{
    /// <summary>Scale applied to a VIP's weights while one of its backends ramps (10% steps need 10).</summary>
    public const int RampScale = 10;

    /// <summary><paramref name="spec"/> with each backend's weight set to its share by <paramref name="percents"/> (percent of its weight; a backend not named keeps 100).</summary>
    public static BalancerSpec Apply(BalancerSpec spec, IReadOnlyDictionary<BackendRef, int> percents)
    {
        var vips = new List<VipSpec>(spec.Vips.Count);
        foreach (var vip in spec.Vips)
        {
            var shares = vip.Backends.Select(b => percents.GetValueOrDefault(new BackendRef(vip.Key, b.Address), 100)).ToArray();
            if (shares.All(p => p >= 100))
            {
                vips.Add(vip);
                continue;
            }
            var ramping = shares.Any(p => p is > 0 and < 100);
            var heaviest = vip.Backends.Max(b => b.Weight);
            var scale = ramping && heaviest > 0 ? Math.Clamp(ushort.MaxValue / heaviest, 1, RampScale) : 1;
            var backends = vip.Backends.Select((b, i) => b with { Weight = Weight(b.Weight, scale, shares[i]) }).ToList();
            vips.Add(vip with { Backends = backends });
        }
        return spec with { Vips = vips };
    }

    private static ushort Weight(ushort weight, int scale, int percent) => percent switch
    {
        <= 0 => 0,
        >= 100 => (ushort)(weight * scale),
        _ when weight == 0 => 0,
        _ => (ushort)Math.Max(1, (int)Math.Round(weight * scale * percent / 100.0, MidpointRounding.AwayFromZero)),
    };
}
