namespace LoadBalancer.Core.Api;

/// <summary>A backend to add or set.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Weight">Its weight, 0-65535.</param>
public sealed record BackendRequest(string Address, long Weight = 1);
