using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class ApiAccessPolicyTests
{
    private static readonly ApiCaller Reader = new("reader", ApiPermissions.Read);
    private static readonly ApiCaller Admin = new("admin", ApiPermissions.All);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Open_endpoints_answer_anyone(bool fromLoopback) =>
        Assert.Equal(ApiDecisionKind.Allow, ApiAccessPolicy.Decide(ApiPermissions.None, ApiPresented.Nothing, fromLoopback, allowAnonymousLoopback: false, ApiPermissions.None).Kind);

    [Fact]
    public void Without_credentials_loopback_is_allowed_unless_closed_and_any_other_address_is_unauthorized()
    {
        Assert.Equal(ApiDecisionKind.Allow, Decide(ApiPermissions.WriteJob, ApiPresented.Nothing, fromLoopback: true).Kind);
        Assert.Equal(ApiDecisionKind.Unauthorized, Decide(ApiPermissions.WriteJob, ApiPresented.Nothing, fromLoopback: true, allowAnonymousLoopback: false).Kind);
        var remote = Decide(ApiPermissions.ReadJob, ApiPresented.Nothing, fromLoopback: false);
        Assert.Equal(ApiDecisionKind.Unauthorized, remote.Kind);
        Assert.Equal(ApiAccessPolicy.MissingCredentials, remote.Message);
    }

    [Fact]
    public void Anonymous_actions_open_exactly_what_they_name_to_every_address()
    {
        Assert.Equal(ApiDecisionKind.Allow, Decide(ApiPermissions.ReadNode, ApiPresented.Nothing, fromLoopback: false, anonymous: ApiPermissions.Read).Kind);
        Assert.Equal(ApiDecisionKind.Unauthorized, Decide(ApiPermissions.WriteNode, ApiPresented.Nothing, fromLoopback: false, anonymous: ApiPermissions.Read).Kind);
    }

    [Fact]
    public void Credentials_that_match_nobody_are_refused_even_from_loopback()
    {
        var decision = Decide(ApiPermissions.ReadJob, ApiPresented.Invalid, fromLoopback: true);
        Assert.Equal(ApiDecisionKind.Unauthorized, decision.Kind);
        Assert.Equal(ApiAccessPolicy.InvalidCredentials, decision.Message);
    }

    [Theory]
    [InlineData(ApiPermissions.ReadJob, ApiDecisionKind.Allow)]
    [InlineData(ApiPermissions.ReadNode, ApiDecisionKind.Allow)]
    [InlineData(ApiPermissions.ReadAgent, ApiDecisionKind.Allow)]
    [InlineData(ApiPermissions.WriteJob, ApiDecisionKind.Forbidden)]
    [InlineData(ApiPermissions.WriteNode, ApiDecisionKind.Forbidden)]
    [InlineData(ApiPermissions.All, ApiDecisionKind.Forbidden)]
    public void A_reader_reads_and_is_forbidden_writes_from_any_address(ApiPermissions required, ApiDecisionKind expected)
    {
        Assert.Equal(expected, Decide(required, ApiPresented.Known(Reader), fromLoopback: false).Kind);
        Assert.Equal(expected, Decide(required, ApiPresented.Known(Reader), fromLoopback: true).Kind);
    }

    [Fact]
    public void A_forbidden_answer_names_the_capability_that_is_missing()
    {
        var decision = Decide(ApiPermissions.WriteNode, ApiPresented.Known(Reader), fromLoopback: false);
        Assert.Equal("'reader' may not do this: it needs the capability write:node", decision.Message);
    }

    [Theory]
    [InlineData(ApiPermissions.ReadJob)]
    [InlineData(ApiPermissions.WriteJob)]
    [InlineData(ApiPermissions.WriteNode)]
    [InlineData(ApiPermissions.All)]
    public void An_admin_may_do_anything(ApiPermissions required) =>
        Assert.Equal(ApiDecisionKind.Allow, Decide(required, ApiPresented.Known(Admin), fromLoopback: false, allowAnonymousLoopback: false).Kind);

    private static ApiDecision Decide(ApiPermissions required, ApiPresented presented, bool fromLoopback, bool allowAnonymousLoopback = true, ApiPermissions anonymous = ApiPermissions.None) =>
        ApiAccessPolicy.Decide(required, presented, fromLoopback, allowAnonymousLoopback, anonymous);
}
