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
    /// Reads <paramref name="yaml"/>. The values are validated only when the reading failed, so that
    /// the exception lists every problem at once; a config that reads cleanly is returned as is.
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
            errors.AddRange(e.Errors);
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
                var near = properties.Keys.MinBy(k => Distance(k, key));
                var hint = near is not null && Distance(near, key) <= 2 ? $"; did you mean '{near}'?" : $"; known keys: {string.Join(", ", properties.Keys)}";
                errors.Add(new(keyPath, $"unknown key ({Where(keyNode)}){hint}"));
                continue;
            }
            if (Bind(valueNode, property.PropertyType, property.GetValue(target), keyPath, errors, out var value))
            {
                property.SetValue(target, value);
            }
        }
    }

    private static bool Bind(YamlNode node, Type type, object? current, string path, List<ConfigError> errors, out object? value)
    {
        value = null;
        var nullable = Nullable.GetUnderlyingType(type);
        if (IsNull(node))
        {
            if (!type.IsValueType || nullable is not null)
            {
                return true;
            }
            errors.Add(new(path, $"must have a value ({Where(node)})"));
            return false;
        }
        type = nullable ?? type;
        if (type == typeof(string) || type == typeof(long) || type == typeof(int) || type == typeof(bool))
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
            value = type == typeof(int) ? (object)(int)Math.Clamp(number, int.MinValue, int.MaxValue) : number;
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
            if (Bind(sequence.Children[i], itemType, null, $"{path}[{i}]", errors, out var item))
            {
                list.Add(item);
            }
            else
            {
                ok = false;
            }
        }
        value = list;
        return ok;
    }

    private static bool IsNull(YamlNode node)
        => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Where(YamlNode node) => $"line {node.Start.Line}";

    private static string PathOrRoot(string path) => path.Length == 0 ? "(document)" : path;

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }
}
