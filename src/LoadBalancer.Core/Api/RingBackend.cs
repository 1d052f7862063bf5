namespace LoadBalancer.Core.Api;

/// <summary>A backend's part of a Maglev ring read back from the maps.</summary>
/// <param name="Id">The backend id in the ring's slots (0: an empty slot, no backend takes new flows).</param>
/// <param name="Address">Its address in lb_reals, or null if lb_reals has no backend under that id.</param>
/// <param name="Slots">How many slots hold it.</param>
public sealed record RingBackend(uint Id, string? Address, uint Slots);
