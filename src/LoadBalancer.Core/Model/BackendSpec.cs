using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>A validated backend of a VIP.</summary>
/// <param name="Address">Where the balancer tunnels the VIP's packets.</param>
/// <param name="Weight">Share of new flows relative to the VIP's other backends; 0 = none.</param>
/// <param name="Drained">Takes no new flows; its existing flows continue.</param>
public sealed record BackendSpec(IPAddress Address, ushort Weight, bool Drained = false)
{
    /// <summary>The weight new flows see: 0 while drained.</summary>
    public ushort EffectiveWeight => Drained ? (ushort)0 : Weight;
}
