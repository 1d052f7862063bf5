using System.Diagnostics;

namespace LoadBalancer.Testing;

/// <summary>Runs external commands (ip, ethtool, nsenter, curl) with bounded time and useful errors.</summary>
public static class Shell
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="file"/> and returns stdout; throws with stdout and stderr on a non-zero exit.</summary>
    public static string Run(string file, params string[] args) => Run(file, args, allowFailure: false);

    /// <summary>Runs <paramref name="file"/>; with <paramref name="allowFailure"/> a non-zero exit is not an error.</summary>
    public static string Run(string file, string[] args, bool allowFailure)
    {
        var (code, output) = TryRun(file, args);
        if (code != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` exited {code}:\n{output}");
        }
        return output;
    }

    /// <summary>Runs <paramref name="file"/> and returns its exit code and combined output.</summary>
    public static (int ExitCode, string Output) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{file} {string.Join(' ', args)}` did not finish within {s_timeout.TotalSeconds}s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
