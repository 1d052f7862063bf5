using System.Text.Json;
using LoadBalancer.Core.Config;
using LoadBalancer.Core.State;

namespace LoadBalancer.ControlPlane.Store;

/// <summary>
/// The desired state of one node: a YAML configuration file (or an embedded default) and a JSON
/// state file holding the changes made with lbctl, written atomically. A change to the
/// configuration file raises <see cref="Changed"/> (the daemon reloads, as on SIGHUP).
/// </summary>
public sealed class FileStateStore : IDesiredStateStore, IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
    private readonly string? _embeddedConfig;
    private readonly FileSystemWatcher? _watcher;
    private Timer? _debounce;

    /// <summary>A store over <paramref name="configPath"/>, or <paramref name="embeddedConfig"/> when there is no file.</summary>
    public FileStateStore(string? configPath, string? embeddedConfig, string statePath)
    {
        if (configPath is null && embeddedConfig is null)
        {
            throw new ArgumentException("a configuration file or an embedded default is needed");
        }
        ConfigPath = configPath is null ? null : Path.GetFullPath(configPath);
        _embeddedConfig = embeddedConfig;
        StatePath = Path.GetFullPath(statePath);
        if (ConfigPath is not null)
        {
            _watcher = new FileSystemWatcher(Path.GetDirectoryName(ConfigPath)!, Path.GetFileName(ConfigPath))
            {
                NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size,
            };
            _watcher.Changed += (_, _) => Debounce();
            _watcher.Created += (_, _) => Debounce();
            _watcher.Renamed += (_, _) => Debounce();
            _watcher.EnableRaisingEvents = true;
        }
    }

    /// <inheritdoc/>
    public string Description => $"{ConfigPath ?? "embedded default configuration"} + {StatePath}";

    /// <inheritdoc/>
    public string? ConfigPath { get; }

    /// <inheritdoc/>
    public string StatePath { get; }

    /// <inheritdoc/>
    public bool Shared => false;

    /// <inheritdoc/>
    public StoreStatus Status => StoreStatus.Files;

    /// <inheritdoc/>
    public event Action? Changed;

    /// <inheritdoc/>
    public async Task<DesiredState> LoadAsync(CancellationToken cancellationToken)
    {
        var yaml = ConfigPath is null ? _embeddedConfig! : await File.ReadAllTextAsync(ConfigPath, cancellationToken);
        var config = YamlConfigReader.Read(yaml);
        return new DesiredState(config, await ReadOverlayAsync(cancellationToken));
    }

    /// <inheritdoc/>
    public async Task<DesiredState> CommitAsync(DesiredState basis, DesiredState desired, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAsync(StatePath, JsonSerializer.Serialize(desired.Overlay, s_json), cancellationToken);
        return desired;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }

    private async Task<StateOverlay> ReadOverlayAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(StatePath))
        {
            return new StateOverlay();
        }
        try
        {
            var overlay = JsonSerializer.Deserialize<StateOverlay>(await File.ReadAllTextAsync(StatePath, cancellationToken), s_json) ?? new StateOverlay();
            return overlay.Canonical();
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            throw new InvalidDataException($"state file {StatePath} is damaged ({e.Message}); restore it or remove it to drop the run-time changes", e);
        }
    }

    // Editors write a file in several steps; reload once it has been quiet for a moment.
    private void Debounce()
    {
        _debounce?.Dispose();
        _debounce = new Timer(_ => Changed?.Invoke(), null, TimeSpan.FromMilliseconds(300), Timeout.InfiniteTimeSpan);
    }
}
