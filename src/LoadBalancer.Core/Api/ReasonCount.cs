namespace LoadBalancer.Core.Api;

/// <summary>Packets that left by one reason.</summary>
/// <param name="Reason">The reason's name, as in the metric label (<c>drop_ip_len</c>).</param>
/// <param name="Action"><c>drop</c> or <c>pass</c>.</param>
/// <param name="Packets">Packets.</param>
/// <param name="Bytes">Their bytes.</param>
public sealed record ReasonCount(string Reason, string Action, ulong Packets, ulong Bytes);
