using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;
using LoadBalancer.Core.Planning;
using Xunit;

namespace LoadBalancer.Core.Tests.Planning;

public sealed class DataplanePlannerLoadTimeSettingsTests
{
    private static readonly TimeSpan s_t0 = TimeSpan.FromHours(12);

    public static TheoryData<string> LoadTimeKeys() => [.. s_changes.Keys];

    // A node key fixed when the data plane loads, and a change to it from the defaults.
    private static readonly Dictionary<string, Action<NodeConfig>> s_changes = new()
    {
        ["node.ring_size"] = n => n.RingSize = 251,
        ["node.max_vips"] = n => n.MaxVips = 16,
        ["node.max_backends"] = n => n.MaxBackends = 64,
        ["node.tcp_idle_timeout"] = n => n.TcpIdleTimeout = "30s",
        ["node.udp_idle_timeout"] = n => n.UdpIdleTimeout = "30s",
    };

    [Theory]
    [MemberData(nameof(LoadTimeKeys))]
    public void Plan_LoadTimeSettingChanged_LeavesPlannerStateUnchanged(string key)
    {
        var planner = new DataplanePlanner(Spec().Node);
        var control = new DataplanePlanner(Spec().Node);
        var before = Spec(vips: [Web("10.1.0.1", "10.1.0.2", "10.1.0.3"), Dns("10.2.0.1")]);
        planner.Plan(before, s_t0);
        control.Plan(before, s_t0);

        // Had it been planned, this would release the DNS VIP and a web backend and take new ids.
        var refused = Spec(s_changes[key], [Web("10.1.0.1", "10.1.0.3", "10.1.0.4"), V6("fd00::1")]);
        var e = Assert.Throws<InvalidOperationException>(() => planner.Plan(refused, s_t0 + TimeSpan.FromSeconds(1)));
        Assert.Contains(key, e.Message);

        var after = Spec(vips: [V6("fd00::9"), Web("10.1.0.2", "10.1.0.5"), Dns("10.2.0.1")]);
        var expected = control.Plan(after, s_t0 + TimeSpan.FromSeconds(2));
        var actual = planner.Plan(after, s_t0 + TimeSpan.FromSeconds(2));

        Assert.Equal(expected.Vips, actual.Vips);
        Assert.Equal(expected.Backends, actual.Backends);
    }

    [Fact]
    public void Plan_SameLoadTimeSettingsWrittenDifferently_Accepted()
    {
        var planner = new DataplanePlanner(Spec().Node);

        var plan = planner.Plan(Spec(n => { n.TcpIdleTimeout = "900s"; n.UdpIdleTimeout = "0.0833333333333333333h"; }, [Web("10.1.0.1")]), s_t0);

        Assert.Single(plan.Vips);
    }

    private static BalancerSpec Spec(Action<NodeConfig>? change = null, VipConfig[]? vips = null)
    {
        var node = new NodeConfig();
        change?.Invoke(node);
        return ConfigValidator.Validate(new BalancerConfig { Node = node, Vips = [.. vips ?? [Web("10.1.0.1")]] });
    }

    private static VipConfig Web(params string[] backends) => TestConfigs.Vip("192.0.2.1", 80, "tcp", backends);

    private static VipConfig Dns(params string[] backends) => TestConfigs.Vip("192.0.2.53", 53, "udp", backends);

    private static VipConfig V6(params string[] backends) => TestConfigs.Vip("2001:db8::1", 443, "tcp", backends);
}
