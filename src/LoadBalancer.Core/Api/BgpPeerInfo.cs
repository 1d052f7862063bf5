namespace LoadBalancer.Core.Api;

/// <summary>One BGP session.</summary>
/// <param name="Address">The router.</param>
/// <param name="As">Its AS number.</param>
/// <param name="State">Session state as the speaker names it (established, active, connect, idle...).</param>
/// <param name="Since">When the session came up, while established.</param>
public sealed record BgpPeerInfo(string Address, uint As, string State, DateTimeOffset? Since);
