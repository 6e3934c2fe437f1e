using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;

namespace Bacalhau.S3;

/// <summary>One line for what a store answered, naming the object: never the request's signature or credentials.</summary>
public static class S3Errors
{
    public static string Describe(Exception ex, string bucket, string key)
    {
        var what = $"s3://{bucket}/{key}";
        return ex switch
        {
            AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.NotFound, ErrorCode: "NoSuchBucket" } => $"{what}: the bucket '{bucket}' does not exist",
            AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.NotFound } => $"{what}: no such object",
            AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden } => $"{what}: access denied to this node's credentials",
            AmazonServiceException service => $"{what}: the store answered {((int)service.StatusCode).ToString(CultureInfo.InvariantCulture)} {service.ErrorCode} {service.Message}".TrimEnd(),
            _ => $"{what}: {ex.Message}",
        };
    }
}
