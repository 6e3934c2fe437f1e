namespace Bacalhau.Orchestrator.Api;

/// <summary>Declares the body a handler reads by hand, for the API's description.</summary>
internal static class RequestBodyDescription
{
    /// <summary>
    /// The body's model under <paramref name="contentType"/>, and under <c>*/*</c> too:
    /// accepts metadata also makes routing answer 415 to any other content type, while these handlers read the body
    /// whatever its type and say what is wrong with it.
    /// </summary>
    public static RouteHandlerBuilder DescribesBody<TRequest>(this RouteHandlerBuilder builder, string contentType)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(contentType, "*/*");
}
