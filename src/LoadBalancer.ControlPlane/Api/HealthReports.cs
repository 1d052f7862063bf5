using LoadBalancer.Bpf.Objects;
using LoadBalancer.ControlPlane.Dataplane;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Health;

namespace LoadBalancer.ControlPlane.Api;

/// <summary>The health board's view as the API returns it (<c>GET /v1/health</c>, lbctl health).</summary>
public static class HealthReports
{
    /// <summary>Every VIP's pool health at <paramref name="now"/> (monotonic), with wall-clock times as of <paramref name="wallNow"/>.</summary>
    public static List<VipHealth> Read(HealthBoard board, ReconcilerState state, BalancerObject balancer, TimeSpan now, DateTimeOffset wallNow)
    {
        var ids = state.Plan.Backends.ToDictionary(p => p.Value, p => p.Key);
        return [.. board.Evaluate(now).Select(vip => new VipHealth(
            vip.Vip.ToString(),
            BackendStates.Name(vip.Check),
            vip.Pool.Healthy,
            vip.Pool.Serving,
            vip.Pool.Pool,
            vip.Pool.FailOpen,
            [.. vip.Backends.Select(b => new BackendHealthInfo(
                b.Backend.Address.ToString(),
                BackendStates.Name(b.Verdict.State),
                b.Verdict.TakesNewFlows,
                b.Verdict.Reason,
                b.Last is null ? null : b.Last.Passed ? "pass" : "fail",
                b.Last?.Detail,
                b.Last?.Latency.TotalMilliseconds,
                b.Consecutive,
                wallNow - (now - b.Since),
                b.Verdict.WeightPercent,
                ids.TryGetValue(b.Backend, out var id) ? StatsReader.ActiveFlows(balancer, id) : 0))]))];
    }
}
