using Bacalhau.Contracts.Api;
using Bacalhau.Contracts.Serialization;

namespace Bacalhau.Orchestrator.Api;

/// <summary>Error answers in Bacalhau's shape, so clients can show the message as it is.</summary>
public static class ApiErrors
{
    public static IResult BadRequest(string message) => Error(message, StatusCodes.Status400BadRequest);

    public static IResult NotFound(string message) => Error(message, StatusCodes.Status404NotFound);

    public static IResult Error(string message, int code) => Results.Json(new ApiError { Message = message, Code = code }, BacalhauJsonContext.Default.ApiError, statusCode: code);
}
