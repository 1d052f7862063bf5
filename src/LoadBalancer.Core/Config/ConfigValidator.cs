using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Config;

/// <summary>
/// Checks a whole <see cref="BalancerConfig"/> and either returns the <see cref="BalancerSpec"/> it
/// describes or lists every problem with its path. All or nothing: a config with one error yields
/// no spec, so the caller keeps running what it had.
/// </summary>
public static class ConfigValidator
{
    /// <summary>Largest ring size accepted: beyond it tables cost memory without adding balance.</summary>
    public const long MaxRingSize = 1_000_003;

    /// <summary>Validates <paramref name="config"/>.</summary>
    /// <exception cref="ConfigValidationException">Listing every problem found.</exception>
    public static BalancerSpec Validate(BalancerConfig config)
    {
        var errors = new List<ConfigError>();
        var node = ValidateNode(config.Node, errors);
        var vips = ValidateVips(config.Vips, node, errors);
        var bgp = BgpValidator.Validate(config.Bgp, errors);
        var store = StoreValidator.Validate(config.Store, errors);
        if (errors.Count > 0 || node is null || store is null)
        {
            throw new ConfigValidationException(errors);
        }
        return new BalancerSpec(node, vips) { Bgp = bgp, Store = store };
    }

    private static NodeSpec? ValidateNode(NodeConfig? node, List<ConfigError> errors)
    {
        if (node is null)
        {
            errors.Add(new("node", "is required"));
            return null;
        }
        var start = errors.Count;
        CheckDeviceName(node.Interface, "node.interface", errors);
        var redirect = node.RedirectInterfaces ?? [];
        for (var i = 0; i < redirect.Count; i++)
        {
            CheckDeviceName(redirect[i], $"node.redirect_interfaces[{i}]", errors);
        }
        var v4 = ParsePrefix(node.OuterSourceV4, AddressFamily.InterNetwork, 32, "node.outer_source_v4", errors);
        var v6 = ParsePrefix(node.OuterSourceV6, AddressFamily.InterNetworkV6, 96, "node.outer_source_v6", errors);
        PhysicalAddress? mac = null;
        if (!string.IsNullOrEmpty(node.FallbackMac))
        {
            if (!PhysicalAddress.TryParse(node.FallbackMac, out mac) || mac.GetAddressBytes().Length != 6 || mac.GetAddressBytes().All(b => b == 0))
            {
                errors.Add(new("node.fallback_mac", $"'{node.FallbackMac}' is not a non-zero Ethernet address like 02:00:00:00:00:01"));
            }
        }
        CheckRange(node.FallbackMtu, 0, 65535, "node.fallback_mtu", errors);
        if (node.RingSize is < 3 or > MaxRingSize || !IsPrime(node.RingSize))
        {
            errors.Add(new("node.ring_size", $"{node.RingSize} must be a prime between 3 and {MaxRingSize} (65537 is a good choice)"));
        }
        CheckRange(node.HashSeed, 0, uint.MaxValue, "node.hash_seed", errors);
        CheckRange(node.FlowTableSize, 1, 1L << 25, "node.flow_table_size", errors);
        var tcpIdle = ParseTimeout(node.TcpIdleTimeout, "node.tcp_idle_timeout", errors);
        var udpIdle = ParseTimeout(node.UdpIdleTimeout, "node.udp_idle_timeout", errors);
        if (!Duration.TryParse(node.NexthopCacheTtl, out var nexthopTtl) || nexthopTtl > TimeSpan.FromMinutes(1))
        {
            errors.Add(new("node.nexthop_cache_ttl", $"'{node.NexthopCacheTtl}' is not a duration between 0s and 60s (e.g. 1s)"));
        }
        CheckRange(node.MaxVips, 1, 1 << 16, "node.max_vips", errors);
        CheckRange(node.MaxBackends, 2, 1 << 16, "node.max_backends", errors);
        if (errors.Count > start)
        {
            return null;
        }
        return new NodeSpec
        {
            Interface = node.Interface,
            OuterSourceV4 = v4!.Value,
            OuterSourceV6 = v6!.Value,
            FallbackMac = mac,
            FallbackMtu = (ushort)node.FallbackMtu,
            RingSize = (uint)node.RingSize,
            HashSeed = (uint)node.HashSeed,
            FlowTableSize = (uint)node.FlowTableSize,
            TcpIdleTimeout = tcpIdle,
            UdpIdleTimeout = udpIdle,
            NexthopCacheTtl = nexthopTtl,
            RedirectInterfaces = [.. redirect.Distinct()],
            MaxVips = (uint)node.MaxVips,
            MaxBackends = (uint)node.MaxBackends,
        };
    }

