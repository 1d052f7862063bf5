namespace LoadBalancer.Cli;

/// <summary>lbctl's exit codes, for scripts.</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>lbd refused the request (invalid, not found, exists already) or failed to apply it; or a file did not validate.</summary>
    public const int Refused = 1;

    /// <summary>The command line was wrong.</summary>
    public const int Usage = 2;

    /// <summary>lbd could not be reached: not running, another socket, or no answer in time.</summary>
    public const int Unreachable = 3;

    /// <summary>Not allowed: lbctl runs as non-root, and the API socket is root-only.</summary>
    public const int Denied = 4;
}
