using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class ApiActionsTests
{
    [Theory]
    [InlineData("*", ApiPermissions.All)]
    [InlineData("*:*", ApiPermissions.All)]
    [InlineData("read:*", ApiPermissions.Read)]
    [InlineData("write:*", ApiPermissions.Write)]
    [InlineData("read:job", ApiPermissions.ReadJob)]
    [InlineData(" Write:Job ", ApiPermissions.WriteJob)]
    [InlineData("read:node", ApiPermissions.ReadNode)]
    [InlineData("write:node", ApiPermissions.WriteNode)]
    [InlineData("read:agent", ApiPermissions.ReadAgent)]
    [InlineData("*:job", ApiPermissions.ReadJob | ApiPermissions.WriteJob)]
    public void Bacalhau_actions_grant_their_permissions(string action, ApiPermissions expected) =>
        Assert.Equal(expected, ApiActions.Parse(action));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("admin")]
    [InlineData("read")]
    [InlineData("read:")]
    [InlineData("delete:job")]
    [InlineData("read:jobs")]
    [InlineData("write:agent")]
    public void Anything_else_is_not_an_action(string? action) => Assert.Null(ApiActions.Parse(action));
}
