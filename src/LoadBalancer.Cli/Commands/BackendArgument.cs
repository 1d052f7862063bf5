using System.Globalization;
using LoadBalancer.Core.Api;

namespace LoadBalancer.Cli.Commands;

/// <summary>Backends on the command line: <c>ADDRESS</c> or <c>ADDRESS=WEIGHT</c>.</summary>
public static class BackendArgument
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <exception cref="LbctlException">Not ADDRESS[=WEIGHT] (exit code 2).</exception>
    public static BackendRequest Parse(string text)
    {
        var equals = text.LastIndexOf('=');
        if (equals < 0)
        {
            return new BackendRequest(text);
        }
        return long.TryParse(text[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var weight)
            ? new BackendRequest(text[..equals], weight)
            : throw new LbctlException(ExitCodes.Usage, $"'{text}' is not ADDRESS or ADDRESS=WEIGHT");
    }
}
