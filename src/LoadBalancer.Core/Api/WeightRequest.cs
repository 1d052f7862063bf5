namespace LoadBalancer.Core.Api;

/// <summary>PUT /v1/vips/{vip}/backends/{address}/weight.</summary>
/// <param name="Weight">The new weight, 0-65535.</param>
public sealed record WeightRequest(long Weight);
