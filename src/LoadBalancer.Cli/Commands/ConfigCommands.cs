using System.CommandLine;
using LoadBalancer.Cli.Output;
using LoadBalancer.Core.Api;
using LoadBalancer.Core.Config;

namespace LoadBalancer.Cli.Commands;

/// <summary><c>lbctl config validate FILE</c> (offline, the daemon's own validator) and <c>lbctl config reload</c>.</summary>
public static class ConfigCommands
{
    /// <summary>The command group.</summary>
    public static Command Build(CliContext cli)
    {
        var config = new Command("config", "Check a configuration file, or make lbd read its file again.");
        var file = new Argument<FileInfo>("file") { Description = "the YAML file" };
        var validate = new Command("validate", "Check a configuration file with lbd's own validator, offline: every problem with its path; exit 0 if valid, 1 if not.");
        validate.Arguments.Add(file);
        validate.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            try
            {
                var spec = YamlConfigReader.Load(File.ReadAllText(path.FullName));
                Console.WriteLine($"{path.Name}: valid: node {spec.Node.Interface}, {Table.Count(spec.Vips.Count, "VIP")}, {Table.Count(spec.Vips.Sum(v => v.Backends.Count), "backend")}");
                return ExitCodes.Ok;
            }
            catch (ConfigValidationException e)
            {
                return CliContext.Fail(new LbctlException(ExitCodes.Refused, $"{path.Name}: invalid, {e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}:", [.. e.Errors.Select(p => p.ToString())]));
            }
            catch (IOException e)
            {
                return CliContext.Fail(new LbctlException(ExitCodes.Refused, $"cannot read {path.FullName}: {e.Message}"));
            }
        });

        var reload = new Command("reload", "Make lbd read its configuration file again (as SIGHUP does); refused changes leave the running state.");
        reload.SetAction((parse, cancel) => cli.Run(parse, (client, ct) => VipCommands.Change(cli, parse, client, HttpMethod.Post, "v1/reload", null, ct), cancel));

        config.Subcommands.Add(validate);
        config.Subcommands.Add(reload);
        return config;
    }
}
