namespace LoadBalancer.Core.Planning;

/// <summary>
/// An id a shared store took back from a removed VIP or backend, not handed out again before
/// <paramref name="Until"/>, so that no node's flow table still names it when it gets a new owner.
/// Times are wall-clock (UTC), because the list is shared by nodes whose monotonic clocks differ.
/// </summary>
/// <param name="Kind">Whether it is a VIP id or a backend id.</param>
/// <param name="Id">The id.</param>
/// <param name="Until">When the quarantine ends.</param>
public sealed record ReleasedId(ReleasedId.IdKind Kind, uint Id, DateTimeOffset Until)
{
    /// <summary>The two id spaces.</summary>
    public enum IdKind
    {
        /// <summary>A VIP id, 0 .. node.max_vips - 1.</summary>
        Vip,

        /// <summary>A backend id, 1 .. node.max_backends - 1.</summary>
        Backend,
    }
}
