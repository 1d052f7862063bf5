using LoadBalancer.Core.Config;
using LoadBalancer.Core.State;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>What the operator wants: the configuration (file or embedded default) and the run-time changes on top.</summary>
/// <param name="Config">The configuration as read.</param>
/// <param name="Overlay">Changes made with lbctl.</param>
public sealed record DesiredState(BalancerConfig Config, StateOverlay Overlay)
{
    /// <summary>The configuration in force: <see cref="Config"/> with <see cref="Overlay"/>.</summary>
    public BalancerConfig Effective => Overlay.ApplyTo(Config);
}
