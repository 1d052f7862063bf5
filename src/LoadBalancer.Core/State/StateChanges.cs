using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.State;

/// <summary>
/// The run-time changes lbctl asks for, as pure functions: each takes the configuration file and
/// the current overlay and returns a new overlay (the input is not touched), or throws a
/// <see cref="StateChangeException"/>. Whether the result is a valid configuration is for
/// <see cref="ConfigValidator"/> to say, on <see cref="StateOverlay.ApplyTo"/> of it.
/// </summary>
public static class StateChanges
{
    /// <summary>Creates VIP <paramref name="vip"/>.</summary>
    public static StateOverlay AddVip(BalancerConfig file, StateOverlay overlay, VipConfig vip)
    {
        var key = StateOverlay.TryKey(vip) ?? throw new StateChangeException(StateChangeError.Invalid, $"'{vip.Address}' port {vip.Port}/{vip.Protocol} is not a VIP");
        if (Find(file, overlay, key) is not null)
        {
            throw new StateChangeException(StateChangeError.Conflict, $"VIP {key} exists already");
        }
        var next = overlay.Clone();
        next.Vips.Remove(key.ToString());
        next.AddedVips.Add(StateOverlay.Clone(vip));
        return next;
    }

    /// <summary>Removes VIP <paramref name="key"/> with its backends.</summary>
    public static StateOverlay RemoveVip(BalancerConfig file, StateOverlay overlay, VipKey key)
    {
        var origin = Find(file, overlay, key) ?? throw NotFound(key);
        var next = overlay.Clone();
        next.AddedVips.RemoveAll(v => StateOverlay.TryKey(v) == key);
        next.Vips.Remove(key.ToString());
        if ((origin == Origin.File || InFile(file, key)) && !next.RemovedVips.Contains(key.ToString()))
        {
            next.RemovedVips.Add(key.ToString());
        }
        return next;
    }

    /// <summary>Replaces the backends of VIP <paramref name="key"/>; the VIP is then run-time managed.</summary>
    public static StateOverlay SetBackends(BalancerConfig file, StateOverlay overlay, VipKey key, IReadOnlyList<BackendConfig> backends)
    {
        var current = Effective(file, overlay, key);
        var next = RemoveVip(file, overlay, key);
        current.Backends = [.. backends.Select(StateOverlay.Clone)];
        next.AddedVips.Add(current);
        return next;
    }

    /// <summary>Adds backend <paramref name="backend"/> to VIP <paramref name="key"/>.</summary>
    public static StateOverlay AddBackend(BalancerConfig file, StateOverlay overlay, VipKey key, BackendConfig backend)
    {
        var address = VipOverlay.Normal(backend.Address);
        if (Effective(file, overlay, key).Backends.Any(b => VipOverlay.Normal(b.Address) == address))
        {
            throw new StateChangeException(StateChangeError.Conflict, $"VIP {key} has backend {address} already");
        }
        return Edit(file, overlay, key,
            vip => vip.Backends.Add(StateOverlay.Clone(backend)),
            changes =>
            {
                changes.RemovedBackends.Remove(address);
                changes.Backends.Remove(address);
                changes.AddedBackends.Add(StateOverlay.Clone(backend));
            });
    }

    /// <summary>Removes backend <paramref name="address"/> from VIP <paramref name="key"/>.</summary>
    public static StateOverlay RemoveBackend(BalancerConfig file, StateOverlay overlay, VipKey key, string address)
    {
        address = RequireBackend(file, overlay, key, address);
        return Edit(file, overlay, key,
            vip => vip.Backends.RemoveAll(b => VipOverlay.Normal(b.Address) == address),
            changes =>
            {
                changes.AddedBackends.RemoveAll(b => VipOverlay.Normal(b.Address) == address);
                changes.Backends.Remove(address);
                if (FileVip(file, key)!.Backends.Any(b => VipOverlay.Normal(b.Address) == address))
                {
                    changes.RemovedBackends.Add(address);
                }
            });
    }

    /// <summary>Sets the weight of backend <paramref name="address"/> of VIP <paramref name="key"/>.</summary>
    public static StateOverlay SetWeight(BalancerConfig file, StateOverlay overlay, VipKey key, string address, long weight)
        => SetBackend(file, overlay, key, address, b => b.Weight = weight, s => s with { Weight = weight });

    /// <summary>Drains (no new flows, existing flows kept) or undrains backend <paramref name="address"/> of VIP <paramref name="key"/>.</summary>
    public static StateOverlay SetDrained(BalancerConfig file, StateOverlay overlay, VipKey key, string address, bool drained)
        => SetBackend(file, overlay, key, address, b => b.Drained = drained, s => s with { Drained = drained });

