// lbctl: drives lbd over its local API. Commands live in Commands/, one file per group.
using System.CommandLine;
using LoadBalancer.Cli;
using LoadBalancer.Cli.Commands;

var cli = new CliContext();
var root = new RootCommand("lbctl: drive the lbd load balancer. Tables by default, --json for scripts. Exit codes: 0 done, 1 refused or failed, 2 usage, 3 lbd unreachable, 4 not root.");
root.Options.Add(cli.Instance);
root.Options.Add(cli.Socket);
root.Options.Add(cli.Json);
root.Subcommands.Add(StatusCommand.Build(cli));
root.Subcommands.Add(VipCommands.Build(cli));
root.Subcommands.Add(BackendCommands.Build(cli));
root.Subcommands.Add(HealthCommand.Build(cli));
root.Subcommands.Add(StatsCommand.Build(cli));
root.Subcommands.Add(FlowsCommand.Build(cli));
root.Subcommands.Add(ExplainCommand.Build(cli));
root.Subcommands.Add(ConfigCommands.Build(cli));
root.Subcommands.Add(NodeCommands.Build(cli));

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"lbctl: {error.Message}");
    }
    Console.Error.WriteLine("lbctl: see lbctl --help");
    return ExitCodes.Usage;
}
try
{
    return await parse.InvokeAsync();
}
catch (LbctlException e)
{
    return CliContext.Fail(e);
}
