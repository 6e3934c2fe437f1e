using Microsoft.Extensions.Options;

namespace Bacalhau.Orchestrator.Auth;

/// <summary>Refuses at start an <c>API.Auth</c> section that would let the wrong people in, naming the key at fault.</summary>
internal sealed class ApiAuthOptionsValidator : IValidateOptions<ApiAuthOptions>
{
    public const int MinimumKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, ApiAuthOptions options)
    {
        var errors = new List<string>();
        var usernames = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Users.Count; i++)
        {
            var user = options.Users[i];
            var at = $"API.Auth.Users[{i}]";
            var hasKey = !string.IsNullOrEmpty(user.APIKey);
            var hasUsername = !string.IsNullOrWhiteSpace(user.Username);
            if (!hasKey && !hasUsername)
            {
                errors.Add($"{at}: a user needs a Username and Password, or an APIKey");
            }

            if (hasUsername && !usernames.Add(user.Username!))
            {
                errors.Add($"{at}.Username: '{user.Username}' is given twice");
            }

            if (hasUsername && string.IsNullOrEmpty(user.Password))
            {
                errors.Add($"{at}.Password: required with a Username");
            }
            else if (!string.IsNullOrEmpty(user.Password) && (!hasUsername || PasswordHash.Problem(user.Password) is not null))
            {
                errors.Add($"{at}.Password: " + (hasUsername ? PasswordHash.Problem(user.Password) : "a Password needs a Username"));
            }

            if (hasKey && user.APIKey!.Length < MinimumKeyLength)
            {
                errors.Add($"{at}.APIKey: at least {MinimumKeyLength} characters (generate one with `openssl rand -base64 32`)");
            }
            else if (hasKey && !keys.Add(user.APIKey!))
            {
                errors.Add($"{at}.APIKey: the same key is given to another user");
            }

            if (user.Capabilities.Count == 0 || user.Capabilities.All(c => c.Actions.Count == 0))
            {
                errors.Add($"{at}.Capabilities: at least one action ({ApiActions.Expected})");
            }

            for (var c = 0; c < user.Capabilities.Count; c++)
            {
                errors.AddRange(InvalidActions(user.Capabilities[c].Actions, $"{at}.Capabilities[{c}].Actions"));
            }
        }

        errors.AddRange(InvalidActions(options.AnonymousActions, "API.Auth.AnonymousActions"));
        if (options.FailedAttemptsPerMinute < 0)
        {
            errors.Add("API.Auth.FailedAttemptsPerMinute: must not be negative (0 turns the limit off)");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static IEnumerable<string> InvalidActions(List<string> actions, string at) =>
        actions.Select((action, index) => (action, index))
            .Where(a => ApiActions.Parse(a.action) is null)
            .Select(a => $"{at}[{a.index}]: unknown action '{a.action}': expected {ApiActions.Expected}");
}
