using System.Net;
using LoadBalancer.Core.Health;

namespace LoadBalancer.Core.Model;

/// <summary>A validated backend of a VIP.</summary>
/// <param name="Address">Where the balancer tunnels the VIP's packets.</param>
/// <param name="Weight">Share of new flows relative to the VIP's other backends; 0 = none.</param>
/// <param name="Drained">Takes no new flows; its existing flows continue until they end or the drain timeout.</param>
public sealed record BackendSpec(IPAddress Address, ushort Weight, bool Drained = false)
{
    /// <summary>Out of service by an operator: no new flows, flows removed, not probed.</summary>
    public bool Disabled { get; init; }

    /// <summary>How its health is checked: its VIP's check with its own overrides.</summary>
    public ProbeSpec Probe { get; init; } = ProbeSpec.None;

    /// <summary>The weight new flows see as configured: 0 while drained or disabled (health may lower it further).</summary>
    public ushort EffectiveWeight => Drained || Disabled ? (ushort)0 : Weight;
}
