namespace LoadBalancer.Core.Config;

/// <summary>A configuration was refused; <see cref="Errors"/> lists every problem, the message too.</summary>
public sealed class ConfigValidationException : Exception
{
    /// <summary>Creates the exception for <paramref name="errors"/> (at least one).</summary>
    public ConfigValidationException(IReadOnlyList<ConfigError> errors)
        : base(Format(errors))
        => Errors = errors;

    /// <summary>Every problem found, in document order.</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Format(IReadOnlyList<ConfigError> errors)
        => $"invalid configuration ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):\n" + string.Join('\n', errors.Select(e => $"  {e}"));
}
