using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LoadBalancer.Core.Config;

/// <summary>
/// Reads the YAML configuration into a <see cref="BalancerConfig"/>, listing every problem with
/// its path instead of stopping at the first: YAML syntax (with line and column), unknown keys
/// (with the nearest known one), values of the wrong type. YamlDotNet parses; the binding walks
/// the node tree against the configuration classes, whose properties are the keys in snake_case.
/// </summary>
public static class YamlConfigReader
{
    /// <summary>Reads <paramref name="yaml"/> and validates the result: the spec, or every problem, those of
    /// the reading (syntax, unknown keys, mistyped values) and those of the values, together.</summary>
    /// <exception cref="ConfigValidationException">The text is not a valid configuration.</exception>
    public static Model.BalancerSpec Load(string yaml) => ConfigValidator.Validate(Read(yaml));

    /// <summary>
    /// Reads <paramref name="yaml"/>. A config that reads cleanly is returned as is (not validated).
    /// Otherwise what could be read is validated too, so that the exception lists every problem at
    /// once; value problems at or under a path that already has a reading problem are left out, being
    /// its consequence (a mistyped port is not also reported as a bad port).
    /// </summary>
    /// <exception cref="ConfigValidationException">The text is not YAML, or has unknown keys or mistyped values.</exception>
    public static BalancerConfig Read(string yaml)
    {
        var (config, errors) = Bind(yaml);
        if (errors.Count == 0)
        {
            return config;
        }
        try
        {
            ConfigValidator.Validate(config);
        }
        catch (ConfigValidationException e)
        {
            var reading = errors.Select(r => r.Path).ToList();
            errors.AddRange(e.Errors.Where(v => !reading.Any(r => Covers(r, v.Path))));
        }
        throw new ConfigValidationException(errors);
    }

    private static (BalancerConfig Config, List<ConfigError> Errors) Bind(string yaml)
    {
        var errors = new List<ConfigError>();
        var config = new BalancerConfig();
        YamlNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
            if (stream.Documents.Count > 1)
            {
                errors.Add(new("(yaml)", $"{Where(stream.Documents[1].RootNode)}: a second document; the configuration is one document (remove the '---')"));
            }
        }
        catch (YamlException e)
        {
            throw new ConfigValidationException([new ConfigError("(yaml)", $"line {e.Start.Line}, column {e.Start.Column}: {e.InnerException?.Message ?? e.Message}")]);
        }
        if (root is not null && !IsNull(root))
        {
            BindObject(root, config, "", errors);
        }
        return (config, errors);
    }

    private static void BindObject(YamlNode node, object target, string path, List<ConfigError> errors)
    {
        if (node is not YamlMappingNode mapping)
        {
            errors.Add(new(PathOrRoot(path), $"must be a mapping of keys to values ({Where(node)})"));
            return;
        }
        var properties = target.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).ToDictionary(p => ConfigNames.Key(p.Name));
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var keyPath = path.Length == 0 ? key : $"{path}.{key}";
            if (!properties.TryGetValue(key, out var property))
            {
                var near = properties.Keys.MinBy(k => Model.NearestName.Distance(k, key));
                var hint = near is not null && Model.NearestName.Distance(near, key) <= 2 ? $"; did you mean '{near}'?" : $"; known keys: {string.Join(", ", properties.Keys)}";
                errors.Add(new(keyPath, $"unknown key ({Where(keyNode)}){hint}"));
                continue;
            }
            // What could be read is kept even when part of it could not, so the values are validated too.
            if (Bind(valueNode, property.PropertyType, property.GetValue(target), keyPath, errors, out var value) || value is not null)
            {
                property.SetValue(target, value);
            }
        }
    }

    // Binds one value: true if it read cleanly. value is what could be read, also on failure (an
    // object or list with some members unreadable), or null when nothing could.
    private static bool Bind(YamlNode node, Type type, object? current, string path, List<ConfigError> errors, out object? value)
    {
        value = null;
        if (IsNull(node))
        {
            // "key:" with no value: a section or list keeps its default ("node:" = no settings), an
            // optional value stays unset; a value that has a default must be written out, so that
            // "port:" does not silently become every port.
            var section = type != typeof(string) && !type.IsValueType;
            var optional = current is null && (type == typeof(string) || Nullable.GetUnderlyingType(type) is not null);
            if (section || optional)
            {
                value = current;
                return true;
            }
            errors.Add(new(path, $"must have a value ({Where(node)})"));
            return false;
        }
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(long) || type == typeof(bool))
        {
            return BindScalar(node, type, path, errors, out value);
        }
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            return BindList(node, type, path, errors, out value);
        }
        value = current ?? Activator.CreateInstance(type)!;
        var before = errors.Count;
        BindObject(node, value, path, errors);
        return errors.Count == before;
    }

    private static bool BindScalar(YamlNode node, Type type, string path, List<ConfigError> errors, out object? value)
    {
        value = null;
        if (node is not YamlScalarNode scalar)
        {
            errors.Add(new(path, $"must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")} ({Where(node)})"));
            return false;
        }
        var text = scalar.Value ?? "";
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
            {
                value = flag;
                return true;
            }
            errors.Add(new(path, $"'{text}' is not true or false ({Where(node)})"));
            return false;
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            value = number;
            return true;
        }
        errors.Add(new(path, $"'{text}' is not a whole number ({Where(node)})"));
        return false;
    }

    private static bool BindList(YamlNode node, Type type, string path, List<ConfigError> errors, out object? value)
    {
        value = null;
        if (node is not YamlSequenceNode sequence)
        {
            errors.Add(new(path, $"must be a list ({Where(node)})"));
            return false;
        }
        var itemType = type.GetGenericArguments()[0];
        var list = (IList)Activator.CreateInstance(type)!;
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            // Every item keeps its place (null if unreadable), so later problems keep their index.
            ok &= Bind(sequence.Children[i], itemType, null, $"{path}[{i}]", errors, out var item);
            list.Add(item);
        }
        value = list;
        return ok;
    }

    // Whether a problem at path b follows from one at path a: the same key, or one inside it.
    private static bool Covers(string a, string b)
        => b == a || (b.StartsWith(a, StringComparison.Ordinal) && b[a.Length] is '.' or '[');

    private static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Where(YamlNode node) => $"line {node.Start.Line}";

    private static string PathOrRoot(string path) => path.Length == 0 ? "(document)" : path;
}
