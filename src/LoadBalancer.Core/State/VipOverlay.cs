using LoadBalancer.Core.Config;
using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.State;

/// <summary>Run-time changes to one VIP of the configuration file.</summary>
public sealed class VipOverlay
{
    /// <summary>Backends added at run time.</summary>
    public List<BackendConfig> AddedBackends { get; set; } = [];

    /// <summary>File backends removed at run time (addresses).</summary>
    public List<string> RemovedBackends { get; set; } = [];

    /// <summary>Weight, drain and disable set at run time on file backends, by address.</summary>
    public Dictionary<string, BackendSettings> Backends { get; set; } = [];

    /// <summary>Scheduler set at run time (a <see cref="Schedulers"/> name); null = as in the file.</summary>
    public string? Scheduler { get; set; }

    /// <summary>Whether nothing is left to change.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsEmpty => AddedBackends.Count == 0 && RemovedBackends.Count == 0 && Backends.Count == 0 && Scheduler is null;

    /// <summary>The file VIP <paramref name="vip"/> with these changes.</summary>
    public VipConfig ApplyTo(VipConfig vip)
    {
        var result = StateOverlay.Clone(vip);
        result.Scheduler = Scheduler ?? result.Scheduler;
        var removed = RemovedBackends.Select(Normal).ToHashSet();
        var added = AddedBackends.Select(b => Normal(b.Address)).ToHashSet();
        result.Backends.RemoveAll(b => removed.Contains(Normal(b.Address)) || added.Contains(Normal(b.Address)));
        // Keys as written in the state file, which a person may have edited: compare canonical forms.
        var byAddress = new Dictionary<string, BackendSettings>();
        foreach (var (address, setting) in Backends)
        {
            byAddress[Normal(address)] = setting;
        }
        foreach (var backend in result.Backends)
        {
            if (byAddress.TryGetValue(Normal(backend.Address), out var settings))
            {
                backend.Weight = settings.Weight ?? backend.Weight;
                backend.Drained = settings.Drained ?? backend.Drained;
                backend.Disabled = settings.Disabled ?? backend.Disabled;
            }
        }
        result.Backends.AddRange(AddedBackends.Select(StateOverlay.Clone));
        return result;
    }

    /// <summary>A copy with every backend address and the scheduler name in canonical text (see <see cref="StateOverlay.Canonical"/>).</summary>
    public VipOverlay Canonical()
    {
        var settings = new Dictionary<string, BackendSettings>();
        foreach (var (address, setting) in Backends)
        {
            settings[Normal(address)] = setting with { };
        }
        return new()
        {
            AddedBackends = [.. AddedBackends.Select(StateOverlay.Clone)],
            RemovedBackends = [.. RemovedBackends.Select(Normal).Distinct()],
            Backends = settings,
            Scheduler = Scheduler is not null && Schedulers.TryParse(Scheduler, out var scheduler) ? Schedulers.Name(scheduler) : Scheduler,
        };
    }

    /// <summary>An independent copy.</summary>
    public VipOverlay Clone() => new()
    {
        AddedBackends = [.. AddedBackends.Select(StateOverlay.Clone)],
        RemovedBackends = [.. RemovedBackends],
        Backends = Backends.ToDictionary(b => b.Key, b => b.Value with { }),
        Scheduler = Scheduler,
    };

    /// <summary>An address in canonical text, so <c>fd00::0:1</c> and <c>fd00::1</c> are one backend.</summary>
    internal static string Normal(string address) => AddressText.Normal(address);
}