    /// <summary>Disables (out of service: no new flows, flows removed, no probes) or enables backend <paramref name="address"/> of VIP <paramref name="key"/>.</summary>
    public static StateOverlay SetDisabled(BalancerConfig file, StateOverlay overlay, VipKey key, string address, bool disabled)
        => SetBackend(file, overlay, key, address, b => b.Disabled = disabled, s => s with { Disabled = disabled });

    /// <summary>
    /// Sets the scheduler of VIP <paramref name="key"/> to <paramref name="scheduler"/>, a
    /// <see cref="Schedulers"/> name in any letter case (stored as the canonical name); null puts it
    /// back: as in the file for a file VIP, the default (<c>maglev</c>) for a run-time VIP.
    /// </summary>
    /// <exception cref="StateChangeException"><see cref="StateChangeError.Invalid"/> if the name is no
    /// scheduler (the message lists the names); <see cref="StateChangeError.NotFound"/> if there is no such VIP.</exception>
    public static StateOverlay SetScheduler(BalancerConfig file, StateOverlay overlay, VipKey key, string? scheduler)
    {
        string? name = null;
        if (scheduler is not null)
        {
            name = Schedulers.TryParse(scheduler, out var parsed)
                ? Schedulers.Name(parsed)
                : throw new StateChangeException(StateChangeError.Invalid, Schedulers.Unknown(scheduler));
        }
        return Edit(file, overlay, key,
            vip => vip.Scheduler = name ?? Schedulers.Name(Scheduler.Maglev),
            changes => changes.Scheduler = name);
    }

    private static StateOverlay SetBackend(BalancerConfig file, StateOverlay overlay, VipKey key, string address, Action<BackendConfig> set, Func<BackendSettings, BackendSettings> setting)
    {
        address = RequireBackend(file, overlay, key, address);
        return Edit(file, overlay, key,
            vip => set(vip.Backends.First(b => VipOverlay.Normal(b.Address) == address)),
            changes =>
            {
                var added = changes.AddedBackends.FirstOrDefault(b => VipOverlay.Normal(b.Address) == address);
                if (added is not null)
                {
                    set(added);
                    return;
                }
                changes.Backends[address] = setting(changes.Backends.GetValueOrDefault(address) ?? new BackendSettings());
            });
    }

    /// <summary>Applies an edit to a run-time VIP directly, or records it in the overlay of a file VIP.</summary>
    private static StateOverlay Edit(BalancerConfig file, StateOverlay overlay, VipKey key, Action<VipConfig> runtime, Action<VipOverlay> fileVip)
    {
        var origin = Find(file, overlay, key) ?? throw NotFound(key);
        var next = overlay.Clone();
        if (origin == Origin.Runtime)
        {
            runtime(next.AddedVips.First(v => StateOverlay.TryKey(v) == key));
            return next;
        }
        var changes = next.Vips.GetValueOrDefault(key.ToString()) ?? new VipOverlay();
        fileVip(changes);
        if (changes.IsEmpty)
        {
            next.Vips.Remove(key.ToString());
        }
        else
        {
            next.Vips[key.ToString()] = changes;
        }
        return next;
    }

    private static string RequireBackend(BalancerConfig file, StateOverlay overlay, VipKey key, string address)
    {
        var normal = VipOverlay.Normal(address);
        return Effective(file, overlay, key).Backends.Any(b => VipOverlay.Normal(b.Address) == normal)
            ? normal
            : throw new StateChangeException(StateChangeError.NotFound, $"VIP {key} has no backend {address}");
    }

    private static VipConfig Effective(BalancerConfig file, StateOverlay overlay, VipKey key)
        => overlay.ApplyTo(file).Vips.FirstOrDefault(v => StateOverlay.TryKey(v) == key) ?? throw NotFound(key);

    private static Origin? Find(BalancerConfig file, StateOverlay overlay, VipKey key)
    {
        if (overlay.AddedVips.Any(v => StateOverlay.TryKey(v) == key))
        {
            return Origin.Runtime;
        }
        return InFile(file, key) && !overlay.RemovedVips.Contains(key.ToString()) ? Origin.File : null;
    }

    private static bool InFile(BalancerConfig file, VipKey key) => FileVip(file, key) is not null;

    private static VipConfig? FileVip(BalancerConfig file, VipKey key) => file.Vips.FirstOrDefault(v => StateOverlay.TryKey(v) == key);

    private static StateChangeException NotFound(VipKey key) => new(StateChangeError.NotFound, $"no VIP {key}");

    private enum Origin
    {
        File,
        Runtime,
    }
}
