using System.Globalization;
using LoadBalancer.Core.Health;

namespace LoadBalancer.Core.Config;

/// <summary>
/// Validates health configuration: a VIP's <c>health</c> (probe and pool keys) and a backend's
/// overrides of the probe keys. A backend's probe is its VIP's with its own keys on top; a problem
/// is reported at the path of the key that set the bad value, once.
/// </summary>
internal static class HealthValidator
{
    // the passive signal is on by default whenever a backend is actively checked
    private const int DefaultPassiveMinEvents = 3;

    private static readonly string[] s_kinds = ["none", "tcp", "http", "https", "command"];

    /// <summary>Whether any backend of the VIP is set to be actively checked (its kind, or the VIP's, is set and not none), valid or not.</summary>
    public static bool Probed(HealthConfig? vip, IEnumerable<BackendConfig?>? backends)
        => (backends ?? []).Any(b => (b?.Health?.Kind ?? vip?.Kind) is { } kind && kind != "none");

    /// <summary>The pool rails of a VIP's <c>health</c>; <paramref name="probed"/> is <see cref="Probed"/>.</summary>
    public static HealthPolicy Policy(HealthConfig? health, string vipPath, bool probed, List<ConfigError> errors)
    {
        var d = HealthPolicy.Default;
        if (health is null)
        {
            return probed ? d with { Passive = d.Passive with { MinEvents = DefaultPassiveMinEvents } } : d;
        }
        var path = $"{vipPath}.health";
        var slowStart = DurationOf(health.SlowStart, d.SlowStart, TimeSpan.Zero, TimeSpan.FromHours(1), $"{path}.slow_start", errors);
        var maxEjection = Number(health.MaxEjectionPercent, d.MaxEjectionPercent, 0, 100, $"{path}.max_ejection_percent", errors);
        var panic = Number(health.PanicThreshold, d.PanicThreshold, 0, 100, $"{path}.panic_threshold", errors);
        var drain = DurationOf(health.DrainTimeout, d.DrainTimeout, TimeSpan.Zero, TimeSpan.FromDays(1), $"{path}.drain_timeout", errors);
        var minEvents = Number(health.PassiveMinEvents, probed ? DefaultPassiveMinEvents : 0, 0, 1_000_000, $"{path}.passive_min_events", errors);
        var ratio = Number(health.PassiveRatio, d.Passive.RatioPercent, 1, 100, $"{path}.passive_ratio", errors);
        var window = DurationOf(health.PassiveWindow, d.Passive.Window, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(1), $"{path}.passive_window", errors);
        if (!probed && health.PassiveMinEvents > 0)
        {
            errors.Add(new($"{path}.passive_min_events", "the passive signal needs an active check (health.kind) to bring an ejected backend back; set kind, or passive_min_events: 0"));
        }
        return new HealthPolicy(slowStart, maxEjection, panic, drain, new PassiveRule(minEvents, ratio, window));
    }

    /// <summary>
    /// The probe of a backend: <paramref name="vip"/>'s keys with <paramref name="backend"/>'s on top;
    /// null when invalid (the problems are in <paramref name="errors"/>, each once).
    /// </summary>
    public static ProbeSpec? Probe(HealthConfig? vip, HealthConfig? backend, long vipPort, string vipPath, string backendPath, List<ConfigError> errors)
    {
        if (vip is null && backend is null)
        {
            return ProbeSpec.None;
        }
        var local = new List<ConfigError>();
        if (backend is not null)
        {
            RefusePoolKeys(backend, $"{backendPath}.health", local);
        }
        // each key from where it was set: the backend's override, else the VIP, else the default
        (T? Value, string Path) Pick<T>(Func<HealthConfig, T?> key, string name)
            => backend is not null && key(backend) is { } b ? (b, $"{backendPath}.health.{name}")
                : vip is not null && key(vip) is { } v ? (v, $"{vipPath}.health.{name}")
                : (default, $"{vipPath}.health.{name}");

        var kindKey = Pick(h => h.Kind, "kind");
        var kindText = kindKey.Value ?? "none";
        ProbeKind? kind = Array.IndexOf(s_kinds, kindText) is var index and >= 0 ? (ProbeKind)index : null;
        if (kind is null)
        {
            var near = s_kinds.MinBy(k => Model.NearestName.Distance(k, kindText))!;
            var hint = Model.NearestName.Distance(near, kindText) <= 2 ? $"; did you mean '{near}'?" : "";
            local.Add(new(kindKey.Path, $"'{kindText}' is not a check kind: none, tcp, http, https or command{hint}"));
        }

        var intervalKey = Pick(h => h.Interval, "interval");
        var timeoutKey = Pick(h => h.Timeout, "timeout");
        var interval = DurationOf(intervalKey.Value, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1), intervalKey.Path, local);
        var timeout = DurationOf(timeoutKey.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromHours(1), timeoutKey.Path, local);
        if (timeout >= interval && interval > TimeSpan.Zero)
        {
            local.Add(new(timeoutKey.Path, $"{Text(timeout)} must be shorter than the interval ({Text(interval)}), so a probe ends before the next one starts"));
        }
        var riseKey = Pick(h => h.Rise, "rise");
        var fallKey = Pick(h => h.Fall, "fall");
        var jitterKey = Pick(h => h.Jitter, "jitter");
        var rise = Number(riseKey.Value, 2, 1, 100, riseKey.Path, local);
        var fall = Number(fallKey.Value, 3, 1, 100, fallKey.Path, local);
        var jitter = Number(jitterKey.Value, 10, 0, 50, jitterKey.Path, local);

