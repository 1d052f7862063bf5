namespace LoadBalancer.Cli;

/// <summary>A failure lbctl reports in one line (plus problems, if any) and exits with <see cref="ExitCode"/>.</summary>
public sealed class LbctlException(int exitCode, string message, IReadOnlyList<string>? problems = null) : Exception(message)
{
    /// <summary>See <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Each problem as <c>path: message</c>.</summary>
    public IReadOnlyList<string> Problems { get; } = problems ?? [];
}
