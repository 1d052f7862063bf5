using LoadBalancer.Core.Model;

namespace LoadBalancer.Core.Config;

/// <summary>Validates <c>store</c>; every problem at the path of its key.</summary>
internal static class StoreValidator
{
    private static readonly string[] s_kinds = ["file", "etcd"];

    /// <summary>The store settings; <see cref="StoreSpec.File"/> when absent, null when invalid (problems in <paramref name="errors"/>).</summary>
    public static StoreSpec? Validate(StoreConfig? store, List<ConfigError> errors)
    {
        if (store is null)
        {
            return StoreSpec.File;
        }
        var start = errors.Count;
        var kind = Array.IndexOf(s_kinds, store.Kind);
        if (kind < 0)
        {
            var near = NearestName.Find(s_kinds, store.Kind ?? "");
            errors.Add(new("store.kind", $"'{store.Kind}' is not file or etcd{(near is null ? "" : $"; did you mean '{near}'?")}"));
        }
        var endpoints = new List<Uri>();
        var listed = store.Endpoints ?? [];
        for (var i = 0; i < listed.Count; i++)
        {
            if (Uri.TryCreate(listed[i], UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Port > 0)
            {
                endpoints.Add(uri);
            }
            else
            {
                errors.Add(new($"store.endpoints[{i}]", $"'{listed[i]}' is not an etcd client URL like http://127.0.0.1:2379"));
            }
        }
        if (kind == 1 && listed.Count == 0)
        {
            errors.Add(new("store.endpoints", "etcd needs at least one client URL, e.g. [http://127.0.0.1:2379]"));
        }
        if (kind == 0 && listed.Count > 0)
        {
            errors.Add(new("store.endpoints", "only an etcd store has endpoints; set store.kind: etcd or remove them"));
        }
        var prefix = store.Prefix ?? "";
        if (!prefix.StartsWith('/') || prefix.Length < 2 || prefix.EndsWith('/') || prefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            errors.Add(new("store.prefix", $"'{store.Prefix}' is not a key prefix like /lb/edge1 (starts with '/', no trailing '/', no spaces)"));
        }
        if (!Duration.TryParse(store.Timeout, out var timeout) || timeout < TimeSpan.FromMilliseconds(100) || timeout > TimeSpan.FromMinutes(1))
        {
            errors.Add(new("store.timeout", $"'{store.Timeout}' is not a duration between 100ms and 60s (e.g. 2s)"));
        }
        if (errors.Count > start)
        {
            return null;
        }
        return new StoreSpec(kind == 0 ? StoreKind.File : StoreKind.Etcd, endpoints, prefix, timeout);
    }
}