        var portKey = Pick(h => h.Port, "port");
        var port = Number(portKey.Value, 0, 0, 65535, portKey.Path, local);
        if (port == 0 && kind is ProbeKind.Tcp or ProbeKind.Http or ProbeKind.Https)
        {
            port = (int)vipPort;
            if (vipPort == 0)
            {
                local.Add(new(portKey.Path, $"a {kindText} check needs a port: the VIP serves every port (port 0)"));
            }
        }
        var pathKey = Pick(h => h.Path, "path");
        if (pathKey.Value is { } urlPath && (!urlPath.StartsWith('/') || urlPath.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            local.Add(new(pathKey.Path, $"'{urlPath}' is not a URL path: it starts with '/' and has no spaces"));
        }
        var hostKey = Pick(h => h.Host, "host");
        if (hostKey.Value is { } host && (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            local.Add(new(hostKey.Path, $"'{host}' is not a Host header value: not empty, no spaces"));
        }
        var statusKey = Pick(h => h.ExpectStatus, "expect_status");
        var (statusMin, statusMax) = Status(statusKey.Value, statusKey.Path, local);
        var commandKey = Pick(h => h.Command, "command");
        var command = commandKey.Value ?? [];
        if (kind == ProbeKind.Command)
        {
            if (command.Count == 0 || string.IsNullOrWhiteSpace(command[0]))
            {
                local.Add(new(commandKey.Path, "a command check needs the program to run: command: [program, arguments...]"));
            }
            else if (!ExecutableLookup.Exists(command[0]))
            {
                local.Add(new(commandKey.Path, $"'{command[0]}' not found: no executable file by that path or on PATH"));
            }
        }
        else if (command.Count > 0)
        {
            local.Add(new(commandKey.Path, $"is for kind command; this check is {kindText}"));
        }
        var tlsKey = Pick(h => h.TlsVerify, "tls_verify");

        foreach (var error in local.Where(e => !errors.Contains(e)))
        {
            errors.Add(error);
        }
        if (local.Count > 0 || kind is null)
        {
            return null;
        }
        return new ProbeSpec(kind.Value, (ushort)port, interval, timeout, rise, fall, jitter)
        {
            Path = pathKey.Value ?? "/",
            Host = hostKey.Value,
            StatusMin = statusMin,
            StatusMax = statusMax,
            TlsVerify = tlsKey.Value ?? true,
            Command = [.. command],
        };
    }

    private static void RefusePoolKeys(HealthConfig health, string path, List<ConfigError> errors)
    {
        void Refuse(object? value, string key)
        {
            if (value is not null)
            {
                errors.Add(new($"{path}.{key}", "is a setting of the VIP's pool: set it under the VIP's health, not a backend's"));
            }
        }
        Refuse(health.SlowStart, "slow_start");
        Refuse(health.MaxEjectionPercent, "max_ejection_percent");
        Refuse(health.PanicThreshold, "panic_threshold");
        Refuse(health.DrainTimeout, "drain_timeout");
        Refuse(health.PassiveMinEvents, "passive_min_events");
        Refuse(health.PassiveRatio, "passive_ratio");
        Refuse(health.PassiveWindow, "passive_window");
    }

    private static (int Min, int Max) Status(string? text, string path, List<ConfigError> errors)
    {
        if (text is null)
        {
            return (200, 399);
        }
        var parts = text.Split('-', 2);
        if (parts.All(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599))
        {
            var min = int.Parse(parts[0].Trim(), CultureInfo.InvariantCulture);
            var max = parts.Length == 2 ? int.Parse(parts[1].Trim(), CultureInfo.InvariantCulture) : min;
            if (min <= max)
            {
                return (min, max);
            }
        }
        errors.Add(new(path, $"'{text}' is not an HTTP status 100-599 or a range of them like 200-399"));
        return (200, 399);
    }

    private static TimeSpan DurationOf(string? text, TimeSpan fallback, TimeSpan min, TimeSpan max, string path, List<ConfigError> errors)
    {
        if (text is null)
        {
            return fallback;
        }
        if (Duration.TryParse(text, out var value) && value >= min && value <= max)
        {
            return value;
        }
        errors.Add(new(path, $"'{text}' is not a duration between {Text(min)} and {Text(max)} (e.g. 500ms, 2s, 1m)"));
        return TimeSpan.Zero;
    }

    private static int Number(long? value, int fallback, int min, int max, string path, List<ConfigError> errors)
    {
        if (value is null)
        {
            return fallback;
        }
        if (value >= min && value <= max)
        {
            return (int)value.Value;
        }
        errors.Add(new(path, $"{value} must be {min}..{max}"));
        return fallback;
    }

    private static string Text(TimeSpan t)
        => t.TotalMilliseconds < 1000 ? $"{t.TotalMilliseconds:0}ms"
            : t.TotalSeconds < 60 ? $"{t.TotalSeconds:0.###}s"
            : t.TotalMinutes < 60 ? $"{t.TotalMinutes:0.###}m"
            : $"{t.TotalHours:0.###}h";
}
