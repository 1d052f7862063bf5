namespace LoadBalancer.Core.Hashing;

/// <summary>One backend as the Maglev builder sees it.</summary>
/// <param name="Key">Stable identity hashed into the backend's permutation: the same key gives the
/// same preferences on every node and after every restart (the address bytes, for a real backend).</param>
/// <param name="Id">The value written into the slots the backend wins.</param>
/// <param name="Weight">Relative share of slots; 0 = none.</param>
public readonly record struct MaglevBackend(ReadOnlyMemory<byte> Key, uint Id, uint Weight);
