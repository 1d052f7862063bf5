namespace LoadBalancer.Core.Scheduling;

/// <summary>One backend of a VIP as the ring and list builders see it.</summary>
/// <param name="Key">Stable identity (the address bytes, for a real backend): it orders lists and is hashed into
/// the backend's Maglev permutation, so every node builds the same ring and list from the same configuration.</param>
/// <param name="Id">The value written into the ring slots or list entries the backend gets.</param>
/// <param name="Weight">Effective weight; 0 (weight 0 or drained) = left out.</param>
public readonly record struct ScheduleMember(ReadOnlyMemory<byte> Key, uint Id, uint Weight)
{
    /// <summary>Orders members by <see cref="Key"/>, byte by byte.</summary>
    public static IComparer<ReadOnlyMemory<byte>> KeyOrder { get; } = Comparer<ReadOnlyMemory<byte>>.Create((x, y) => x.Span.SequenceCompareTo(y.Span));
}
