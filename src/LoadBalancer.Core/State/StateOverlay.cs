using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.State;

/// <summary>
/// The changes made at run time (with lbctl) on top of the configuration file, kept apart from it
/// so a reload of the file keeps them: VIPs added or removed, backends added to or removed from
/// a file VIP, per-backend weight and drain settings, and a file VIP's scheduler.
/// <see cref="ApplyTo"/> gives the effective configuration. Plain data: the daemon persists it as
/// JSON (write, then rename).
/// </summary>
public sealed class StateOverlay
{
    /// <summary>VIPs created at run time, whole.</summary>
    public List<VipConfig> AddedVips { get; set; } = [];

    /// <summary>File VIPs removed at run time, as VIP keys (<c>10.0.0.1:80/tcp</c>).</summary>
    public List<string> RemovedVips { get; set; } = [];

    /// <summary>Per file VIP (key text): backends added, removed and re-set at run time, and its scheduler.</summary>
    public Dictionary<string, VipOverlay> Vips { get; set; } = [];

    /// <summary>The effective configuration: <paramref name="file"/> with these changes.</summary>
    public BalancerConfig ApplyTo(BalancerConfig file)
    {
        var removed = RemovedVips.Select(Key).ToHashSet();
        var added = AddedVips.Select(v => Key(v)).ToHashSet();
        var vips = new List<VipConfig>();
        foreach (var vip in file.Vips)
        {
            var key = TryKey(vip);
            if (key is { } k && (removed.Contains(k) || added.Contains(k)))
            {
                continue;
            }
            vips.Add(key is { } fileKey && Vips.TryGetValue(fileKey.ToString(), out var overlay) ? overlay.ApplyTo(vip) : Clone(vip));
        }
        vips.AddRange(AddedVips.Select(Clone));
        return new BalancerConfig { Node = file.Node, Vips = vips, Store = file.Store, Bgp = file.Bgp };
    }

    /// <summary>Whether VIP <paramref name="key"/> was created at run time (rather than by the file).</summary>
    public bool IsRuntimeVip(VipKey key) => AddedVips.Any(v => TryKey(v) == key);

    /// <summary>
    /// A copy with every VIP key and backend address in canonical text, as the changes write them, so
    /// that a state file edited by hand (<c>10.0.0.1:80</c>, <c>[FD00::1]:80/tcp</c>) compares equal.
    /// </summary>
    /// <exception cref="FormatException">A VIP key is not one.</exception>
    public StateOverlay Canonical()
    {
        var vips = new Dictionary<string, VipOverlay>();
        foreach (var (key, overlay) in Vips)
        {
            vips[VipKey.Parse(key).ToString()] = overlay.Canonical();
        }
        return new()
        {
            AddedVips = [.. AddedVips.Select(Clone)],
            RemovedVips = [.. RemovedVips.Select(k => VipKey.Parse(k).ToString()).Distinct()],
            Vips = vips,
        };
    }

    /// <summary>An independent copy, to change and keep only if the result validates.</summary>
    public StateOverlay Clone() => new()
    {
        AddedVips = [.. AddedVips.Select(Clone)],
        RemovedVips = [.. RemovedVips],
        Vips = Vips.ToDictionary(v => v.Key, v => v.Value.Clone()),
    };

    internal static VipConfig Clone(VipConfig vip) => new()
    {
        Address = vip.Address,
        Port = vip.Port,
        Protocol = vip.Protocol,
        Scheduler = vip.Scheduler,
        Health = vip.Health,
        Backends = [.. vip.Backends.Select(Clone)],
    };

    // Health settings are never changed in place, so the copy shares them.
    internal static BackendConfig Clone(BackendConfig backend) => new()
    {
        Address = backend.Address,
        Weight = backend.Weight,
        Drained = backend.Drained,
        Disabled = backend.Disabled,
        Health = backend.Health,
    };

    internal static VipKey Key(VipConfig vip) => TryKey(vip) ?? throw new ArgumentException($"'{vip.Address}:{vip.Port}/{vip.Protocol}' is not a VIP key");

    internal static VipKey? TryKey(VipConfig vip)
        => VipKey.TryCreate(vip.Address, vip.Port, vip.Protocol, out var key) ? key : null;

    private static VipKey Key(string text) => VipKey.Parse(text);
}
