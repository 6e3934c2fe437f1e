using Bacalhau.ServiceDefaults.Options;

namespace Bacalhau.ServiceDefaults.Tests.Options;

public sealed class OptionsProblemsTests
{
    [Fact]
    public void Values_in_range_are_no_problem()
    {
        var result = new OptionsProblems("Compute:Docker")
            .Between("PidsLimit", 1, 1, 10)
            .Between("Port", 10, 1, 10)
            .Duration("Interval", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1))
            .Check(true, "Host", "unused")
            .Result;

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Every_problem_is_reported_naming_its_full_key()
    {
        var result = new OptionsProblems("Compute:Docker")
            .Between("PidsLimit", -3, 1, 10)
            .Duration("Interval", TimeSpan.Zero, TimeSpan.FromHours(1))
            .Duration("Timeout", TimeSpan.FromHours(2), TimeSpan.FromHours(1))
            .Check(false, "Host", "'x' is not an address")
            .Result;

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "Compute:Docker:PidsLimit: must be between 1 and 10, got -3",
                "Compute:Docker:Interval: must be more than 0 and at most 01:00:00, got 00:00:00",
                "Compute:Docker:Timeout: must be more than 0 and at most 01:00:00, got 02:00:00",
                "Compute:Docker:Host: 'x' is not an address",
            ],
            result.Failures);
    }
}
