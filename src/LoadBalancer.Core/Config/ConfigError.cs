namespace LoadBalancer.Core.Config;

/// <summary>One problem in a configuration, at the path of the offending key.</summary>
/// <param name="Path">e.g. <c>vips[2].backends[0].weight</c>.</param>
/// <param name="Message">What is wrong and what is allowed.</param>
public sealed record ConfigError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}
