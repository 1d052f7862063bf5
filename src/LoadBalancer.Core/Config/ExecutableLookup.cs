namespace LoadBalancer.Core.Config;

/// <summary>Finds the program of a command check as the daemon would run it: an absolute path, or a name on PATH.</summary>
public static class ExecutableLookup
{
    /// <summary>Whether <paramref name="program"/> names an executable file (by path, or by name on PATH).</summary>
    public static bool Exists(string program)
    {
        if (program.Contains('/'))
        {
            return IsExecutable(program);
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => IsExecutable(Path.Combine(dir, program)));
    }

    private static bool IsExecutable(string file)
        => File.Exists(file)
            && (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
