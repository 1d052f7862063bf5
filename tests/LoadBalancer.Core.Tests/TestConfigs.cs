using System.Globalization;
using System.Net;
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

    /// <summary>A backend with the given weight and drain.</summary>
    public static BackendConfig Backend(string address, long weight = 1, bool drained = false)
        => new() { Address = address, Weight = weight, Drained = drained };

    /// <summary>Every node key left at its default, one TCP VIP with two backends.</summary>
    public static BalancerConfig Minimal() => new()
    {
        Vips = [Vip("192.0.2.1", 80, "tcp", "10.1.0.1", "10.1.0.2")],
    };

    /// <summary>
    /// The VIPs and backends of <paramref name="config"/>, one sorted line per backend
    /// (<c>192.0.2.1:80/tcp 10.1.0.1 weight 1</c>, <c>drained</c> appended, port 0 written as 0, a scheduler other than
    /// maglev after the key: <c>192.0.2.1:80/tcp wrr 10.1.0.1 weight 1</c>), addresses in canonical
    /// form: equal for configurations the data plane cannot tell apart, and a readable diff otherwise.
    /// </summary>
    public static IReadOnlyList<string> Describe(BalancerConfig config)
        => config.Vips.SelectMany(Describe).Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Describe(VipConfig vip)
    {
        var address = Canonical(vip.Address);
        var key = $"{(address.Contains(':') ? $"[{address}]" : address)}:{vip.Port.ToString(CultureInfo.InvariantCulture)}/{vip.Protocol.ToLowerInvariant()}";
        var scheduler = vip.Scheduler.ToLowerInvariant();
        key += scheduler == "maglev" ? "" : $" {scheduler}";
        if (vip.Backends.Count == 0)
        {
            return [$"{key} (no backends)"];
        }
        return vip.Backends.Select(b => $"{key} {Canonical(b.Address)} weight {b.Weight.ToString(CultureInfo.InvariantCulture)}{(b.Drained ? " drained" : "")}");
    }

    private static string Canonical(string address) => IPAddress.TryParse(address, out var ip) ? ip.ToString() : address;
}
