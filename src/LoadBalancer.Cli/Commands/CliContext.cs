using System.CommandLine;
using System.Text.Json;
using LoadBalancer.Cli.Client;
using Tmds.Linux;

namespace LoadBalancer.Cli.Commands;

/// <summary>What every command shares: the global options, reaching lbd, and turning failures into one line and an exit code.</summary>
public sealed class CliContext
{
    /// <summary>--instance.</summary>
    public Option<string> Instance { get; } = new("--instance")
    {
        Description = "lbd instance to talk to (its socket is /run/lb/INSTANCE.sock)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LBCTL_INSTANCE") ?? "lb",
        Recursive = true,
    };

    /// <summary>--socket.</summary>
    public Option<string?> Socket { get; } = new("--socket")
    {
        Description = "lbd's API socket, overriding --instance (env LBCTL_SOCKET)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("LBCTL_SOCKET"),
        Recursive = true,
    };

    /// <summary>--json.</summary>
    public Option<bool> Json { get; } = new("--json")
    {
        Description = "print lbd's answer as JSON instead of a table",
        Recursive = true,
    };

    /// <summary>Runs <paramref name="action"/> against lbd; every failure ends as one line on stderr and an exit code.</summary>
    public async Task<int> Run(ParseResult parse, Func<LbdClient, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        try
        {
            if (LibC.geteuid() != 0)
            {
                throw new LbctlException(ExitCodes.Denied, "lbctl needs root: lbd's API socket is root-only (run: sudo lbctl ...)");
            }
            using var client = new LbdClient(parse.GetValue(Socket) ?? $"/run/lb/{parse.GetValue(Instance)}.sock");
            await action(client, cancellationToken);
            return ExitCodes.Ok;
        }
        catch (LbctlException e)
        {
            return Fail(e);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Ok; // Ctrl-C, e.g. ending stats --watch
        }
    }

    /// <summary>Prints <paramref name="e"/> and returns its exit code.</summary>
    public static int Fail(LbctlException e)
    {
        Console.Error.WriteLine($"lbctl: {e.Message}");
        foreach (var problem in e.Problems)
        {
            Console.Error.WriteLine($"  {problem}");
        }
        return e.ExitCode;
    }

    /// <summary>Prints lbd's answer: the raw JSON with --json, else <paramref name="human"/>.</summary>
    public void Print(ParseResult parse, LbdClient client, Func<string> human)
    {
        if (parse.GetValue(Json))
        {
            using var doc = JsonDocument.Parse(client.LastBody);
            Console.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            Console.Write(human());
        }
    }
}
