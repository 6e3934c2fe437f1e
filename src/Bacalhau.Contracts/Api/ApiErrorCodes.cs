namespace Bacalhau.Contracts.Api;

/// <summary>Bacalhau's error code names (its <c>bacerrors</c> codes), as <see cref="ApiError.Code"/> carries them.</summary>
public static class ApiErrorCodes
{
    public const string BadRequest = "BadRequest";
    public const string Unauthorized = "Unauthorized";
    public const string Forbidden = "Forbidden";
    public const string NotFound = "NotFound";
    public const string ResourceInUse = "ResourceInUse";
    public const string TooManyRequests = "TooManyRequests";
    public const string InternalError = "InternalError";
    public const string NotImplemented = "NotImplemented";
    public const string ServiceUnavailable = "ServiceUnavailable";
    public const string TimeOut = "TimeOut";
    public const string ResourceExhausted = "ResourceExhausted";

    /// <summary>
    /// The code of an answer with HTTP <paramref name="status"/>: the inverse of the status Bacalhau infers from a code.
    /// A request the server cannot take as sent (wrong method, media type, size) is the client's to fix, and a route
    /// that is gone is not found.
    /// </summary>
    public static string ForStatus(int status) => status switch
    {
        401 => Unauthorized,
        403 => Forbidden,
        404 or 410 => NotFound,
        409 => ResourceInUse,
        408 or 504 => TimeOut,
        429 => TooManyRequests,
        501 => NotImplemented,
        503 => ServiceUnavailable,
        507 => ResourceExhausted,
        >= 400 and < 500 => BadRequest,
        _ => InternalError,
    };
}
