using LoadBalancer.Core.Config;

namespace LoadBalancer.Core.Tests;

/// <summary>Configurations as an operator would write them, for tests to start from.</summary>
internal static class TestConfigs
{
    /// <summary>A VIP at <paramref name="address"/> with one backend of weight 1 per address in <paramref name="backends"/>.</summary>
    public static VipConfig Vip(string address, long port, string protocol, params string[] backends) => new()
    {
        Address = address,
        Port = port,
        Protocol = protocol,
        Backends = backends.Select(b => new BackendConfig { Address = b }).ToList(),
    };

    /// <summary>Every node key left at its default, one TCP VIP with two backends.</summary>
    public static BalancerConfig Minimal() => new()
    {
        Vips = [Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2")],
    };
}
