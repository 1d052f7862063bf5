using LoadBalancer.Core.Config;
using LoadBalancer.Core.Planning;
using LoadBalancer.Core.State;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>What the operator wants: the configuration (file or embedded default) and the run-time changes on top.</summary>
/// <param name="Config">The configuration as read (with a shared store: this node's keys and the cluster's VIPs).</param>
/// <param name="Overlay">Changes made with lbctl and not yet folded into <paramref name="Config"/> (always empty as loaded from a shared store).</param>
public sealed record DesiredState(BalancerConfig Config, StateOverlay Overlay)
{
    /// <summary>The configuration in force: <see cref="Config"/> with <see cref="Overlay"/>.</summary>
    public BalancerConfig Effective => Overlay.ApplyTo(Config);

    /// <summary>The ids a shared store fixed for the VIPs and backends; null for a node's own files.</summary>
    public PinnedIds? Ids { get; init; }

    /// <summary>The shared store's revision this state was read at or written as; 0 for a node's own files.</summary>
    public long Revision { get; init; }
}
