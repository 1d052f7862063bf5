using System.Net;

namespace LoadBalancer.Core.Model;

/// <summary>A validated BGP neighbour.</summary>
/// <param name="Address">The router's address.</param>
/// <param name="As">The router's AS number.</param>
/// <param name="Port">The router's BGP port.</param>
public sealed record BgpPeerSpec(IPAddress Address, uint As, ushort Port);
