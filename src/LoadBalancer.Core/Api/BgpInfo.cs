namespace LoadBalancer.Core.Api;

/// <summary>BGP as this node sees it (part of <see cref="StatusResponse"/>).</summary>
/// <param name="Speaker">Which speaker and how it is reached.</param>
/// <param name="Peers">Each session.</param>
/// <param name="Announced">VIP addresses announced now.</param>
/// <param name="Servable">VIP addresses this node can serve (announced unless drained).</param>
/// <param name="LastError">The last failure talking to the speaker, if it persists.</param>
public sealed record BgpInfo(string Speaker, IReadOnlyList<BgpPeerInfo> Peers, IReadOnlyList<string> Announced, IReadOnlyList<string> Servable, string? LastError);
