using System.Net;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Datapath.Tests;

/// <summary>
/// The configuration most fixtures assume: IPv4 and IPv6 VIPs over TCP and UDP, a wildcard-port
/// VIP with a more specific port beside it, cross-family VIPs (4-in-6, 6-in-4), a fallback MAC
/// (the test namespace has no routes, so every FIB lookup falls back to it) and a fallback MTU.
/// </summary>
public static class StandardConfig
{
    public static readonly IPAddress Client4 = IPAddress.Parse("198.51.100.10");
    public static readonly IPAddress Client6 = IPAddress.Parse("2001:db8:c::10");
    public static readonly IPAddress Vip4 = IPAddress.Parse("10.100.0.1");
    public static readonly IPAddress Vip6 = IPAddress.Parse("fd00:100::1");
    public static readonly IPAddress Wild4 = IPAddress.Parse("10.100.0.2");
    public static readonly IPAddress Mixed4 = IPAddress.Parse("10.100.0.3");
    public static readonly IPAddress Mixed6 = IPAddress.Parse("fd00:100::3");
    public static readonly IPAddress NotVip4 = IPAddress.Parse("10.100.9.9");
    public static readonly IPAddress NotVip6 = IPAddress.Parse("fd00:100::99");
    public static readonly byte[] FallbackMac = [0x02, 0, 0, 0, 0, 0xfe];
    public const int FallbackMtu = 1600;

    public static readonly VipKey Tcp4 = new(Vip4, 80, L4Protocol.Tcp);
    public static readonly VipKey Udp4 = new(Vip4, 53, L4Protocol.Udp);
    public static readonly VipKey Tcp6 = new(Vip6, 443, L4Protocol.Tcp);
    public static readonly VipKey Udp6 = new(Vip6, 53, L4Protocol.Udp);
    public static readonly VipKey WildTcp4 = new(Wild4, 0, L4Protocol.Tcp);
    public static readonly VipKey WildTcp4Port80 = new(Wild4, 80, L4Protocol.Tcp);
    public static readonly VipKey FourInSix = new(Mixed4, 80, L4Protocol.Tcp);
    public static readonly VipKey SixInFour = new(Mixed6, 80, L4Protocol.Tcp);

    public static BalancerConfig Create() => new()
    {
        Node = new NodeConfig
        {
            Interface = "lo",
            FallbackMac = "02:00:00:00:00:fe",
            FallbackMtu = FallbackMtu,
            FlowTableSize = 4096,
            MaxVips = 64,
            MaxBackends = 256,
        },
        Vips =
        [
            Vip(Tcp4, "10.1.0.1", "10.1.0.2", "10.1.0.3"),
            Vip(Udp4, "10.1.0.1", "10.1.0.2"),
            Vip(Tcp6, "fd00:1::1", "fd00:1::2", "fd00:1::3"),
            Vip(Udp6, "fd00:1::1", "fd00:1::2"),
            Vip(WildTcp4, "10.1.0.5"),
            Vip(WildTcp4Port80, "10.1.0.6"),
            Vip(FourInSix, "fd00:1::9"),
            Vip(SixInFour, "10.1.0.9"),
        ],
    };

    public static VipConfig Vip(VipKey key, params string[] backends) => new()
    {
        Address = key.Address.ToString(),
        Port = key.Port,
        Protocol = key.Protocol.ToString().ToLowerInvariant(),
        Backends = [.. backends.Select(b => new BackendConfig { Address = b, Weight = 1 })],
    };
}
