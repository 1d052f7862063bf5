using System.Net;

namespace LoadBalancer.Core.Health;

/// <summary>One backend of a pool as the rails see it.</summary>
/// <param name="Address">The backend.</param>
/// <param name="Weight">Its configured weight; 0 takes no new flows and does not count in the pool.</param>
/// <param name="Drained">Drained by an operator.</param>
/// <param name="Disabled">Disabled by an operator.</param>
/// <param name="Healthy">What its checks say.</param>
/// <param name="UnhealthySince">When it turned unhealthy: those out longest are ejected first.</param>
/// <param name="Cause">Why it is unhealthy.</param>
/// <param name="RampStart">When it came back into service, while that is within the slow-start window; null = not ramping.</param>
/// <param name="DrainDone">Drained, and its flows have ended or were removed.</param>
public readonly record struct PoolMember(
    IPAddress Address, ushort Weight, bool Drained, bool Disabled, bool Healthy, TimeSpan UnhealthySince, string? Cause, TimeSpan? RampStart, bool DrainDone);