    private static List<VipSpec> ValidateVips(List<VipConfig>? vips, NodeSpec? node, List<ConfigError> errors)
    {
        var specs = new List<VipSpec>();
        var seen = new Dictionary<VipKey, int>();
        var backendCount = 0;
        vips ??= [];
        for (var i = 0; i < vips.Count; i++)
        {
            var path = $"vips[{i}]";
            var vip = vips[i];
            if (vip is null)
            {
                errors.Add(new(path, "is empty"));
                continue;
            }
            var start = errors.Count;
            var address = ParseAddress(vip.Address, $"{path}.address", errors);
            CheckRange(vip.Port, 0, 65535, $"{path}.port", errors);
            L4Protocol? protocol = VipKey.TryParseProtocol(vip.Protocol, out var proto) ? proto : null;
            if (protocol is null)
            {
                errors.Add(new($"{path}.protocol", $"'{vip.Protocol}' is not tcp or udp"));
            }
            Scheduler? scheduler = Schedulers.TryParse(vip.Scheduler, out var parsed) ? parsed : null;
            if (scheduler is null)
            {
                errors.Add(new($"{path}.scheduler", Schedulers.Unknown(vip.Scheduler)));
            }
            var backends = ValidateBackends(vip.Backends, vip.Health, vip.Port, path, errors);
            var health = HealthValidator.Policy(vip.Health, path, HealthValidator.Probed(vip.Health, vip.Backends), errors);
            backendCount += backends.Count;
            if (scheduler is { } listed && !Schedulers.UsesRing(listed) && node is not null && backends.Count > node.RingSize - 1)
            {
                errors.Add(new($"{path}.backends", $"{backends.Count} backends exceed node.ring_size - 1 ({node.RingSize - 1}), the most a {Schedulers.Name(listed)} list holds"));
            }
            if (address is null || protocol is null || scheduler is null || vip.Port is < 0 or > 65535)
            {
                continue;
            }
            var key = new VipKey(address, (ushort)vip.Port, protocol.Value);
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(new(path, $"duplicate VIP {key}, already defined at vips[{first}]"));
                continue;
            }
            seen.Add(key, i);
            if (errors.Count == start)
            {
                specs.Add(new VipSpec(key, backends, scheduler.Value) { Health = health });
            }
        }
        if (node is not null)
        {
            if (vips.Count > node.MaxVips)
            {
                errors.Add(new("vips", $"{vips.Count} VIPs exceed node.max_vips ({node.MaxVips})"));
            }
            if (backendCount > node.MaxBackends - 1)
            {
                errors.Add(new("vips", $"{backendCount} backends (counted per VIP) exceed node.max_backends - 1 ({node.MaxBackends - 1})"));
            }
        }
        return specs;
    }

    private static List<BackendSpec> ValidateBackends(List<BackendConfig>? backends, HealthConfig? health, long vipPort, string vipPath, List<ConfigError> errors)
    {
        var specs = new List<BackendSpec>();
        if (backends is null || backends.Count == 0)
        {
            errors.Add(new($"{vipPath}.backends", "needs at least one backend"));
            return specs;
        }
        var seen = new Dictionary<IPAddress, int>();
        for (var j = 0; j < backends.Count; j++)
        {
            var path = $"{vipPath}.backends[{j}]";
            var backend = backends[j];
            if (backend is null)
            {
                errors.Add(new(path, "is empty"));
                continue;
            }
            var address = ParseAddress(backend.Address, $"{path}.address", errors);
            var weightOk = CheckRange(backend.Weight, 0, ushort.MaxValue, $"{path}.weight", errors);
            var probe = HealthValidator.Probe(health, backend.Health, vipPort, vipPath, path, errors);
            if (address is null || !weightOk || probe is null)
            {
                continue;
            }
            if (seen.TryGetValue(address, out var first))
            {
                errors.Add(new($"{path}.address", $"duplicate backend {address}, already at {vipPath}.backends[{first}]"));
                continue;
            }
            seen.Add(address, j);
            specs.Add(new BackendSpec(address, (ushort)backend.Weight, backend.Drained) { Disabled = backend.Disabled, Probe = probe });
        }
        if (specs.Count == backends.Count && specs.All(b => b.Weight == 0))
        {
            errors.Add(new($"{vipPath}.backends", "every backend has weight 0: at least one must take new flows"));
        }
        return specs;
    }

    private static void CheckDeviceName(string? name, string path, List<ConfigError> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 15 || name.Contains('/') || name.Any(char.IsWhiteSpace))
        {
            errors.Add(new(path, $"'{name}' is not a device name (1-15 characters, no '/' or spaces)"));
        }
    }

    internal static IPAddress? ParseAddress(string? text, string path, List<ConfigError> errors)
    {
        if (AddressText.TryParse(text, out var address) && IsUnicast(address))
        {
            return address;
        }
        errors.Add(new(path, $"'{text}' is not a unicast IPv4 or IPv6 address"));
        return null;
    }

    private static bool IsUnicast(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return address.AddressFamily == AddressFamily.InterNetwork
            ? bytes[0] is not (0 or >= 224)
            : !address.Equals(IPAddress.IPv6Any) && bytes[0] != 0xff;
    }

    private static IPNetwork? ParsePrefix(string? text, AddressFamily family, int minLength, string path, List<ConfigError> errors)
    {
        var maxLength = family == AddressFamily.InterNetwork ? 32 : 128;
        var slash = text?.IndexOf('/') ?? -1;
        if (slash > 0 && AddressText.TryParse(text![..slash], out var baseAddress) && baseAddress.AddressFamily == family
            && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            && length >= (family == AddressFamily.InterNetwork ? 0 : minLength) && length <= maxLength)
        {
            // .NET 10's IPNetwork silently clears host bits; a prefix with host bits set is a typo here.
            var prefix = new IPNetwork(baseAddress, length);
            if (prefix.BaseAddress.Equals(baseAddress))
            {
                return prefix;
            }
        }
        var familyName = family == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        var range = family == AddressFamily.InterNetwork ? "/0-/32" : $"/{minLength}-/128";
        errors.Add(new(path, $"'{text}' is not an {familyName} prefix {range} with its host bits zero"));
        return null;
    }

    private static TimeSpan ParseTimeout(string? text, string path, List<ConfigError> errors)
    {
        if (Duration.TryParse(text, out var value) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromDays(7))
        {
            return value;
        }
        errors.Add(new(path, $"'{text}' is not a duration between 1s and 168h (e.g. 30s, 15m)"));
        return default;
    }

    internal static bool CheckRange(long value, long min, long max, string path, List<ConfigError> errors)
    {
        if (value >= min && value <= max)
        {
            return true;
        }
        errors.Add(new(path, $"{value} must be {min}..{max}"));
        return false;
    }

    private static bool IsPrime(long n)
    {
        if (n < 2 || n % 2 == 0)
        {
            return n == 2;
        }
        for (long d = 3; d * d <= n; d += 2)
        {
            if (n % d == 0)
            {
                return false;
            }
        }
        return true;
    }
}
