namespace LoadBalancer.Core.Api;

/// <summary>Forwarded packets, their bytes as received, and flow-table entries created.</summary>
public sealed record Traffic(ulong Packets, ulong Bytes, ulong NewFlows);
