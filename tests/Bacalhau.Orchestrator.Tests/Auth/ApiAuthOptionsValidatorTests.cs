using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class ApiAuthOptionsValidatorTests
{
    private static readonly string Hash = PasswordHash.Create("s3cret-pass");

    [Fact]
    public void Users_with_a_hashed_password_or_a_long_key_and_known_actions_are_accepted()
    {
        var options = Options(
            User(username: "reader", password: Hash, actions: ["read:*"]),
            User(key: "0123456789abcdef0123", actions: ["write:job", "read:job"]),
            User(username: "admin", password: Hash, key: "fedcba9876543210fedc", actions: ["*"]));
        options.AnonymousActions = ["read:agent"];
        Assert.True(new ApiAuthOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Every_fault_is_named_by_its_key()
    {
        var options = Options(
            User(username: "plain", password: "secureAdminPassword", actions: ["*"]),
            User(key: "short", actions: ["read:*"]),
            User(username: "nopass", actions: ["read:*"]),
            User(actions: ["read:*"]),
            User(key: "0123456789abcdef0123", actions: ["admin"]),
            User(key: "0123456789abcdef0123", actions: []),
            User(username: "plain", password: Hash, actions: ["read:*"]));
        options.AnonymousActions = ["read:*", "everything"];
        options.FailedAttemptsPerMinute = -1;

        var failures = new ApiAuthOptionsValidator().Validate(null, options).Failures!.ToList();

        Assert.Contains(failures, f => f.StartsWith("API.Auth.Users[0].Password: expected a hash", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("API.Auth.Users[1].APIKey: at least 16 characters", StringComparison.Ordinal));
        Assert.Contains("API.Auth.Users[2].Password: required with a Username", failures);
        Assert.Contains("API.Auth.Users[3]: a user needs a Username and Password, or an APIKey", failures);
        Assert.Contains(failures, f => f.StartsWith("API.Auth.Users[4].Capabilities[0].Actions[0]: unknown action 'admin'", StringComparison.Ordinal));
        Assert.Contains("API.Auth.Users[5].APIKey: the same key is given to another user", failures);
        Assert.Contains(failures, f => f.StartsWith("API.Auth.Users[5].Capabilities: at least one action", StringComparison.Ordinal));
        Assert.Contains("API.Auth.Users[6].Username: 'plain' is given twice", failures);
        Assert.Contains(failures, f => f.StartsWith("API.Auth.AnonymousActions[1]: unknown action 'everything'", StringComparison.Ordinal));
        Assert.Contains("API.Auth.FailedAttemptsPerMinute: must not be negative (0 turns the limit off)", failures);
        Assert.Equal(10, failures.Count);
    }

    private static ApiAuthOptions Options(params ApiUserOptions[] users) => new() { Users = [.. users] };

    private static ApiUserOptions User(string? username = null, string? password = null, string? key = null, string[]? actions = null) => new()
    {
        Username = username,
        Password = password,
        APIKey = key,
        Capabilities = [new ApiCapabilityOptions { Actions = [.. actions ?? []] }],
    };
}
