namespace LoadBalancer.E2E.Tests.Cluster;

/// <summary>One line of BIRD's <c>show protocols</c>.</summary>
/// <param name="State">up, start, down...; for BGP the session state is <see cref="Info"/>'s first word.</param>
/// <param name="Info">For BGP: Established, Active, Connect, Idle... and the last error, if any.</param>
public sealed record BirdProtocol(string Name, string Proto, string Table, string State, string Since, string Info)
{
    /// <summary>The BGP session state (Established, Active, Connect, OpenSent, Idle...), or "" for other protocols.</summary>
    public string BgpState => Proto == "BGP" ? Info.Split(' ', 2)[0] : "";

    public override string ToString() => $"{Name} {Proto} {State} since {Since}: {Info}";
}
