using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>A validated backend of a VIP.</summary>
/// <param name="Address">Where the balancer tunnels the VIP's packets.</param>
/// <param name="Weight">Share of new flows relative to the VIP's other backends; 0 = none.</param>
public sealed record BackendSpec(IPAddress Address, ushort Weight);
