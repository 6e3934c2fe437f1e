using Bacalhau.Orchestrator.Auth;

namespace Bacalhau.Orchestrator.Tests.Auth;

public sealed class ApiCredentialsTests
{
    private const string GeneratedKey = "generated-admin-key-0123456789";

    private static readonly ApiCredentials Credentials = new(
        new ApiAuthOptions
        {
            Users =
            [
                new() { Alias = "Read Only", APIKey = "reader-key-0123456789", Capabilities = [new() { Actions = ["read:*"] }] },
                new() { Username = "jobs", Password = PasswordHash.Create("pw-of-jobs"), Capabilities = [new() { Actions = ["read:job"] }, new() { Actions = ["write:job"] }] },
            ],
        },
        GeneratedKey);

    [Fact]
    public void A_key_finds_its_user_with_the_union_of_its_capabilities()
    {
        Assert.Equal(new ApiCaller("Read Only", ApiPermissions.Read), Credentials.FindByKey("reader-key-0123456789"));
        Assert.Equal(new ApiCaller("generated admin key", ApiPermissions.All), Credentials.FindByKey(GeneratedKey));
        Assert.Null(Credentials.FindByKey("reader-key-012345678"));
        Assert.Null(Credentials.FindByKey(""));
    }

    [Fact]
    public void A_username_and_password_find_their_user_every_time_and_a_wrong_password_never()
    {
        var expected = new ApiCaller("jobs", ApiPermissions.ReadJob | ApiPermissions.WriteJob);
        Assert.Equal(expected, Credentials.FindByPassword("jobs", "pw-of-jobs"));
        Assert.Equal(expected, Credentials.FindByPassword("jobs", "pw-of-jobs"));
        Assert.Null(Credentials.FindByPassword("jobs", "pw-of-job"));
        Assert.Null(Credentials.FindByPassword("job", "pw-of-jobs"));
        Assert.Null(Credentials.FindByPassword("jobs\0pw", "of-jobs"));
    }
}
