using System.Diagnostics;

namespace LoadBalancer.ControlPlane.Tests.Bgp;

/// <summary>
/// Runs commands (ip, nsenter, gobgp, birdc, ss) with a bounded time and their output in the error.
/// LoadBalancer.Testing's Shell does the same, but this project does not reference it.
/// </summary>
internal static class Run
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="file"/> and returns stdout and stderr; throws with them on a non-zero exit.</summary>
    public static string Checked(string file, params string[] args)
    {
        var (code, output) = Try(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"`{file} {string.Join(' ', args)}` exited {code}:\n{output}");
    }

    /// <summary>Runs <paramref name="file"/> and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) Try(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{file} {string.Join(' ', args)}` did not finish within {s_timeout.TotalSeconds}s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Whether <paramref name="program"/> is an executable in PATH.</summary>
    public static bool InPath(string program)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, program)));
}
