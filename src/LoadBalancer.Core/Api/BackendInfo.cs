namespace LoadBalancer.Core.Api;

/// <summary>A backend of a VIP.</summary>
/// <param name="Address">Its address.</param>
/// <param name="Weight">Its configured weight.</param>
/// <param name="Drained">Whether it takes no new flows.</param>
/// <param name="Id">Its backend id in the data plane.</param>
/// <param name="RingShare">The share of the VIP's Maglev ring it holds (0 to 1).</param>
public sealed record BackendInfo(string Address, long Weight, bool Drained, uint Id, double RingShare);
