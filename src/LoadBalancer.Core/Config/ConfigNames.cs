using System.Text;

namespace LoadBalancer.Core.Config;

/// <summary>How configuration keys are spelled: the properties' names in snake_case (<c>OuterSourceV4</c> → <c>outer_source_v4</c>).</summary>
public static class ConfigNames
{
    /// <summary>The key of property <paramref name="propertyName"/>.</summary>
    public static string Key(string propertyName)
    {
        var sb = new StringBuilder(propertyName.Length + 4);
        for (var i = 0; i < propertyName.Length; i++)
        {
            var c = propertyName[i];
            if (i > 0 && char.IsUpper(c) && (char.IsLower(propertyName[i - 1]) || char.IsDigit(propertyName[i - 1])))
            {
                sb.Append('_');
            }
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
