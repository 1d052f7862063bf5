namespace LoadBalancer.Core.Health;

/// <summary>How a backend's health is checked actively.</summary>
public enum ProbeKind
{
    /// <summary>No active check: the backend is healthy unless an operator or the passive signal says otherwise.</summary>
    None,

    /// <summary>A TCP connect to the backend's check port passes.</summary>
    Tcp,

    /// <summary>An HTTP GET whose status is in the expected range passes.</summary>
    Http,

    /// <summary>As <see cref="Http"/> over TLS; the certificate is verified unless told otherwise.</summary>
    Https,

    /// <summary>A program run with the backend in its environment passes by exiting 0 before the timeout.</summary>
    Command,
}
